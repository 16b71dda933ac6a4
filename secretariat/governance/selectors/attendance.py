"""Reads of a session's attendance: who may be marked present, the counts, the page.

Only accredited participants count (shared/domain.md, "Quorum": voting members *present or
represented*): credentials accepted and registration not withdrawn. Attendance is taken at
the door before the chair opens the session, and during it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from secretariat.core.access import can
from secretariat.governance.models import Participant, Session
from secretariat.governance.selectors.quorum import QuorumPanel, live_quorum

MANAGE = "governance.manage_sessions"
# Where attendance may be taken: at the door before the chair opens the session, and during it.
ATTENDANCE_STATES = (Session.State.CONVENED, Session.State.OPEN)


def not_accredited_reason(participant: Participant) -> str:
    """Why a participant cannot be marked present (empty when they can)."""
    if participant.withdrawn_at is not None:
        return _("Registration withdrawn.")
    if participant.credentials == Participant.Credentials.REJECTED:
        return _("Credentials rejected.")
    if participant.credentials != Participant.Credentials.ACCEPTED:
        return _("Credentials not yet accepted.")
    return ""


def accredited_filter() -> Q:
    return Q(credentials=Participant.Credentials.ACCEPTED, withdrawn_at__isnull=True)


def attendance_list(session: Session, q: str = "") -> QuerySet[Participant]:
    """The session's participants, searched by name, institution or seat (1 query)."""
    qs = Participant.objects.filter(session=session).select_related(
        "institution", "institution__country", "seat"
    )
    q = q.strip()
    if q:
        qs = qs.filter(
            Q(full_name__icontains=q)
            | Q(institution__name__icontains=q)
            | Q(institution__acronym__icontains=q)
            | Q(seat__title__icontains=q)
        )
    return qs.order_by("institution__name", "seat__title", "full_name", "pk")


@dataclass(frozen=True)
class NotAccredited:
    participant: Participant
    reason: str


def not_accredited(session: Session, q: str = "") -> list[NotAccredited]:
    rows = attendance_list(session, q).exclude(accredited_filter())
    return [NotAccredited(p, not_accredited_reason(p)) for p in rows]


@dataclass(frozen=True)
class AttendanceCounts:
    registered: int
    accredited: int
    present: int
    not_accredited: int


def attendance_counts(session: Session) -> AttendanceCounts:
    """Registered, accredited and present participants (1 query)."""
    accepted = accredited_filter()
    row = Participant.objects.filter(session=session).aggregate(
        registered=Count("pk", filter=Q(withdrawn_at__isnull=True)),
        accredited=Count("pk", filter=accepted),
        present=Count("pk", filter=accepted & Q(present=True)),
    )
    return AttendanceCounts(
        registered=row["registered"],
        accredited=row["accredited"],
        present=row["present"],
        not_accredited=row["registered"] - row["accredited"],
    )


def attendee_get_for_user(*, user: Any, session: Session, pk: Any) -> Participant:
    """A participant of this session whose attendance the user records (the Secretariat);
    Http404 when missing, of another session, or not the user's to mark."""
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404(_("No such participant.")) from exc
    found = (
        Participant.objects.filter(session=session, pk=pk)
        .select_related("institution", "seat", "session")
        .first()
    )
    if found is None or not can(user, MANAGE, session):
        raise Http404(_("No such participant."))
    return found


@dataclass(frozen=True)
class AttendancePage:
    """The attendance page: the accredited (to paginate), the others and why, the figures."""

    session: Session
    accredited: QuerySet[Participant]
    not_accredited: list[NotAccredited]
    counts: AttendanceCounts
    quorum: QuorumPanel
    can_manage: bool
    can_mark: bool


def attendance_page(*, user: Any, session: Session, q: str = "") -> AttendancePage:
    """Everything the attendance page shows, in a fixed number of queries."""
    return AttendancePage(
        session=session,
        accredited=attendance_list(session, q).filter(accredited_filter()),
        not_accredited=not_accredited(session, q),
        counts=attendance_counts(session),
        quorum=live_quorum(session),
        can_manage=can(user, MANAGE, session),
        can_mark=session.state in ATTENDANCE_STATES,
    )


@dataclass(frozen=True)
class AttendanceFigures:
    """What an attendance row answered by htmx redraws besides the row: counts and quorum."""

    counts: AttendanceCounts
    quorum: QuorumPanel


def attendance_figures(session: Session) -> AttendanceFigures:
    return AttendanceFigures(counts=attendance_counts(session), quorum=live_quorum(session))
