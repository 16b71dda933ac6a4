"""A body's rules are dated settings: a session is judged by the rules in force on its date.

domain.md: quorum and majorities are defaults [D] to be confirmed; the General Assembly's
ordinary decisions need a simple majority, Statute amendments two-thirds.
"""

from __future__ import annotations

import datetime as dt

import pytest

from secretariat.core.models import RuleSetting
from secretariat.governance.body_rules import body_rule, majority_rule, session_rules
from secretariat.governance.models import Body, DecisionKind, RulesProfile


@pytest.mark.parametrize("profile", RulesProfile.values)
def test_session_rules_in_one_query_match_each_rule(db, profile, django_assert_num_queries):
    body = Body.objects.create(
        code=profile, name_es=profile, kind="committee", rules_profile=profile
    )
    day = dt.date(2026, 3, 1)
    with django_assert_num_queries(1):
        rules = session_rules(body, day)
    assert rules.quorum.value == body_rule(body, "quorum", day).value == [1, 2]
    assert rules.majority.value == majority_rule(body, DecisionKind.ORDINARY, day).value
    assert rules.statute_majority.value == "two_thirds"
    assert rules.admission_majority.value == "two_thirds"
    assert rules.election_majority.value == "absolute"
    assert all(not r.confirmed for r in rules.as_list())  # every one a default, to be confirmed


def test_a_rule_recorded_from_a_date_judges_only_sessions_from_that_date(db):
    body = Body.objects.create(
        code="general-assembly", name_es="AG", kind="assembly", rules_profile="general_assembly"
    )
    RuleSetting.objects.create(
        key="governance.general_assembly.ordinary_majority",
        value="two_thirds",
        valid_from=dt.date(2027, 1, 1),
        status=RuleSetting.Status.CONFIRMED,
        legal_basis="Estatuto, art. X (ejemplo de prueba)",
        source="Test source",
    )
    before = session_rules(body, dt.date(2026, 12, 31))
    after = session_rules(body, dt.date(2027, 1, 1))
    assert (before.majority.value, before.majority.confirmed) == ("simple", False)
    assert (after.majority.value, after.majority.confirmed) == ("two_thirds", True)


def test_a_body_without_a_profile_holds_no_sessions(db):
    body = Body.objects.create(code="presidency", name_es="Presidencia", kind="office")
    with pytest.raises(LookupError):
        session_rules(body, dt.date(2026, 1, 1))
