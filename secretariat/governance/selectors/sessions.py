"""Reads of sessions: the list, the session page, the notice check, the convocation's
default text and its recipients, the calendar feed.

A session is judged on its opening date in its own time zone (`opening_day`): the rules in
force, the seats and the representatives of that day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.http import Http404
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from secretariat.core.access import can, get_for_user_or_404
from secretariat.core.models import ActionLog
from secretariat.core.selectors.action_log import action_log_list
from secretariat.core.selectors.rule_settings import RuleInForce
from secretariat.governance.body_rules import SessionRules, body_rule, session_rules
from secretariat.governance.models import (
    LANGUAGE_CHOICES,
    Body,
    Dispatch,
    Participant,
    Resolution,
    Seat,
    Session,
)
from secretariat.governance.selectors.agenda import AgendaEntry, DocumentRow, agenda_tree
from secretariat.members.models import Membership, Representative

LANGUAGES = tuple(code for code, _name in LANGUAGE_CHOICES)
LANGUAGE_NAMES = dict(LANGUAGE_CHOICES)
# The languages named in each language, for the convocation's text (a record, not the UI).
LANGUAGE_NAMES_IN = {
    "es": {"es": "español", "en": "inglés", "pt": "portugués", "fr": "francés"},
    "en": {"es": "Spanish", "en": "English", "pt": "Portuguese", "fr": "French"},
    "pt": {"es": "espanhol", "en": "inglês", "pt": "português", "fr": "francês"},
    "fr": {"es": "espagnol", "en": "anglais", "pt": "portugais", "fr": "français"},
}
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


# --- Time ------------------------------------------------------------------------------


def zone(name: str) -> ZoneInfo:
    """The named time zone; the project's own if the name is unknown (never crash a page)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(timezone.get_default_timezone_name())


def local(moment: dt.datetime, tz_name: str) -> dt.datetime:
    return moment.astimezone(zone(tz_name))


def opening_day(session: Session) -> dt.date:
    """The session's opening date in its own time zone: the day its rules are read on."""
    return local(session.starts_at, session.time_zone).date()


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


# --- List ------------------------------------------------------------------------------


def can_see_drafts(user: Any) -> bool:
    return bool(user and user.is_authenticated and user.has_perm("governance.view_sessions"))


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
    return qs.annotate(
        is_past=Case(When(upcoming, then=Value(0)), default=Value(1), output_field=IntegerField()),
        upcoming_start=Case(When(upcoming, then=F("starts_at")), default=None),
    ).order_by("is_past", F("upcoming_start").asc(nulls_last=True), "-starts_at", "-pk")


def session_years(*, include_drafts: bool = False) -> list[int]:
    """Years with sessions the user may see, latest first (for the filter)."""
    qs = (
        Session.objects.all() if include_drafts else Session.objects.filter(state__in=PUBLIC_STATES)
    )
    return sorted({d.year for d in qs.datetimes("starts_at", "year")}, reverse=True)


SessionAction = Literal["view", "manage", "follow", "cast", "comment", "read_documents", "register"]
# What each action needs, and whether a refusal may say the session exists (403) or must
# not (404): a session that is not a draft is public, but a member that does not sit in it
# does not learn about its console, its ballots or its comments.
SESSION_ACTIONS: dict[str, tuple[str, bool]] = {
    "view": ("governance.view_session", False),
    "manage": ("governance.manage_sessions", True),
    "follow": ("governance.follow_session", False),
    "cast": ("governance.cast_vote", False),
    "comment": ("governance.comment_minutes", False),
    "read_documents": ("governance.view_session_documents", False),
    "register": ("governance.register_in_session", False),
}


def session_get_for_user(*, user: Any, pk: int, action: SessionAction = "view") -> Session:
    """The one way to a session: with its body and country; Http404 when it is missing or a
    draft the user may not see, then the action's own check (`SESSION_ACTIONS`)."""
    session = get_for_user_or_404(
        Session.objects.select_related("body", "country"),
        user=user,
        perm="governance.view_session",
        pk=pk,
    )
    if action != "view":
        perm, public = SESSION_ACTIONS[action]
        if not can(user, perm, session):
            if public:
                raise PermissionDenied(_("You do not have permission to do this."))
            raise Http404
    return session


