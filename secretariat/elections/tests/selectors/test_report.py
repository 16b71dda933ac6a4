"""The eligibility report's content, built from the reviews (selectors.reports)."""

from __future__ import annotations

import json

import pytest
from django.http import Http404

from secretariat.elections.models import EligibilityReport, Finding
from secretariat.elections.selectors.reports import (
    pending_candidates,
    report_content,
    report_get_for_user,
    report_list_for_call,
    report_view,
    same_content,
)
from secretariat.elections.tests.report_world import (
    add_candidates,
    review_everyone,
    world_fixture,  # noqa: F401  (the `world` fixture)
)

pytestmark = pytest.mark.django_db


def _candidates(content, office_index=0):
    return {c["name"]: c for c in content["offices"][office_index]["candidates"]}


def test_it_says_pending_while_nothing_is_reviewed(world):
    # given no finding at all
    # when
    content = report_content(world.call)
    # then
    ana = _candidates(content)["Ana Pérez"]
    assert ana["conclusion"] == "pending"
    assert [f["result"] for f in ana["findings"]] == ["pending", "pending"]
    assert content["summary"] == {"eligible": 0, "not_eligible": 0, "pending": 2, "withdrawn": 1}


def test_it_says_eligible_when_every_finding_is_met_and_not_eligible_when_one_is_not(world):
    # given
    review_everyone(world)
    # when
    content = report_content(world.call)
    # then
    candidates = _candidates(content)
    assert candidates["Ana Pérez"]["conclusion"] == "eligible"
    assert candidates["Bruno Silva"]["conclusion"] == "not_eligible"
    cv = candidates["Bruno Silva"]["findings"][1]
    assert cv["result"] == "not_met"
    assert cv["note"] == "No se recibió el currículum."
    assert cv["confirmed_by"] == world.officer.full_name
    assert cv["confirmed_at"] is not None


def test_it_counts_an_unconfirmed_finding_as_pending(world):
    # given Ana's findings all met, one not yet confirmed by an officer
    review_everyone(world)
    Finding.objects.filter(version__nomination=world.ana, requirement=world.cv).update(
        confirmed=False
    )
    # when
    ana = _candidates(report_content(world.call))["Ana Pérez"]
    # then
    assert ana["findings"][1]["result"] == "pending"
    assert ana["conclusion"] == "pending"
    assert ("Secretary General", "Ana Pérez") in pending_candidates(report_content(world.call))


def test_it_lists_withdrawn_nominations_apart(world):
    # when
    content = report_content(world.call)
    # then
    comptroller = content["offices"][1]
    assert comptroller["candidates"] == []
    assert [w["name"] for w in comptroller["withdrawn"]] == ["Carla Roy"]
    assert comptroller["withdrawn"][0]["withdrawn_at"] is not None


def test_it_applies_each_office_its_own_requirements_in_order(world):
    # when
    content = report_content(world.call)
    # then: the curriculum is the Secretary General's requirement only
    sg, comptroller = content["offices"]
    assert [r["id"] for r in sg["requirements"]] == [world.standing.pk, world.cv.pk]
    assert [r["id"] for r in comptroller["requirements"]] == [world.standing.pk]


def test_it_stores_every_label_in_every_language_and_is_json(world):
    # when
    content = report_content(world.call)
    # then
    json.dumps(content)
    sg = content["offices"][0]
    assert sg["office"] == {
        "es": "Secretario General",
        "en": "Secretary General",
        "pt": "Secretário-Geral",
        "fr": "Secrétaire général",
    }
    # an empty translation reads as the authoritative Spanish
    assert sg["requirements"][1]["label"] == {
        "es": "Currículum",
        "en": "Curriculum vitae",
        "pt": "Currículum",
        "fr": "Curriculum vitæ",
    }
    ana = _candidates(content)["Ana Pérez"]
    assert ana["nationality"]["en"] == "Mexico"
    assert ana["nominated_by"] == "Instituto Alfa"
    assert ana["version"] == 1
    assert ana["channel"] == "portal"


def test_it_builds_the_same_content_twice_in_the_same_order(world):
    review_everyone(world)
    assert same_content(report_content(world.call), report_content(world.call))


def test_it_reads_the_content_in_a_language(world):
    # given
    review_everyone(world)
    content = report_content(world.call)
    # when
    view = report_view(content, "es")
    # then
    office = view.offices[0]
    assert office.office == "Secretario General"
    assert office.requirements == ("Postulado por un miembro titular al corriente", "Currículum")
    assert [c.conclusion for c in office.candidates] == ["eligible", "not_eligible"]
    assert office.candidates[1].cells[1].requirement == "Currículum"


@pytest.mark.parametrize("extra", [0, 6])
def test_it_builds_the_content_in_a_fixed_number_of_queries(
    world, extra, django_assert_num_queries
):
    # given
    add_candidates(world, extra)
    # when / then: the Call's session, offices, requirements, nominations, versions, findings
    with django_assert_num_queries(6):
        report_content(world.call)


def test_it_hides_drafts_from_those_who_only_read(world, finance_officer, comptroller):
    # given
    draft = EligibilityReport.objects.create(call=world.call, version=1, content={})
    signed = EligibilityReport.objects.create(
        call=world.call, version=2, content={}, state=EligibilityReport.State.SIGNED
    )
    # then
    for reader in (finance_officer, comptroller):
        with pytest.raises(Http404):
            report_get_for_user(user=reader, pk=draft.pk)
        assert report_get_for_user(user=reader, pk=signed.pk) == signed
        assert report_list_for_call(user=reader, call=world.call) == [signed]
    assert report_list_for_call(user=world.officer, call=world.call) == [signed, draft]


def test_it_refuses_the_sign_action_to_an_officer(world):
    draft = EligibilityReport.objects.create(call=world.call, version=1, content={})
    with pytest.raises(Http404):
        report_get_for_user(user=world.officer, pk=draft.pk, action="sign")
    assert report_get_for_user(user=world.secretary_general, pk=draft.pk, action="sign") == draft


def test_the_pdf_says_its_findings_and_conclusions_in_its_own_language(world):
    # given a reviewed report, read while the site speaks Spanish
    from django.utils import translation

    from secretariat.elections.selectors.reports import report_pdf_html

    review_everyone(world)
    report = EligibilityReport.objects.create(
        call=world.call, version=1, content=report_content(world.call), created_by=world.officer
    )
    # when
    with translation.override("es"):
        english = report_pdf_html(report, "en")
        spanish = report_pdf_html(report, "es")
    # then
    assert "Met" in english and "Cumplido" not in english
    assert "Cumplido" in spanish
