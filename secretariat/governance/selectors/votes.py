"""Reads of votes: one vote with its majority in words and its progress, the roll-call.

A vote is seen by those who follow its session (`governance.follow_session`), 404 for anyone
else; its counts are shown only once it is closed (a secret ballot's progress is the number
of receipts, never a choice: decision 0008).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.db.models import Case, When
from django.http import Http404
from django.utils.translation import gettext as _

from secretariat.core.access import can, get_for_user_or_404, permission_for
from secretariat.governance.arithmetic import yes_needed
from secretariat.governance.body_rules import majority_label
from secretariat.governance.models import (
    BallotOption,
    BallotReceipt,
    Choice,
    DecisionKind,
    Participant,
    RollCallEntry,
    SecretTally,
    Session,
    Vote,
)
from secretariat.governance.selectors.composition import UnitStatus, session_roll

FOLLOW = "governance.follow_session"
READ = "governance.view_sessions"
MANAGE = "governance.manage_sessions"

VoteAction = Literal["view", "read", "manage"]
# Past "view" (seeing the vote at all), what each action needs; refused, it is a 403: the
# user already sees the vote. "read" is the Secretariat's roll-call screen.
VOTE_ACTIONS: dict[str, str | None] = {"view": None, "read": READ, "manage": MANAGE}


def vote_get_for_user(*, user: Any, pk: int, action: VoteAction = "view") -> Vote:
    """The one way to a vote, with its motion, session and body: Http404 when it is missing or
    the user does not follow its session; then the action's permission (`VOTE_ACTIONS`), 403."""
    queryset = Vote.objects.select_related(
        "motion", "motion__session", "motion__session__body", "motion__agenda_item"
    )
    vote = get_for_user_or_404(queryset, user=user, perm=None, pk=pk)
    if not can(user, FOLLOW, vote.motion.session):  # the permission is the session's
        raise Http404
    perm = permission_for(VOTE_ACTIONS, action)
    if perm is not None and not can(user, perm, vote.motion.session):
        raise PermissionDenied(_("You do not have permission to do this."))
    return vote


@dataclass(frozen=True)
class BallotTarget:
    """The vote a ballot is posted to, with only what casting reads (its state and method,
    its session's state, day and body), and the user's registrations in its session."""

    vote: Vote
    registrations: list[Participant]


# What casting a ballot reads of the vote, its motion, session and body (`ballot_get_for_user`).
BALLOT_FIELDS = (
    "state",
    "method",
    "motion__session__state",
    "motion__session__starts_at",
    "motion__session__opened_at",
    "motion__session__time_zone",
    "motion__session__body__all_members_sit",
)


def ballot_get_for_user(*, user: Any, pk: int) -> BallotTarget:
    """The vote a ballot is cast in, as `vote_get_for_user` (Http404 when it is missing or the
    user does not follow its session), in two queries for a delegate: the vote with the few
    fields casting reads, and the user's registrations in its session. A registration not
    withdrawn is what makes a delegate follow the session (`sits_in_session`); anyone else
    goes through the permission as usual."""
    vote = (
        Vote.objects.select_related("motion__session__body")
        .only(*BALLOT_FIELDS)
        .filter(pk=pk)
        .order_by()
        .first()
    )
    if vote is None:
        raise Http404
    session = vote.motion.session
    registrations = list(
        Participant.objects.filter(session=session.pk, user=user.pk, withdrawn_at__isnull=True)
        .order_by("pk")
        .only(
            "session_id",
            "institution_id",
            "seat_id",
            "role",
            "credentials",
            "present",
            "withdrawn_at",
        )
        if user.is_authenticated
        else []
    )
    if not registrations and not can(user, FOLLOW, session):
        raise Http404
    return BallotTarget(vote, registrations)


@dataclass(frozen=True)
class OptionCount:
    """One option of a ballot between options, with its count only once the vote closed."""

    key: str
    label: str
    count: int | None


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
    # A ballot between options (an election's round): each option, and its count once closed.
    options: list[OptionCount] = field(default_factory=list)
    blank: int | None = None

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
    options, blank = _options(vote)
    if vote.state == Vote.State.CLOSED and vote.no is not None and not options:
        needed = yes_needed(vote.majority, no=vote.no, present=vote.present, entitled=vote.entitled)
    return VoteView(
        vote=vote,
        majority_text=majority_label(vote.majority),
        majority_confirmed=not vote.majority_rule.endswith("[D]"),
        cast=cast,
        expected=vote.present,
        yes_needed=needed,
        roll_call=entries,
        options=options,
        blank=blank,
    )


def _options(vote: Vote) -> tuple[list[OptionCount], int | None]:
    """The options of an election's secret ballot (issue #11) and, once closed, each one's
    count and the blank ballots: read only for votes on an election (other votes are yes or
    no, and pay no query for this)."""
    if vote.method != Vote.Method.SECRET or vote.motion.decision_kind != DecisionKind.ELECTION:
        return [], None
    closed = vote.state == Vote.State.CLOSED
    counts = (
        dict(SecretTally.objects.filter(vote=vote).values_list("choice", "count")) if closed else {}
    )
    options = [
        OptionCount(o.key, o.label, counts.get(o.key, 0) if closed else None)
        for o in BallotOption.objects.filter(vote=vote).order_by("order", "pk")
    ]
    return options, (counts.get(Choice.ABSTAIN, 0) if closed and options else None)


def vote_progress(vote: Vote) -> tuple[int, int]:
    """(ballots cast, voting members present or represented when the vote opened)."""
    return BallotReceipt.objects.filter(vote=vote).count(), vote.present


@dataclass(frozen=True)
class VoteDetail:
    """The vote's page: the vote, and whether the user may rule on it or close it."""

    view: VoteView
    can_manage: bool


def vote_detail(*, user: Any, vote: Vote) -> VoteDetail:
    return VoteDetail(
        view=vote_view(vote, with_roll_call=True),
        can_manage=can(user, MANAGE, vote.motion.session),
    )


def current_vote(session: Session) -> Vote | None:
    """The open vote of the session, else the last one taken (1 query)."""
    return (
        Vote.objects.filter(motion__session=session)
        .select_related("motion", "motion__agenda_item")
        .order_by(Case(When(state=Vote.State.OPEN, then=0), default=1), "-opened_at", "-pk")
        .first()
    )


# --- The roll-call -------------------------------------------------------------------------


def roll_call_units(vote: Vote) -> list[UnitStatus]:
    """The voting members present or represented now, in the order they are called (by name)."""
    roll = session_roll(vote.motion.session)
    units = [u for u in roll.units if u.counts_for_quorum]
    return sorted(units, key=lambda u: u.row.label.casefold())


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class RollCallPage:
    """The roll-call screen: each member called (while open), the answers, the counts."""

    view: VoteView
    rows: list[RollCallRow]
    answered: int
    can_manage: bool


def roll_call_page(*, user: Any, vote: Vote) -> RollCallPage:
    is_open = vote.state == Vote.State.OPEN
    rows = roll_call_rows(roll_call_units(vote) if is_open else [], vote)
    return RollCallPage(
        view=vote_view(vote, with_roll_call=not is_open),
        rows=rows,
        answered=sum(1 for r in rows if r.entry is not None),
        can_manage=can(user, MANAGE, vote.motion.session),
    )
