"""Reads of the minutes (actas) of a session, their comments and their errata.

Who sees them (shared/domain.md, "After the session"): signed minutes are public; those who
sit in the session (who may comment) see them from the moment they are circulated; the
Secretariat always, and the page of a session without minutes, to draft them. To anyone
else they do not exist (404).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from secretariat.core.access import can, get_for_user_or_404
from secretariat.core.languages import content_language
from secretariat.core.models import ActionLog, User
from secretariat.core.selectors.action_log import record_history
from secretariat.governance.models import (
    Erratum,
    Minutes,
    MinutesComment,
    Participant,
    Session,
    Vote,
)

READ = "governance.view_sessions"
MANAGE = "governance.manage_sessions"
COMMENT = "governance.comment_minutes"

MinutesAction = Literal["view", "comment", "manage"]


# --- Who sees what -------------------------------------------------------------------------


@dataclass(frozen=True)
class MinutesAccess:
    """What a user may see and do on a session's minutes page."""

    staff_reads: bool  # governance.view_sessions
    manages: bool  # governance.manage_sessions
    may_comment: bool  # governance.comment_minutes on the session

    @property
    def sees_comments(self) -> bool:
        return self.staff_reads or self.may_comment


def minutes_access(user: Any, session: Session) -> MinutesAccess:
    authenticated = bool(user and user.is_authenticated)
    return MinutesAccess(
        staff_reads=authenticated and can(user, READ),
        manages=authenticated and can(user, MANAGE),
        may_comment=authenticated and can(user, COMMENT, session),
    )


def minutes_visible(minutes: Minutes | None, access: MinutesAccess) -> bool:
    """Signed minutes are public; circulated and later ones are for seat holders; staff
    see every state (and the page of a session without minutes, to draft them)."""
    if access.staff_reads:
        return True
    if minutes is None:
        return False
    if minutes.state == Minutes.State.SIGNED:
        return True
    return access.may_comment and minutes.state != Minutes.State.DRAFT


def minutes_of(session: Session) -> Minutes | None:
    return (
        Minutes.objects.select_related("approved_at_session", "approval_vote", "session")
        .filter(session=session)
        .first()
    )


def minutes_get_for_user(*, user: Any, session: Session, action: MinutesAction = "view") -> Minutes:
    """The minutes of a session, if the user may see them (Http404 when there are none or
    they may not); "comment" and "manage" then need their permission (403: the user sees
    the minutes). The Secretariat, who manage them, see them in every state."""
    minutes = minutes_of(session)
    if action == "manage":
        if minutes is None:
            raise Http404
        if not can(user, MANAGE):
            raise PermissionDenied(_("You do not have permission to do this."))
        return minutes
    access = minutes_access(user, session)
    if minutes is None or not minutes_visible(minutes, access):
        raise Http404
    if action == "comment" and not access.may_comment:
        raise PermissionDenied(_("You do not have permission to do this."))
    return minutes


def minutes_comment_get_for_user(*, user: Any, pk: int) -> MinutesComment:
    """A comment on minutes, for the Secretariat that answers it (Http404 to anyone else)."""
    queryset = MinutesComment.objects.select_related("minutes", "minutes__session__body")
    return get_for_user_or_404(queryset, user=user, perm=MANAGE, pk=pk)


def erratum_get_for_user(*, user: Any, pk: int) -> Erratum:
    """An erratum, for the Secretariat that has it approved (Http404 to anyone else)."""
    queryset = Erratum.objects.select_related("minutes", "minutes__session__body")
    return get_for_user_or_404(queryset, user=user, perm=MANAGE, pk=pk)


# --- The minutes page ----------------------------------------------------------------------


@dataclass(frozen=True)
class TimelineStep:
    state: str
    label: str
    at: dt.datetime | None
    done: bool
    current: bool
    note: str = ""
    session: Session | None = None


@dataclass(frozen=True)
class MinutesPage:
    session: Session
    minutes: Minutes | None
    access: MinutesAccess
    comments: list[MinutesComment]
    errata: list[Erratum]
    timeline: list[TimelineStep]
    history: list[ActionLog]
    text: str
    text_pending: bool
    language: str


_EVENTS = {
    "minutes.drafted": "draft",
    "minutes.circulated": "circulated",
    "minutes.amended": "amended",
    "minutes.approved": "approved",
    "minutes.signed": "signed",
}


