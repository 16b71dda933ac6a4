"""Reads of the ballot: who is on it, the staff's ballot page of a Call and the public page
of a contest (rounds, results once each closes, the elected; never who voted what: the
counts come from governance's tallies, which hold no voter)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from secretariat.core.access import can, get_for_user_or_404, list_for_user
from secretariat.elections.models import (
    Call,
    CallOffice,
    Contest,
    EligibilityReport,
    Nomination,
    NominationVersion,
    Round,
    RoundCandidate,
)
from secretariat.elections.selectors.eligibility import eligible_nominations
from secretariat.governance.models import BallotReceipt, Session, Vote
from secretariat.governance.selectors.composition import (
    UnitStatus,
    session_roll,
    units_for_user,
)

MANAGE = "elections.manage_ballots"
PUBLIC_SESSION_STATES = (Session.State.CONVENED, Session.State.OPEN, Session.State.CLOSED)


def option_key(nomination: Nomination) -> str:
    """The key of a candidate's option on a round's ballot (BallotOption.key)."""
    return f"n{nomination.pk}"


def candidate_name(nomination: Nomination) -> str:
    """The candidate's name on the nomination's latest version (prefetched as `latest`)."""
    latest = getattr(nomination, "latest", None)
    if latest is None:
        version = nomination.versions.order_by("-number").first()
        return version.candidate_name if version else str(nomination)
    return latest[0].candidate_name if latest else str(nomination)


def _with_latest(queryset: QuerySet[Nomination]) -> QuerySet[Nomination]:
    return queryset.prefetch_related(
        Prefetch(
            "versions",
            queryset=NominationVersion.objects.select_related("candidate_nationality").order_by(
                "-number"
            ),
            to_attr="latest",
        )
    )


def ballot_candidates(call_office: CallOffice) -> list[Nomination]:
    """The eligible candidates for a place of the office (`selectors.eligibility`: "Only
    eligible candidates are on the ballot", issue #11), less those already elected to another
    place of the same office; in the order received, with their latest version."""
    elected = set(
        Contest.objects.filter(call_office=call_office, elected__isnull=False).values_list(
            "elected_id", flat=True
        )
    )
    ids = [n.pk for n in eligible_nominations(call_office) if n.pk not in elected]
    return list(_with_latest(Nomination.objects.filter(pk__in=ids)).order_by("received_at", "pk"))


def signed_report(call: Call) -> EligibilityReport | None:
    return (
        EligibilityReport.objects.filter(call=call, state=EligibilityReport.State.SIGNED)
        .order_by("-version")
        .first()
    )


# --- Rows --------------------------------------------------------------------------------


@dataclass(frozen=True)
class CandidateResult:
    name: str
    votes: int | None
    advances: bool
    elected: bool


@dataclass
class RoundRow:
    round: Round
    candidates: list[CandidateResult]
    blank: int | None
    ballots_cast: int  # receipts while open (how many voted, never what)

    @property
    def is_open(self) -> bool:
        return self.round.outcome == Round.Outcome.PENDING

    @property
    def lot_pending(self) -> bool:
        return (
            self.round.outcome == Round.Outcome.TIE
            and self.round.rules.get("tie_rule") == "lot"
            and "drawn" not in self.round.rules
        )

    @property
    def tied(self) -> list[tuple[str, str]]:
        """(option key, name) of the candidates tied for the contested places."""
        keys = set(self.round.rules.get("tied", []))
        return [
            (c.option_key, candidate_name(c.nomination))
            for c in self.round.candidates.all()
            if c.option_key in keys
        ]


@dataclass
class ContestRow:
    contest: Contest
    rounds: list[RoundRow]
    elected_name: str

    @property
    def current(self) -> RoundRow | None:
        return self.rounds[-1] if self.rounds else None

    @property
    def can_open_round(self) -> bool:
        if self.contest.state != Contest.State.OPEN:
            return False
        last = self.current
        return last is None or (
            not last.is_open
            and not last.lot_pending
            and last.round.outcome in (Round.Outcome.NEXT_ROUND, Round.Outcome.TIE)
        )


def _contests(queryset: QuerySet[Contest]) -> QuerySet[Contest]:
    return queryset.select_related(
        "call_office__office", "call_office__call", "session", "elected", "mandate"
    ).prefetch_related(
        Prefetch(
            "rounds",
            queryset=Round.objects.select_related("vote").prefetch_related(
                Prefetch("vote__tallies"),
                Prefetch(
                    "candidates",
                    queryset=_with_latest_candidates(),
                ),
            ),
        ),
        Prefetch("elected__versions", to_attr="latest_versions"),
    )


def _with_latest_candidates() -> QuerySet[RoundCandidate]:
    return RoundCandidate.objects.prefetch_related(
        Prefetch(
            "nomination__versions",
            queryset=NominationVersion.objects.order_by("-number"),
            to_attr="latest",
        )
    ).select_related("nomination")


def _contest_row(contest: Contest) -> ContestRow:
    rows = []
    for rnd in contest.rounds.all():
        closed = rnd.outcome != Round.Outcome.PENDING
        tallies = {t.choice: t.count for t in rnd.vote.tallies.all()} if rnd.vote else {}
        rows.append(
            RoundRow(
                round=rnd,
                candidates=[
                    CandidateResult(
                        name=candidate_name(c.nomination),
                        votes=c.votes if closed else None,
                        advances=c.advances,
                        elected=contest.elected_id == c.nomination_id
                        and rnd.outcome == Round.Outcome.ELECTED,
                    )
                    for c in rnd.candidates.all()
                ],
                blank=tallies.get("abstain") if closed and rnd.vote else None,
                ballots_cast=rnd.vote.ballots_cast if rnd.vote else 0,
            )
        )
    elected = ""
    if contest.elected is not None:
        prefetched = contest.elected.__dict__.get("latest_versions", [])
        versions = sorted(prefetched, key=lambda v: -v.number)
        elected = versions[0].candidate_name if versions else str(contest.elected)
    return ContestRow(contest=contest, rounds=rows, elected_name=elected)


def contest_get_for_user(*, user: Any, pk: int) -> ContestRow:
    """A contest's page: public once its session is convened (issue #11: results are
    recorded and public); the Secretariat sees it always."""
    queryset = Contest.objects.all()
    if not can(user, MANAGE):
        queryset = queryset.filter(session__state__in=PUBLIC_SESSION_STATES)
    contest = get_for_user_or_404(_contests(queryset), user=user, perm=None, pk=pk)
    return _contest_row(contest)


# --- The staff's ballot page of a Call -----------------------------------------------------


@dataclass
class PlaceRow:
    place: int
    contest: ContestRow | None


@dataclass
class OfficeRow:
    call_office: CallOffice
    candidates: list[Nomination]
    places: list[PlaceRow] = field(default_factory=list)

    @property
    def candidate_names(self) -> list[str]:
        return [candidate_name(n) for n in self.candidates]


@dataclass
class BallotPage:
    call: Call
    report: EligibilityReport | None
    offices: list[OfficeRow]
    sessions: list[Session]


def ballot_page_get_for_user(*, user: Any, call_pk: int) -> BallotPage:
    """Everything the Secretariat runs the ballot of a Call with: per office and place, the
    contest and its rounds, the eligible candidates still to elect, and the sessions of the
    electing body where a contest can start."""
    calls = list_for_user(Call.objects.all(), user=user, perm=MANAGE)
    call = get_for_user_or_404(calls, user=user, perm=None, pk=call_pk)
    offices = list(
        CallOffice.objects.filter(call=call)
        .select_related("office")
        .order_by("order", "office__order", "pk")
    )
    contests = {
        (c.call_office_id, c.place): _contest_row(c)
        for c in _contests(Contest.objects.filter(call_office__call=call))
    }
    rows = []
    for co in offices:
        row = OfficeRow(call_office=co, candidates=ballot_candidates(co))
        row.places = [PlaceRow(p, contests.get((co.pk, p))) for p in range(1, co.places + 1)]
        rows.append(row)
    body_ids = {co.office.electing_body_id for co in offices if co.office.electing_body_id}
    sessions = Session.objects.filter(
        state__in=[Session.State.CONVENED, Session.State.OPEN]
    ).order_by("-starts_at")
    if body_ids:
        sessions = sessions.filter(body_id__in=body_ids)
    return BallotPage(call=call, report=signed_report(call), offices=rows, sessions=list(sessions))


# --- The objects the Secretariat's actions work on ------------------------------------------


def contest_manage_get_for_user(*, user: Any, pk: int) -> Contest:
    """A contest the Secretariat acts on (404 to anyone else)."""
    queryset = Contest.objects.select_related("call_office__office", "session")
    return get_for_user_or_404(queryset, user=user, perm=MANAGE, pk=pk)


def round_get_for_user(*, user: Any, pk: int) -> Round:
    """A round the Secretariat acts on (404 to anyone else)."""
    queryset = Round.objects.select_related("contest__session", "vote__motion__session")
    return get_for_user_or_404(queryset, user=user, perm=MANAGE, pk=pk)


def call_office_get_for_user(*, user: Any, pk: int) -> CallOffice:
    """An office of a Call whose places the Secretariat puts to the vote (404 otherwise)."""
    queryset = CallOffice.objects.select_related("office", "call")
    return get_for_user_or_404(queryset, user=user, perm=MANAGE, pk=pk)


# --- A delegate's ballot in a non-presential round -------------------------------------------


@dataclass(frozen=True)
class RemoteUnit:
    """A member the delegate casts for, and whether its ballot was received (never what)."""

    key: str
    label: str
    received: bool


@dataclass
class RemoteBallot:
    round: Round
    session: Session
    candidates: list[tuple[str, str]]  # (option key, candidate's name), in ballot order
    units: list[RemoteUnit]

    @property
    def is_open(self) -> bool:
        return self.round.outcome == Round.Outcome.PENDING and (
            self.round.vote is not None and self.round.vote.state == Vote.State.OPEN
        )

    @property
    def within_window(self) -> bool:
        start, end = self.round.window_start, self.round.window_end
        return start is not None and end is not None and start <= timezone.now() <= end

    @property
    def pending_units(self) -> list[RemoteUnit]:
        return [u for u in self.units if not u.received]


def remote_units_for_user(session: Session, user: Any) -> list[UnitStatus]:
    """The members a user casts for in a non-presential vote: governance's roll with
    `remote=True` (every accredited delegate of a member with the right to vote, present or
    not; no proxies) read through `units_for_user`. Staff cast nothing (issue #11)."""
    if not (user and user.is_authenticated) or user.is_staff:
        return []
    roll = session_roll(session, remote=True)
    return units_for_user(session, user, roll)


def remote_ballot_get_for_user(*, user: Any, pk: int) -> RemoteBallot:
    """A non-presential round's ballot for one of its accredited delegates: 404 to anyone
    who casts for no entitled member in it (issue #11 "Non-presential voting")."""
    rnd = (
        Round.objects.filter(remote=True, vote__isnull=False)
        .select_related("contest__call_office__office", "contest__session__body", "vote")
        .prefetch_related(Prefetch("candidates", queryset=_with_latest_candidates()))
        .filter(pk=pk)
        .first()
    )
    if rnd is None or rnd.vote is None:
        raise Http404
    session = rnd.contest.session
    units = remote_units_for_user(session, user)
    if not units:
        raise Http404
    institutions = {u.row.institution.pk for u in units if u.row.seat is None and u.row.institution}
    seats = {u.row.seat.pk for u in units if u.row.seat is not None}
    received = set(
        BallotReceipt.objects.filter(
            Q(institution_id__in=institutions) | Q(seat_id__in=seats), vote=rnd.vote
        ).values_list("institution_id", "seat_id")
    )
    got_institutions = {i for i, _s in received}
    got_seats = {s for _i, s in received}
    rows = [
        RemoteUnit(
            key=u.row.key,
            label=u.row.label,
            received=(u.row.seat.pk in got_seats)
            if u.row.seat is not None
            else (u.row.institution is not None and u.row.institution.pk in got_institutions),
        )
        for u in units
    ]
    candidates = [(c.option_key, candidate_name(c.nomination)) for c in rnd.candidates.all()]
    return RemoteBallot(round=rnd, session=session, candidates=candidates, units=rows)


def remote_ballot_open_for_user(contest: Contest, user: Any) -> Round | None:
    """The contest's open non-presential round, when the user is one of its delegates (the
    link "Cast your ballot (non-presential)" on the contest's page)."""
    rounds = [r for r in contest.rounds.all() if r.remote and r.outcome == Round.Outcome.PENDING]
    if not rounds or not (user and user.is_authenticated) or user.is_staff:
        return None
    rnd = rounds[-1]
    now = timezone.now()
    if rnd.window_end is not None and now > rnd.window_end:
        return None
    return rnd if remote_units_for_user(contest.session, user) else None
