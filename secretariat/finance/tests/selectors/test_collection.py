"""The aging report, the collection rates and the reminders' list: their figures, the vote
suspensions marked, scope, and queries that do not grow with the data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from secretariat.finance.selectors.collection import (
    aging_report,
    collection_by_member,
    collection_by_year,
    collection_chart,
    collection_total,
    members_owing,
    reminder_list_for_user,
)
from secretariat.finance.tests.accounts_world import dues_fixture  # noqa: F401
from secretariat.members.models import VotingSuspension

pytestmark = pytest.mark.django_db


def test_it_splits_each_members_debt_by_its_age(dues, member_a, member_b):
    # given
    for year in (2021, 2022, 2023, 2024, 2025, 2026):
        dues.assess(member_a, year, 10_000)
    b25 = dues.assess(member_b, 2025, 50_000)
    dues.pay(member_b, dt.date(2025, 6, 1), 20_000, {b25: 20_000})
    dues.pay(member_b, dt.date(2026, 6, 1), 30_000, {b25: 30_000})  # after the report's day
    # when
    report = aging_report(on=dt.date(2026, 2, 1))
    # then
    rows = {r.name: r for r in report.rows}
    a = rows["Instituto Alfa"]
    assert (a.current, a.one_year, a.two_years, a.older, a.total) == (
        10_000,
        10_000,
        10_000,
        30_000,
        60_000,
    )
    b = rows["Instituto Beta"]
    assert (b.current, b.one_year, b.total) == (0, 30_000, 30_000)
    assert report.rows[0].name == "Instituto Alfa"  # largest first
    assert report.totals.total == 90_000
    assert report.year == 2026


def test_it_marks_members_whose_vote_is_suspended_for_arrears(dues, member_a, member_b):
    # given
    dues.assess(member_a, 2025, 10_000)
    dues.assess(member_b, 2025, 10_000)
    VotingSuspension.objects.create(
        institution=member_a,
        valid_from=dt.date(2026, 1, 1),
        reason="Arrears",
        legal_basis="Rule",
        origin=VotingSuspension.Origin.ARREARS,
    )
    VotingSuspension.objects.create(
        institution=member_b,
        valid_from=dt.date(2026, 1, 1),
        reason="Other",
        legal_basis="Rule",
        origin=VotingSuspension.Origin.SECRETARIAT,
    )
    # when
    report = aging_report(on=dt.date(2026, 2, 1))
    before = aging_report(on=dt.date(2025, 12, 31))
    # then
    assert {r.name: r.vote_suspended for r in report.rows} == {
        "Instituto Alfa": True,
        "Instituto Beta": False,
    }
    assert not any(r.vote_suspended for r in before.rows)


def test_it_leaves_out_members_who_owe_nothing(dues, member_a):
    # given
    a = dues.assess(member_a, 2025, 10_000)
    dues.pay(member_a, dt.date(2025, 2, 1), 10_000, {a: 10_000})
    # when
    report = aging_report(on=dt.date(2026, 2, 1))
    # then
    assert report.rows == []
    assert report.totals.total == 0


def test_it_reads_the_aging_in_the_same_queries_for_any_number_of_members(
    dues, categories, countries, django_assert_num_queries
):
    from secretariat.conftest import make_member

    # given
    members = [make_member(f"Miembro {i}", countries["MX"], categories["full"]) for i in range(6)]
    for member in members[:2]:
        dues.history(member, range(2024, 2027))
    # when / then: fiscal year, assessed, collected, adjusted, names, suspensions
    with django_assert_num_queries(6):
        small = aging_report(on=dt.date(2026, 12, 31))
    for member in members[2:]:
        dues.history(member, range(2020, 2027))
    with django_assert_num_queries(6):
        large = aging_report(on=dt.date(2026, 12, 31))
    assert len(small.rows) == 2
    assert len(large.rows) == 6


def test_it_gives_the_collection_rate_by_year_and_member(dues, member_a, member_b):
    # given
    a = dues.assess(member_a, 2025, 100_000)
    b = dues.assess(member_b, 2025, 100_000)
    dues.assess(member_a, 2026, 100_000)
    dues.pay(member_a, dt.date(2025, 3, 1), 100_000, {a: 100_000})
    dues.pay(member_b, dt.date(2025, 3, 1), 25_000, {b: 25_000})
    dues.adjust(b, "write_off", 15_000, dt.date(2025, 12, 1))
    dues.adjust(b, "exemption", 10_000, dt.date(2025, 12, 1))
    # when
    by_year = collection_by_year()
    by_member = collection_by_member(year=2025)
    # then
    assert [
        (r.key, r.assessed, r.collected, r.written_off, r.exempted, r.outstanding) for r in by_year
    ] == [
        (2026, 100_000, 0, 0, 0, 100_000),
        (2025, 200_000, 125_000, 15_000, 10_000, 50_000),
    ]
    assert str(by_year[1].rate) == "62.5"
    assert [(r.label, str(r.rate)) for r in by_member] == [
        ("Instituto Alfa", "100.0"),
        ("Instituto Beta", "25.0"),
    ]
    total = collection_total(by_year)
    assert (total.assessed, total.collected, total.outstanding) == (300_000, 125_000, 150_000)
    chart = collection_chart(by_year)
    assert [bar.year for bar in chart.bars] == [2025, 2026]
    assert chart.bars[0].height > chart.bars[1].height == 0


def test_it_lists_the_members_owing_dues(dues, member_a, member_b):
    # given
    dues.assess(member_a, 2025, 10_000)
    b = dues.assess(member_b, 2025, 10_000)
    dues.pay(member_b, dt.date(2025, 2, 1), 10_000, {b: 10_000})
    # when
    owing = members_owing(on=dt.date(2026, 1, 1))
    # then
    assert owing == [(member_a.pk, "Instituto Alfa", 10_000)]


def test_it_refuses_the_reminders_to_a_representative(dues, rep_a, officer):
    # when / then
    with pytest.raises(PermissionDenied):
        reminder_list_for_user(user=rep_a)
    assert list(reminder_list_for_user(user=officer)) == []


def test_a_reversed_payment_stops_counting_as_collected_from_its_reversal(dues, member_a):
    # given
    from secretariat.finance.services.ledger import entry_reverse

    a2026 = dues.assess(member_a, 2026, 100_000)
    payment = dues.pay(member_a, dt.date(2026, 2, 1), 40_000, {a2026: 40_000})
    entry_reverse(
        actor=dues.actor,
        entry=payment.entry,
        date=dt.date(2026, 4, 1),
        reason="Bounced",
        check_permission=False,
    )
    # when
    march = collection_by_member(year=2026, on=dt.date(2026, 3, 31))
    april = collection_by_member(year=2026, on=dt.date(2026, 4, 1))
    # then
    assert [r.collected for r in march if r.key == member_a.pk] == [40_000]
    assert [r.collected for r in april if r.key == member_a.pk] == [0]
