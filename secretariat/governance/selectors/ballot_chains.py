"""The secret ballots' chains of receipts, checked (decision 0012).

Each secret vote chains its receipts: receipt n holds the hash of receipt n-1 and its own
(the vote, n, the member or seat, the participant who cast it, by proxy or not, when; never
a choice), sealed with the action log's key. The vote keeps the chain's head (`ballots_cast`,
`ballots_hash`); its opening entry in the action log says whether its receipts are sealed,
its closing entry records the count and the head. `ballot_chains_verify` (registered with
`core.subchains`, so `verify_action_log` runs it) walks every chain and reports an edited,
inserted, deleted or reordered receipt, and a head or an anchor that does not match.

What it cannot see: while a vote is open, someone with the database can delete its last
receipts and move the vote's head back (as with the action log's rows since the last
checkpoint, decision 0010); the closing then finds fewer receipts than tallied ballots and
refuses to count, and once the vote is closed its entry anchors the chain.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from secretariat.core.anchoring import EMPTY_HASH, Keyring
from secretariat.core.models import ActionLog
from secretariat.core.subchains import SubChainProblem
from secretariat.governance.models import BallotReceipt, Vote

BATCH = 2000


@dataclass(frozen=True)
class BallotAnchor:
    """What the vote's closing entry in the action log recorded of its chain."""

    ballots: int
    ballots_hash: str
    counted: int  # yes + no + abstain, as the closing entry recorded them


def _entries(event: str) -> dict[int, dict[str, object]]:
    """The new values of the action log's `event` entries about votes, by vote id (the last
    entry of each vote)."""
    rows = ActionLog.objects.filter(event=event, target_type="governance.vote").order_by("id")
    found: dict[int, dict[str, object]] = {}
    for target_id, values in rows.values_list("target_id", "new_values"):
        if target_id.isdigit() and isinstance(values, dict):
            found[int(target_id)] = values
    return found


def _count(value: object) -> int:
    return value if isinstance(value, int) else 0


def _anchors() -> dict[int, BallotAnchor]:
    anchors = {}
    for vote_id, values in _entries("vote.closed").items():
        ballots, head = values.get("ballots"), values.get("ballots_hash")
        if isinstance(ballots, int) and isinstance(head, str):
            counted = sum(_count(values.get(k)) for k in ("yes", "no", "abstain"))
            anchors[vote_id] = BallotAnchor(ballots, head, counted)
    return anchors


class _VoteWalk:
    """One vote's chain, receipt by receipt."""

    def __init__(self, vote_id: int, ring: Keyring | None, sealed: bool) -> None:
        self.vote_id, self.ring, self.sealed = vote_id, ring, sealed
        self.prev, self.n = EMPTY_HASH, 0
        self.problems: list[SubChainProblem] = []

    def _problem(self, receipt: BallotReceipt | None, kind: str, detail: str) -> None:
        where = f"vote {self.vote_id}" + (f", receipt {receipt.pk}" if receipt else "")
        self.problems.append(SubChainProblem(where, kind, detail))

    def step(self, receipt: BallotReceipt) -> None:
        self.n += 1
        if receipt.position != self.n:
            self._problem(receipt, "order", f"is number {receipt.position}, expected {self.n}")
        if receipt.prev_hash != self.prev:
            self._problem(receipt, "link", "does not follow the receipt before it")
        if receipt.compute_hash() != receipt.hash:
            self._problem(receipt, "content", "its content does not match its hash")
        if self.ring is not None:
            if receipt.seal:
                self.sealed = True
                problem = self.ring.seal_problem(receipt.hash, receipt.seal)
                if problem is not None:
                    self._problem(receipt, "seal", problem)
            elif self.sealed:
                self._problem(receipt, "unsealed", "has no seal, though this vote's are sealed")
        self.prev = receipt.hash

    def finish(self, vote: tuple[str, int, str], anchor: BallotAnchor | None) -> None:
        state, cast, head = vote
        if (cast, head) != (self.n, self.prev):
            self._problem(
                None, "head", f"the vote's head says {cast} receipts, the chain has {self.n}"
            )
        if anchor is not None and (anchor.ballots, anchor.ballots_hash) != (self.n, self.prev):
            self._problem(
                None,
                "anchor",
                f"the vote's closing entry recorded {anchor.ballots} receipts and the last "
                f"one's hash; the chain has {self.n} and does not end there",
            )
        if anchor is not None and anchor.counted != anchor.ballots:
            self._problem(
                None,
                "anchor",
                f"{anchor.counted} ballots counted for {anchor.ballots} receipts",
            )
        if state == Vote.State.CLOSED and anchor is None and self.sealed:
            self._problem(None, "anchor", "closed, but its closing entry anchors no chain")


def ballot_chains_verify(ring: Keyring | None) -> Iterator[SubChainProblem]:
    """Every secret vote's chain of receipts: each receipt's number, link, content and seal;
    the vote's head; the closing entry's count and head (see the module's docstring).
    Receipts of a vote that is not a secret ballot are reported too."""
    votes = {
        pk: (state, cast, head)
        for pk, state, cast, head in Vote.objects.filter(method=Vote.Method.SECRET)
        .order_by("pk")
        .values_list("pk", "state", "ballots_cast", "ballots_hash")
    }
    sealed = {pk for pk, v in _entries("vote.opened").items() if v.get("ballots") == "sealed"}
    anchors = _anchors()
    stray = BallotReceipt.objects.exclude(vote_id__in=list(votes)).order_by()
    for vote_id in sorted(set(stray.values_list("vote_id", flat=True))):
        yield SubChainProblem(
            f"vote {vote_id}", "head", "receipts of a vote that is not a secret ballot"
        )
    for vote_id, vote in votes.items():
        walk = _VoteWalk(vote_id, ring, vote_id in sealed)
        receipts = BallotReceipt.objects.filter(vote_id=vote_id).order_by("position", "pk")
        for receipt in receipts.iterator(chunk_size=BATCH):
            walk.step(receipt)
        walk.finish(vote, anchors.get(vote_id))
        yield from walk.problems
