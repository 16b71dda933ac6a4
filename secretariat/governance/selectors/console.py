"""Reads of the live console, the attendance page, motions, votes and the delegate's view.

Every read here runs a fixed number of queries whatever the size of the session (asserted
in tests/test_console_state.py); the polled state endpoints first ask only for the session's
`revision` (`session_revision`) and answer 304 when the page already shows it.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import cached_property
from types import SimpleNamespace
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, Prefetch, Q, QuerySet, When
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from secretariat.core.selectors.rule_settings import RuleInForce
from secretariat.governance.arithmetic import yes_needed
from secretariat.governance.body_rules import body_rule, majority_label, majority_rule
from secretariat.governance.models import (
    AgendaItem,
    BallotReceipt,
    Motion,
    Participant,
    RollCallEntry,
    Session,
    Vote,
)
from secretariat.governance.selectors.composition import (
    SeatRow,
    SessionRoll,
    UnitStatus,
    session_day,
    session_roll,
    units_for_user,
    why_user_cannot_vote,
)
from secretariat.governance.services.console import LANGS, not_accredited_reason

LANGUAGE_NAMES = {"es": "Español", "en": "English", "pt": "Português", "fr": "Français"}


# --- Sessions and their revision -------------------------------------------------------


def session_revision(pk: int) -> int | None:
    """The session's change counter (one query): the ETag of every live page of the session."""
    return Session.objects.filter(pk=pk).values_list("revision", flat=True).first()


@dataclass(frozen=True)
class LiveVersion:
    """What a live panel's ETag is made of.

    `revision` counts every change a session page shows (services call touch_session);
    a secret ballot does not touch it (decision 0008: a ballot changes no one's page but
    the caster's), so the console also counts the receipts of the open vote (`ballots`,
    its "N of M have voted") and a delegate's panel the receipts cast by that user
    (`mine`, "your ballot was recorded")."""

    revision: int
    ballots: int
    mine: int
    # The latest change to any member's standing (a suspension of the right to vote is
    # recorded in the members app, which does not know about sessions): the quorum changes.
    standing: int = 0


def _live_version_sql() -> str:
    from secretariat.governance.models import BallotReceipt
    from secretariat.members.models import VotingSuspension

    q = connection.ops.quote_name
    session, vote, motion = (q(m._meta.db_table) for m in (Session, Vote, Motion))
    receipt, participant = q(BallotReceipt._meta.db_table), q(Participant._meta.db_table)
    standing = q(VotingSuspension.history.model._meta.db_table)
    # Only table and column names of our own models, quoted; values go as parameters.
    open_votes = (
        f"SELECT v.{q('id')} FROM {vote} v INNER JOIN {motion} m "  # noqa: S608
        f"ON v.{q('motion_id')} = m.{q('id')} "
        f"WHERE m.{q('session_id')} = s.{q('id')} AND v.{q('state')} = 'open'"
    )
    return (
        f"SELECT s.{q('revision')}, "  # noqa: S608
        f"(SELECT COUNT(*) FROM {receipt} r WHERE r.{q('vote_id')} IN ({open_votes})), "
        f"(SELECT COUNT(*) FROM {receipt} r INNER JOIN {participant} p "
        f"ON r.{q('cast_by_id')} = p.{q('id')} "
        f"WHERE p.{q('user_id')} = %s AND r.{q('vote_id')} IN ({open_votes})), "
        f"(SELECT MAX({q('history_id')}) FROM {standing}) "
        f"FROM {session} s WHERE s.{q('id')} = %s"
    )


def live_version(pk: int, user_pk: int | None) -> LiveVersion | None:
    """The session's revision and the open ballot's receipts, all and the user's: one query."""
    with connection.cursor() as cursor:
        cursor.execute(_live_version_sql(), [user_pk or 0, pk])
        row = cursor.fetchone()
    return LiveVersion(int(row[0]), int(row[1]), int(row[2]), int(row[3] or 0)) if row else None


def session_get(pk: int) -> Session:
    session = Session.objects.select_related("body").filter(pk=pk).first()
    if session is None:
        raise Http404(_("No such session."))
    return session


# --- Quorum ----------------------------------------------------------------------------


def share_words(share: list[int] | tuple[int, int]) -> str:
    num, den = int(share[0]), int(share[1])
    if (num, den) == (1, 2):
        return _("more than half")
    if (num, den) == (2, 3):
        return _("more than two-thirds")
    return _("more than %(num)s/%(den)s") % {"num": num, "den": den}


