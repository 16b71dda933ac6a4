"""The record of a held session, for the generated draft of its minutes.

`session_record` gathers everything the draft says (attendance, quorum, agenda, motions,
votes, resolutions) in a fixed number of queries, as typed rows. The words the draft uses
for a vote's method, a participant's role, a decision's or a resolution's kind are msgids
(context "minutes"), rendered in the language of each text (services.minutes.render_draft).
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.utils import timezone
from django.utils.translation import pgettext_lazy

from secretariat.governance.arithmetic import MAJORITY_CHOICES, QuorumResult, quorum
from secretariat.governance.body_rules import body_rule
from secretariat.governance.models import (
    AgendaItem,
    AttendanceEvent,
    DecisionKind,
    Motion,
    Participant,
    Proxy,
    Resolution,
    Session,
    Vote,
)
from secretariat.governance.selectors.composition import (
    VOTING_ROLES,
    SeatRow,
    composition_on,
    session_day,
    unit_key,
)
from secretariat.members.models import Institution

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# How the draft names each way of voting, role, kind of decision and kind of resolution.
METHOD_WORDS: dict[str, StrOrPromise] = {
    Vote.Method.SHOW_OF_HANDS: pgettext_lazy("minutes", "by show of hands"),
    Vote.Method.ROLL_CALL: pgettext_lazy("minutes", "by roll-call"),
    Vote.Method.SECRET: pgettext_lazy("minutes", "by secret ballot"),
    Vote.Method.ACCLAMATION: pgettext_lazy("minutes", "by acclamation"),
    Vote.Method.CONSENSUS: pgettext_lazy("minutes", "by consensus"),
}
ROLE_WORDS: dict[str, StrOrPromise] = {
    Participant.Role.HEAD: pgettext_lazy("minutes", "head of delegation"),
    Participant.Role.DELEGATE: pgettext_lazy("minutes", "delegate"),
    Participant.Role.ADVISER: pgettext_lazy("minutes", "adviser"),
    Participant.Role.SEAT_HOLDER: pgettext_lazy("minutes", "seat holder"),
    Participant.Role.OBSERVER: pgettext_lazy("minutes", "observer"),
}
DECISION_WORDS: dict[str, StrOrPromise] = {
    DecisionKind.ORDINARY: pgettext_lazy("minutes", "ordinary decision"),
    DecisionKind.STATUTE: pgettext_lazy("minutes", "amendment of the Statute or regulations"),
    DecisionKind.ADMISSION: pgettext_lazy("minutes", "admission or disaffiliation"),
    DecisionKind.ELECTION: pgettext_lazy("minutes", "election"),
}
KIND_WORDS: dict[str, StrOrPromise] = {
    Resolution.Kind.RESOLUTION: pgettext_lazy("minutes", "Resolution"),
    Resolution.Kind.DECLARATION: pgettext_lazy("minutes", "Declaration"),
    Resolution.Kind.RECOMMENDATION: pgettext_lazy("minutes", "Recommendation"),
}
MAJORITY_WORDS: dict[str, StrOrPromise] = dict(MAJORITY_CHOICES)


@dataclass(frozen=True)
class PersonLine:
    """A member's delegate who attended, with their role in the delegation."""

    participant: Participant
    role_words: StrOrPromise


@dataclass(frozen=True)
class Delegation:
    """A member institution's delegates who attended, head first."""

    institution: Institution
    people: list[PersonLine]
    has_vote: bool
    represented_by: str = ""


@dataclass(frozen=True)
class VoteLine:
    vote: Vote
    method_words: StrOrPromise
    majority_words: StrOrPromise

    @property
    def carried(self) -> bool | None:
        return self.vote.carried

    @property
    def has_counts(self) -> bool:
        return self.vote.yes is not None or self.vote.no is not None


@dataclass(frozen=True)
class ResolutionLine:
    resolution: Resolution
    kind_words: StrOrPromise


@dataclass(frozen=True)
class MotionLine:
    motion: Motion
    decision_words: StrOrPromise
    votes: list[VoteLine]
    amendments: list[MotionLine] = field(default_factory=list)
    resolution: ResolutionLine | None = None


@dataclass(frozen=True)
class ItemLine:
    number: str
    depth: int
    item: AgendaItem
    motions: list[MotionLine]
    resolutions: list[ResolutionLine]


@dataclass(frozen=True)
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
    loose_resolutions: list[ResolutionLine]
    resolutions: list[ResolutionLine]

    @property
    def voting_present(self) -> int:
        return self.quorum.present

    @property
    def entitled(self) -> int:
        return self.quorum.entitled


