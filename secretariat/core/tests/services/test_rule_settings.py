"""Rule settings: dated values with their basis; defaults shown as "to be confirmed"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from secretariat.core.models import ActionLog, RuleSetting
from secretariat.core.selectors.rule_settings import rule_in_force, rule_value, rules_in_force
from secretariat.core.services.rule_settings import rule_setting_record


@pytest.mark.django_db
def test_it_uses_the_domain_default_until_recorded():
    # domain.md [D]: arrears of two full years of dues suspend the vote.
    rule = rule_in_force(key="members.arrears.threshold_years")
    assert rule.value == 2 and rule.status == "default" and rule.setting_id is None
    # domain.md [D]: GA decides affiliation; quorum more than half.
    assert rule_value("members.affiliation.deciding_body") == "general_assembly"
    assert rule_value("governance.general_assembly.quorum") == [1, 2]
    assert rule_value("members.affiliation.majority") == "two_thirds"


@pytest.mark.django_db
def test_it_records_a_confirmed_value_from_a_date_and_audits_it(officer):
    # when
    rule_setting_record(
        actor=officer,
        key="members.arrears.threshold_years",
        raw_value="3",
        valid_from=dt.date(2026, 1, 1),
        confirmed=True,
        legal_basis="Art. 8",
        source="Statute 2022, art. 8",
        reason="Statute text received",
    )
    # then: the old value applies before the date, the new one from it
    assert rule_value("members.arrears.threshold_years", on=dt.date(2025, 12, 31)) == 2
    assert rule_in_force(key="members.arrears.threshold_years", on=dt.date(2026, 1, 1)).confirmed
    entry = ActionLog.objects.get(event="rule.recorded")
    assert (
        entry.actor == officer and entry.new_values["value"] == 3 and entry.old_values["value"] == 2
    )
    assert entry.reason == "Statute text received"


@pytest.mark.django_db
def test_it_refuses_a_confirmation_without_source(officer):
    with pytest.raises(ValidationError):
        rule_setting_record(
            actor=officer,
            key="members.arrears.threshold_years",
            raw_value="3",
            valid_from=dt.date(2026, 1, 1),
            confirmed=True,
            legal_basis="",
            source=" ",
        )
    assert RuleSetting.objects.count() == 0 and ActionLog.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("raw", ["abc", "0", "99", "", "<script>"])
def test_it_refuses_bad_values(officer, raw):
    with pytest.raises(ValidationError):
        rule_setting_record(
            actor=officer,
            key="members.arrears.threshold_years",
            raw_value=raw,
            valid_from=dt.date(2026, 1, 1),
            confirmed=False,
            legal_basis="",
            source="",
        )
    assert RuleSetting.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_the_comptroller(comptroller):
    with pytest.raises(PermissionDenied):
        rule_setting_record(
            actor=comptroller,
            key="members.arrears.threshold_years",
            raw_value="3",
            valid_from=dt.date(2026, 1, 1),
            confirmed=False,
            legal_basis="",
            source="",
        )


@pytest.mark.django_db
def test_it_lists_every_rule_in_one_query(django_assert_num_queries):
    with django_assert_num_queries(1):
        rules = rules_in_force()
    assert {r.key for r in rules} >= {
        "members.affiliation.deciding_body",
        "members.arrears.threshold_years",
    }


@pytest.mark.django_db
@settings(max_examples=25, deadline=None)
@given(
    changes=st.lists(
        st.tuples(st.dates(dt.date(2000, 1, 1), dt.date(2040, 1, 1)), st.integers(1, 10)),
        min_size=1,
        max_size=6,
        unique_by=lambda c: c[0],
    ),
    probe=st.dates(dt.date(1990, 1, 1), dt.date(2050, 1, 1)),
)
def test_it_returns_the_latest_value_not_after_the_date(changes, probe):
    RuleSetting.objects.all().delete()
    for day, value in changes:
        RuleSetting.objects.create(
            key="members.arrears.threshold_years", value=value, valid_from=day, status="default"
        )
    earlier = sorted((d, v) for d, v in changes if d <= probe)
    expected = earlier[-1][1] if earlier else 2
    assert rule_value("members.arrears.threshold_years", on=probe) == expected
