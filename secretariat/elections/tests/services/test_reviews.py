"""services/reviews.py: corrections asked for, findings pre-filled and recorded, the list of
candidates published."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from secretariat.conftest import make_member
from secretariat.core.models import ActionLog, EmailDelivery
from secretariat.elections.models import Finding, Nomination, NominationDocument
from secretariat.elections.selectors.eligibility import eligibility
from secretariat.elections.services import reviews as services
from secretariat.elections.tests.nominations_world import make_nomination, nom_world
from secretariat.governance.models import Mandate, Person
from secretariat.members.models import VotingSuspension

__all__ = ["nom_world"]

MET, NOT_MET, PENDING = Finding.Result.MET, Finding.Result.NOT_MET, Finding.Result.PENDING


def _nomination(world, office="co_president", country="MX", name="María Pérez", **kw):
    return make_nomination(
        world[office], world["member_a"], name, world["countries"][country], **kw
    )


def _suggest(world, nomination, req):
    return services.suggestion_for(nomination.versions.get(), world["reqs"][req])


# --- corrections -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_asks_for_a_correction_due_in_the_calls_days_and_tells_the_representatives(
    nom_world, officer, rep_a
):
    # given
    nomination = _nomination(nom_world)
    now = timezone.now()
    # when
    correction = services.correction_request(
        actor=officer,
        nomination=nomination,
        requirement=nom_world["reqs"]["cv"],
        message="Falta el CV firmado.",
        now=now,
    )
    # then
    assert correction.due == now + dt.timedelta(days=10)
    nomination.refresh_from_db()
    assert nomination.state == Nomination.State.CORRECTION_REQUESTED
    log = ActionLog.objects.get(event="nomination.correction_requested")
    assert log.target_id == str(nomination.pk) and log.actor == officer
    email = EmailDelivery.objects.get(purpose="elections.correction_request")
    assert email.to == ["rep.a@example.org"] and "Falta el CV firmado." in email.body


@pytest.mark.django_db
def test_it_refuses_a_correction_request_without_a_message_or_by_a_member(
    nom_world, officer, rep_a
):
    nomination = _nomination(nom_world)
    with pytest.raises(ValidationError):
        services.correction_request(
            actor=officer, nomination=nomination, requirement=None, message="  "
        )
    with pytest.raises(PermissionDenied):
        services.correction_request(
            actor=rep_a, nomination=nomination, requirement=None, message="Algo"
        )
    nomination.refresh_from_db()
    assert nomination.state == Nomination.State.SUBMITTED


# --- publishing the list -------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_publishes_the_list_of_candidates_once(nom_world, officer):
    call = services.candidates_publish(actor=officer, call=nom_world["call"])
    assert call.candidates_published_at is not None
    assert ActionLog.objects.get(event="call.candidates_published").actor == officer
    with pytest.raises(ValidationError, match="already published"):
        services.candidates_publish(actor=officer, call=call)


# --- the pre-filled findings, rule by rule ------------------------------------------------------


@pytest.mark.django_db
def test_nominator_standing_is_met_for_a_full_member_in_good_standing(nom_world):
    """Source: members' Membership (category with a vote) and VotingSuspension."""
    nomination = _nomination(nom_world)
    assert _suggest(nom_world, nomination, "standing").result == MET
    VotingSuspension.objects.create(
        institution=nom_world["member_a"],
        valid_from=dt.date(2020, 1, 1),
        reason="Atrasos",
        legal_basis="Estatuto, art. 9",
    )
    suggestion = _suggest(nom_world, nomination, "standing")
    assert suggestion.result == NOT_MET and "Estatuto, art. 9" in suggestion.basis


@pytest.mark.django_db
def test_nominator_standing_is_not_met_for_an_associate(nom_world):
    nomination = make_nomination(
        nom_world["co_president"], nom_world["member_b"], "Pedro", nom_world["countries"]["PE"]
    )
    suggestion = _suggest(nom_world, nomination, "standing")
    assert suggestion.result == NOT_MET and "not a full member" in suggestion.basis


