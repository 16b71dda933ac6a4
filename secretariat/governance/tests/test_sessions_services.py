"""Sessions: creation rules, who may convene, the notice period, the convocation e-mails,
editing and cancelling (the services, driven directly for the rule edge cases)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from secretariat.conftest import make_user
from secretariat.core import roles
from secretariat.core.models import ActionLog, RuleSetting
from secretariat.governance.models import Body, Dispatch, RulesProfile, Seat, Session
from secretariat.governance.selectors.convocation import convocation_recipients
from secretariat.governance.services.convocation import session_convene
from secretariat.governance.services.sessions import (
    session_cancel,
    session_create,
    session_update,
)
from secretariat.governance.tests.helpers import AWAITS_CATALOGS
from secretariat.members.models import Representative

MX = ZoneInfo("America/Mexico_City")


def days_ahead(days: int, hour: int = 10) -> dt.datetime:
    """A moment `days` calendar days from today in Mexico City, at a fixed hour."""
    today = timezone.now().astimezone(MX).date()
    return dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour), tzinfo=MX)


def new_session(actor, body, kind=Session.Kind.ORDINARY, days=60, **extra) -> Session:
    extra.setdefault("place", "Ciudad de México")
    if kind == Session.Kind.EXTRAORDINARY:
        extra.setdefault("convened_by", Session.ConvenedBy.PRESIDENT)
    return session_create(actor=actor, body=body, kind=kind, starts_at=days_ahead(days), **extra)


@pytest.fixture
def mailing(session_world):
    """Representatives for every member (one with an English-speaking account, one without
    any e-mail), e-mails on the Standing Committee's seats, an observer seat on the Assembly
    and one address shared by a seat and a representative (sent once)."""
    w = session_world
    since = dt.date(2020, 1, 1)
    english = make_user("rep.full1@example.org", roles.REPRESENTATIVE)
    english.preferred_language = "en"
    english.save()
    for i, inst in enumerate(w.full + w.associate, start=1):
        Representative.objects.create(
            institution=inst,
            user=english if i == 1 else None,
            full_name=f"Representante {i}",
            role=Representative.Role.HEAD,
            email="" if i == 1 else f"rep{i}@example.org",
            valid_from=since,
        )
    # a representative whose term ended: not convened
    Representative.objects.create(
        institution=w.full[0],
        full_name="Antiguo representante",
        role=Representative.Role.ALTERNATE,
        email="old@example.org",
        valid_from=since,
        valid_to=dt.date(2021, 1, 1),
    )
    # a representative with no e-mail at all: nothing to send
    Representative.objects.create(
        institution=w.full[5],
        full_name="Sin correo",
        role=Representative.Role.ALTERNATE,
        valid_from=since,
    )
    w.seats[0].email = "president@example.org"
    w.seats[0].save()
    for n, seat in enumerate(w.seats[1:], start=1):
        # coordinator 2's seat has the same address as member 2's representative
        seat.email = "rep2@example.org" if n == 2 else f"coordinator{n}@example.org"
        seat.save()
    for seat in w.voice_seats:
        seat.email = f"{seat.title.split()[0].lower()}@example.org"
        seat.save()
    Seat.objects.create(
        body=w.assembly,
        capacity=Seat.Capacity.OBSERVER,
        title="Observador",
        holder="Organización observadora",
        email="observer@example.org",
        valid_from=since,
    )
    return w


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


# --- Notice period ---------------------------------------------------------------------


def test_notice_of_exactly_the_days_required_is_enough(officer, mailing):
    # given an ordinary session opening 30 days from today (default notice: 30 days)
    session = new_session(officer, mailing.committee, days=30)
    # when
    convened = session_convene(actor=officer, session=session)
    # then
    assert convened.state == Session.State.CONVENED and convened.convened_at is not None
    assert not ActionLog.objects.filter(event="session.notice_waived").exists()


def test_one_day_short_of_the_notice_is_refused_with_the_dates(officer, mailing):
    # given
    session = new_session(officer, mailing.committee, days=29)
    # when
    with pytest.raises(ValidationError) as exc:
        session_convene(actor=officer, session=session)
    # then nothing changed, nothing recorded
    message = str(exc.value.message_dict["short_notice_reason"])
    earliest = timezone.now().astimezone(MX).date() + dt.timedelta(days=30)
    assert "Too late for the notice period" in message and "30 days' notice" in message
    assert date_format(earliest, "DATE_FORMAT") in message
    session = Session.objects.get(pk=session.pk)
    assert session.state == Session.State.DRAFT and not session.convocation_es
    assert not Dispatch.objects.exists()


def test_a_shorter_notice_with_a_reason_is_recorded_as_a_waiver(officer, mailing):
    # given
    session = new_session(officer, mailing.committee, days=29)
    # when
    session_convene(actor=officer, session=session, short_notice_reason="Urgent budget decision.")
    # then
    waiver = ActionLog.objects.get(event="session.notice_waived", target_id=str(session.pk))
    assert waiver.reason == "Urgent budget decision."
    assert waiver.old_values["notice_days"] == 30


def test_an_extraordinary_session_has_its_own_notice(officer, mailing):
    # given (default: 15 days for an extraordinary session)
    ok = new_session(officer, mailing.committee, Session.Kind.EXTRAORDINARY, days=15)
    short = new_session(officer, mailing.committee, Session.Kind.EXTRAORDINARY, days=14)
    deadline = days_ahead(10)
    # when / then
    session_convene(actor=officer, session=ok, documents_deadline=deadline)
    with pytest.raises(ValidationError):
        session_convene(actor=officer, session=short, documents_deadline=deadline)


def test_the_notice_comes_from_the_rules_in_force_on_the_session_date(officer, mailing):
    # given a 40-day notice in force from a date before the session
    RuleSetting.objects.create(
        key="governance.standing_committee.notice_days",
        value=40,
        valid_from=dt.date(2020, 1, 1),
        status=RuleSetting.Status.CONFIRMED,
        legal_basis="Test regulation, art. 1",
        source="test",
    )
    session = new_session(officer, mailing.committee, days=35)
    # when / then
    with pytest.raises(ValidationError) as exc:
        session_convene(actor=officer, session=session)
    assert "40 days' notice" in str(exc.value)


# --- Convocation -----------------------------------------------------------------------


def test_it_stores_the_convocation_and_the_documents_deadline(officer, mailing):
    # given
    session = new_session(officer, mailing.committee, days=45, languages=["es", "en", "pt"])
    # when
    session = session_convene(
        actor=officer, session=session, convocations={"en": "Our own English text."}
    )
    # then the text given is kept, and a convocation is written in each language only
    assert session.convocation_en == "Our own English text."
    assert session.convocation_fr in ("", None)
    # documents are due 15 days before the opening by default
    assert session.documents_deadline == session.starts_at - dt.timedelta(days=15)
    log = ActionLog.objects.get(event="session.convened", target_id=str(session.pk))
    assert log.new_values["state"] == "convened"


@AWAITS_CATALOGS
def test_it_stores_the_default_convocation_in_each_language(officer, mailing):
    # given
    session = new_session(officer, mailing.committee, days=45, languages=["es", "en", "pt"])
    # when
    session = session_convene(
        actor=officer, session=session, convocations={"en": "Our own English text."}
    )
    # then the default text in Spanish names the session, its dates and the time zone
    assert "convoca a la I Sesión Ordinaria — Comité Permanente" in session.convocation_es
    assert "huso horario: America/Mexico_City, UTC−06:00" in session.convocation_es
    assert "Idiomas de trabajo: español, inglés, portugués." in session.convocation_es
    assert session.convocation_pt.startswith("CONVOCAÇÃO")


def test_it_refuses_a_documents_deadline_after_the_opening(officer, mailing):
    session = new_session(officer, mailing.committee, days=45)
    with pytest.raises(ValidationError) as exc:
        session_convene(actor=officer, session=session, documents_deadline=days_ahead(46))
    assert "before the session opens" in str(exc.value)


def test_it_needs_a_place_or_online_to_convene(officer, mailing):
    session = new_session(officer, mailing.committee, days=45, place="")
    with pytest.raises(ValidationError) as exc:
        session_convene(actor=officer, session=session)
    assert "a place, or online" in str(exc.value)


def test_a_session_is_convened_once(officer, mailing):
    session = new_session(officer, mailing.committee, days=45)
    session_convene(actor=officer, session=session)
    with pytest.raises(ValidationError):
        session_convene(actor=officer, session=session)


def test_the_assembly_convocation_goes_to_every_members_representatives(
    officer, mailing, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    session = new_session(officer, mailing.assembly, days=45)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        session_convene(actor=officer, session=session)
    # then: 9 members' current representatives (full and associate) and the observer seat
    to = sorted(m.to[0] for m in mailoutbox)
    expected = sorted(
        ["rep.full1@example.org", "observer@example.org"]
        + [f"rep{i}@example.org" for i in range(2, 10)]
    )
    assert to == expected
    assert "old@example.org" not in to
    dispatches = Dispatch.objects.filter(session=session)
    assert dispatches.count() == len(mailoutbox) == 10
    assert set(dispatches.values_list("kind", flat=True)) == {"convocation"}
    # in the recipient's language: the account of member 1's representative reads English
    english = next(m for m in mailoutbox if m.to == ["rep.full1@example.org"])
    spanish = next(m for m in mailoutbox if m.to == ["rep2@example.org"])
    assert english.subject == "Convocation: I Ordinary General Assembly"
    assert "I Asamblea General Ordinaria" in spanish.subject
    assert "CONVOCATION" in english.body
    assert dispatches.get(email="rep.full1@example.org").language == "en"
    assert english.attachments[0][0] == "session.ics"


@AWAITS_CATALOGS
def test_the_assembly_convocation_reads_in_spanish_for_spanish_readers(
    officer, mailing, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    session = new_session(officer, mailing.assembly, days=45)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        session_convene(actor=officer, session=session)
    # then
    spanish = next(m for m in mailoutbox if m.to == ["rep2@example.org"])
    assert "CONVOCATORIA" in spanish.body


def test_the_committee_convocation_goes_to_the_seats_once_each(
    officer, mailing, mailoutbox, django_capture_on_commit_callbacks
):
    # given
    session = new_session(officer, mailing.committee, days=45)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        session_convene(actor=officer, session=session)
    # then: each seat holder, and the representatives of the institutions holding seats
    # (members 1-4); rep2@ is both a seat's and a representative's address: one message
    to = [m.to[0] for m in mailoutbox]
    assert len(to) == len(set(to))
    assert set(to) == {
        "president@example.org",
        "coordinator1@example.org",
        "rep2@example.org",
        "coordinator3@example.org",
        "coordinator4@example.org",
        "rep.full1@example.org",
        "rep3@example.org",
        "rep4@example.org",
        "secretaría@example.org",
        "contraloría@example.org",
    }
    assert "rep5@example.org" not in to  # member 5 holds no seat on the committee
    assert Dispatch.objects.filter(session=session).count() == len(to)


def test_recipients_are_those_of_the_session_date(officer, mailing):
    # given a seat that ends before the session
    seat = mailing.seats[4]
    seat.valid_to = days_ahead(10).date()
    seat.save()
    session = new_session(officer, mailing.committee, days=45)
    # when
    emails = {r.email for r in convocation_recipients(session)}
    # then
    assert "coordinator4@example.org" not in emails and "rep4@example.org" not in emails


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
