"""The arithmetic of an election round, as one pure function (tested with hypothesis).

Sources (shared/domain.md "Presidency, Secretary General, Comptroller, CIESS Director" and
"Majorities" [D]; every value a dated rule setting, these are only the sums):
- blank ballots are not votes cast: the valid votes are the candidates' votes;
- "absolute" (`elections.majority`, [D]): more than half of the valid votes;
- "simple": strictly more votes than any other candidate (a plurality);
- "two_thirds", "two_thirds_present", "absolute_members", "two_thirds_members": governance's
  definitions (`governance.arithmetic.carried`) applied to one candidate against the rest;
- a tie does not elect: only a candidate alone at the top can be elected;
- no majority and rounds left (`elections.max_rounds`, [D] 3): the next round is among the
  `elections.next_round_candidates` most voted ([D] 2); a tie for the last place follows
  `elections.next_round_tie`: "all_tied_go_on" (all go on), "tie_round" (outcome "tie": a
  round among the tied decides the contested places) or "lot" (outcome "tie": the chair
  records the draw);
- no majority in the last round: failed, nobody elected.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from secretariat.governance.arithmetic import MAJORITIES, option_carried

ELECTED = "elected"
NEXT_ROUND = "next_round"
TIE = "tie"
FAILED = "failed"
TIE_RULE_CODES = ("all_tied_go_on", "tie_round", "lot")


@dataclass(frozen=True)
class RoundResult:
    """What a round decided: `elected` (a key) when outcome is "elected"; `advancing` (sure of
    the next round, most voted first); `tied` (tied for the last `contested` places)."""

    outcome: str
    elected: str | None
    advancing: tuple[str, ...]
    tied: tuple[str, ...]
    contested: int
    valid: int
    blank: int


def has_majority(
    majority: str, *, votes: int, valid: int, present: int, entitled: int, best_other: int
) -> bool:
    """Whether a candidate with `votes` of `valid` reaches the majority (see module docstring;
    the sum is governance's, `option_carried`, which closes the round's vote)."""
    return option_carried(
        majority,
        votes=votes,
        best_other=best_other,
        valid=valid,
        present=present,
        entitled=entitled,
    )


def _ranked(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """Most voted first; equal votes keep the ballot's order (stable)."""
    return sorted(counts.items(), key=lambda kv: -kv[1])


def round_result(
    *,
    counts: Mapping[str, int],
    blank: int,
    majority: str,
    present: int,
    entitled: int,
    next_round_size: int,
    tie_rule: str,
    round_number: int,
    max_rounds: int,
) -> RoundResult:
    """Count one round: elected, another round (and who goes on), a tie to resolve, or failed."""
    if majority not in MAJORITIES:
        raise ValueError(f"unknown majority {majority!r}")
    if tie_rule not in TIE_RULE_CODES:
        raise ValueError(f"unknown tie rule {tie_rule!r}")
    if not counts:
        raise ValueError("a round needs at least one candidate")
    if min([blank, present, entitled, *counts.values()]) < 0:
        raise ValueError("counts cannot be negative")
    if next_round_size < 1 or round_number < 1 or max_rounds < 1:
        raise ValueError("sizes and round numbers start at one")
    ranked = _ranked(counts)
    valid = sum(counts.values())
    top_key, top = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0
    alone_at_top = len(ranked) == 1 or top > second
    if alone_at_top and has_majority(
        majority, votes=top, valid=valid, present=present, entitled=entitled, best_other=second
    ):
        return RoundResult(ELECTED, top_key, (), (), 0, valid, blank)
    if round_number >= max_rounds:
        return RoundResult(FAILED, None, (), (), 0, valid, blank)
    return places_result(counts=counts, blank=blank, places=next_round_size, tie_rule=tie_rule)


def places_result(
    *, counts: Mapping[str, int], blank: int, places: int, tie_rule: str
) -> RoundResult:
    """Who takes `places` places in the next round, most voted first: outcome "next_round",
    or "tie" when candidates are tied for the last place and the rule is not "all_tied_go_on"
    (also how a round among tied candidates is counted: `places` is the contested places)."""
    if tie_rule not in TIE_RULE_CODES:
        raise ValueError(f"unknown tie rule {tie_rule!r}")
    ranked = _ranked(counts)
    valid = sum(counts.values())
    if len(ranked) <= places:
        return RoundResult(NEXT_ROUND, None, tuple(k for k, _v in ranked), (), 0, valid, blank)
    cutoff = ranked[places - 1][1]
    sure = tuple(k for k, v in ranked if v > cutoff)
    at_cutoff = tuple(k for k, v in ranked if v == cutoff)
    if len(sure) + len(at_cutoff) == places or tie_rule == "all_tied_go_on":
        return RoundResult(NEXT_ROUND, None, sure + at_cutoff, (), 0, valid, blank)
    return RoundResult(TIE, None, sure, at_cutoff, places - len(sure), valid, blank)
