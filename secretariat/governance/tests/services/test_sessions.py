"""Session services (services/sessions.py): creation rules (numbers, titles, who may
convene an extraordinary session), permission, editing and cancelling, driven directly
for the rule edge cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from secretariat.core.models import ActionLog, RuleSetting
from secretariat.governance.models import Body, RulesProfile, Session
from secretariat.governance.selectors.convocation import convocation_recipients
from secretariat.governance.services.convocation import session_convene
from secretariat.governance.services.sessions import (
    session_cancel,
    session_create,
    session_update,
)
from secretariat.governance.tests.helpers import days_ahead, new_session


@pytest.fixture
def cass(db) -> Body:
    return Body.objects.create(
        code="cass-actuarial",
        name_es="CASS Actuarial y de Financiamiento",
        name_en="CASS Actuarial and Financing",
        kind=Body.Kind.COMMISSION,
        rules_profile=RulesProfile.CASS,
    )


# --- Creation: numbers and titles ------------------------------------------------------


def test_it_numbers_sessions_in_the_body_series_of_each_kind(officer, session_world):
    # given the XXX ordinary General Assembly
    w = session_world
    new_session(officer, w.assembly, number=30, days=30)
    # when
    ordinary = new_session(officer, w.assembly, days=400)
    extraordinary = new_session(officer, w.assembly, Session.Kind.EXTRAORDINARY, days=90)
    committee = new_session(officer, w.committee)
    # then
    assert ordinary.number == 31 and ordinary.title_es == "XXXI Asamblea General Ordinaria"
    assert ordinary.title_en == "XXXI Ordinary General Assembly"
    assert ordinary.title_pt == "XXXI Assembleia Geral Ordinária"
    assert extraordinary.number == 1
    assert extraordinary.title_es == "I Asamblea General Extraordinaria"
    assert committee.title_es == "I Sesión Ordinaria — Comité Permanente"
    assert committee.title_en == "I Ordinary Session — Standing Committee"
    assert ordinary.state == Session.State.DRAFT
    log = ActionLog.objects.filter(event="session.created", target_id=str(ordinary.pk)).get()
    assert log.actor == officer and log.new_values["number"] == 31


def test_it_refuses_a_number_already_used(officer, session_world):
    # given
    w = session_world
    new_session(officer, w.assembly, number=30)
    # when / then
    with pytest.raises(ValidationError) as exc:
        new_session(officer, w.assembly, number=30)
    assert "already has session number XXX" in str(exc.value.message_dict["number"])
    assert Session.objects.count() == 1


def test_it_keeps_a_title_given_and_generates_the_others(officer, session_world):
    # when
    session = new_session(
        officer, session_world.assembly, title_es="XXXI Asamblea General (Panamá)"
    )
    # then
    assert session.title_es == "XXXI Asamblea General (Panamá)"
    assert session.title_en == "I Ordinary General Assembly"


def test_it_requires_spanish_among_the_languages(officer, session_world):
    # when / then
    with pytest.raises(ValidationError) as exc:
        new_session(officer, session_world.assembly, languages=["en", "pt"])
    assert "Spanish must be one of the languages" in str(exc.value)
    session = new_session(officer, session_world.assembly, languages=["fr", "es", "en"])
    assert session.languages == ["es", "en", "fr"]


def test_it_refuses_a_body_that_holds_no_sessions(officer, organs):
    # given the CIESS itself (an office, no rules profile)
    with pytest.raises(ValidationError) as exc:
        new_session(officer, organs.ciess)
    assert "does not hold sessions" in str(exc.value)


def test_it_refuses_an_end_before_the_start(officer, session_world):
    with pytest.raises(ValidationError) as exc:
        new_session(officer, session_world.committee, ends_at=days_ahead(59))
    assert "end before it starts" in str(exc.value)


# --- Who may convene an extraordinary session (domain.md) ----------------------------


def _sc_members(n: int) -> str:
    return "\n".join(f"Miembro del Comité {i}" for i in range(1, n + 1))


def test_an_extraordinary_assembly_needs_five_standing_committee_members(officer, session_world):
    # domain.md [C]: "at the request of the President or of at least five members of the
    # Standing Committee".
    w = session_world
    kind = Session.Kind.EXTRAORDINARY
    members = Session.ConvenedBy.COMMITTEE_MEMBERS
    # when four request it
    with pytest.raises(ValidationError) as exc:
        new_session(officer, w.assembly, kind, convened_by=members, requested_by=_sc_members(4))
    # then
    assert "At least 5 members of the Standing Committee must request it; 4 named" in str(
        exc.value.message_dict["requested_by"]
    )
    # and five may
    session = new_session(
        officer, w.assembly, kind, convened_by=members, requested_by=_sc_members(5)
    )
    assert len(session.requested_by.splitlines()) == 5


def test_the_same_requester_counts_once(officer, session_world):
    names = _sc_members(4) + "\nmiembro del comité 1"
    with pytest.raises(ValidationError) as exc:
        new_session(
            officer,
            session_world.assembly,
            Session.Kind.EXTRAORDINARY,
            convened_by=Session.ConvenedBy.COMMITTEE_MEMBERS,
            requested_by=names,
        )
    assert "named twice" in str(exc.value)


def test_the_number_of_requesters_is_a_dated_rule(officer, session_world):
    # given the Secretariat recorded that three suffice from a date before the session
    RuleSetting.objects.create(
        key="governance.general_assembly.extraordinary_requesters",
        value=3,
        valid_from=dt.date(2020, 1, 1),
        status=RuleSetting.Status.CONFIRMED,
        legal_basis="Test regulation, art. 1",
        source="test",
    )
    # when
    session = new_session(
        officer,
        session_world.assembly,
        Session.Kind.EXTRAORDINARY,
        convened_by=Session.ConvenedBy.COMMITTEE_MEMBERS,
        requested_by=_sc_members(3),
    )
    # then
    assert session.pk


def test_the_president_convenes_an_extraordinary_assembly_or_committee(officer, session_world):
    w = session_world
    for body in (w.assembly, w.committee):
        session = new_session(
            officer, body, Session.Kind.EXTRAORDINARY, convened_by=Session.ConvenedBy.PRESIDENT
        )
        assert session.convened_by == "president"


def test_committee_members_cannot_convene_the_standing_committee(officer, session_world):
    with pytest.raises(ValidationError) as exc:
        new_session(
            officer,
            session_world.committee,
            Session.Kind.EXTRAORDINARY,
            convened_by=Session.ConvenedBy.COMMITTEE_MEMBERS,
            requested_by=_sc_members(6),
        )
    assert "may be convened by: The President" in str(exc.value.message_dict["convened_by"])


def test_an_extraordinary_session_needs_a_convener(officer, session_world):
    with pytest.raises(ValidationError) as exc:
        session_create(
            actor=officer,
            body=session_world.committee,
            kind=Session.Kind.EXTRAORDINARY,
            starts_at=days_ahead(40),
        )
    assert "convened_by" in exc.value.message_dict


def test_an_ordinary_session_is_convened_by_the_statute(officer, session_world):
    with pytest.raises(ValidationError) as exc:
        new_session(officer, session_world.committee, convened_by=Session.ConvenedBy.PRESIDENT)
    assert "convened under the Statute" in str(exc.value)


def test_a_cass_commission_by_its_president_or_two_members(officer, cass):
    # domain.md [C]: "meets annually or when convened by its president or two of its members"
    kind = Session.Kind.EXTRAORDINARY
    members = Session.ConvenedBy.BODY_MEMBERS
    with pytest.raises(ValidationError):
        new_session(officer, cass, kind, convened_by=members, requested_by="Experta 1")
    assert new_session(officer, cass, kind, convened_by=members, requested_by="A\nB").pk
    assert new_session(officer, cass, kind, convened_by=Session.ConvenedBy.BODY_PRESIDENT).pk
    with pytest.raises(ValidationError):
        new_session(officer, cass, kind, convened_by=Session.ConvenedBy.PRESIDENT)


# --- Permission ------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["rep_a", "finance_officer", "comptroller"])
def test_only_the_secretariat_creates_convenes_or_cancels(persona, request, officer, session_world):
    user = request.getfixturevalue(persona)
    session = new_session(officer, session_world.committee)
    with pytest.raises(PermissionDenied):
        new_session(user, session_world.committee)
    with pytest.raises(PermissionDenied):
        session_convene(actor=user, session=session)
    with pytest.raises(PermissionDenied):
        session_cancel(actor=user, session=session, reason="no")
    with pytest.raises(PermissionDenied):
        session_update(actor=user, session=session, data={"place": "X"}, reason="x")
    assert Session.objects.get(pk=session.pk).state == Session.State.DRAFT


def test_the_secretary_general_may_create(secretary_general, session_world):
    assert new_session(secretary_general, session_world.committee).pk


# --- Editing and cancelling ----------------------------------------------------------------


def test_a_draft_is_edited_and_its_generated_titles_follow_the_number(officer, session_world):
    # given
    session = new_session(officer, session_world.assembly)
    # when
    session = session_update(actor=officer, session=session, data={"number": 31, "place": "Lima"})
    # then
    assert session.title_es == "XXXI Asamblea General Ordinaria" and session.place == "Lima"
    assert ActionLog.objects.filter(event="session.updated").get().new_values["number"] == 31


def test_moving_a_convened_session_needs_a_reason_and_respects_the_notice(officer, mailing):
    # given a session convened today, opening in 45 days
    session = new_session(officer, mailing.committee, days=45)
    session = session_convene(actor=officer, session=session)
    # when no reason
    with pytest.raises(ValidationError) as exc:
        session_update(actor=officer, session=session, data={"place": "Quito"})
    assert "reason" in exc.value.message_dict
    # when moved too close (20 days from today: less than the 30 days' notice)
    with pytest.raises(ValidationError) as exc:
        session_update(
            actor=officer,
            session=session,
            data={"starts_at": days_ahead(20), "documents_deadline": days_ahead(10)},
            reason="Host asked for an earlier date.",
        )
    assert "Too late for the notice period" in str(exc.value)
    # then with a waiver it moves
    session = session_update(
        actor=officer,
        session=session,
        data={"starts_at": days_ahead(20), "documents_deadline": days_ahead(10)},
        reason="Host asked for an earlier date.",
        short_notice_reason="The members agreed by e-mail.",
    )
    assert session.starts_at == days_ahead(20)
    assert ActionLog.objects.filter(event="session.notice_waived").count() == 1


def test_a_session_is_cancelled_with_a_reason_and_not_deleted(officer, mailing):
    session = new_session(officer, mailing.committee)
    with pytest.raises(ValidationError):
        session_cancel(actor=officer, session=session, reason="  ")
    session = session_cancel(actor=officer, session=session, reason="No quorum expected.")
    assert session.state == Session.State.CANCELLED
    assert ActionLog.objects.get(event="session.cancelled").reason == "No quorum expected."
    with pytest.raises(ValidationError):
        session_convene(actor=officer, session=session)
    with pytest.raises(ValidationError):
        session_update(actor=officer, session=session, data={"place": "X"}, reason="x")


def test_a_recipient_reads_spanish_when_the_session_lacks_their_language(officer, mailing):
    # given member 1's representative prefers French, which the session does not use
    from secretariat.core.models import User

    User.objects.filter(email="rep.full1@example.org").update(preferred_language="fr")
    session = new_session(officer, mailing.assembly, days=45, languages=["es", "en"])
    # when
    languages = {r.email: r.language for r in convocation_recipients(session)}
    # then
    assert languages["rep.full1@example.org"] == "es"
    assert set(languages.values()) == {"es"}


@pytest.mark.parametrize(
    ("all_members_sit", "kind", "lang", "expected"),
    [
        (True, "ordinary", "es", "XXXI Asamblea General Ordinaria"),
        (True, "extraordinary", "es", "XXXI Asamblea General Extraordinaria"),
        (True, "ordinary", "en", "XXXI Ordinary General Assembly"),
        (True, "ordinary", "pt", "XXXI Assembleia Geral Ordinária"),
        (True, "extraordinary", "fr", "XXXI Assemblée générale extraordinaire"),
        (False, "ordinary", "es", "XXXI Sesión Ordinaria — Comité Permanente"),
        (False, "extraordinary", "en", "XXXI Extraordinary Session — Standing Committee"),
        (False, "extraordinary", "pt", "XXXI Sessão Extraordinária — Comitê Permanente"),
        (False, "ordinary", "fr", "XXXI Session ordinaire — Comité permanent"),
    ],
)
def test_a_generated_title_is_written_in_each_language_of_the_record(
    all_members_sit, kind, lang, expected
):
    # given: a body named in four languages (the CISS form for the Assembly, a uniform one else)
    from secretariat.governance.models import Body
    from secretariat.governance.services.sessions import session_title

    body = Body(
        code="b",
        name_es="Comité Permanente",
        name_en="Standing Committee",
        name_pt="Comitê Permanente",
        name_fr="Comité permanent",
        all_members_sit=all_members_sit,
    )
    # when / then: the same words as the record's patterns, whatever the interface language
    assert session_title(body, kind, 31, lang) == expected
