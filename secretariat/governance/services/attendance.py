"""Attendance: who arrived and who left, as recorded at the door or by the chair.

Quorum is counted on the voting members *present or represented* (shared/domain.md,
"Quorum" [D]; rule setting `quorum`): attendance is what feeds it, so only accredited
participants (credentials accepted, not withdrawn) can be marked present, and every arrival
and departure is kept as an `AttendanceEvent`. Attendance is taken while the session is
convened (at the door) or open.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from secretariat.core.access import require
from secretariat.core.audit import locked, save_audited
from secretariat.core.models import User
from secretariat.governance.models import AttendanceEvent, Participant, Session
from secretariat.governance.selectors.attendance import ATTENDANCE_STATES, not_accredited_reason
from secretariat.governance.services.common import touch_session

MANAGE = "governance.manage_sessions"


def _check_attendance_session(session: Session) -> None:
    if session.state not in ATTENDANCE_STATES:
        raise ValidationError(
            _("Attendance is taken while the session is convened or in progress; it is %(state)s.")
            % {"state": session.get_state_display()}
        )


def _refusal(participant: Participant) -> str:
    return _("%(name)s cannot be marked present: %(reason)s") % {
        "name": participant.full_name,
        "reason": not_accredited_reason(participant),
    }


def _mark(actor: User, participant: Participant, present: bool, now: dt.datetime) -> bool:
    """Mark one (locked) participant; True if something changed. No touch, no checks of session."""
    if not_accredited_reason(participant):
        raise ValidationError(_refusal(participant))
    if participant.present == present:
        return False
    old = {"present": participant.present}
    participant.present = present
    participant.present_since = now if present else None
    save_audited(
        participant,
        actor=actor,
        event="attendance.arrived" if present else "attendance.left",
        old=old,
        new={"present": present},
        # Accreditation was just checked; the registration's constraints would cost a
        # query each for every member of a roll.
        clean=False,
    )
    AttendanceEvent.objects.create(
        session_id=participant.session_id,
        participant=participant,
        present=present,
        at=now,
        recorded_by=actor,
    )
    return True


@transaction.atomic
def attendance_mark(*, actor: User, participant: Participant, present: bool) -> Participant:
    """Record that an accredited participant arrived (present) or left (absent).

    Only accredited participants count (credentials accepted, not withdrawn); marking what
    is already recorded changes nothing and appends no event.
    """
    session = participant.session
    require(actor, MANAGE, session)
    _check_attendance_session(Session.objects.get(pk=session.pk))
    participant = locked(participant)
    if _mark(actor, participant, bool(present), timezone.now()):
        touch_session(participant.session_id)
    return participant


@transaction.atomic
def attendance_mark_many(*, actor: User, session: Session, marks: Mapping[int, bool]) -> int:
    """The chair's roll: mark many participants at once (all or none); returns how many changed."""
    require(actor, MANAGE, session)
    _check_attendance_session(Session.objects.get(pk=session.pk))
    participants = {
        p.pk: p
        # order_by("pk"): the default ordering joins the institution, which PostgreSQL
        # refuses to lock (FOR UPDATE on the nullable side of an outer join).
        for p in Participant.objects.select_for_update()
        .filter(session=session, pk__in=marks)
        .order_by("pk")
    }
    if set(marks) - set(participants):
        raise ValidationError(_("Some of these people are not registered for this session."))
    refused = [p for p in participants.values() if not_accredited_reason(p) and marks[p.pk]]
    if refused:
        raise ValidationError([_refusal(p) for p in refused])
    now = timezone.now()
    changed = 0
    for pk in sorted(participants):
        participant = participants[pk]
        if not_accredited_reason(participant):
            continue  # absent already: nothing to record
        changed += _mark(actor, participant, bool(marks[pk]), now)
    if changed:
        touch_session(session)
    return changed
