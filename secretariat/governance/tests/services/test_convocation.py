"""Convening a session (services/convocation.py): the notice period, the convocation
stored in each language, its recipients and e-mails."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.formats import date_format

from secretariat.core.models import ActionLog, RuleSetting
from secretariat.governance.models import Dispatch, Session
from secretariat.governance.selectors.convocation import convocation_recipients
from secretariat.governance.services.convocation import session_convene
from secretariat.governance.tests.helpers import MX, days_ahead, new_session

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