@pytest.mark.django_db
def test_member_nationality_follows_the_members_countries(nom_world):
    """Source: members' Membership in force on the day received, by the institution's country."""
    assert _suggest(nom_world, _nomination(nom_world), "nationality").result == MET
    canadian = _nomination(nom_world, office="co_secretary", country="CA", name="Jean")
    suggestion = _suggest(nom_world, canadian, "nationality")
    assert suggestion.result == NOT_MET and "Canada" in suggestion.basis


@pytest.mark.django_db
def test_document_is_met_when_the_version_has_it(nom_world):
    """Source: the version's NominationDocument for the requirement."""
    nomination = _nomination(nom_world)
    assert _suggest(nom_world, nomination, "cv").result == NOT_MET
    doc = NominationDocument(
        version=nomination.versions.get(),
        requirement=nom_world["reqs"]["cv"],
        file_name="cv.pdf",
        content_type="application/pdf",
        size=10,
        sha256="a" * 64,
        uploaded_at=timezone.now(),
    )
    doc.file.save("x", ContentFile(b"%PDF-1.4"), save=True)
    suggestion = _suggest(nom_world, nomination, "cv")
    assert suggestion.result == MET and "cv.pdf" in suggestion.basis


@pytest.mark.django_db
def test_reelection_limit_counts_consecutive_terms_of_the_matched_person(nom_world):
    """Source: Office.reelection_limit and the person's Mandates of the office."""
    nomination = _nomination(nom_world, name="Ana Presidenta")
    # no person record: pending
    suggestion = _suggest(nom_world, nomination, "reelection")
    assert suggestion.result == PENDING and "No person record" in suggestion.basis
    person = Person.objects.create(name="Ana Presidenta", slug="ana")
    # matched by name, no mandates: 0 < 1
    assert _suggest(nom_world, nomination, "reelection").result == MET
    # a term ending when the new one starts: 1 consecutive term, the limit reached
    Mandate.objects.create(
        office=nom_world["president"],
        holder="Ana Presidenta",
        person=person,
        valid_from=dt.date(2024, 4, 1),
        valid_to=dt.date(2027, 4, 1),
    )
    suggestion = _suggest(nom_world, nomination, "reelection")
    assert suggestion.result == NOT_MET and "1 consecutive term" in suggestion.basis


@pytest.mark.django_db
def test_reelection_limit_ignores_a_term_not_contiguous(nom_world):
    nomination = _nomination(nom_world, name="Ana Presidenta")
    person = Person.objects.create(name="Ana Presidenta", slug="ana")
    Mandate.objects.create(
        office=nom_world["president"],
        holder="Ana Presidenta",
        person=person,
        valid_from=dt.date(2015, 4, 1),
        valid_to=dt.date(2018, 4, 1),
    )
    assert _suggest(nom_world, nomination, "reelection").result == MET


@pytest.mark.django_db
def test_reelection_limit_without_a_limit_is_met(nom_world):
    nom_world["president"].reelection_limit = None
    nom_world["president"].save()
    suggestion = _suggest(nom_world, _nomination(nom_world), "reelection")
    assert suggestion.result == MET and "No limit" in suggestion.basis


@pytest.mark.django_db
def test_nationality_differs_from_the_other_offices_holder_at_the_term_start(nom_world):
    """Source: Requirement.other_office, its Mandates in force at the term's start and the
    Call's candidates for it."""
    nomination = _nomination(nom_world)  # Mexican, for President
    assert _suggest(nom_world, nomination, "differs").result == MET
    sg = Person.objects.create(
        name="Sergio", slug="sergio", nationality=nom_world["countries"]["MX"]
    )
    Mandate.objects.create(
        office=nom_world["secretary"], holder="Sergio", person=sg, valid_from=dt.date(2025, 1, 1)
    )
    suggestion = _suggest(nom_world, nomination, "differs")
    assert suggestion.result == NOT_MET and "Sergio" in suggestion.basis


