"""Session services (services/sessions.py): creation rules (numbers, titles, who may
convene an extraordinary session), permission, editing and cancelling, driven directly
for the rule edge cases."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from secretariat.core.models import ActionLog, RuleSetting
from secretariat.governance.models import Body, RulesProfile, Seat, Session
from secretariat.governance.selectors.convocation import (
    convocation_default_text,
    convocation_recipients,
)
from secretariat.governance.services.convocation import session_convene
from secretariat.governance.services.requesters import requester_identity
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


def _requested(w, seats, **extra):
    """An extraordinary General Assembly requested by the holders of `seats` today."""
    extra.setdefault("requested_on", timezone.localdate())
    return new_session(
        w.officer,
        w.assembly,
        Session.Kind.EXTRAORDINARY,
        convened_by=Session.ConvenedBy.COMMITTEE_MEMBERS,
        requesters=seats,
        **extra,
    )


@pytest.fixture
def sc(session_world, officer):
    """The Standing Committee of `session_world` (5 voting seats, 2 voice), with an officer."""
    session_world.officer = officer
    return session_world


def test_an_extraordinary_assembly_needs_five_standing_committee_members(sc):
    """shared/domain.md "General Assembly" [C]: extraordinary "at the request of the President
    or of at least five members of the Standing Committee" (rule setting
    `governance.general_assembly.extraordinary_requesters`, 5)."""
    # when four voting seat holders request it
    with pytest.raises(ValidationError) as exc:
        _requested(sc, sc.seats[:4])
    # then
    assert "At least 5 members of the Standing Committee must request it; 4 chosen" in str(
        exc.value.message_dict["requesters"]
    )
    # and five may; the request, its date and who made it are recorded and named
    session = _requested(sc, sc.seats[:5])
    assert set(session.requesters.all()) == set(sc.seats[:5])
    assert session.requested_on == timezone.localdate()
    log = ActionLog.objects.get(event="session.created", target_id=str(session.pk))
    assert "Coordinación de la Subregión 1 (Coordinador 1)" in log.new_values["requesters"]
    text = convocation_default_text(session, "es", documents_deadline=None)
    assert "Coordinación de la Subregión 4 (Coordinador 4)" in text
    assert "Presidencia (Presidente de prueba)" in text


def test_free_text_names_count_for_nothing(sc):
    """shared/domain.md "General Assembly" [C]. The review's case: "a b c d e" typed as five
    names passed as five members of the Standing Committee."""
    with pytest.raises(ValidationError) as exc:
        _requested(sc, [], requested_by="a\nb\nc\nd\ne")
    assert "must request it; 0 chosen" in str(exc.value.message_dict["requesters"])
    assert not Session.objects.exists()


def test_a_member_holding_two_seats_counts_once(sc):
    """shared/domain.md "General Assembly" [C]: five *members* of the Standing Committee; a
    person (or institution) holding two of its seats is one member asking."""
    # given: the coordinator of sub-region 1 is also a Vice-President
    vice = Seat.objects.create(
        body=sc.committee,
        capacity=Seat.Capacity.OFFICER,
        title="Vicepresidencia",
        holder="Coordinador 1",
        valid_from=dt.date(2020, 1, 1),
        order=2,
    )
    same_institution = Seat.objects.create(
        body=sc.committee,
        capacity=Seat.Capacity.MEMBER,
        title="Representación de los miembros asociados",
        holder="Otra persona",
        institution=sc.full[1],  # coordinator 2's institution
        valid_from=dt.date(2020, 1, 1),
        order=30,
    )
    # when: six seats chosen, four members behind them
    chosen = [*sc.seats[:4], vice, same_institution]
    with pytest.raises(ValidationError) as exc:
        _requested(sc, chosen)
    # then
    message = str(exc.value.message_dict["requesters"])
    assert "4 chosen (a member holding several seats counts once)" in message
    assert sorted(len(g) for g in requester_identity(chosen)) == [1, 1, 2, 2]
    # and the fifth member makes it
    assert _requested(sc, [*chosen, sc.seats[4]]).pk


def test_only_voting_seat_holders_on_the_date_of_the_request(sc):
    """shared/domain.md "Standing Committee" [C]: the Secretary General, the Comptroller and
    the CIESS Director attend with voice and no vote; requesters are the Committee's members
    with vote, on the date of the request."""
    # a voice seat
    with pytest.raises(ValidationError) as exc:
        _requested(sc, [*sc.seats[:4], sc.voice_seats[0]])
    assert "Not a voting seat of Standing Committee" in str(exc.value.message_dict["requesters"])
    assert "Secretaría General" in str(exc.value.message_dict["requesters"])
    # a seat that ended the day before the request (valid_to is exclusive)
    request_day = dt.date(2024, 3, 15)
    former = Seat.objects.create(
        body=sc.committee,
        capacity=Seat.Capacity.MEMBER,
        title="Coordinación saliente",
        holder="Antiguo coordinador",
        valid_from=dt.date(2020, 1, 1),
        valid_to=request_day,
    )
    with pytest.raises(ValidationError, match="Coordinación saliente"):
        _requested(sc, [*sc.seats[:4], former], requested_on=request_day)
    # the day before, it held it
    assert _requested(
        sc, [*sc.seats[:4], former], requested_on=request_day - dt.timedelta(days=1)
    ).pk
    # a seat of another body
    assembly_seat = Seat.objects.create(
        body=sc.assembly,
        capacity=Seat.Capacity.MEMBER,
        title="Otro",
        valid_from=dt.date(2020, 1, 1),
    )
    with pytest.raises(ValidationError, match="Not a voting seat"):
        _requested(sc, [*sc.seats[:4], assembly_seat])
    # no date, or a date to come
    with pytest.raises(ValidationError) as exc:
        _requested(sc, sc.seats[:5], requested_on=None)
    assert "Give the date of the request." in str(exc.value.message_dict["requested_on"])
    with pytest.raises(ValidationError, match="cannot be dated in the future"):
        _requested(sc, sc.seats[:5], requested_on=timezone.localdate() + dt.timedelta(days=1))


def test_the_number_of_requesters_is_a_dated_rule(sc):
    # given the Secretariat recorded that three suffice from a date before the request
    RuleSetting.objects.create(
        key="governance.general_assembly.extraordinary_requesters",
        value=3,
        valid_from=dt.date(2020, 1, 1),
        status=RuleSetting.Status.CONFIRMED,
        legal_basis="Test regulation, art. 1",
        source="test",
    )
    # when / then
    assert _requested(sc, sc.seats[:3]).pk


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
            requesters=session_world.seats,
            requested_on=timezone.localdate(),
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
    experts = [
        Seat.objects.create(
            body=cass,
            capacity=Seat.Capacity.MEMBER,
            title=f"Experta {n}",
            holder=f"Experta {n}",
            valid_from=dt.date(2020, 1, 1),
        )
        for n in (1, 2)
    ]
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        new_session(
            officer, cass, kind, convened_by=members, requesters=experts[:1], requested_on=today
        )
    assert new_session(
        officer, cass, kind, convened_by=members, requesters=experts, requested_on=today
    ).pk
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