@dataclass
class QuorumPanel:
    """The live quorum as shown: the four figures, the rule in words, and whether confirmed."""

    entitled: int
    present: int
    needed: int
    met: bool
    rule_text: str
    confirmed: bool
    legal_basis: str

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.present)


def quorum_panel(roll: SessionRoll, rule: RuleInForce) -> QuorumPanel:
    q = roll.quorum
    if roll.session.body.all_members_sit:
        text = _("Quorum: %(share)s of the members entitled to vote, present or represented.") % {
            "share": share_words(roll.quorum_share)
        }
    else:
        text = _("Quorum: %(share)s of the voting seats, present or represented.") % {
            "share": share_words(roll.quorum_share)
        }
    return QuorumPanel(
        entitled=q.entitled,
        present=q.present,
        needed=q.needed,
        met=q.met,
        rule_text=text,
        confirmed=rule.confirmed,
        legal_basis=rule.legal_basis,
    )


# The roll (composition x attendance x proxies) is the costly part of a live panel: about
# 20-40 ms for a General Assembly of 300 members. It is cached under a fingerprint of
# everything it is computed from, so that a change of anything else (a ballot cast, a
# motion tabled) does not recompute it, and a change of any of these always does.
ROLL_CACHE_SECONDS = 300


def _fingerprint_sql() -> str:
    """SELECT the latest change of each input of the roll (built from the models' tables)."""
    from secretariat.core.models import RuleSetting
    from secretariat.governance.models import AttendanceEvent, Proxy, Seat
    from secretariat.members.models import Category, Membership, VotingSuspension

    q = connection.ops.quote_name

    def latest(model: Any, column: str, where: str = "") -> str:
        table = q(model._meta.db_table)
        # Only table and column names of our own models, quoted; values go as parameters.
        return f"(SELECT MAX({q(column)}) FROM {table}{where})"  # noqa: S608

    def history(model: Any) -> Any:
        return model.history.model  # django-simple-history

    by_session = f" WHERE {q('session_id')} = %s"
    parts = [
        latest(AttendanceEvent, "id", by_session),
        latest(history(Participant), "history_id", by_session),
        latest(history(Proxy), "history_id", by_session),
        latest(history(Seat), "history_id", f" WHERE {q('body_id')} = %s"),
        latest(history(Membership), "history_id"),
        latest(history(Category), "history_id"),
        latest(history(VotingSuspension), "history_id"),
        latest(history(RuleSetting), "history_id"),
    ]
    return "SELECT " + ", ".join(parts)


def roll_fingerprint(session: Session) -> tuple[Any, ...]:
    """The latest change of each input of the roll, in one query: attendance events, the
    session's participants (credentials, withdrawal) and proxies, the body's seats, every
    membership, category and suspension of the right to vote, and the rule settings. (Raw SQL:
    the ORM would spend longer compiling eight subqueries than the database running them.)"""
    with connection.cursor() as cursor:
        pk = session.pk
        cursor.execute(_fingerprint_sql(), [pk, pk, pk, session.body_id])
        return tuple(cursor.fetchone() or ())


@dataclass(frozen=True)
class VoterUnit:
    """A voting member a user may cast a vote for now (their own, or held by proxy)."""

    key: str
    label: str
    by_proxy: bool


@dataclass
class LiveRoll:
    """What the live panels need from the roll, as plain values (cheap to cache and load):
    the quorum; the voting members each user may vote for (from
    `composition.units_for_user`); and a skeleton of the roll without people, against which
    `composition.why_user_cannot_vote` gives the reason to everyone else."""

    quorum: QuorumPanel
    units_by_user: dict[int, list[VoterUnit]]
    skeleton: SessionRoll
    stamp: str = ""  # the cache key: names this state of the roll (for cached fragments)

    def units_for(self, user: Any) -> list[VoterUnit]:
        return self.units_by_user.get(getattr(user, "pk", None) or 0, [])

    def why_not(self, session: Session, user: Any) -> str:
        """The reason this user has no vote (one query: their registration)."""
        if not (user and user.is_authenticated):
            return _("You are not registered as a delegate for this session.")
        return why_user_cannot_vote(session, user, self.skeleton)


