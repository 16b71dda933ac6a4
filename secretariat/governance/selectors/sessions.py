"""Reads of sessions: the one way to a session, the list and its filters, the calendar feed,
and the time helpers every part of a session uses.

A session is convened for its scheduled opening date in its own time zone (`opening_day`);
once open it is judged on the day it actually sits (`sitting_day`, the date it opened): the
rules in force, the seats and the representatives of that day. The notice check lives in
`selectors.notice`, the convocation in `selectors.convocation`, the session page in
`selectors.session_page`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import PermissionDenied
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from secretariat.core.access import can, get_for_user_or_404, list_for_user, permission_for
from secretariat.core.models import RuleSetting
from secretariat.governance.models import Body, Session

# States the public may see; a draft exists only for the Secretariat.
PUBLIC_STATES = (
    Session.State.CONVENED,
    Session.State.OPEN,
    Session.State.CLOSED,
    Session.State.CANCELLED,
)
STATE_TONES = {
    Session.State.DRAFT: "warn",
    Session.State.CONVENED: "info",
    Session.State.OPEN: "ok",
    Session.State.CLOSED: "unknown",
    Session.State.CANCELLED: "danger",
}
VIEW_SESSIONS = "governance.view_sessions"
MANAGE_SESSIONS = "governance.manage_sessions"


# --- Time ------------------------------------------------------------------------------


def zone(name: str) -> ZoneInfo:
    """The named time zone; the project's own if the name is unknown (never crash a page)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(timezone.get_default_timezone_name())


def local(moment: dt.datetime, tz_name: str) -> dt.datetime:
    return moment.astimezone(zone(tz_name))


def aware(moment: dt.datetime | None, tz_name: str) -> dt.datetime | None:
    """A date and time as typed (naive) made aware in the named zone; aware ones unchanged."""
    if moment is None or timezone.is_aware(moment):
        return moment
    return timezone.make_aware(moment, zone(tz_name))


def opening_day(session: Session) -> dt.date:
    """The session's scheduled opening date in its own time zone: the day its convocation,
    notice and documents are judged on."""
    return local(session.starts_at, session.time_zone).date()


def local_today(tz_name: str) -> dt.date:
    """Today in the named time zone (the day a session opened now sits)."""
    return timezone.localdate(timezone.now(), zone(tz_name))


def sitting_day(session: Session) -> dt.date:
    """The day the session actually sits: the date it opened, in its own time zone, once it
    has opened; until then its scheduled date. Quorum and who may vote are judged on it
    (not on the scheduled date of a session opened earlier, nor on today)."""
    if session.opened_at is not None:
        return timezone.localdate(session.opened_at, zone(session.time_zone))
    return opening_day(session)


def tz_label(moment: dt.datetime, tz_name: str) -> str:
    """The time zone named for a reader, e.g. "America/Mexico_City, UTC−06:00"."""
    offset = local(moment, tz_name).strftime("%z")  # +hhmm
    sign = "−" if offset.startswith("-") else "+"
    return f"{tz_name}, UTC{sign}{offset[1:3]}:{offset[3:5]}"


# --- Titles and texts in a language ------------------------------------------------------


def in_language(instance: Any, field_name: str, lang: str) -> str:
    """A translated field in a language, falling back to Spanish (authoritative)."""
    value = getattr(instance, f"{field_name}_{lang}", "") or ""
    return str(value or getattr(instance, f"{field_name}_es", "") or "")


# --- The one way to a session ------------------------------------------------------------------

SessionAction = Literal[
    "view", "manage", "console", "follow", "cast", "comment", "read_documents", "register"
]
# What each action needs beyond seeing the session.
SESSION_ACTIONS: dict[str, str | None] = {
    "view": None,  # governance.view_session, checked first for every action
    "manage": MANAGE_SESSIONS,
    "console": VIEW_SESSIONS,
    "follow": "governance.follow_session",
    "cast": "governance.cast_vote",
    "comment": "governance.comment_minutes",
    "read_documents": "governance.view_session_documents",
    "register": "governance.register_in_session",
}
# Actions refused with a 403: the Secretariat's own pages of a session anyone may see. The
# others are 404: a member that does not sit in the session does not learn of its live
# view, its ballots, its comments or its restricted documents.
STAFF_ACTIONS = {"manage", "console"}


