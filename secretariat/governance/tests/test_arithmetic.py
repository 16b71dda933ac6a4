"""The sums behind quorum and majorities, each tested by the rule it implements.

domain.md [D] (defaults, to be confirmed by the Secretariat):
- Quorum: more than half of the full members entitled to vote, present or represented.
- Majorities: simple majority of votes cast (abstentions and blank ballots not counted);
  two-thirds of votes cast for Statute amendments, admission and disaffiliation.
  A tie means the motion is not carried. No casting vote.
"""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from secretariat.governance.arithmetic import MAJORITIES, carried, quorum, yes_needed

HALF = [1, 2]
counts = st.integers(min_value=0, max_value=500)


class TestQuorumMoreThanHalf:
    """domain.md [D]: quorum is more than half of the full members entitled to vote."""

    def test_exactly_half_is_not_a_quorum(self):
        assert quorum(entitled=30, present=15, share=HALF).met is False

    def test_one_more_than_half_is_a_quorum(self):
        assert quorum(entitled=30, present=16, share=HALF).met is True

    def test_odd_number_needs_the_next_whole_number(self):
        result = quorum(entitled=31, present=15, share=HALF)
        assert (result.needed, result.met) == (16, False)
        assert quorum(entitled=31, present=16, share=HALF).met is True

    def test_nobody_entitled_means_no_quorum(self):
        assert quorum(entitled=0, present=0, share=HALF).met is False

    @given(entitled=counts, present=counts, num=st.integers(1, 5), den=st.integers(1, 5))
    def test_met_exactly_when_present_is_strictly_above_the_share(
        self, entitled, present, num, den
    ):
        if num > den:
            num, den = den, num
        result = quorum(entitled=entitled, present=present, share=[num, den])
        assert result.met == (entitled > 0 and present * den > entitled * num)
        # `needed` is the least number strictly above the share
        assert result.needed * den > entitled * num
        assert (result.needed - 1) * den <= entitled * num


class TestSimpleMajority:
    """domain.md [D]: simple majority of votes cast; abstentions not counted; a tie fails."""

    def test_more_yes_than_no_carries(self):
        assert carried("simple", yes=10, no=9) is True

    def test_a_tie_is_not_carried(self):
        assert carried("simple", yes=10, no=10) is False

    def test_abstentions_are_not_votes_cast(self):
        # 3 yes, 2 no, 40 abstentions: carried — abstentions do not count against.
        assert carried("simple", yes=3, no=2, abstain=40) is True

    def test_nobody_voting_is_not_carried(self):
        assert carried("simple", yes=0, no=0, abstain=5) is False

    @given(yes=counts, no=counts, abstain=counts)
    def test_abstentions_never_change_the_outcome(self, yes, no, abstain):
        assert carried("simple", yes=yes, no=no, abstain=abstain) == carried(
            "simple", yes=yes, no=no
        )
        assert carried("simple", yes=yes, no=no) == (yes > no)


class TestTwoThirds:
    """domain.md [D]: two-thirds of votes cast for Statute amendments, admission, disaffiliation."""

    def test_exactly_two_thirds_carries(self):
        assert carried("two_thirds", yes=20, no=10) is True

    def test_just_under_two_thirds_fails(self):
        assert carried("two_thirds", yes=19, no=10) is False

    def test_abstentions_do_not_count(self):
        assert carried("two_thirds", yes=2, no=1, abstain=30) is True

    def test_no_votes_cast_fails(self):
        assert carried("two_thirds", yes=0, no=0, abstain=3) is False

    @given(yes=counts, no=counts)
    def test_matches_the_fraction(self, yes, no):
        cast = yes + no
        assert carried("two_thirds", yes=yes, no=no) == (cast > 0 and yes / cast >= 2 / 3 - 1e-12)


class TestMajoritiesOfPresentAndOfMembers:
    def test_two_thirds_of_present_counts_abstainers_and_silent_members(self):
        # 30 present: 20 yes needed, whatever the no count.
        assert carried("two_thirds_present", yes=20, no=0, abstain=10, present=30) is True
        assert carried("two_thirds_present", yes=19, no=0, abstain=11, present=30) is False

    def test_absolute_majority_of_members_counts_the_absent(self):
        # 31 full members: 16 yes needed even if only 20 are present.
        assert carried("absolute_members", yes=15, no=0, entitled=31) is False
        assert carried("absolute_members", yes=16, no=4, entitled=31) is True

    def test_two_thirds_of_members(self):
        assert carried("two_thirds_members", yes=20, no=0, entitled=30) is True
        assert carried("two_thirds_members", yes=19, no=0, entitled=30) is False

    @given(
        majority=st.sampled_from(MAJORITIES),
        no=counts,
        present=st.integers(min_value=1, max_value=500),
        entitled=st.integers(min_value=1, max_value=500),
    )
    def test_yes_needed_is_the_least_yes_that_carries(self, majority, no, present, entitled):
        need = yes_needed(majority, no=no, present=present, entitled=entitled)
        kwargs = {"no": no, "present": present, "entitled": entitled}
        assert carried(majority, yes=need, **kwargs) is True
        if need > 1:
            assert carried(majority, yes=need - 1, **kwargs) is False

    def test_unknown_majority_is_an_error(self):
        with pytest.raises(ValueError):
            carried("plurality", yes=1, no=0)