def _summarise(session: Session, roll: SessionRoll, rule: RuleInForce) -> LiveRoll:
    # Each user is asked about the few units that concern them (those they are a present
    # delegate of, and those represented by proxy): units_for_user stays the one rule, and
    # the whole is linear in the size of the roll.
    mine: dict[int, list[UnitStatus]] = {}
    for u in roll.units:
        if u.row.has_vote:
            for p in u.delegates_present:
                if p.user_id is not None:
                    mine.setdefault(p.user_id, []).append(u)
    proxied: dict[int, list[UnitStatus]] = {}
    for u in roll.units:
        if u.represented_by is not None:
            proxied.setdefault(u.represented_by.pk, []).append(u)
    by_user: dict[int, list[VoterUnit]] = {}
    for user_id, units in mine.items():
        held = [u.row.institution.pk for u in units if u.row.institution is not None]
        relevant = units + [g for pk in held for g in proxied.get(pk, [])]
        part = SessionRoll(
            session=session,
            day=roll.day,
            units=relevant,
            quorum=roll.quorum,
            quorum_share=roll.quorum_share,
            participants_present=roll.participants_present,
            others=[],
        )
        user = SimpleNamespace(pk=user_id, is_authenticated=True)
        by_user[user_id] = [
            VoterUnit(u.row.key, u.row.label, u.represented_by is not None)
            for u in units_for_user(session, user, part)
        ]
    skeleton = SessionRoll(
        session=session,
        day=roll.day,
        units=[
            UnitStatus(
                row=SeatRow(
                    key=u.row.key,
                    label=u.row.label,
                    capacity=u.row.capacity,
                    capacity_label=u.row.capacity_label,
                    has_vote=u.row.has_vote,
                    no_vote_reason=u.row.no_vote_reason,
                )
            )
            for u in roll.units
        ],
        quorum=roll.quorum,
        quorum_share=roll.quorum_share,
        participants_present=roll.participants_present,
        others=[],
    )
    return LiveRoll(quorum=quorum_panel(roll, rule), units_by_user=by_user, skeleton=skeleton)


def live_roll(session: Session) -> LiveRoll:
    """The live roll: 1 query when cached (the fingerprint), else 7 more (composition 3,
    attendance 1, proxies 1, quorum rule 1) and the summary computed once."""
    day = session_day(session)
    stamp = ".".join(str(v or 0) for v in roll_fingerprint(session))
    # The summary holds translated text (the rule in words, why a member has no vote).
    lang = get_language() or ""
    key = f"governance:roll:{session.pk}:{session.state}:{day.isoformat()}:{lang}:{stamp}"
    live: LiveRoll | None = cache.get(key)
    if live is None:
        roll = session_roll(session, day)
        rule = body_rule(session.body, "quorum", roll.day)
        live = _summarise(session, roll, rule)
        # The session object is the caller's; keep the cached skeleton free of it.
        live.skeleton.session = None  # type: ignore[assignment]
        cache.set(key, live, ROLL_CACHE_SECONDS)
    live.skeleton.session = session
    live.stamp = key
    return live


def live_quorum(session: Session) -> QuorumPanel:
    return live_roll(session).quorum


# --- Agenda and motions ----------------------------------------------------------------


@dataclass
class ItemRow:
    item: AgendaItem
    number: str
    motions: list[Motion] = field(default_factory=list)


def agenda_numbers(items: list[AgendaItem]) -> dict[int, str]:
    """ "1", "2", "2.1"... from the tree of items (positions within each parent)."""
    children: dict[int | None, list[AgendaItem]] = {}
    for item in items:
        children.setdefault(item.parent_id, []).append(item)
    numbers: dict[int, str] = {}

    def walk(parent: int | None, prefix: str) -> None:
        siblings = sorted(children.get(parent, []), key=lambda i: (i.position, i.pk))
        for n, item in enumerate(siblings, start=1):
            numbers[item.pk] = f"{prefix}{n}"
            walk(item.pk, f"{prefix}{n}.")

    walk(None, "")
    return numbers


def motion_queryset() -> QuerySet[Motion]:
    return Motion.objects.select_related("agenda_item", "amends", "session", "session__body")


