"""What the sessions capability puts on the dashboard and the home page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from secretariat.core.access import can
from secretariat.core.models import User
from secretariat.governance.models import Minutes, Participant, Session
from secretariat.governance.selectors.sessions import local, zone
from secretariat.members.permissions import represented_institution_ids

UPCOMING_STATES = (Session.State.DRAFT, Session.State.CONVENED, Session.State.OPEN)


@dataclass(frozen=True)
class SessionDue:
    session: Session
    credentials_pending: int
    days_to_start: int  # calendar days from today to its scheduled start, in its time zone
    in_progress: bool  # opened, or started and not yet ended

    @property
    def starts_local(self) -> dt.datetime:
        return local(self.session.starts_at, self.session.time_zone)


def in_progress(session: Session, now: dt.datetime) -> bool:
    """Open, or its scheduled start passed and its end has not: it is being held now."""
    if session.state == Session.State.OPEN:
        return True
    if session.state != Session.State.CONVENED or session.starts_at > now:
        return False
    return session.ends_at is None or session.ends_at > now


def days_until(session: Session, today: dt.date) -> int:
    return (local(session.starts_at, session.time_zone).date() - today).days


def upcoming_public_sessions(*, limit: int = 5) -> list[Session]:
    """Convened or open sessions, soonest first (home page)."""
    now = timezone.now()
    return list(
        Session.objects.filter(state__in=[Session.State.CONVENED, Session.State.OPEN])
        .filter(
            Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now - dt.timedelta(days=2))
        )
        .select_related("body")
        .order_by("starts_at", "pk")[:limit]
    )


def dashboard_sessions(*, user: User) -> dict[str, Any]:
    """Staff: sessions coming or in progress with credentials still to check, and minutes
    waiting for a step. Representatives: the sessions their institutions take part in."""
    now = timezone.now()
    if can(user, "governance.view_sessions"):
        sessions = list(
            Session.objects.filter(state__in=UPCOMING_STATES)
            .select_related("body")
            .annotate(
                pending=Count(
                    "participants",
                    filter=Q(
                        participants__credentials=Participant.Credentials.PENDING,
                        participants__withdrawn_at__isnull=True,
                    ),
                )
            )
            .order_by("starts_at", "pk")[:10]
        )
        minutes = list(
            Minutes.objects.exclude(state=Minutes.State.SIGNED)
            .select_related("session", "session__body")
            .order_by("session__starts_at")[:10]
        )
        return {
            "sessions_due": [
                SessionDue(
                    session=s,
                    credentials_pending=s.pending,
                    days_to_start=days_until(s, timezone.localdate(now, zone(s.time_zone))),
                    in_progress=in_progress(s, now),
                )
                for s in sessions
            ],
            "minutes_waiting": minutes,
        }
    institutions = represented_institution_ids(user)
    mine = list(
        Session.objects.filter(state__in=[Session.State.CONVENED, Session.State.OPEN])
        .filter(
            Q(body__all_members_sit=True)
            | Q(body__seats__institution_id__in=institutions)
            | Q(participants__user=user)
        )
        .distinct()
        .select_related("body")
        .order_by("starts_at", "pk")[:10]
    )
    return {"my_sessions": mine if (institutions or mine) else []}