def session_get_for_user(*, user: Any, pk: int, action: SessionAction = "view") -> Session:
    """The one way to a session: with its body and country; Http404 when it is missing or a
    draft the user may not see, then the action's own check (`SESSION_ACTIONS`)."""
    session = get_for_user_or_404(
        Session.objects.select_related("body", "country"),
        user=user,
        perm="governance.view_session",
        pk=pk,
    )
    perm = permission_for(SESSION_ACTIONS, action)
    if perm is not None and not can(user, perm, session):
        if action in STAFF_ACTIONS:
            raise PermissionDenied(_("You do not have permission to do this."))
        raise Http404
    return session


def session_follows(*, user: Any, session: Session) -> bool:
    """Whether the user follows the session (sits in it, or the Secretariat): they get the
    link to join an online session."""
    return can(user, "governance.follow_session", session)


# --- List ------------------------------------------------------------------------------


def can_see_drafts(user: Any) -> bool:
    return can(user, VIEW_SESSIONS)


def session_bodies() -> QuerySet[Body]:
    """The bodies that hold sessions (a rules profile), in the organization's order."""
    return Body.objects.exclude(rules_profile="").order_by("order", "name", "pk")


def session_list_for_user(
    *,
    user: Any,
    body: Body | None = None,
    year: int | None = None,
    state: str | None = None,
    now: dt.datetime | None = None,
) -> QuerySet[Session]:
    """Sessions the user may see: upcoming first (soonest first), then past (latest first).

    The public sees every session but drafts (cancelled ones are shown as cancelled);
    the Secretariat (governance.view_sessions) also sees drafts. Queries: one, plus the count.
    """
    now = now or timezone.now()
    qs = Session.objects.select_related("body", "country")
    if not can_see_drafts(user):
        qs = qs.filter(state__in=PUBLIC_STATES)
    if body is not None:
        qs = qs.filter(body=body)
    if year:
        qs = qs.filter(starts_at__year=year)
    if state:
        qs = qs.filter(state=state)
    upcoming = Q(ends_at__gte=now) | Q(ends_at__isnull=True, starts_at__gte=now)
    qs = qs.annotate(
        is_past=Case(When(upcoming, then=Value(0)), default=Value(1), output_field=IntegerField()),
        upcoming_start=Case(When(upcoming, then=F("starts_at")), default=None),
    ).order_by("is_past", F("upcoming_start").asc(nulls_last=True), "-starts_at", "-pk")
    return list_for_user(qs, user=user, perm=None)


def session_years(*, include_drafts: bool = False) -> list[int]:
    """Years with sessions the user may see, latest first (for the filter)."""
    qs = (
        Session.objects.all() if include_drafts else Session.objects.filter(state__in=PUBLIC_STATES)
    )
    return sorted({d.year for d in qs.datetimes("starts_at", "year")}, reverse=True)


@dataclass(frozen=True)
class SessionFilters:
    """What the list's filter bar offers the user, and whether they may prepare a session."""

    years: list[int]
    states: list[tuple[str, Any]]
    can_create: bool


def session_filters(*, user: Any) -> SessionFilters:
    """Years and states of the sessions the user may see (drafts for the Secretariat only)."""
    staff = can_see_drafts(user)
    return SessionFilters(
        years=session_years(include_drafts=staff),
        states=[
            (value, label)
            for value, label in Session.State.choices
            if staff or value != Session.State.DRAFT
        ],
        can_create=can(user, MANAGE_SESSIONS),
    )


# --- Calendar --------------------------------------------------------------------------------


def calendar_sessions() -> QuerySet[Session]:
    """Every session the public may see whose date is known to the day, for the feed."""
    return (
        Session.objects.filter(state__in=PUBLIC_STATES, date_precision="day")
        .select_related("body", "country")
        .order_by("starts_at", "pk")
    )


def rules_stamp() -> int:
    """The latest change to the rule settings (one query): part of the public session page's key."""
    return RuleSetting.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def requester_seat_choices() -> QuerySet[Any]:
    """The seats a request for an extraordinary session may come from: the voting seats of
    the Standing Committee and of the CASS commissions, in force now or in the last two
    years (the service checks each against the date of the request)."""
    from secretariat.governance.models import RulesProfile, Seat

    since = timezone.localdate() - dt.timedelta(days=730)
    return (
        Seat.objects.filter(
            body__rules_profile__in=[RulesProfile.STANDING_COMMITTEE, RulesProfile.CASS],
            capacity__in=[Seat.Capacity.MEMBER, Seat.Capacity.OFFICER],
        )
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=since))
        .select_related("body")
        .order_by("body__order", "body__pk", "order", "title", "valid_from", "pk")
    )