@pytest.mark.django_db
def test_nationality_differs_is_pending_when_unknown_or_a_candidate_shares_it(nom_world):
    nomination = _nomination(nom_world)
    rival = make_nomination(
        nom_world["co_secretary"], nom_world["member_a"], "Rosa", nom_world["countries"]["MX"]
    )
    suggestion = _suggest(nom_world, nomination, "differs")
    assert suggestion.result == PENDING and "Rosa" in suggestion.basis
    Nomination.objects.filter(pk=rival.pk).update(state=Nomination.State.WITHDRAWN)
    Mandate.objects.create(
        office=nom_world["secretary"], holder="Desconocido", valid_from=dt.date(2025, 1, 1)
    )
    suggestion = _suggest(nom_world, nomination, "differs")
    assert suggestion.result == PENDING and "Desconocido" in suggestion.basis


@pytest.mark.django_db
def test_other_requirements_have_no_suggestion_and_prefill_writes_nothing(nom_world):
    nomination = _nomination(nom_world)
    prefill = services.findings_prefill(version=nomination.versions.get())
    assert nom_world["reqs"]["other"].pk not in prefill
    assert set(prefill) == {
        nom_world["reqs"][k].pk for k in ("standing", "nationality", "cv", "reelection", "differs")
    }
    assert not Finding.objects.exists()


# --- recording findings ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_records_a_confirmed_finding_with_the_datas_suggestion(nom_world, officer):
    nomination = _nomination(nom_world)
    version = nomination.versions.get()
    finding = services.finding_record(
        actor=officer,
        version=version,
        requirement=nom_world["reqs"]["standing"],
        result=MET,
        note="",
        evidence="Registro de miembros",
    )
    assert finding.confirmed and finding.reviewed_by == officer
    assert finding.suggested == MET and "full member" in finding.basis
    log = ActionLog.objects.get(event="finding.recorded")
    assert log.target_id == str(nomination.pk) and log.new_values["result"] == MET


@pytest.mark.django_db
def test_a_finding_against_the_data_must_say_why(nom_world, officer):
    version = _nomination(nom_world).versions.get()
    cv = nom_world["reqs"]["cv"]
    with pytest.raises(ValidationError) as exc:
        services.finding_record(
            actor=officer, version=version, requirement=cv, result=MET, note="", evidence=""
        )
    assert "note" in exc.value.message_dict
    finding = services.finding_record(
        actor=officer,
        version=version,
        requirement=cv,
        result=MET,
        note="Entregado en mano",
        evidence="",
    )
    assert finding.result == MET and finding.suggested == NOT_MET


@pytest.mark.django_db
def test_every_finding_met_makes_the_candidate_eligible(nom_world, officer):
    nomination = _nomination(nom_world, office="co_secretary")
    version = nomination.versions.get()
    for key in ("standing", "nationality", "cv", "other"):
        services.finding_record(
            actor=officer,
            version=version,
            requirement=nom_world["reqs"][key],
            result=MET,
            note="Revisado",
            evidence="",
        )
    assert eligibility(nomination).eligible


@pytest.mark.django_db
def test_it_refuses_a_finding_on_an_earlier_version_or_by_a_member(nom_world, officer, rep_a):
    nomination = _nomination(nom_world)
    first = nomination.versions.get()
    with pytest.raises(PermissionDenied):
        services.finding_record(
            actor=rep_a,
            version=first,
            requirement=nom_world["reqs"]["other"],
            result=MET,
            note="",
            evidence="",
        )
    first.pk = None
    first.number = 2
    first.save()
    with pytest.raises(ValidationError, match="latest version"):
        services.finding_record(
            actor=officer,
            version=nomination.versions.get(number=1),
            requirement=nom_world["reqs"]["other"],
            result=MET,
            note="",
            evidence="",
        )
    assert not Finding.objects.exists()


@pytest.mark.django_db
def test_unused_member_helper_keeps_the_world_small(nom_world, countries, categories):
    """A third full member of Canada makes a Canadian candidate a national of a member."""
    make_member("Instituto Gamma", countries["CA"], categories["full"])
    canadian = _nomination(nom_world, office="co_secretary", country="CA", name="Jean")
    assert _suggest(nom_world, canadian, "nationality").result == MET