# --- Notice ------------------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeCheck:
    """Whether a session convened on `convened_on` respects the notice period in force."""

    rule: RuleInForce
    convened_on: dt.date
    starts_on: dt.date

    @property
    def days(self) -> int:
        return int(self.rule.value)

    @property
    def latest_convocation(self) -> dt.date:
        return self.starts_on - dt.timedelta(days=self.days)

    @property
    def earliest_start(self) -> dt.date:
        return self.convened_on + dt.timedelta(days=self.days)

    @property
    def days_given(self) -> int:
        return (self.starts_on - self.convened_on).days

    @property
    def ok(self) -> bool:
        return self.earliest_start <= self.starts_on


def notice_rule(session: Session) -> RuleInForce:
    """Notice of an ordinary or extraordinary session, per the body's rules on its date."""
    key = (
        "notice_days_extraordinary" if session.kind == Session.Kind.EXTRAORDINARY else "notice_days"
    )
    return body_rule(session.body, key, opening_day(session))


def notice_check(
    session: Session, *, convened_at: dt.datetime | None = None, rules: SessionRules | None = None
) -> NoticeCheck:
    """Notice days counted between the calendar dates, in the session's time zone:
    convened on D with N days' notice, the session may open on D + N or later."""
    moment = convened_at or session.convened_at or timezone.now()
    if rules is not None:
        extraordinary = session.kind == Session.Kind.EXTRAORDINARY
        rule = rules.notice_days_extraordinary if extraordinary else rules.notice_days
    else:
        rule = notice_rule(session)
    return NoticeCheck(
        rule=rule,
        convened_on=local(moment, session.time_zone).date(),
        starts_on=opening_day(session),
    )


def default_documents_deadline(session: Session) -> dt.datetime:
    """The opening minus the body's `documents_days`, at the same time of day."""
    days = int(body_rule(session.body, "documents_days", opening_day(session)).value)
    return session.starts_at - dt.timedelta(days=days)


# --- Convocation text ----------------------------------------------------------------------


def convener_lines(session: Session) -> list[str]:
    return [line.strip() for line in session.requested_by.splitlines() if line.strip()]


def convocation_default_text(
    session: Session,
    lang: str,
    *,
    documents_deadline: dt.datetime | None,
    convened_at: dt.datetime | None = None,
) -> str:
    """The convocation generated from the template of the language (a record's text, so
    each language has its own template rather than interface translations), with dates in
    the language's format and the session's time zone named."""
    moment = convened_at or session.convened_at or timezone.now()
    tz = session.time_zone
    context = {
        "session": session,
        "lang": lang,
        "title": in_language(session, "title", lang),
        "body_name": in_language(session.body, "name", lang),
        "extraordinary": session.kind == Session.Kind.EXTRAORDINARY,
        "requesters": convener_lines(session),
        "starts_at": local(session.starts_at, tz),
        "ends_at": local(session.ends_at, tz) if session.ends_at else None,
        "same_day": bool(
            session.ends_at
            and local(session.ends_at, tz).date() == local(session.starts_at, tz).date()
        ),
        "tz_label": tz_label(session.starts_at, tz),
        "deadline": local(documents_deadline, tz) if documents_deadline else None,
        "deadline_tz": tz_label(documents_deadline, tz) if documents_deadline else "",
        "convened_on": local(moment, tz).date(),
        "country_name": in_language(session.country, "name", lang) if session.country else "",
        "languages": [LANGUAGE_NAMES_IN[lang][c] for c in session.languages if c in LANGUAGES],
    }
    with translation.override(lang), timezone.override(zone(tz)):
        text = render_to_string(f"governance/session_convocation_{lang}.txt", context)
    # Templates keep one paragraph per block; collapse the blank lines the tags leave.
    paragraphs = [" ".join(p.split()) for p in text.split("\n\n")]
    return "\n\n".join(p for p in paragraphs if p).strip() + "\n"


def convocation_in(session: Session, lang: str) -> str:
    """The stored convocation in a language, falling back to Spanish (authoritative)."""
    return in_language(session, "convocation", lang)


# --- Recipients ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recipient:
    """One person a convocation goes to."""

    name: str
    email: str
    language: str
    institution_id: int | None = None
    seat_id: int | None = None
    via: str = ""  # the institution or seat, for the dispatch list


def _recipient_language(user: Any, session: Session) -> str:
    """The recipient's preferred language if the session uses it, else Spanish."""
    preferred = getattr(user, "preferred_language", "") if user is not None else ""
    return preferred if preferred in session.languages else "es"


def _representatives(institution_ids: Iterable[int], day: dt.date) -> list[Representative]:
    ids = list(institution_ids)
    if not ids:
        return []
    return list(
        Representative.objects.filter(institution_id__in=ids, valid_from__lte=day)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
        .select_related("user", "institution")
        .order_by("institution__name", "role", "full_name", "pk")
    )