def agenda_with_motions(session: Session) -> list[ItemRow]:
    """The agenda in order, each item with its motions (amendments after their motion): 2 queries."""
    items = list(AgendaItem.objects.filter(session=session).order_by("parent_id", "position"))
    numbers = agenda_numbers(items)
    motions = list(Motion.objects.filter(session=session).order_by("number"))
    by_item: dict[int | None, list[Motion]] = {}
    amendments: dict[int, list[Motion]] = {}
    for motion in motions:
        if motion.amends_id:
            amendments.setdefault(motion.amends_id, []).append(motion)
        else:
            by_item.setdefault(motion.agenda_item_id, []).append(motion)
    for motion in motions:
        motion.amendment_list = amendments.get(motion.pk, [])  # type: ignore[attr-defined]
    rows = [
        ItemRow(item=item, number=numbers.get(item.pk, ""), motions=by_item.get(item.pk, []))
        for item in items
        if not item.withdrawn or item.pk in by_item
    ]
    rows.sort(key=lambda r: [int(p) for p in r.number.split(".") if p.isdigit()])
    return rows


def motion_get(pk: int) -> Motion:
    motion = motion_queryset().filter(pk=pk).first()
    if motion is None:
        raise Http404(_("No such motion."))
    return motion


def motion_choices(session: Session) -> QuerySet[Motion]:
    return Motion.objects.filter(session=session, amends__isnull=True).order_by("number")


# --- Word diff of an amendment -----------------------------------------------------------

# Words, runs of spaces, and each punctuation mark on its own ("años," -> "años", ",").
_TOKENS = re.compile(r"\s+|\w+|[^\w\s]")


@dataclass(frozen=True)
class DiffPart:
    op: str  # "equal", "insert", "delete"
    text: str


