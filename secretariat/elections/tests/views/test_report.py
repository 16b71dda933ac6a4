"""The eligibility report's pages: without permission, with it, with the wrong scope; its
query counts; its PDF in es, en and pt."""

from __future__ import annotations

import pytest
from django.urls import reverse

from secretariat.conftest import client_for
from secretariat.core.testing import get_document
from secretariat.elections.models import EligibilityReport
from secretariat.elections.services.reports import report_draft, report_sign
from secretariat.elections.tests.report_world import (
    add_candidates,
    review_everyone,
    world_fixture,  # noqa: F401  (the `world` fixture)
)

pytestmark = pytest.mark.django_db


def _page(world) -> str:
    return reverse("elections:report", kwargs={"pk": world.call.pk})


def test_it_refuses_the_page_to_members_and_strangers(world, rep_a):
    assert client_for(rep_a).get(_page(world)).status_code == 403
    response = client_for(None).get(_page(world))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_it_shows_no_draft_yet_and_the_button_to_draft(world):
    response = client_for(world.officer).get(_page(world))
    assert response.status_code == 200
    assert "No draft yet" in response.text
    assert reverse("elections:report-draft", kwargs={"pk": world.call.pk}) in response.text


def test_it_shows_the_draft_as_a_table_per_office(world):
    review_everyone(world)
    report_draft(actor=world.officer, call=world.call)
    response = client_for(world.officer).get(_page(world))
    assert response.status_code == 200
    text = response.text
    assert "Ana Pérez" in text and "Bruno Silva" in text
    assert "Curriculum vitae" in text and "Not eligible" in text
    assert "Carla Roy" in text  # withdrawn, apart
    assert "Only the Secretary General signs the report off." in text


def test_it_hides_a_draft_from_those_who_only_read(world, finance_officer):
    review_everyone(world)
    draft = report_draft(actor=world.officer, call=world.call)
    client = client_for(finance_officer)
    response = client.get(_page(world))
    assert response.status_code == 200
    assert "Ana Pérez" not in response.text and "No signed version yet" in response.text
    pdf = reverse("elections:report-pdf", kwargs={"pk": draft.pk, "lang": "es"})
    assert client.get(pdf).status_code == 404


def test_those_who_only_read_see_the_signed_version(world, comptroller):
    review_everyone(world)
    draft = report_draft(actor=world.officer, call=world.call)
    report_sign(actor=world.secretary_general, report=draft, reason="Informe")
    response = client_for(comptroller).get(_page(world))
    assert "Ana Pérez" in response.text and "Signed" in response.text


def test_the_secretary_general_gets_the_sign_form_with_the_election_item_chosen(world):
    review_everyone(world)
    report_draft(actor=world.officer, call=world.call)
    response = client_for(world.secretary_general).get(_page(world))
    assert "Sign and freeze the report" in response.text
    assert f'<option value="{world.election_item.pk}" selected>' in response.text


@pytest.mark.parametrize("extra", [0, 8])
def test_the_page_costs_the_same_queries_whatever_the_candidates(
    world, extra, django_assert_num_queries
):
    # given
    add_candidates(world, extra)
    review_everyone(world)
    report_draft(actor=world.secretary_general, call=world.call)
    client = client_for(world.secretary_general)
    client.get(_page(world))  # the first request writes the session's last-seen time
    # when / then: the session, the user, the user's groups (permissions), the Call with its
    # session, the versions (with their signer and document), the agenda items twice (the
    # default item, and the sign form's choices)
    with django_assert_num_queries(7):
        response = client.get(_page(world))
    assert response.status_code == 200


def test_an_officer_drafts_and_refreshes_and_finance_may_not(world, finance_officer):
    url = reverse("elections:report-draft", kwargs={"pk": world.call.pk})
    assert client_for(world.officer).get(url).status_code == 405
    assert client_for(finance_officer).post(url).status_code == 403
    assert not EligibilityReport.objects.exists()
    response = client_for(world.officer).post(url, {"reason": ""})
    assert response.status_code == 302
    report = EligibilityReport.objects.get()
    review_everyone(world)
    refresh = reverse("elections:report-refresh", kwargs={"pk": report.pk})
    assert client_for(finance_officer).post(refresh).status_code == 403
    client_for(world.officer).post(refresh)
    report.refresh_from_db()
    assert report.content["summary"]["eligible"] == 1


def test_only_the_secretary_general_signs_and_is_told_what_is_pending(world):
    draft = report_draft(actor=world.officer, call=world.call)
    url = reverse("elections:report-sign", kwargs={"pk": draft.pk})
    assert client_for(world.officer).post(url, {"reason": "x"}).status_code == 403
    client = client_for(world.secretary_general)
    response = client.post(url, {"reason": "Informe"}, follow=True)
    assert "Ana Pérez (Secretary General)" in response.text
    draft.refresh_from_db()
    assert draft.state == EligibilityReport.State.DRAFT


def test_the_secretary_general_signs_on_the_chosen_item(world):
    review_everyone(world)
    draft = report_draft(actor=world.officer, call=world.call)
    url = reverse("elections:report-sign", kwargs={"pk": draft.pk})
    response = client_for(world.secretary_general).post(
        url, {"reason": "Informe", "agenda_item": world.election_item.pk}, follow=True
    )
    assert "signed and frozen" in response.text
    draft.refresh_from_db()
    assert draft.state == EligibilityReport.State.SIGNED
    assert draft.document.agenda_item == world.election_item


@pytest.mark.parametrize("lang", ["es", "en", "pt"])
def test_the_pdf_is_built_in_each_language(world, lang):
    review_everyone(world)
    draft = report_draft(actor=world.officer, call=world.call)
    url = reverse("elections:report-pdf", kwargs={"pk": draft.pk, "lang": lang})
    response = get_document(client_for(world.officer), url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert response["Content-Disposition"].endswith(f'-v1-{lang}.pdf"')


def test_the_pdf_refuses_a_language_records_are_not_kept_in(world):
    draft = report_draft(actor=world.officer, call=world.call)
    url = reverse("elections:report-pdf", kwargs={"pk": draft.pk, "lang": "de"})
    assert client_for(world.officer).get(url).status_code == 404
