"""Holding a session: the chair opens it and closes it.

Every write of the live console is atomic, checks `governance.manage_sessions` first (the
Secretary General and officers, who act as the body's secretariat), is validated with a
translated message, audited, and followed by `touch_session`, so that every open console
and delegate page sees the change within a poll (docs/decisions/0007-live-console-updates.md).
Attendance is in `services.attendance`, motions in `services.motions`, votes in
`services.votes`.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from secretariat.core.access import require
from secretariat.core.audit import locked, save_audited
from secretariat.core.models import User
from secretariat.governance.models import Session, Vote
from secretariat.governance.services.common import touch_session

MANAGE = "governance.manage_sessions"


@transaction.atomic
def session_open(*, actor: User, session: Session, reason: str = "") -> Session:
    """The chair opens a convened session: from now on its votes can be taken."""
    require(actor, MANAGE, session)
    session = locked(session)
    if session.state != Session.State.CONVENED:
        raise ValidationError(
            _("Only a convened session can be opened; this one is %(state)s.")
            % {"state": session.get_state_display()}
        )
    session.mark_open()
    session.opened_at = timezone.now()
    save_audited(
        session,
        actor=actor,
        event="session.opened",
        old={"state": Session.State.CONVENED},
        new={"state": session.state, "opened_at": session.opened_at},
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
