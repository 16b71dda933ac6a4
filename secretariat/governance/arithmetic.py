"""The arithmetic of quorum and majorities, as pure functions (tested with hypothesis).

Sources (shared/domain.md; every value is a dated setting, these are only the sums):
- Quorum [D]: *more than* a share (default one half) of those entitled to vote, present or
  represented. With nobody entitled there is no quorum.
- Majorities [D]: counted on votes cast, yes and no only: abstentions and blank ballots are
  not counted. A tie does not carry. There is no casting vote.
  - "simple": more yes than no;
  - "absolute": more than half of the votes cast. On a yes/no motion this is the same sum
    as "simple"; the two differ in elections between several candidates (elections module);
  - "two_thirds": at least two-thirds of the votes cast (and at least one);
  - "two_thirds_present": at least two-thirds of the voting members present or represented;
  - "absolute_members": more than half of the members entitled to vote;
  - "two_thirds_members": at least two-thirds of the members entitled to vote.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

MAJORITY_CHOICES = (
    ("simple", _("Simple majority of votes cast (yes > no)")),
    ("absolute", _("Absolute majority of votes cast (more than half)")),
    ("two_thirds", _("Two-thirds of votes cast")),
    ("two_thirds_present", _("Two-thirds of the voting members present or represented")),
    ("absolute_members", _("Absolute majority of the members entitled to vote")),
    ("two_thirds_members", _("Two-thirds of the members entitled to vote")),
)
MAJORITIES = tuple(code for code, _label in MAJORITY_CHOICES)


@dataclass(frozen=True)
class QuorumResult:
    entitled: int
    present: int
    needed: int
    met: bool


def quorum(*, entitled: int, present: int, share: tuple[int, int] | list[int]) -> QuorumResult:
    """Quorum is met when more than `share` of those entitled are present or represented."""
    num, den = int(share[0]), int(share[1])
    needed = entitled * num // den + 1  # the least whole number strictly above the share
    met = entitled > 0 and present >= needed
    return QuorumResult(entitled=entitled, present=present, needed=needed, met=met)


def carried(
    majority: str, *, yes: int, no: int, abstain: int = 0, present: int = 0, entitled: int = 0
) -> bool:
    """Whether a motion carried under a majority rule (see the module docstring)."""
    if min(yes, no, abstain, present, entitled) < 0:
        raise ValueError("counts cannot be negative")
    cast = yes + no
    if majority in ("simple", "absolute"):
        return 2 * yes > cast
    if majority == "two_thirds":
        return cast > 0 and 3 * yes >= 2 * cast
    if majority == "two_thirds_present":
        return present > 0 and yes > 0 and 3 * yes >= 2 * present
    if majority == "absolute_members":
        return 2 * yes > entitled
    if majority == "two_thirds_members":
        return entitled > 0 and yes > 0 and 3 * yes >= 2 * entitled
    raise ValueError(f"unknown majority {majority!r}")


def yes_needed(majority: str, *, no: int = 0, present: int = 0, entitled: int = 0) -> int:
    """The least number of yes votes that carries, given the other counts (for display)."""
    if majority in ("simple", "absolute"):
        return no + 1
    if majority == "two_thirds":
        return max(1, 2 * no)  # 3y >= 2(y+n)  <=>  y >= 2n
    if majority == "two_thirds_present":
        return max(1, -(-2 * present // 3))
    if majority == "absolute_members":
        return entitled // 2 + 1
    if majority == "two_thirds_members":
        return max(1, -(-2 * entitled // 3))
    raise ValueError(f"unknown majority {majority!r}")


def option_carried(
    majority: str, *, votes: int, best_other: int, valid: int, present: int, entitled: int
) -> bool:
    """Whether an option of a ballot between options (an election's candidates, issue #11)
    with `votes` of the `valid` votes (blank ballots not counted) reaches the majority:
    "simple" is more votes than any other option (a plurality); every other rule is the sum
    of `carried` applied to this option against the rest."""
    if majority == "simple":
        return votes > 0 and votes > best_other
    return carried(
        majority, yes=votes, no=valid - votes, abstain=0, present=present, entitled=entitled
    )
