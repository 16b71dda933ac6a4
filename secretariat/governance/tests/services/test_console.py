"""Holding a session through the services: the chair opens and closes it (services/console.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from secretariat.core.models import ActionLog
from secretariat.governance.models import (
    Session,
    Vote,
)
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
