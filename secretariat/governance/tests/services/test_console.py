"""Holding a session through the services: the chair opens and closes it (services/console.py)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from secretariat.conftest import make_member
from secretariat.core.models import ActionLog
from secretariat.governance.models import (
    Session,
    Vote,
)
from secretariat.governance.selectors.composition import session_roll
from secretariat.governance.selectors.quorum import live_quorum
from secretariat.governance.services import attendance as attendance_services
from secretariat.governance.services import console as console_services
from secretariat.governance.services import motions as motion_services
from secretariat.governance.services import votes as vote_services
from secretariat.governance.tests.live_world import (
    fresh,
    live_fixture,  # noqa: F401  (the `live` fixture)
    make_session,
    mark_present,
)

pytestmark = pytest.mark.django_db
REAL_LOCALDATE = timezone.localdate  # before the `today` fixture pins it


def test_it_opens_a_convened_session_and_logs_it(live, officer):
    # given
    before = fresh(live.session).revision
    # when
    console_services.session_open(
        actor=officer, session=live.session, reason="Quorum reached at 10:05"
    )
    # then
    session = fresh(live.session)
    assert session.state == Session.State.OPEN
    assert session.opened_at is not None
    assert session.revision == before + 1
    log = ActionLog.objects.get(event="session.opened")
    assert log.actor == officer and log.reason == "Quorum reached at 10:05"


def test_it_refuses_to_open_a_session_that_is_not_convened(session_world, officer, today):
    # given
    draft = make_session(session_world, state=Session.State.DRAFT)
    # when / then
    with pytest.raises(ValidationError, match="Only a convened session can be opened"):
        console_services.session_open(actor=officer, session=draft)
    assert fresh(draft).state == Session.State.DRAFT


def test_it_refuses_a_representative_the_chairs_actions(live, rep_a):
    # when / then: only the Secretariat holds the console
    with pytest.raises(PermissionDenied):
        console_services.session_open(actor=rep_a, session=live.session)
    with pytest.raises(PermissionDenied):
        attendance_services.attendance_mark(actor=rep_a, participant=live.pending, present=True)


def test_it_refuses_to_close_while_a_vote_is_open_then_closes(live, officer):
    # given: an open session, with quorum, with a motion put to a secret ballot
    console_services.session_open(actor=officer, session=live.session)
    mark_present(officer, live, live.full[:4])
    motion = motion_services.motion_add(
        actor=officer,
        session=fresh(live.session),
        agenda_item=live.items[0],
        title_es="Aprobar el orden del día",
        text_es="La Asamblea aprueba el orden del día.",
        proposer="Presidencia",
    )
    vote = vote_services.vote_open(actor=officer, motion=motion, method=Vote.Method.SECRET)
    # when / then
    with pytest.raises(ValidationError, match="A vote is still open"):
        console_services.session_close(actor=officer, session=live.session)
    assert fresh(live.session).state == Session.State.OPEN
    # when the vote is closed, the session can be closed
    vote_services.vote_close(actor=officer, vote=vote)
    console_services.session_close(actor=officer, session=live.session)
    session = fresh(live.session)
    assert session.state == Session.State.CLOSED and session.closed_at is not None


def test_it_refuses_to_close_a_session_not_in_progress(live, officer):
    with pytest.raises(ValidationError, match="Only a session in progress can be closed"):
        console_services.session_close(actor=officer, session=live.session)


# --- The day a session opens, and the day it sits (issue #9) ---------------------------------

MEXICO = ZoneInfo("America/Mexico_City")  # the session's time zone (UTC−06:00, no DST)


def at(monkeypatch, moment: dt.datetime) -> None:
    """The clock reads `moment`; today is its date in each reader's time zone."""
    monkeypatch.setattr("django.utils.timezone.now", lambda: moment.astimezone(dt.UTC))
    monkeypatch.setattr("django.utils.timezone.localdate", REAL_LOCALDATE)


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2024, 5, 31, 12, 0, tzinfo=MEXICO),  # the day before
        dt.datetime(2024, 6, 1, 5, 30, tzinfo=dt.UTC),  # 23:30 the day before, in Mexico City
        dt.datetime(2024, 6, 2, 9, 0, tzinfo=MEXICO),  # the day after
    ],
)
def test_a_session_opens_on_another_day_than_scheduled_only_with_a_reason(
    live, officer, monkeypatch, moment
):
    """shared/domain.md "General Assembly" [C]: the Assembly meets when convened; the members
    were convened for the session's date (scheduled 1 June 2024, 10:00 in Mexico City)."""
    at(monkeypatch, moment)
    # when: without a reason
    with pytest.raises(ValidationError, match="convened for June 1, 2024") as refused:
        console_services.session_open(actor=officer, session=live.session)
    # then: nothing changed
    assert "reason" in refused.value.message_dict
    assert fresh(live.session).state == Session.State.CONVENED
    assert not ActionLog.objects.filter(event="session.opened").exists()
    # when: with a reason, it opens and the reason is logged with the day it sits
    console_services.session_open(
        actor=officer, session=live.session, reason="Adelantada por acuerdo de las delegaciones"
    )
    session = fresh(live.session)
    assert session.state == Session.State.OPEN
    log = ActionLog.objects.get(event="session.opened")
    assert log.reason == "Adelantada por acuerdo de las delegaciones"
    assert log.new_values["scheduled_for"] == "2024-06-01"
    assert log.new_values["sits_on"] == moment.astimezone(MEXICO).date().isoformat()