def word_diff(old: str, new: str) -> list[DiffPart]:
    """The new text against the old, word by word (spaces kept), as equal/insert/delete runs."""
    a = _TOKENS.findall(old or "")
    b = _TOKENS.findall(new or "")
    parts: list[DiffPart] = []

    def add(op: str, tokens: list[str]) -> None:
        text = "".join(tokens)
        if not text:
            return
        if parts and parts[-1].op == op:
            parts[-1] = DiffPart(op, parts[-1].text + text)
        else:
            parts.append(DiffPart(op, text))

    matcher = difflib.SequenceMatcher(a=a, b=b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", a[i1:i2])
        else:
            if tag in ("replace", "delete"):
                add("delete", a[i1:i2])
            if tag in ("replace", "insert"):
                add("insert", b[j1:j2])
    return parts


@dataclass
class AmendmentView:
    amendment: Motion
    diff: list[DiffPart]
    diff_local: list[DiffPart] | None  # in the page's language, when both texts have it
    votes: list[Vote]


@dataclass
class Translation:
    code: str
    name: str
    title: str
    text: str


@dataclass
class MotionView:
    motion: Motion
    item_number: str
    translations: list[Translation]
    majority: RuleInForce
    majority_text: str
    amendments: list[AmendmentView]
    votes: list[Vote]


def translations_of(motion: Motion) -> list[Translation]:
    rows = []
    for code in LANGS:
        if code == "es":
            continue
        title = getattr(motion, f"title_{code}") or ""
        text = getattr(motion, f"text_{code}") or ""
        if title or text:
            rows.append(Translation(code, LANGUAGE_NAMES[code], title, text))
    return rows


def motion_view(motion: Motion) -> MotionView:
    """A motion with its translations, its majority, its amendments (diffs) and its votes."""
    session = motion.session
    items = list(AgendaItem.objects.filter(session=session).only("pk", "parent_id", "position"))
    numbers = agenda_numbers(items)
    votes = list(Vote.objects.filter(motion=motion).order_by("opened_at", "pk"))
    amendments = list(
        Motion.objects.filter(amends=motion)
        .prefetch_related(Prefetch("votes", queryset=Vote.objects.order_by("opened_at", "pk")))
        .order_by("number")
    )
    rule = majority_rule(session.body, motion.decision_kind, session_day(session))
    lang = (get_language() or "es")[:2]
    views = []
    for amendment in amendments:
        local = None
        if lang != "es" and lang in LANGS:
            old_local = getattr(motion, f"text_{lang}") or ""
            new_local = getattr(amendment, f"text_{lang}") or ""
            if old_local and new_local:
                local = word_diff(old_local, new_local)
        views.append(
            AmendmentView(
                amendment=amendment,
                diff=word_diff(motion.text_es or "", amendment.text_es or ""),  # type: ignore[attr-defined]
                diff_local=local,
                votes=list(amendment.votes.all()),
            )
        )
    return MotionView(
        motion=motion,
        item_number=numbers.get(motion.agenda_item_id or 0, ""),
        translations=translations_of(motion),
        majority=rule,
        majority_text=majority_label(rule.value),
        amendments=views,
        votes=votes,
    )


# --- Votes -----------------------------------------------------------------------------


def vote_get(pk: int) -> Vote:
    vote = (
        Vote.objects.select_related(
            "motion", "motion__session", "motion__session__body", "motion__agenda_item"
        )
        .filter(pk=pk)
        .first()
    )
    if vote is None:
        raise Http404(_("No such vote."))
    return vote


@dataclass
class VoteView:
    """A vote as the pages show it: majority in words and, only once closed, the counts."""

    vote: Vote
    majority_text: str
    majority_confirmed: bool
    cast: int  # ballots or roll-call answers so far
    expected: int
    yes_needed: int | None
    roll_call: list[RollCallEntry] = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.vote.state == Vote.State.OPEN

    @property
    def counts_known(self) -> bool:
        return self.vote.state == Vote.State.CLOSED and self.vote.yes is not None

    @property
    def by_chair(self) -> bool:
        return self.vote.method in (Vote.Method.ACCLAMATION, Vote.Method.CONSENSUS)

    @property
    def progress_percent(self) -> int:
        return min(100, round(100 * self.cast / self.expected)) if self.expected else 0


def vote_view(vote: Vote, *, with_roll_call: bool = False) -> VoteView:
    """Counts of progress: 1 query for secret and roll-call votes (+1 for the roll-call list)."""
    cast = 0
    entries: list[RollCallEntry] = []
    if vote.method == Vote.Method.SECRET:
        cast = BallotReceipt.objects.filter(vote=vote).count()
    elif vote.method == Vote.Method.ROLL_CALL:
        if with_roll_call:
            entries = list(RollCallEntry.objects.filter(vote=vote).order_by("position"))
            cast = len(entries)
        else:
            cast = RollCallEntry.objects.filter(vote=vote).count()
    needed = None
    if vote.state == Vote.State.CLOSED and vote.no is not None:
        needed = yes_needed(vote.majority, no=vote.no, present=vote.present, entitled=vote.entitled)
    return VoteView(
        vote=vote,
        majority_text=majority_label(vote.majority),
        majority_confirmed=not vote.majority_rule.endswith("[D]"),
        cast=cast,
        expected=vote.present,
        yes_needed=needed,
        roll_call=entries,
    )


def current_vote(session: Session) -> Vote | None:
    """The open vote of the session, else the last one taken (1 query)."""
    return (
        Vote.objects.filter(motion__session=session)
        .select_related("motion", "motion__agenda_item")
        .order_by(Case(When(state=Vote.State.OPEN, then=0), default=1), "-opened_at", "-pk")
        .first()
    )


@dataclass
class RollCallRow:
    unit: UnitStatus
    entry: RollCallEntry | None
    position: int
    next_key: str  # where the page scrolls after this answer (the next member called)


def roll_call_rows(units: list[UnitStatus], vote: Vote) -> list[RollCallRow]:
    entries = list(RollCallEntry.objects.filter(vote=vote))
    by_key: dict[str, RollCallEntry] = {}
    for e in entries:
        key = f"s{e.seat_id}" if e.seat_id else f"i{e.institution_id}"
        by_key[key] = e
    keys = [u.row.key for u in units]
    return [
        RollCallRow(
            unit=u,
            entry=by_key.get(u.row.key),
            position=n + 1,
            next_key=keys[n + 1] if n + 1 < len(keys) else keys[n],
        )
        for n, u in enumerate(units)
    ]


# --- The console -------------------------------------------------------------------------


@dataclass
class AttendanceCounts:
    registered: int
    accredited: int
    present: int
    not_accredited: int


def attendance_counts(session: Session) -> AttendanceCounts:
    accepted = Q(credentials=Participant.Credentials.ACCEPTED, withdrawn_at__isnull=True)
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


@dataclass
class ConsoleState:
    session: Session
    revision: int
    quorum: QuorumPanel
    attendance: AttendanceCounts
    items: list[ItemRow]
    vote: VoteView | None
    open_vote: bool
    current_item: ItemRow | None


def current_item(items: list[ItemRow], vote: Vote | None) -> ItemRow | None:
    """The item being dealt with: the open vote's, else the latest motion still to be voted,
    else the last vote's (the session records no separate "current item")."""
    if vote is not None and vote.state == Vote.State.OPEN:
        return next((r for r in items if r.item.pk == vote.motion.agenda_item_id), None)
    latest: tuple[int, ItemRow] | None = None
    for row in items:
        for motion in [*row.motions, *(a for m in row.motions for a in m.amendment_list)]:  # type: ignore[attr-defined]
            if motion.state == Motion.State.PROPOSED and (latest is None or motion.pk > latest[0]):
                latest = (motion.pk, row)
    if latest is not None:
        return latest[1]
    if vote is not None:
        return next((r for r in items if r.item.pk == vote.motion.agenda_item_id), None)
    return None


def console_state(session: Session, revision: int) -> ConsoleState:
    """Everything the console shows, in a fixed number of queries (about 11)."""
    items = agenda_with_motions(session)
    vote = current_vote(session)
    return ConsoleState(
        session=session,
        revision=revision,
        quorum=live_quorum(session),
        attendance=attendance_counts(session),
        items=items,
        vote=vote_view(vote) if vote is not None else None,
        open_vote=vote is not None and vote.state == Vote.State.OPEN,
        current_item=current_item(items, vote),
    )


# --- Attendance page ---------------------------------------------------------------------


def attendance_list(session: Session, q: str = "") -> QuerySet[Participant]:
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


def accredited_filter() -> Q:
    return Q(credentials=Participant.Credentials.ACCEPTED, withdrawn_at__isnull=True)


@dataclass
class NotAccredited:
    participant: Participant
    reason: str


def not_accredited(session: Session, q: str = "") -> list[NotAccredited]:
    rows = attendance_list(session, q).exclude(accredited_filter())
    return [NotAccredited(p, not_accredited_reason(p)) for p in rows]


def participant_get(session: Session, pk: Any) -> Participant:
    try:
        pk = int(pk)
    except (TypeError, ValueError) as exc:
        raise Http404(_("No such participant.")) from exc
    participant = Participant.objects.filter(session=session, pk=pk).select_related(
        "institution", "seat", "session"
    )
    found = participant.first()
    if found is None:
        raise Http404(_("No such participant."))
    return found


# --- The delegate's live view ---------------------------------------------------------------


@dataclass
class BallotUnit:
    """A voting member the user may cast a ballot for, and whether it has already voted."""

    key: str
    label: str
    by_proxy: bool
    voted: bool


class DelegateState:
    """The delegate's live view. What this user may do (their voting members, whether each
    has voted, why they cannot vote) is computed at once; what every delegate sees alike
    (the vote's figures, the current item) only when the page renders it, so that a
    fragment already cached for this revision costs no query (templates: {% cache %})."""

    def __init__(
        self,
        *,
        session: Session,
        revision: int,
        live: LiveRoll,
        vote: Vote | None,
        units: list[BallotUnit],
        cannot_vote: str,
    ) -> None:
        self.session = session
        self.revision = revision
        self.stamp = live.stamp
        self.quorum = live.quorum
        self.vote = vote
        self.units = units
        self.cannot_vote = cannot_vote

    @cached_property
    def vote_view(self) -> VoteView | None:
        return vote_view(self.vote) if self.vote is not None else None

    @cached_property
    def current_item(self) -> ItemRow | None:
        return current_item(agenda_with_motions(self.session), self.vote)

    @property
    def secret_open(self) -> bool:
        vote = self.vote
        return bool(vote and vote.state == Vote.State.OPEN and vote.method == Vote.Method.SECRET)


def ballot_units(units: list[VoterUnit], vote: Vote | None) -> list[BallotUnit]:
    """The user's voting members, each marked when its receipt exists (1 query with a vote)."""
    voted: set[str] = set()
    if vote is not None and units:
        receipts = BallotReceipt.objects.filter(vote=vote).values_list("institution_id", "seat_id")
        voted = {f"s{s}" if s else f"i{i}" for i, s in receipts}
    return [BallotUnit(u.key, u.label, u.by_proxy, u.key in voted) for u in units]


def delegate_state(
    session: Session, user: Any, revision: int, vote: Vote | None = None
) -> DelegateState:
    """The delegate's view: quorum, the item, the vote (the current one unless given) and what
    this user can do (fixed queries)."""
    live = live_roll(session)
    vote = vote or current_vote(session)
    units = ballot_units(
        live.units_for(user), vote if vote and vote.method == Vote.Method.SECRET else None
    )
    reason = "" if units else live.why_not(session, user)
    return DelegateState(
        session=session,
        revision=revision,
        live=live,
        vote=vote,
        units=units,
        cannot_vote=reason,
    )
