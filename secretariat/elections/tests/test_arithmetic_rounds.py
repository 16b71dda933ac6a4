"""The round arithmetic (elections/arithmetic.py): properties with hypothesis, and each rule
at its limit (shared/domain.md "Presidency, Secretary General, ..." [D]; rule settings
`elections.majority`, `elections.next_round_candidates`, `elections.next_round_tie`,
`elections.max_rounds`)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from secretariat.elections.arithmetic import (
    ELECTED,
    FAILED,
    NEXT_ROUND,
    TIE,
    TIE_RULE_CODES,
    has_majority,
    round_result,
)
from secretariat.governance.arithmetic import MAJORITIES


def result(counts, *, blank=0, majority="absolute", size=2, tie="all_tied_go_on", n=1, most=3):
    present = sum(counts.values()) + blank
    return round_result(
        counts=counts,
        blank=blank,
        majority=majority,
        present=present,
        entitled=present,
        next_round_size=size,
        tie_rule=tie,
        round_number=n,
        max_rounds=most,
    )


rounds = st.fixed_dictionaries(
    {
        "counts": st.dictionaries(
            st.sampled_from(["c1", "c2", "c3", "c4", "c5", "c6"]),
            st.integers(0, 60),
            min_size=1,
        ),
        "blank": st.integers(0, 30),
        "majority": st.sampled_from(MAJORITIES),
        "absent": st.integers(0, 30),
        "size": st.integers(1, 5),
        "tie": st.sampled_from(TIE_RULE_CODES),
        "n": st.integers(1, 5),
        "most": st.integers(1, 5),
    }
)


def run(r):
    present = sum(r["counts"].values()) + r["blank"]
    return round_result(
        counts=r["counts"],
        blank=r["blank"],
        majority=r["majority"],
        present=present,
        entitled=present + r["absent"],
        next_round_size=r["size"],
        tie_rule=r["tie"],
        round_number=r["n"],
        max_rounds=r["most"],
    )


@given(rounds)
def test_it_elects_at_most_one_who_has_the_majority_alone_at_the_top(r):
    out = run(r)
    counts = r["counts"]
    assert out.valid == sum(counts.values()) and out.blank == r["blank"]  # conserved
    if out.outcome == ELECTED:
        assert out.elected in counts
        others = [v for k, v in counts.items() if k != out.elected]
        assert all(counts[out.elected] > v for v in others)
        present = out.valid + out.blank
        assert has_majority(
            r["majority"],
            votes=counts[out.elected],
            valid=out.valid,
            present=present,
            entitled=present + r["absent"],
            best_other=max(others, default=0),
        )
        assert out.advancing == () and out.tied == ()
    else:
        assert out.elected is None


@given(rounds)
def test_it_advances_candidates_by_votes_and_never_drops_a_tie(r):
    out = run(r)
    counts = r["counts"]
    assert set(out.advancing) <= set(counts) and set(out.tied) <= set(counts)
    assert not set(out.advancing) & set(out.tied)
    votes = [counts[k] for k in out.advancing]
    assert votes == sorted(votes, reverse=True)
    if out.outcome == NEXT_ROUND:
        assert r["n"] < r["most"]
        assert len(out.advancing) >= min(r["size"], len(counts))
        # who stays behind has fewer votes than everyone who goes on
        left = [v for k, v in counts.items() if k not in out.advancing]
        assert all(v < min(votes) for v in left)
    if out.outcome == TIE:
        assert r["tie"] in ("tie_round", "lot")
        assert len(out.tied) > out.contested >= 1
        assert len({counts[k] for k in out.tied}) == 1
        assert all(counts[k] > counts[out.tied[0]] for k in out.advancing)
    if out.outcome == FAILED:
        assert r["n"] >= r["most"]


def test_it_elects_with_more_than_half_of_the_valid_votes_blank_not_counted():
    assert result({"a": 6, "b": 5}, blank=20).elected == "a"
    assert result({"a": 5, "b": 5}, blank=1).outcome == NEXT_ROUND
    out = result({"a": 5, "b": 3, "c": 2})  # 5 of 10 is not more than half
    assert out.outcome == NEXT_ROUND and out.advancing == ("a", "b")


def test_it_elects_the_most_voted_under_a_simple_majority():
    assert result({"a": 4, "b": 3, "c": 3}, majority="simple").elected == "a"
    assert result({"a": 4, "b": 4, "c": 3}, majority="simple").outcome == NEXT_ROUND
    assert result({"a": 0}, majority="simple").outcome == NEXT_ROUND


def test_it_needs_two_thirds_of_the_valid_votes():
    assert result({"a": 6, "b": 3}, majority="two_thirds").elected == "a"
    assert result({"a": 5, "b": 3}, majority="two_thirds").outcome == NEXT_ROUND


def test_it_lets_every_candidate_tied_for_the_last_place_go_on():
    out = result({"a": 5, "b": 3, "c": 3, "d": 1})
    assert out.outcome == NEXT_ROUND and out.advancing == ("a", "b", "c")


def test_it_asks_for_a_tie_round_or_the_lot_for_the_contested_place():
    for rule in ("tie_round", "lot"):
        out = result({"a": 5, "b": 3, "c": 3, "d": 1}, tie=rule)
        assert out.outcome == TIE and out.advancing == ("a",)
        assert out.tied == ("b", "c") and out.contested == 1
    out = result({"a": 3, "b": 3, "c": 3}, tie="lot")
    assert out.advancing == () and out.tied == ("a", "b", "c") and out.contested == 2


def test_it_fails_without_a_majority_in_the_last_round():
    assert result({"a": 5, "b": 5}, n=3, most=3).outcome == FAILED
    assert result({"a": 6, "b": 5}, n=3, most=3).outcome == ELECTED
    assert result({"a": 5, "b": 5}, n=2, most=3).outcome == NEXT_ROUND


def test_it_takes_the_configured_number_to_the_next_round():
    out = result({"a": 4, "b": 3, "c": 2, "d": 1}, size=3)
    assert out.advancing == ("a", "b", "c")


def test_it_refuses_bad_input():
    with pytest.raises(ValueError):
        result({})
    with pytest.raises(ValueError):
        result({"a": -1})
    with pytest.raises(ValueError):
        result({"a": 1}, majority="most")
    with pytest.raises(ValueError):
        result({"a": 1}, tie="coin")