def _local(value: dt.datetime, tz_name: str) -> dt.datetime:
    try:
        zone = zoneinfo.ZoneInfo(tz_name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        zone = timezone.get_current_timezone()
    return timezone.localtime(value, zone)


# --- Attendance and quorum ------------------------------------------------------------------


def _attended(session: Session) -> list[Participant]:
    """Participants present at some moment of the session (now, or by an attendance event)."""
    attended = AttendanceEvent.objects.filter(participant=OuterRef("pk"), present=True)
    return list(
        Participant.objects.filter(session=session, withdrawn_at__isnull=True)
        .annotate(attended=Exists(attended))
        .filter(Q(present=True) | Q(attended=True))
        .select_related("institution", "institution__country", "seat")
        # Those of no institution first, on every database (PostgreSQL sorts NULLs last).
        .order_by(
            F("institution__name").asc(nulls_first=True),
            F("seat__order").asc(nulls_first=True),
            "full_name",
            "pk",
        )
    )


@dataclass
class _Attendance:
    """The attendance as it is gathered: per delegation, head first, then the others."""

    heads: dict[int, Participant] = field(default_factory=dict)
    people: dict[int, list[Participant]] = field(default_factory=dict)
    institutions: dict[int, Institution] = field(default_factory=dict)
    has_vote: dict[int, bool] = field(default_factory=dict)
    represented_by: dict[int, str] = field(default_factory=dict)
    present_units: set[str] = field(default_factory=set)
    seat_holders: list[Participant] = field(default_factory=list)
    others: list[Participant] = field(default_factory=list)

    def add_delegate(self, p: Participant, institution: Institution, has_vote: bool) -> None:
        pk = institution.pk
        self.institutions.setdefault(pk, institution)
        self.has_vote.setdefault(pk, has_vote)
        people = self.people.setdefault(pk, [])
        if p.role == Participant.Role.HEAD and pk not in self.heads:
            self.heads[pk] = p
        else:
            people.append(p)

    def delegations(self) -> list[Delegation]:
        found = [
            Delegation(
                institution=inst,
                people=[
                    PersonLine(p, ROLE_WORDS.get(p.role, p.role))
                    for p in [*([self.heads[pk]] if pk in self.heads else []), *self.people[pk]]
                ],
                has_vote=self.has_vote[pk],
                represented_by=self.represented_by.get(pk, ""),
            )
            for pk, inst in self.institutions.items()
        ]
        return sorted(found, key=lambda d: str(d.institution).casefold())


def _gather(participants: list[Participant], rows: dict[str, SeatRow]) -> _Attendance:
    """Who attended for which member or seat, and which voting units were present."""
    seen = _Attendance()
    for p in participants:
        accredited = p.credentials == Participant.Credentials.ACCEPTED
        if p.institution is not None:
            key = unit_key(institution_id=p.institution.pk)
            row = rows.get(key)
            if accredited and p.role in VOTING_ROLES and row is not None:
                seen.present_units.add(key)
            if p.role == Participant.Role.OBSERVER:
                seen.others.append(p)
            else:
                seen.add_delegate(p, p.institution, bool(row and row.has_vote))
        elif p.seat_id:
            key = unit_key(seat_id=p.seat_id)
            if accredited and p.role in VOTING_ROLES and key in rows:
                seen.present_units.add(key)
            seen.seat_holders.append(p)
        else:
            seen.others.append(p)
    return seen


def _proxies(session: Session, rows: dict[str, SeatRow], seen: _Attendance) -> set[str]:
    """The voting units represented by an accepted proxy held by a member present (1 query)."""
    represented: set[str] = set()
    for proxy in Proxy.objects.filter(session=session, state=Proxy.State.ACCEPTED).select_related(
        "grantor", "grantor__country", "holder"
    ):
        g = unit_key(institution_id=proxy.grantor_id)
        h = unit_key(institution_id=proxy.holder_id)
        if h in seen.present_units and g not in seen.present_units and g in rows:
            represented.add(g)
            if rows[g].has_vote:
                seen.institutions.setdefault(proxy.grantor_id, proxy.grantor)
                seen.people.setdefault(proxy.grantor_id, [])
                seen.has_vote.setdefault(proxy.grantor_id, True)
                seen.represented_by[proxy.grantor_id] = str(proxy.holder)
    return represented


def _quorum(
    session: Session, day: dt.date, rows: dict[str, SeatRow], counted: set[str]
) -> QuorumResult:
    """Quorum over the session (shared/domain.md "Quorum" [D]; rule setting `quorum`)."""
    entitled = sum(1 for r in rows.values() if r.has_vote)
    present = sum(1 for key, r in rows.items() if r.has_vote and key in counted)
    share = body_rule(session.body, "quorum", day).value
    return quorum(entitled=entitled, present=present, share=share)


# --- Agenda, motions, votes and resolutions -------------------------------------------------


def _resolution_line(resolution: Resolution) -> ResolutionLine:
    return ResolutionLine(resolution, KIND_WORDS.get(resolution.kind, resolution.kind))


def _motion_lines(
    motions: Iterable[Motion], resolutions: dict[int, ResolutionLine]
) -> list[MotionLine]:
    """Motions in order, amendments under the motion they amend, each with its closed votes."""
    by_pk: dict[int, MotionLine] = {}
    roots: list[MotionLine] = []
    ordered = sorted(motions, key=lambda m: m.number)
    for m in ordered:
        by_pk[m.pk] = MotionLine(
            motion=m,
            decision_words=DECISION_WORDS.get(m.decision_kind, m.decision_kind),
            votes=[
                VoteLine(
                    v,
                    METHOD_WORDS.get(v.method, v.method),
                    MAJORITY_WORDS.get(v.majority, v.majority),
                )
                for v in m.votes.all()
                if v.state == Vote.State.CLOSED
            ],
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


@dataclass(frozen=True)
class _Agenda:
    items: list[ItemLine]
    loose_motions: list[MotionLine]
    loose_resolutions: list[ResolutionLine]
    resolutions: list[ResolutionLine]


def _agenda(session: Session) -> _Agenda:
    """The agenda in its numbered tree, each item with its motions and resolutions; what
    belongs to no item, apart (resolutions 1, motions 1, votes 1, agenda items 1)."""
    resolutions = [
        _resolution_line(r)
        for r in Resolution.objects.filter(session=session)
        .select_related("agenda_item")
        .order_by("number")
    ]
    by_motion = {r.resolution.motion_id: r for r in resolutions if r.resolution.motion_id}
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
    used: set[int] = {r.resolution.pk for r in by_motion.values()}
    lines: list[ItemLine] = []

    def walk(parent: int | None, prefix: str, depth: int) -> None:
        for n, item in enumerate(children.get(parent, []), start=1):
            number = f"{prefix}{n}"
            own = [
                r
                for r in resolutions
                if r.resolution.agenda_item_id == item.pk and r.resolution.motion_id is None
            ]
            used.update(r.resolution.pk for r in own)
            item_motions = _motion_lines(motions_by_item.get(item.pk, []), by_motion)
            lines.append(ItemLine(number, depth, item, item_motions, own))
            walk(item.pk, f"{number}.", depth + 1)

    walk(None, "", 0)
    known = {i.pk for i in items}
    loose = [m for m in motions if m.agenda_item_id is None or m.agenda_item_id not in known]
    return _Agenda(
        items=lines,
        loose_motions=_motion_lines(loose, by_motion),
        loose_resolutions=[r for r in resolutions if r.resolution.pk not in used],
        resolutions=resolutions,
    )


def session_record(session: Session) -> SessionRecord:
    """The session's record for its minutes (constant queries: session, participants,
    composition (3), proxies, the quorum rule, resolutions, motions, votes, agenda items)."""
    session = Session.objects.select_related("body", "country").get(pk=session.pk)
    day = session_day(session)  # the day it sat: the date it opened
    rows = {r.key: r for r in composition_on(session.body, day)}
    seen = _gather(_attended(session), rows)
    represented = _proxies(session, rows, seen)
    agenda = _agenda(session)
    closed = session.closed_at or session.ends_at
    return SessionRecord(
        session=session,
        day=day,
        # What happened, not what was planned: the opening and closing recorded by the
        # console, else the scheduled times.
        starts_local=_local(session.opened_at or session.starts_at, session.time_zone),
        ends_local=_local(closed, session.time_zone) if closed is not None else None,
        delegations=seen.delegations(),
        seat_holders=seen.seat_holders,
        others=seen.others,
        quorum=_quorum(session, day, rows, seen.present_units | represented),
        items=agenda.items,
        loose_motions=agenda.loose_motions,
        loose_resolutions=agenda.loose_resolutions,
        resolutions=agenda.resolutions,
    )
