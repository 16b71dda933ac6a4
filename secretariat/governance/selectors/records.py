"""Reads of what sessions leave: the resolutions register and the minutes with their errata.

- Resolutions are public: the list (search, filters) and one resolution by its number, with
  its adoption (session, agenda item, vote) and the later resolutions that amend or repeal it.
  Its status is computed, never stored: repealed if a later resolution repeals it, amended if
  one amends it, else in force.
- Minutes are public once signed; seat holders (those who may comment) see them from the
  moment they are circulated; the Secretariat always. Anyone else gets a 404.
- `session_record` gathers everything the generated draft of the minutes says (attendance,
  quorum, agenda, motions, votes, resolutions) in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Exists, Max, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation

from secretariat.core.models import ActionLog, User
from secretariat.core.selectors.action_log import action_log_list
from secretariat.governance.arithmetic import QuorumResult, quorum
from secretariat.governance.body_rules import body_rule
from secretariat.governance.models import (
    AgendaItem,
    AttendanceEvent,
    Body,
    Erratum,
    Minutes,
    MinutesComment,
    Motion,
    Participant,
    Proxy,
    Resolution,
    ResolutionSeries,
    Session,
    Vote,
)
from secretariat.governance.selectors.composition import VOTING_ROLES, composition_on, unit_key
from secretariat.members.models import Institution

CONTENT_LANGUAGES = ("es", "en", "pt", "fr")
TRANSLATION_LANGUAGES = ("en", "pt", "fr")

# Sort keys the resolution list accepts (secretariat.core.tables.sort_from_request).
RESOLUTION_SORTS: dict[str, str] = {
    "number": "number",
    "adopted": "adopted_on",
    "kind": "kind",
}


class ResolutionStatus:
    IN_FORCE = "in_force"
    AMENDED = "amended"
    REPEALED = "repealed"
    # Entered from earlier records (no session in the register): what became of it later is
    # not known to the register unless a later resolution is linked to it.
    NOT_RECORDED = "not_recorded"


def content_language() -> str:
    """The active language if it is one the records are kept in, else Spanish."""
    lang = (translation.get_language() or "es").split("-")[0]
    return lang if lang in CONTENT_LANGUAGES else "es"


# --- Resolutions ----------------------------------------------------------------------


def _with_status(qs: QuerySet[Resolution]) -> QuerySet[Resolution]:
    """Annotate `is_repealed` / `is_amended` (two EXISTS sub-queries, no extra round trip)."""
    repeals = Resolution.objects.filter(repeals=OuterRef("pk"))
    amends = Resolution.objects.filter(amends=OuterRef("pk"))
    return qs.annotate(is_repealed=Exists(repeals), is_amended=Exists(amends))


def resolution_status(resolution: Resolution) -> str:
    """In force, amended or repealed: from the annotations when present, else from the links.
    A resolution entered from earlier records, with no later one linked, is "not recorded":
    the register cannot say it is still in force."""
    repealed = getattr(resolution, "is_repealed", None)
    amended = getattr(resolution, "is_amended", None)
    if repealed is None:
        repealed = Resolution.objects.filter(repeals=resolution).exists()
    if amended is None:
        amended = Resolution.objects.filter(amends=resolution).exists()
    if repealed:
        return ResolutionStatus.REPEALED
    if amended:
        return ResolutionStatus.AMENDED
    if resolution.session_id is None:
        return ResolutionStatus.NOT_RECORDED
    return ResolutionStatus.IN_FORCE


_NUMBER = re.compile(r"^\s*(?:n(?:o|º|°|\.)*\s*\.?\s*)?(\d{1,6})\s*$", re.IGNORECASE)


def parse_number_query(q: str) -> int | None:
    """ "58", "No. 58", "nº58" → 58; anything else → None (a word search)."""
    match = _NUMBER.match(q or "")
    return int(match.group(1)) if match else None


def resolution_list(
    *,
    q: str = "",
    kind: str = "",
    year_from: int | None = None,
    year_to: int | None = None,
    body: str = "",
    session: int | None = None,
    order_by: list[str] | None = None,
    language: str | None = None,
) -> QuerySet[Resolution]:
    """Public list of resolutions, filtered; each row annotated with its status.

    `q` is a number (exact) or words, each of which must appear in the title or text, in
    the given language or in Spanish (the authoritative text).
    """
    qs = _with_status(Resolution.objects.select_related("session", "session__body"))
    number = parse_number_query(q)
    if number is not None:
        qs = qs.filter(number=number)
    elif q.strip():
        lang = language or content_language()
        fields = ["title_es", "text_es"]
        if lang != "es":
            fields += [f"title_{lang}", f"text_{lang}"]
        for word in q.split()[:10]:
            match = Q()
            for name in fields:
                match |= Q(**{f"{name}__icontains": word})
            qs = qs.filter(match)
    if kind:
        qs = qs.filter(kind=kind)
    if year_from:
        qs = qs.filter(adopted_on__year__gte=year_from)
    if year_to:
        qs = qs.filter(adopted_on__year__lte=year_to)
    if body:
        qs = qs.filter(session__body__code=body)
    if session:
        qs = qs.filter(session_id=session)
    return qs.order_by(*(order_by or ["-number"]))


def resolution_bodies() -> QuerySet[Body]:
    """Bodies that hold sessions (the list's body filter)."""
    return Body.objects.exclude(rules_profile="").order_by("order", "name")


def resolution_get(*, number: int) -> Resolution:
    """One resolution with everything its page shows (six queries, whatever its links)."""
    links = Resolution.objects.only("pk", "number", "title_es", "title_en", "title_pt", "title_fr")
    try:
        return _with_status(
            Resolution.objects.select_related(
                "session", "session__body", "agenda_item", "vote", "motion"
            ).prefetch_related(
                Prefetch("amends", queryset=links.order_by("number")),
                Prefetch("repeals", queryset=links.order_by("number")),
                Prefetch("amended_by", queryset=links.order_by("number")),
                Prefetch("repealed_by", queryset=links.order_by("number")),
            )
        ).get(number=number)
    except Resolution.DoesNotExist as exc:
        raise Http404 from exc


def translation_pending(obj: Any, field_name: str, language: str | None = None) -> bool:
    """True when the translated field has no text in the language (Spanish is shown instead)."""
    lang = language or content_language()
    if lang == "es":
        return False
    return not (getattr(obj, f"{field_name}_{lang}", "") or "").strip() and bool(
        (getattr(obj, f"{field_name}_es", "") or "").strip()
    )


def highest_resolution_number() -> int | None:
    highest: int | None = Resolution.objects.aggregate(highest=Max("number"))["highest"]
    return highest


@dataclass(frozen=True)
class SeriesInfo:
    series: ResolutionSeries | None
    highest: int | None
    history: list[ActionLog]

    @property
    def next_number(self) -> int | None:
        return self.series.next_number if self.series else None


def series_info(*, limit: int = 50) -> SeriesInfo:
    """The series row, the highest number recorded and the history of the series' settings."""
    series = ResolutionSeries.objects.order_by("pk").first()
    history: list[ActionLog] = []
    if series is not None:
        history = list(
            action_log_list(target_type="governance.resolutionseries", target_id=str(series.pk))[
                :limit
            ]
        )
    return SeriesInfo(series=series, highest=highest_resolution_number(), history=history)


def resolution_history(*, resolution: Resolution, limit: int = 50) -> list[ActionLog]:
    return list(
        action_log_list(target_type="governance.resolution", target_id=str(resolution.pk))[:limit]
    )


def motion_for_adoption(*, motion_pk: int) -> Motion:
    """The motion the adopt form starts from, with its session and last closed vote."""
    try:
        return (
            Motion.objects.select_related("session", "session__body", "agenda_item")
            .prefetch_related(
                Prefetch(
                    "votes",
                    queryset=Vote.objects.filter(state=Vote.State.CLOSED).order_by(
                        "closed_at", "pk"
                    ),
                    to_attr="closed_votes",
                )
            )
            .get(pk=motion_pk)
        )
    except Motion.DoesNotExist as exc:
        raise Http404 from exc


def deciding_vote(motion: Motion) -> Vote | None:
    """The motion's latest closed vote (what decided it)."""
    votes = getattr(motion, "closed_votes", None)
    if votes is None:
        return motion.votes.filter(state=Vote.State.CLOSED).order_by("-closed_at", "-pk").first()
    return votes[-1] if votes else None


# --- Minutes: visibility ----------------------------------------------------------------


@dataclass
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
        staff_reads=authenticated and user.has_perm("governance.view_sessions"),
        manages=authenticated and user.has_perm("governance.manage_sessions"),
        may_comment=authenticated and user.has_perm("governance.comment_minutes", session),
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


def session_for_minutes(*, pk: int) -> Session:
    try:
        return Session.objects.select_related("body").get(pk=pk)
    except Session.DoesNotExist as exc:
        raise Http404 from exc


def minutes_of(session: Session) -> Minutes | None:
    return (
        Minutes.objects.select_related("approved_at_session", "approval_vote", "session")
        .filter(session=session)
        .first()
    )


@dataclass
class TimelineStep:
    state: str
    label: str
    at: dt.datetime | None
    done: bool
    current: bool
    note: str = ""
    session: Session | None = None


@dataclass
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


def _timeline(minutes: Minutes | None, history: list[ActionLog]) -> list[TimelineStep]:
    order: list[str] = [str(s.value) for s in Minutes.State]
    labels = dict(Minutes.State.choices)
    current = minutes.state if minutes else ""
    reached = order.index(current) if current in order else -1
    events = {
        "minutes.drafted": "draft",
        "minutes.circulated": "circulated",
        "minutes.amended": "amended",
        "minutes.approved": "approved",
        "minutes.signed": "signed",
    }
    entered: dict[str, dt.datetime] = {}
    for entry in sorted(history, key=lambda e: e.id):
        if entry.event in events:
            entered[events[entry.event]] = entry.created_at  # the latest time it entered it
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
        history = list(
            action_log_list(target_type="governance.minutes", target_id=str(minutes.pk))[:100]
        )
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


def minutes_text(minutes: Minutes, language: str) -> tuple[str, bool]:
    """The minutes' text in a language, falling back to Spanish (second item: pending)."""
    text = getattr(minutes, f"text_{language}", "") or ""
    if text.strip() or language == "es":
        return text, False
    return getattr(minutes, "text_es", "") or "", True


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


def int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def erratum_get(*, pk: int) -> Erratum:
    try:
        return Erratum.objects.select_related("minutes", "minutes__session__body").get(pk=pk)
    except Erratum.DoesNotExist as exc:
        raise Http404 from exc


def comment_get(*, pk: int) -> MinutesComment:
    try:
        return MinutesComment.objects.select_related("minutes", "minutes__session__body").get(pk=pk)
    except MinutesComment.DoesNotExist as exc:
        raise Http404 from exc


def minutes_recipients(session: Session) -> list[Participant]:
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
        p.dispatch_email = email  # type: ignore[attr-defined]  # read by the service
        result.append(p)
    return result


# --- The session's record, for the draft of the minutes ----------------------------------


@dataclass
class Delegation:
    """A member institution's delegates who attended, head first."""

    institution: Institution
    head: Participant | None
    others: list[Participant]
    has_vote: bool
    represented_by: str = ""


@dataclass
class VoteLine:
    vote: Vote
    label_words: dict[str, str] = field(default_factory=dict)

    @property
    def carried(self) -> bool | None:
        return self.vote.carried

    @property
    def has_counts(self) -> bool:
        return self.vote.yes is not None or self.vote.no is not None


@dataclass
class MotionLine:
    motion: Motion
    votes: list[VoteLine]
    amendments: list[MotionLine]
    resolution: Resolution | None = None


@dataclass
class ItemLine:
    number: str
    depth: int
    item: AgendaItem
    motions: list[MotionLine]
    resolutions: list[Resolution]


@dataclass
class SessionRecord:
    """Everything the draft of the minutes says about a session."""

    session: Session
    day: dt.date
    starts_local: dt.datetime
    ends_local: dt.datetime | None
    delegations: list[Delegation]
    seat_holders: list[Participant]
    others: list[Participant]
    quorum: QuorumResult
    items: list[ItemLine]
    loose_motions: list[MotionLine]
    loose_resolutions: list[Resolution]
    resolutions: list[Resolution]

    @property
    def voting_present(self) -> int:
        return self.quorum.present

    @property
    def entitled(self) -> int:
        return self.quorum.entitled


def _local(value: dt.datetime | None, tz_name: str) -> dt.datetime | None:
    if value is None:
        return None
    try:
        zone = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = timezone.get_current_timezone()
    return timezone.localtime(value, zone)


def _motion_lines(
    motions: Iterable[Motion], resolutions: dict[int, Resolution]
) -> list[MotionLine]:
    by_pk: dict[int, MotionLine] = {}
    roots: list[MotionLine] = []
    ordered = sorted(motions, key=lambda m: m.number)
    for m in ordered:
        by_pk[m.pk] = MotionLine(
            motion=m,
            votes=[VoteLine(v) for v in m.votes.all() if v.state == Vote.State.CLOSED],
            amendments=[],
            resolution=resolutions.get(m.pk),
        )
    for m in ordered:
        line = by_pk[m.pk]
        parent = by_pk.get(m.amends_id) if m.amends_id else None
        if parent is not None:
            parent.amendments.append(line)
        else:
            roots.append(line)
    return roots


def session_record(session: Session) -> SessionRecord:
    """The session's record for its minutes (constant queries: participants, composition (3),
    proxies, the quorum rule, agenda items, motions, votes, resolutions)."""
    session = Session.objects.select_related("body", "country").get(pk=session.pk)
    day = timezone.localdate(session.starts_at)
    attended = AttendanceEvent.objects.filter(participant=OuterRef("pk"), present=True)
    participants = list(
        Participant.objects.filter(session=session, withdrawn_at__isnull=True)
        .annotate(attended=Exists(attended))
        .filter(Q(present=True) | Q(attended=True))
        .select_related("institution", "institution__country", "seat")
        .order_by("institution__name", "seat__order", "full_name", "pk")
    )
    rows = {r.key: r for r in composition_on(session.body, day)}
    present_units: set[str] = set()
    delegations: dict[int, Delegation] = {}
    seat_holders: list[Participant] = []
    others: list[Participant] = []
    for p in participants:
        accredited = p.credentials == Participant.Credentials.ACCEPTED
        if p.institution_id:
            key = unit_key(institution_id=p.institution_id)
            row = rows.get(key)
            if accredited and p.role in VOTING_ROLES and row is not None:
                present_units.add(key)
            if p.role == Participant.Role.OBSERVER:
                others.append(p)
                continue
            d = delegations.get(p.institution_id)
            if d is None:
                inst = p.institution
                assert inst is not None
                d = delegations[p.institution_id] = Delegation(
                    institution=inst,
                    head=None,
                    others=[],
                    has_vote=bool(row and row.has_vote),
                )
            if p.role == Participant.Role.HEAD and d.head is None:
                d.head = p
            else:
                d.others.append(p)
        elif p.seat_id:
            key = unit_key(seat_id=p.seat_id)
            if accredited and p.role in VOTING_ROLES and key in rows:
                present_units.add(key)
            seat_holders.append(p)
        else:
            others.append(p)
    represented: dict[str, str] = {}
    for proxy in Proxy.objects.filter(session=session, state=Proxy.State.ACCEPTED).select_related(
        "grantor", "grantor__country", "holder"
    ):
        g = unit_key(institution_id=proxy.grantor_id)
        h = unit_key(institution_id=proxy.holder_id)
        if h in present_units and g not in present_units and g in rows:
            represented[g] = str(proxy.holder)
            if rows[g].has_vote:
                delegations.setdefault(
                    proxy.grantor_id,
                    Delegation(institution=proxy.grantor, head=None, others=[], has_vote=True),
                ).represented_by = str(proxy.holder)
    entitled = sum(1 for r in rows.values() if r.has_vote)
    counted = sum(
        1 for key, r in rows.items() if r.has_vote and (key in present_units or key in represented)
    )
    share = body_rule(session.body, "quorum", day).value
    result = quorum(entitled=entitled, present=counted, share=share)

    resolutions = list(
        Resolution.objects.filter(session=session).select_related("agenda_item").order_by("number")
    )
    by_motion = {r.motion_id: r for r in resolutions if r.motion_id}
    motions = list(
        Motion.objects.filter(session=session)
        .exclude(state=Motion.State.WITHDRAWN)
        .prefetch_related(Prefetch("votes", queryset=Vote.objects.order_by("opened_at", "pk")))
    )
    motions_by_item: dict[int | None, list[Motion]] = {}
    for m in motions:
        motions_by_item.setdefault(m.agenda_item_id, []).append(m)
    items = list(
        AgendaItem.objects.filter(session=session, withdrawn=False).order_by("position", "pk")
    )
    children: dict[int | None, list[AgendaItem]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    used_resolutions: set[int] = set()
    lines: list[ItemLine] = []

    def walk(parent: int | None, prefix: str, depth: int) -> None:
        for n, item in enumerate(children.get(parent, []), start=1):
            number = f"{prefix}{n}"
            item_resolutions = [
                r for r in resolutions if r.agenda_item_id == item.pk and r.motion_id is None
            ]
            used_resolutions.update(r.pk for r in item_resolutions)
            item_motions = _motion_lines(motions_by_item.get(item.pk, []), by_motion)
            lines.append(ItemLine(number, depth, item, item_motions, item_resolutions))
            walk(item.pk, f"{number}.", depth + 1)

    walk(None, "", 0)
    known_items = {i.pk for i in items}
    loose = [m for m in motions if m.agenda_item_id is None or m.agenda_item_id not in known_items]
    loose_lines = _motion_lines(loose, by_motion)
    used_resolutions.update(r.pk for r in by_motion.values())
    loose_resolutions = [r for r in resolutions if r.pk not in used_resolutions]
    return SessionRecord(
        session=session,
        day=day,
        # What happened, not what was planned: the opening and closing recorded by the
        # console, else the scheduled times.
        starts_local=_local(session.opened_at or session.starts_at, session.time_zone),  # type: ignore[arg-type]  # starts_at is required
        ends_local=_local(session.closed_at or session.ends_at, session.time_zone),
        delegations=sorted(delegations.values(), key=lambda d: str(d.institution).casefold()),
        seat_holders=seat_holders,
        others=others,
        quorum=result,
        items=lines,
        loose_motions=loose_lines,
        loose_resolutions=loose_resolutions,
        resolutions=resolutions,
    )


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


def resolution_by_number(number: int | None) -> Resolution | None:
    """A resolution by its number, or None (forms that name another resolution)."""
    if number is None:
        return None
    return Resolution.objects.filter(number=number).first()


def adoption_defaults(motion: Motion) -> dict[str, str]:
    """Initial values of the adopt form: the motion's titles and adopted texts."""
    values = {}
    for lang in CONTENT_LANGUAGES:
        values[f"title_{lang}"] = getattr(motion, f"title_{lang}", "") or ""
        values[f"text_{lang}"] = getattr(motion, f"text_{lang}", "") or ""
    return values


@dataclass(frozen=True)
class ResolutionRow:
    """A resolution as a list shows it: status and the title in the reader's language."""

    resolution: Resolution
    status: str
    title: str
    title_pending: bool


def resolution_rows(
    resolutions: Iterable[Resolution], language: str | None = None
) -> list[ResolutionRow]:
    lang = language or content_language()
    rows = []
    for r in resolutions:
        own = (getattr(r, f"title_{lang}", "") or "").strip()
        rows.append(
            ResolutionRow(
                resolution=r,
                status=resolution_status(r),
                title=own or getattr(r, "title_es", "") or "",
                title_pending=not own and lang != "es" and bool(getattr(r, "title_es", "")),
            )
        )
    return rows


def resolution_by_motion(motion: Motion) -> Resolution | None:
    return Resolution.objects.filter(motion=motion).only("pk", "number").first()