def convocation_recipients(session: Session) -> list[Recipient]:
    """Everyone the convocation goes to, by e-mail, once each (first mention wins).

    Body of all members (the General Assembly): the current representatives of every member
    institution on the session's date, then the body's seats (voice, observers). Other
    bodies: each seat's holder (its e-mail, else its account's) and, for a seat of an
    institution, that institution's representatives. Queries: four, whatever the size.
    """
    day = opening_day(session)
    body = session.body
    seats = list(
        Seat.objects.active_on(day)
        .filter(body=body)
        .select_related("user", "institution")
        .order_by("order", "title", "pk")
    )
    out: list[Recipient] = []
    seen: set[str] = set()

    def add(recipient: Recipient) -> None:
        key = recipient.email.strip().casefold()
        if key and key not in seen:
            seen.add(key)
            out.append(recipient)

    def add_rep(rep: Representative, seat: Seat | None = None) -> None:
        email = rep.email or (rep.user.email if rep.user_id and rep.user else "")
        add(
            Recipient(
                name=rep.full_name,
                email=email,
                language=_recipient_language(rep.user, session),
                institution_id=rep.institution_id,
                seat_id=seat.pk if seat else None,
                via=seat.title if seat else rep.institution.name,
            )
        )

    member_ids: list[int] = []
    if body.all_members_sit:
        member_ids = list(
            Membership.objects.active_on(day)
            .order_by("institution__name")
            .values_list("institution_id", flat=True)
            .distinct()
        )
    seat_institutions = [s.institution_id for s in seats if s.institution_id]
    reps = _representatives(set(member_ids) | set(seat_institutions), day)
    by_institution: dict[int, list[Representative]] = defaultdict(list)
    for rep in reps:
        by_institution[rep.institution_id].append(rep)

    if body.all_members_sit:
        for rep in reps:
            if rep.institution_id in set(member_ids):
                add_rep(rep)
    for seat in seats:
        email = seat.email or (seat.user.email if seat.user_id and seat.user else "")
        add(
            Recipient(
                name=seat.holder or seat.title,
                email=email,
                language=_recipient_language(seat.user, session),
                institution_id=seat.institution_id,
                seat_id=seat.pk,
                via=seat.title,
            )
        )
        if seat.institution_id:
            for rep in by_institution.get(seat.institution_id, []):
                add_rep(rep, seat)
    return out


@dataclass(frozen=True)
class ConvocationPreview:
    """What the convene page shows before confirming."""

    notice: NoticeCheck
    documents_deadline: dt.datetime
    texts: dict[str, str]
    recipients: list[Recipient]

    @property
    def deadline_passed(self) -> bool:
        return self.documents_deadline <= timezone.now()

    @property
    def recipients_by_language(self) -> list[tuple[str, int]]:
        counts: dict[str, int] = defaultdict(int)
        for r in self.recipients:
            counts[r.language] += 1
        return [(LANGUAGE_NAMES[code], counts[code]) for code in LANGUAGES if counts.get(code)]


def convocation_preview(
    session: Session,
    *,
    documents_deadline: dt.datetime | None = None,
    texts: dict[str, str] | None = None,
) -> ConvocationPreview:
    now = timezone.now()
    deadline = documents_deadline or default_documents_deadline(session)
    given = texts or {}
    return ConvocationPreview(
        notice=notice_check(session, convened_at=now),
        documents_deadline=deadline,
        texts={
            lang: given.get(lang)
            or convocation_default_text(session, lang, documents_deadline=deadline, convened_at=now)
            for lang in session.languages
        },
        recipients=convocation_recipients(session),
    )


# --- The session page ------------------------------------------------------------------------


@dataclass(frozen=True)
class Delegation:
    label: str
    total: int
    accepted: int
    pending: int
    rejected: int


@dataclass
class SessionPage:
    """Everything the session page shows, loaded in a constant number of queries."""

    session: Session
    day: dt.date
    tz_label: str
    rules: SessionRules
    notice: NoticeCheck
    convocation: str
    convocation_lang: str
    agenda: list[AgendaEntry]
    other_documents: list[DocumentRow]
    credentials: dict[str, int]
    participants_total: int
    delegations: list[Delegation] | None
    resolutions: list[Resolution]
    dispatches: list[Dispatch] | None
    dispatch_counts: list[tuple[str, int]]
    history: list[ActionLog] | None
    can_manage: bool
    can_view_staff: bool
    can_view_documents: bool
    can_follow: bool
    is_participant: bool
    is_representative: bool
    show_minutes: bool
    rules_list: list[RuleInForce] = field(default_factory=list)