@pytest.mark.parametrize(
    "moment",
    [
        dt.datetime(2024, 6, 1, 0, 5, tzinfo=MEXICO),  # its first minute
        dt.datetime(2024, 6, 2, 5, 30, tzinfo=dt.UTC),  # 23:30 the same day, in Mexico City
    ],
)
def test_a_session_opens_on_its_scheduled_day_without_a_reason(live, officer, monkeypatch, moment):
    """shared/domain.md "General Assembly" [C]: a session opens on the date it was convened for."""
    at(monkeypatch, moment)
    console_services.session_open(actor=officer, session=live.session)
    assert fresh(live.session).state == Session.State.OPEN
    assert ActionLog.objects.get(event="session.opened").new_values["sits_on"] == "2024-06-01"


def test_quorum_is_judged_on_the_day_the_session_sits(
    live, officer, monkeypatch, categories, countries
):
    """shared/domain.md "Quorum" [D]: more than half of the full members entitled to vote
    (on the day the session sits: the date it opened, not its scheduled date nor today)."""
    # given: a full member admitted on the scheduled day, 1 June; the session opens on 31 May
    make_member("Instituto Nuevo", countries["MX"], categories["full"], since=dt.date(2024, 6, 1))
    at(monkeypatch, dt.datetime(2024, 5, 31, 18, 0, tzinfo=MEXICO))
    console_services.session_open(actor=officer, session=live.session, reason="Adelantada")
    mark_present(officer, live, live.full[:4])
    # then: on 31 May six are entitled (the new member is not yet one): 4 of 6 is quorum
    roll = session_roll(fresh(live.session))
    assert roll.day == dt.date(2024, 5, 31)
    assert (roll.entitled, roll.voting_present, roll.quorum.met) == (6, 4, True)
    # when: the clock passes the scheduled day, the session still sits on 31 May
    at(monkeypatch, dt.datetime(2024, 6, 3, 11, 0, tzinfo=MEXICO))
    roll = session_roll(fresh(live.session))
    assert (roll.day, roll.entitled, roll.quorum.met) == (dt.date(2024, 5, 31), 6, True)
    assert live_quorum(fresh(live.session)).entitled == 6
    # and a vote opened now is taken with that quorum
    motion = motion_services.motion_add(
        actor=officer,
        session=fresh(live.session),
        agenda_item=live.items[0],
        title_es="Aprobar el orden del día",
        text_es="La Asamblea aprueba el orden del día.",
        proposer="Presidencia",
    )
    vote = vote_services.vote_open(actor=officer, motion=motion, method=Vote.Method.CONSENSUS)
    assert (vote.present, vote.quorum_required, vote.entitled) == (4, 4, 6)
