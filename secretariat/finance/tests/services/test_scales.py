"""The scale of contributions (services.scales): set by a recorded decision of the General
Assembly, per category and per member, one scale per year it takes effect."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from secretariat.core.models import ActionLog
from secretariat.finance.models import ContributionScale, ScaleRate
from secretariat.finance.selectors.scales import rate_for, scale_in_force, scale_rates
from secretariat.finance.services.scales import scale_record


@pytest.mark.django_db
def test_it_records_a_scale_with_its_rates(finance_officer, categories, member_a):
    # when
    scale = scale_record(
        actor=finance_officer,
        effective_from_year=2026,
        decision="Resolución CISS/AG/2025",
        rates=[(categories["full"], 1_000_00), (member_a, 250_00)],
    )
    # then
    assert scale.rates.count() == 2 and scale.recorded_by == finance_officer
    assert (
        ActionLog.objects.filter(event="scale.recorded", reason="Resolución CISS/AG/2025").count()
        == 1
    )
    rate = rate_for(
        scale_rates(scale), institution_id=member_a.pk, category_id=categories["full"].pk
    )
    assert rate is not None and rate.amount == 250_00


@pytest.mark.django_db
def test_it_applies_a_scale_until_the_next(finance_officer, categories):
    # given
    for year in (2020, 2024):
        scale_record(
            actor=finance_officer,
            effective_from_year=year,
            decision=f"Resolución {year}",
            rates=[(categories["full"], 1_000_00)],
        )
    # then
    assert scale_in_force(2019) is None
    assert scale_in_force(2023).effective_from_year == 2020
    assert scale_in_force(2026).effective_from_year == 2024


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("decision", "rates", "field"),
    [
        ("", [("full", 1)], "decision"),
        ("Resolución", [], "rates"),
        ("Resolución", [("full", -1)], "rates"),
        ("Resolución", [("full", 1), ("full", 2)], "rates"),
    ],
)
def test_it_refuses_a_scale_without_what_it_needs(
    finance_officer, categories, decision, rates, field
):
    with pytest.raises(ValidationError) as raised:
        scale_record(
            actor=finance_officer,
            effective_from_year=2026,
            decision=decision,
            rates=[(categories[code], amount) for code, amount in rates],
        )
    assert field in raised.value.error_dict
    assert ContributionScale.objects.count() == 0 and ScaleRate.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_a_second_scale_for_the_same_year(finance_officer, categories):
    scale_record(
        actor=finance_officer,
        effective_from_year=2026,
        decision="A",
        rates=[(categories["full"], 1)],
    )
    with pytest.raises(ValidationError, match="already takes effect"):
        scale_record(
            actor=finance_officer,
            effective_from_year=2026,
            decision="B",
            rates=[(categories["full"], 2)],
        )


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["officer", "comptroller", "rep_a"])
def test_it_refuses_whoever_does_not_keep_the_books(request, categories, persona):
    with pytest.raises(PermissionDenied):
        scale_record(
            actor=request.getfixturevalue(persona),
            effective_from_year=2026,
            decision="A",
            rates=[(categories["full"], 1)],
        )