def _timeline(minutes: Minutes | None, history: list[ActionLog]) -> list[TimelineStep]:
    order: list[str] = [str(s.value) for s in Minutes.State]
    labels = dict(Minutes.State.choices)
    current = minutes.state if minutes else ""
    reached = order.index(current) if current in order else -1
    entered: dict[str, dt.datetime] = {}
    for entry in sorted(history, key=lambda e: e.id):
        if entry.event in _EVENTS:
            entered[_EVENTS[entry.event]] = entry.created_at  # the latest time it entered it
    recorded: dict[str, dt.datetime | None] = {}
    if minutes is not None:
        recorded = {
            "circulated": minutes.circulated_at,
            "approved": minutes.approved_at,
            "signed": minutes.locked_at,
        }
    steps = []
    for i, state in enumerate(order):
        at = recorded.get(state) or entered.get(state)
        done = i <= reached and (state != Minutes.State.AMENDED or state in entered)
        steps.append(
            TimelineStep(
                state=state,
                label=str(labels[state]),
                at=at if done else None,
                done=done,
                current=state == current,
                session=minutes.approved_at_session
                if minutes and state == Minutes.State.APPROVED and done
                else None,
            )
        )
    return steps


def minutes_text(minutes: Minutes, language: str) -> tuple[str, bool]:
    """The minutes' text in a language, falling back to Spanish (second item: pending)."""
    text = getattr(minutes, f"text_{language}", "") or ""
    if text.strip() or language == "es":
        return text, False
    return getattr(minutes, "text_es", "") or "", True


def minutes_page(*, session: Session, user: Any) -> MinutesPage:
    """The minutes page of a session for this user; 404 when they may not see it.

    Queries: minutes (1), comments (1) when visible to the user, errata (1), action log (1),
    plus the permission checks.
    """
    access = minutes_access(user, session)
    minutes = minutes_of(session)
    if not minutes_visible(minutes, access):
        raise Http404
    comments: list[MinutesComment] = []
    errata: list[Erratum] = []
    history: list[ActionLog] = []
    if minutes is not None:
        if access.sees_comments:
            comments = list(
                minutes.comments.select_related("addressed_by").order_by("created_at", "pk")
            )
        errata_qs = minutes.errata.select_related("approved_at_session").order_by("number")
        if not access.staff_reads:
            errata_qs = errata_qs.filter(state=Erratum.State.APPROVED)
        errata = list(errata_qs)
        history = record_history(target=minutes, limit=100)
    lang = content_language()
    text = ""
    pending = False
    if minutes is not None:
        text = getattr(minutes, f"text_{lang}", "") or ""
        if not text.strip():
            text = getattr(minutes, "text_es", "") or ""
            pending = lang != "es" and bool(text.strip())
    return MinutesPage(
        session=session,
        minutes=minutes,
        access=access,
        comments=comments,
        errata=errata,
        timeline=_timeline(minutes, history),
        history=history if access.staff_reads else [],
        text=text,
        text_pending=pending,
        language=lang,
    )


def approved_errata(minutes: Minutes) -> list[Erratum]:
    """The approved errata of the minutes, in order (they are printed with them)."""
    return list(
        minutes.errata.filter(state=Erratum.State.APPROVED)
        .select_related("approved_at_session")
        .order_by("number")
    )


# --- Forms of the cycle --------------------------------------------------------------------


def approving_sessions(session: Session) -> QuerySet[Session]:
    """Later sessions of the same body that can take the approving decision (open or closed)."""
    return (
        Session.objects.filter(
            body_id=session.body_id,
            starts_at__gt=session.starts_at,
            state__in=[Session.State.OPEN, Session.State.CLOSED],
        )
        .select_related("body")
        .order_by("starts_at", "pk")
    )


def approving_votes_in(sessions: QuerySet[Session]) -> QuerySet[Vote]:
    """Closed votes that carried in these sessions (an approval may point at one)."""
    return (
        Vote.objects.filter(state=Vote.State.CLOSED, motion__session__in=sessions)
        .filter(Q(override=True) | Q(override__isnull=True, carried_computed=True))
        .select_related("motion")
        .order_by("motion__session__starts_at", "motion__number", "pk")
    )


@dataclass(frozen=True)
class Recipient:
    """Someone the circulated minutes are sent to, at one address."""

    participant: Participant
    email: str


def minutes_recipients(session: Session) -> list[Recipient]:
    """Registered participants with an e-mail (their own, else their account's), one per address."""
    seen: set[str] = set()
    result = []
    for p in (
        Participant.objects.filter(session=session, withdrawn_at__isnull=True)
        .select_related("user", "institution", "seat")
        .order_by("pk")
    ):
        email = (p.email or (p.user.email if p.user else "")).strip()
        if not email or email.lower() in seen:
            continue
        seen.add(email.lower())
        result.append(Recipient(participant=p, email=email))
    return result


def user_label(user: User, session: Session) -> str:
    """How a commenter is named: as registered for the session, with their institution."""
    p = (
        Participant.objects.filter(session=session, user=user, withdrawn_at__isnull=True)
        .select_related("institution", "seat")
        .first()
    )
    name = user.full_name or user.email
    if p is None:
        return name
    where = str(p.institution) if p.institution_id else (p.seat.title if p.seat else "")
    return f"{p.full_name or name} — {where}" if where else (p.full_name or name)
