"""Holding a session: the chair opens it and closes it.

Every write of the live console is atomic, checks `governance.manage_sessions` first (the
Secretary General and officers, who act as the body's secretariat), is validated with a
translated message, audited, and followed by `touch_session`, so that every open console
and delegate page sees the change within a poll (docs/decisions/0007-live-console-updates.md).
Attendance is in `services.attendance`, motions in `services.motions`, votes in
`services.votes`.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from secretariat.core.access import require
from secretariat.core.audit import locked, save_audited
from secretariat.core.models import User
from secretariat.governance.models import Session, Vote
from secretariat.governance.selectors.sessions import local_today, opening_day
from secretariat.governance.services.common import touch_session

MANAGE = "governance.manage_sessions"


def _check_opening_day(session: Session, today: dt.date, reason: str) -> str:
    """A session opens on the day it was convened for; on another day only with a reason,
    recorded with the opening (the members were convened for that date)."""
    scheduled = opening_day(session)
    if today == scheduled:
        return reason.strip()
    words = {"date": date_format(scheduled, "DATE_FORMAT")}
    if today < scheduled:
        message = _(
            "The session is convened for %(date)s. To open it earlier, say why: the reason is "
            "recorded with the opening."
        )
    else:
        message = _(
            "The session was convened for %(date)s. To open it on a later day, say why: the "
            "reason is recorded with the opening."
        )
    if not reason.strip():
        raise ValidationError({"reason": message % words})
    return reason.strip()


@transaction.atomic
def session_open(*, actor: User, session: Session, reason: str = "") -> Session:
    """The chair opens a convened session: from now on its votes can be taken.

    It opens on its scheduled date (in its own time zone), or on another day only with a
    reason, logged (issue #9); from then on its quorum and who may vote are judged on the day
    it sits, the date it opened (`selectors.sessions.sitting_day`).
    """
    require(actor, MANAGE, session)
    session = locked(session)
    if session.state != Session.State.CONVENED:
        raise ValidationError(
            _("Only a convened session can be opened; this one is %(state)s.")
            % {"state": session.get_state_display()}
        )
    today = local_today(session.time_zone)
    reason = _check_opening_day(session, today, reason or "")
    session.mark_open()
    session.opened_at = timezone.now()
    save_audited(
        session,
        actor=actor,
        event="session.opened",
        old={"state": Session.State.CONVENED},
        new={
            "state": session.state,
            "opened_at": session.opened_at,
            "scheduled_for": opening_day(session).isoformat(),
            "sits_on": today.isoformat(),
        },
        reason=reason,
        clean=False,  # a transition of a valid row, checked above (full_clean re-reads each FK)
    )
    touch_session(session)
    return session


@transaction.atomic
def session_close(*, actor: User, session: Session, reason: str = "") -> Session:
    """The chair closes the session; not while a vote is open (it must be closed first)."""
    require(actor, MANAGE, session)
    session = locked(session)
    if session.state != Session.State.OPEN:
        raise ValidationError(
            _("Only a session in progress can be closed; this one is %(state)s.")
            % {"state": session.get_state_display()}
        )
    if Vote.objects.filter(motion__session=session, state=Vote.State.OPEN).exists():
        raise ValidationError(_("A vote is still open: close it before closing the session."))
    session.mark_closed()
    session.closed_at = timezone.now()
    save_audited(
        session,
        actor=actor,
        event="session.closed",
        old={"state": Session.State.OPEN},
        new={"state": session.state, "closed_at": session.closed_at},
        reason=reason,
        clean=False,  # a transition of a valid row, checked above (full_clean re-reads each FK)
    )
    touch_session(session)
    return session
