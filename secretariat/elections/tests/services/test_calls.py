"""The Call's services: drafting with its default requirements, its offices and requirements,
approval, publication with the e-mail to the full members' representatives, and closing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from secretariat.conftest import make_member, make_user
from secretariat.core import roles
from secretariat.core.models import ActionLog, EmailDelivery
from secretariat.elections.models import Call, CallOffice, Requirement
from secretariat.elections.services import call_parts, calls
from secretariat.elections.tests.calls_world import (
    approved_call,
    call_data,
    draft_call,
    local_naive,
    organs_fixture,  # noqa: F401  (the `organs` fixture)
    published_call,
)
from secretariat.governance.models import Resolution
from secretariat.members.models import Representative

pytestmark = pytest.mark.django_db


# --- Drafting ----------------------------------------------------------------------------------


def test_it_drafts_a_call_with_its_instants_and_default_requirements(officer, organs):
    # given / when
    call = calls.call_create(
        actor=officer,
        data=call_data(deadline=dt.datetime(2099, 3, 31, 23, 59, 59), session=organs.ga_session),
    )
    # then
    call = Call.objects.get(pk=call.pk)
    assert call.state == Call.State.DRAFT
    assert call.deadline == dt.datetime(2099, 4, 1, 5, 59, 59, tzinfo=dt.UTC)
    assert call.languages == ["es", "en"]
    assert call.session == organs.ga_session
    kinds = list(call.requirements.order_by("order").values_list("kind", flat=True))
    assert kinds == [
        Requirement.Kind.NOMINATOR_IN_GOOD_STANDING,
        Requirement.Kind.MEMBER_NATIONALITY,
        Requirement.Kind.DOCUMENT,
        Requirement.Kind.DOCUMENT,
        Requirement.Kind.DOCUMENT,
        Requirement.Kind.REELECTION_LIMIT,
    ]
    first = call.requirements.order_by("order").first()
    assert "default text, to adjust" in first.label_en
    assert first.label_es and first.label_pt and first.label_fr
    entry = ActionLog.objects.get(event="call.created")
    assert entry.actor == officer
    assert entry.target_id == str(call.pk)
    assert entry.new_values["time_zone"] == "America/Mexico_City"
    assert ActionLog.objects.filter(event="requirement.added").count() == 6


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title_es": "  "}, "title_es"),
        ({"text_es": ""}, "text_es"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"correction_days": 0}, "correction_days"),
        ({"deadline": local_naive(-2)}, "deadline"),  # before the opening
        ({"opens_at": None}, "opens_at"),
    ],
)
def test_it_refuses_a_bad_call_and_records_nothing(officer, organs, change, field):
    with pytest.raises(ValidationError) as error:
        calls.call_create(actor=officer, data=call_data(**change))
    assert field in error.value.message_dict
    assert not Call.objects.exists()
    assert not ActionLog.objects.filter(event__startswith="call").exists()


def test_it_refuses_an_electing_session_of_another_body(officer, organs):
    with pytest.raises(ValidationError) as error:
        calls.call_create(actor=officer, data=call_data(session=organs.committee_session))
    assert "session" in error.value.message_dict


@pytest.mark.parametrize("persona", ["rep_a", "finance_officer", "comptroller"])
def test_it_lets_only_the_secretariat_draft(request, organs, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        calls.call_create(actor=user, data=call_data())
    assert not Call.objects.exists()


def test_it_updates_a_draft_and_logs_what_changed(officer, organs):
    call = draft_call(officer, organs)
    calls.call_update(
        actor=officer,
        call=call,
        data=call_data(time_zone="America/Santiago", deadline=dt.datetime(2099, 1, 15, 23, 59, 59)),
    )
    call = Call.objects.get(pk=call.pk)
    assert call.deadline == dt.datetime(2099, 1, 16, 2, 59, 59, tzinfo=dt.UTC)
    entry = ActionLog.objects.get(event="call.updated")
    assert entry.new_values["time_zone"] == "America/Santiago"
    # the opening, typed the same, is now read in Santiago too
    assert set(entry.new_values) == {"time_zone", "opens_at", "deadline"}


def test_it_changes_nothing_once_approved(officer, organs):
    call = approved_call(officer, organs)
    with pytest.raises(ValidationError):
        calls.call_update(actor=officer, call=call, data=call_data(title_es="Otro"))
    with pytest.raises(ValidationError):
        call_parts.call_office_add(
            actor=officer,
            call=call,
            office=organs.president,
            data={"term_start": dt.date(2028, 1, 1)},
        )
    with pytest.raises(ValidationError):
        call_parts.requirement_add(
            actor=officer, call=call, data={"kind": "other", "label_es": "Otro"}
        )
    assert Call.objects.get(pk=call.pk).title_es == "Convocatoria a candidaturas 2028–2030"


# --- Offices and requirements -----------------------------------------------------------------


def test_it_adds_an_office_with_the_offices_defaults(officer, organs):
    call = draft_call(officer, organs, offices=False)
    row = call_parts.call_office_add(
        actor=officer, call=call, office=organs.president, data={"term_start": dt.date(2028, 1, 1)}
    )
    assert (row.places, row.term_end) == (1, dt.date(2031, 1, 1))
    entry = ActionLog.objects.get(event="call_office.added")
    assert entry.new_values["office"] == organs.president.pk


def test_it_asks_for_the_term_end_of_an_office_without_a_term_length(officer, organs):
    call = draft_call(officer, organs, offices=False)
    with pytest.raises(ValidationError) as error:
        call_parts.call_office_add(
            actor=officer,
            call=call,
            office=organs.vice_president,
            data={"term_start": dt.date(2028, 1, 1)},
        )
    assert "term_end" in error.value.message_dict
    row = call_parts.call_office_add(
        actor=officer,
        call=call,
        office=organs.vice_president,
        data={"term_start": dt.date(2028, 1, 1), "term_end": dt.date(2029, 1, 1)},
    )
    assert row.places == 3


def test_it_refuses_an_office_twice(officer, organs):
    call = draft_call(officer, organs)
    with pytest.raises(ValidationError):
        call_parts.call_office_add(
            actor=officer,
            call=call,
            office=organs.comptroller,
            data={"term_start": dt.date(2028, 1, 1)},
        )
    assert call.offices.count() == 2


def test_the_comptroller_brings_the_nationality_rule_of_the_statute(officer, organs):
    # given / when: the world's draft has the Secretary General and the Comptroller
    call = draft_call(officer, organs)
    # then
    rule = call.requirements.get(kind=Requirement.Kind.NATIONALITY_DIFFERS)
    assert rule.call_office.office == organs.comptroller
    assert rule.other_office == organs.secretary_general
    assert "default" not in rule.label_en  # [C], not a default to adjust


def test_no_nationality_rule_without_the_comptroller(officer, organs):
    call = draft_call(officer, organs, offices=False)
    call_parts.call_office_add(
        actor=officer,
        call=call,
        office=organs.secretary_general,
        data={"term_start": dt.date(2028, 1, 1)},
    )
    assert not call.requirements.filter(kind=Requirement.Kind.NATIONALITY_DIFFERS).exists()


def test_it_updates_and_removes_an_office_with_its_requirements(officer, organs):
    call = draft_call(officer, organs)
    row = call.offices.get(office=organs.comptroller)
    call_parts.call_office_update(
        actor=officer, call_office=row, data={"term_start": dt.date(2028, 2, 1), "places": 1}
    )
    assert ActionLog.objects.get(event="call_office.updated").new_values == {
        "term_start": "2028-02-01",
        "term_end": "2031-02-01",
    }
    with pytest.raises(ValidationError):
        call_parts.call_office_remove(actor=officer, call_office=row, reason="")
    call_parts.call_office_remove(actor=officer, call_office=row, reason="No se elige esta vez")
    assert not CallOffice.objects.filter(pk=row.pk).exists()
    assert not call.requirements.filter(kind=Requirement.Kind.NATIONALITY_DIFFERS).exists()
    entry = ActionLog.objects.get(event="call_office.removed")
    assert entry.target_id == str(call.pk)
    assert entry.reason == "No se elige esta vez"
    assert ActionLog.objects.filter(event="requirement.removed").count() == 1


def test_it_adds_updates_and_removes_a_requirement(officer, organs):
    call = draft_call(officer, organs)
    row = call.offices.get(office=organs.secretary_general)
    req = call_parts.requirement_add(
        actor=officer,
        call=call,
        data={
            "kind": "other",
            "label_es": "Experiencia",
            "label_en": "Experience",
            "call_office": row,
        },
    )
    assert req.call_office == row
    call_parts.requirement_update(
        actor=officer, requirement=req, data={"kind": "other", "label_es": "Experiencia de 10 años"}
    )
    entry = ActionLog.objects.get(event="requirement.updated")
    assert entry.new_values["label_es"] == "Experiencia de 10 años"
    call_parts.requirement_remove(actor=officer, requirement=req, reason="Duplicado")
    assert not Requirement.objects.filter(pk=req.pk).exists()
    assert ActionLog.objects.get(event="requirement.removed").reason == "Duplicado"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"kind": "bogus", "label_es": "x"}, "kind"),
        ({"kind": "other", "label_es": " "}, "label_es"),
        ({"kind": "nationality_differs", "label_es": "x"}, "other_office"),
    ],
)
def test_it_refuses_a_bad_requirement(officer, organs, data, field):
    call = draft_call(officer, organs)
    count = call.requirements.count()
    with pytest.raises(ValidationError) as error:
        call_parts.requirement_add(actor=officer, call=call, data=data)
    assert field in error.value.message_dict
    assert call.requirements.count() == count


def test_the_other_office_must_not_be_the_office_itself(officer, organs):
    call = draft_call(officer, organs)
    row = call.offices.get(office=organs.comptroller)
    with pytest.raises(ValidationError):
        call_parts.requirement_add(
            actor=officer,
            call=call,
            data={
                "kind": "nationality_differs",
                "label_es": "x",
                "call_office": row,
                "other_office": organs.comptroller,
            },
        )


def test_it_refuses_an_office_of_another_call(officer, organs):
    one = draft_call(officer, organs)
    other = draft_call(officer, organs)
    with pytest.raises(ValidationError):
        call_parts.requirement_add(
            actor=officer,
            call=one,
            data={"kind": "other", "label_es": "x", "call_office": other.offices.first()},
        )


# --- Approval ----------------------------------------------------------------------------------


def test_it_approves_a_draft_by_a_recorded_decision(secretary_general, officer, organs):
    call = draft_call(officer, organs)
    resolution = Resolution.objects.create(number=500, title_es="Aprueba", kind="resolution")
    call = calls.call_approve(
        actor=secretary_general, call=call, decision="Acuerdo SG/1", resolution=resolution
    )
    call = Call.objects.get(pk=call.pk)
    assert call.state == Call.State.APPROVED
    assert call.approved_by == secretary_general
    assert call.approval_resolution == resolution
    entry = ActionLog.objects.get(event="call.approved")
    assert entry.reason == "Acuerdo SG/1"
    assert entry.old_values["state"] == "draft"
    assert entry.new_values["state"] == "approved"


def test_it_approves_only_with_a_decision(officer, organs):
    call = draft_call(officer, organs)
    with pytest.raises(ValidationError) as error:
        calls.call_approve(actor=officer, call=call, decision="  ")
    assert "decision" in error.value.message_dict
    assert Call.objects.get(pk=call.pk).state == Call.State.DRAFT


def test_it_refuses_to_approve_a_call_without_offices_or_requirements(officer, organs):
    call = draft_call(officer, organs, offices=False)
    for req in list(call.requirements.all()):
        call_parts.requirement_remove(actor=officer, requirement=req, reason="x")
    with pytest.raises(ValidationError) as error:
        calls.call_approve(actor=officer, call=call, decision="Acuerdo")
    text = " ".join(error.value.messages)
    assert "no office" in text
    assert "no requirement" in text
    assert not ActionLog.objects.filter(event="call.approved").exists()


def test_it_refuses_to_approve_a_call_whose_deadline_has_passed(officer, organs):
    call = draft_call(officer, organs, opens_at=local_naive(-10), deadline=local_naive(-1))
    with pytest.raises(ValidationError) as error:
        calls.call_approve(actor=officer, call=call, decision="Acuerdo")
    assert "passed" in " ".join(error.value.messages)


def test_it_approves_only_a_draft(officer, organs):
    call = approved_call(officer, organs)
    with pytest.raises(ValidationError):
        calls.call_approve(actor=officer, call=call, decision="Otra vez")


@pytest.mark.parametrize("persona", ["rep_a", "finance_officer", "comptroller"])
def test_it_lets_only_the_secretariat_approve(request, officer, organs, persona):
    call = draft_call(officer, organs)
    with pytest.raises(PermissionDenied):
        calls.call_approve(actor=request.getfixturevalue(persona), call=call, decision="x")


# --- Publication -------------------------------------------------------------------------------


def _representative(institution, email, language="", with_account=True, **extra):
    user = None
    if with_account:
        user = make_user(email, roles.REPRESENTATIVE)
        user.preferred_language = language
        user.save()
    Representative.objects.create(
        institution=institution,
        user=user,
        full_name=email.split("@")[0],
        role=Representative.Role.HEAD,
        email="" if with_account else email,
        valid_from=extra.get("valid_from", dt.date(2020, 1, 1)),
        valid_to=extra.get("valid_to"),
    )
    return user


def test_it_publishes_and_emails_only_the_full_members_representatives(
    officer, organs, rep_a, rep_b, categories, countries, django_capture_on_commit_callbacks
):
    # given: member A (full) with rep A (English), member B (associate) with rep B, a full
    # member C with a head by e-mail only and a representative whose term ended, and a
    # full member that left
    member_c = make_member("Instituto Gamma", countries["PE"], categories["full"])
    _representative(member_c, "gamma@example.org", with_account=False)
    _representative(member_c, "old@example.org", valid_to=dt.date(2021, 1, 1))
    gone = make_member("Instituto Ido", countries["PE"], categories["full"])
    gone.memberships.update(valid_to=dt.date(2022, 1, 1))
    _representative(gone, "gone@example.org")
    rep_a.preferred_language = "en"
    rep_a.save()
    call = approved_call(officer, organs)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        call = calls.call_publish(actor=officer, call=call, base_url="https://s.example")
    # then
    call = Call.objects.get(pk=call.pk)
    assert call.state == Call.State.PUBLISHED
    assert call.published_at is not None
    sent = {d.to[0]: d for d in EmailDelivery.objects.filter(purpose="elections.call_published")}
    assert set(sent) == {"rep.a@example.org", "gamma@example.org"}
    english = sent["rep.a@example.org"]
    assert english.language == "en"
    assert english.subject == "Call for Candidates: Call for Candidates 2028–2030"
    assert f"https://s.example/en/elections/calls/{call.pk}/" in english.body
    assert "23:59:59 (America/Mexico_City)" in english.body
    spanish = sent["gamma@example.org"]
    assert spanish.language == "es"
    assert "Convocatoria a candidaturas 2028–2030" in spanish.subject
    assert f"/es/elections/calls/{call.pk}/" in spanish.body
    entry = ActionLog.objects.get(event="call.published")
    assert entry.new_values["sent"] == 2
    assert entry.new_values["state"] == "published"


def test_a_recipient_reads_spanish_when_the_call_is_not_in_their_language(officer, organs, rep_a):
    rep_a.preferred_language = "fr"
    rep_a.save()
    call = approved_call(officer, organs)  # languages: es, en
    calls.call_publish(actor=officer, call=call)
    assert EmailDelivery.objects.get(to=["rep.a@example.org"]).language == "es"


def test_it_publishes_only_an_approved_call(officer, organs):
    call = draft_call(officer, organs)
    with pytest.raises(ValidationError):
        calls.call_publish(actor=officer, call=call)
    assert not EmailDelivery.objects.exists()


@pytest.mark.parametrize("persona", ["rep_a", "finance_officer", "comptroller"])
def test_it_lets_only_the_secretariat_publish(request, officer, organs, persona):
    call = approved_call(officer, organs)
    with pytest.raises(PermissionDenied):
        calls.call_publish(actor=request.getfixturevalue(persona), call=call)
    assert Call.objects.get(pk=call.pk).state == Call.State.APPROVED


def test_it_does_not_publish_after_the_deadline(officer, organs, monkeypatch):
    call = approved_call(officer, organs)
    later = call.deadline
    monkeypatch.setattr(timezone, "now", lambda: later)
    with pytest.raises(ValidationError):
        calls.call_publish(actor=officer, call=call)


# --- Closing -----------------------------------------------------------------------------------


def test_it_closes_at_the_deadline_not_a_microsecond_before(officer, organs):
    call = published_call(officer, organs)
    with pytest.raises(ValidationError) as error:
        calls.call_close(actor=officer, call=call, now=call.deadline - dt.timedelta(microseconds=1))
    assert "23:59:59 (America/Mexico_City)" in " ".join(error.value.messages)
    assert Call.objects.get(pk=call.pk).state == Call.State.PUBLISHED
    calls.call_close(actor=officer, call=call, now=call.deadline)
    assert Call.objects.get(pk=call.pk).state == Call.State.CLOSED
    entry = ActionLog.objects.get(event="call.closed")
    assert entry.new_values == {"state": "closed"}


def test_it_closes_only_a_published_call(officer, organs):
    call = approved_call(officer, organs)
    with pytest.raises(ValidationError):
        calls.call_close(actor=officer, call=call, now=call.deadline)


@pytest.mark.parametrize("persona", ["rep_a", "finance_officer", "comptroller"])
def test_it_lets_only_the_secretariat_close(request, officer, organs, persona):
    call = published_call(officer, organs)
    with pytest.raises(PermissionDenied):
        calls.call_close(actor=request.getfixturevalue(persona), call=call, now=call.deadline)