def session_page(*, user: Any, session: Session) -> SessionPage:
    """The session page's data. Queries do not grow with agenda items, documents,
    participants or resolutions: rules (one per rule), agenda items (1), documents and their
    files (2; and the items added after adoption, 1), participants by state (1), delegations
    (1), resolutions (1), dispatches and history for the Secretariat (2), plus the user's
    permissions."""
    day = opening_day(session)
    authenticated = bool(user and user.is_authenticated)
    can_view_staff = authenticated and user.has_perm("governance.view_sessions")
    can_manage = authenticated and user.has_perm("governance.manage_sessions")
    can_view_documents = authenticated and user.has_perm(
        "governance.view_session_documents", session
    )
    can_follow = authenticated and user.has_perm("governance.follow_session", session)
    is_participant = authenticated and user.has_perm("governance.cast_vote", session)
    is_representative = authenticated and user.has_role("representative")
    published = session.documents_published_at is not None

    # The agenda as its owner numbers it (governance.selectors.agenda): a withdrawn item keeps
    # its place without a number. Documents: all for those who may read them; for the others
    # only once published, and never restricted or withdrawn ones (their existence is not shown).
    agenda = agenda_tree(
        session,
        include_restricted=can_view_documents,
        include_withdrawn_documents=can_view_documents,
    )
    entries = agenda.flat()
    other_documents = agenda.loose_documents
    if not (can_view_documents or published):
        for entry in entries:
            entry.documents = []
        other_documents = []

    credentials = {c: 0 for c in Participant.Credentials.values}
    for row in (
        Participant.objects.filter(session=session, withdrawn_at__isnull=True)
        .values("credentials")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        credentials[row["credentials"]] = row["n"]

    delegations: list[Delegation] | None = None
    if can_follow:
        accepted = Participant.Credentials.ACCEPTED
        pending = Participant.Credentials.PENDING
        rejected = Participant.Credentials.REJECTED
        delegations = [
            Delegation(
                label=row["institution__name"] or row["seat__title"] or "",
                total=row["total"],
                accepted=row["accepted"],
                pending=row["pending"],
                rejected=row["rejected"],
            )
            for row in Participant.objects.filter(session=session, withdrawn_at__isnull=True)
            .values("institution_id", "institution__name", "seat_id", "seat__title")
            .annotate(
                total=Count("pk"),
                accepted=Count("pk", filter=Q(credentials=accepted)),
                pending=Count("pk", filter=Q(credentials=pending)),
                rejected=Count("pk", filter=Q(credentials=rejected)),
            )
            .order_by("institution__name", "seat__title")
        ]

    dispatches: list[Dispatch] | None = None
    dispatch_counts: list[tuple[str, int]] = []
    history: list[ActionLog] | None = None
    if can_view_staff:
        dispatches = list(
            Dispatch.objects.filter(session=session).order_by("kind", "recipient", "pk")
        )
        counts: dict[str, int] = defaultdict(int)
        for d in dispatches:
            counts[d.language] += 1
        dispatch_counts = [(LANGUAGE_NAMES[c], counts[c]) for c in LANGUAGES if counts.get(c)]
        history = list(
            action_log_list(target_type="governance.session", target_id=str(session.pk))[:30]
        )

    rules = session_rules(session.body, day)
    lang = (translation.get_language() or "es")[:2]
    convocation_lang = lang if getattr(session, f"convocation_{lang}", "") else "es"
    return SessionPage(
        session=session,
        day=day,
        tz_label=tz_label(session.starts_at, session.time_zone),
        rules=rules,
        rules_list=rules.as_list(),
        notice=notice_check(session, rules=rules),
        convocation=convocation_in(session, convocation_lang),
        convocation_lang=convocation_lang,
        agenda=entries,
        other_documents=other_documents,
        credentials=credentials,
        participants_total=sum(credentials.values()),
        delegations=delegations,
        resolutions=list(Resolution.objects.filter(session=session).order_by("number")),
        dispatches=dispatches,
        dispatch_counts=dispatch_counts,
        history=history,
        can_manage=can_manage,
        can_view_staff=can_view_staff,
        can_view_documents=can_view_documents,
        can_follow=can_follow,
        is_participant=is_participant,
        is_representative=is_representative,
        # Minutes are public once published (their page says what may be read); before the
        # session closes, only those who follow it are pointed there.
        show_minutes=can_follow or session.state == Session.State.CLOSED,
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
    from secretariat.core.models import RuleSetting

    return RuleSetting.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
