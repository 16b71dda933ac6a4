"""Periods and years: closing refuses drafts and runs the revaluation, reopening needs a
reason and never a locked period, the closing entry carries revenue and expenses to 3100,
a locked year changes no more."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from secretariat.core.models import ActionLog
from secretariat.finance.models import EntryState, PeriodState, SourceKind
from secretariat.finance.selectors.ledger import account_balances
from secretariat.finance.services.ledger import LineSpec, entry_draft, entry_record
from secretariat.finance.services.years import (
    fiscal_year_close,
    fiscal_year_lock,
    period_close,
    period_lock,
    period_reopen,
)
from secretariat.finance.tests.ledger_world import books_fixture  # noqa: F401


def _record(books, actor, day, lines, journal="GEN"):
    return entry_record(
        actor=actor,
        journal=books["journals"][journal],
        date=day,
        description="test",
        lines=lines,
        source_kind=SourceKind.MANUAL,
    )


def _close_all(year, actor):
    for period in year.periods.order_by("start"):
        period_close(actor=actor, period=period)


@pytest.mark.django_db
def test_it_closes_a_period_without_drafts(books, finance_officer):
    # given
    period = books["year"].periods.get(number=1)
    # when
    period = period_close(actor=finance_officer, period=period)
    # then
    assert period.state == PeriodState.CLOSED
    assert ActionLog.objects.filter(event="period.closed").count() == 1


@pytest.mark.django_db
def test_it_refuses_to_close_a_period_with_drafts(books, finance_officer):
    # given
    a = books["accounts"]
    entry_draft(
        actor=finance_officer,
        journal=books["journals"]["GEN"],
        date=dt.date(2026, 1, 10),
        description="Draft",
        lines=[LineSpec(a["5310"], "debit", 100), LineSpec(a["1110"], "credit", 100)],
    )
    period = books["year"].periods.get(number=1)
    # when / then
    with pytest.raises(ValidationError, match="draft"):
        period_close(actor=finance_officer, period=period)
    period.refresh_from_db()
    assert period.state == PeriodState.OPEN


@pytest.mark.django_db
def test_it_reopens_a_closed_period_with_a_reason_only(books, finance_officer):
    # given
    period = period_close(actor=finance_officer, period=books["year"].periods.get(number=2))
    # when / then
    with pytest.raises(ValidationError):
        period_reopen(actor=finance_officer, period=period, reason=" ")
    period = period_reopen(actor=finance_officer, period=period, reason="Late invoice")
    assert period.state == PeriodState.OPEN


@pytest.mark.django_db
def test_it_never_reopens_a_locked_period(books, finance_officer):
    # given
    period = period_close(actor=finance_officer, period=books["year"].periods.get(number=3))
    period = period_lock(actor=finance_officer, period=period)
    # when / then
    with pytest.raises(ValidationError):
        period_reopen(actor=finance_officer, period=period, reason="Try")


@pytest.mark.django_db
def test_it_refuses_closing_to_a_reader(books, officer):
    with pytest.raises(PermissionDenied):
        period_close(actor=officer, period=books["year"].periods.get(number=1))


@pytest.mark.django_db
def test_it_refuses_to_close_a_year_with_open_periods(books, finance_officer):
    with pytest.raises(ValidationError, match="still open"):
        fiscal_year_close(actor=finance_officer, fiscal_year=books["year"], reason="Year end")


@pytest.mark.django_db
def test_it_closes_the_year_into_accumulated_surplus(books, finance_officer):
    # given: 1000.00 of dues revenue, 300.00 of services, 50.00 written off
    a = books["accounts"]
    _record(
        books,
        finance_officer,
        dt.date(2026, 2, 1),
        [LineSpec(a["1210"], "debit", 1000_00), LineSpec(a["4110"], "credit", 1000_00)],
        "DUE",
    )
    _record(
        books,
        finance_officer,
        dt.date(2026, 5, 1),
        [LineSpec(a["5310"], "debit", 300_00), LineSpec(a["1110"], "credit", 300_00)],
    )
    _record(
        books,
        finance_officer,
        dt.date(2026, 12, 31),
        [LineSpec(a["5610"], "debit", 50_00), LineSpec(a["1210"], "credit", 50_00)],
    )
    year = books["year"]
    _close_all(year, finance_officer)
    # when
    year = fiscal_year_close(actor=finance_officer, fiscal_year=year, reason="Year end")
    # then
    assert year.state == PeriodState.CLOSED
    closing = year.closing_entry
    assert closing.source_kind == SourceKind.CLOSING and closing.journal.code == "CLO"
    assert closing.date == dt.date(2026, 12, 31) and closing.state == EntryState.POSTED
    balances = {row.code: row.balance for row in account_balances(end=year.end)}
    assert balances.get("4110", 0) == 0 and balances.get("5310", 0) == 0
    assert balances.get("5610", 0) == 0
    assert balances["3100"] == -650_00  # a surplus: a credit balance


@pytest.mark.django_db
def test_it_closes_a_year_without_revenue_or_expenses_without_an_entry(books, finance_officer):
    # given
    year = books["year"]
    _close_all(year, finance_officer)
    # when
    year = fiscal_year_close(actor=finance_officer, fiscal_year=year, reason="Nothing")
    # then
    assert year.state == PeriodState.CLOSED and year.closing_entry is None


@pytest.mark.django_db
def test_it_locks_a_closed_year_and_its_periods(books, finance_officer):
    # given
    year = books["year"]
    _close_all(year, finance_officer)
    year = fiscal_year_close(actor=finance_officer, fiscal_year=year, reason="Year end")
    # when
    year = fiscal_year_lock(actor=finance_officer, fiscal_year=year, reason="Audit report")
    # then
    assert year.state == PeriodState.LOCKED
    assert set(year.periods.values_list("state", flat=True)) == {PeriodState.LOCKED}
    with pytest.raises(ValidationError):
        fiscal_year_lock(actor=finance_officer, fiscal_year=year, reason="Again")


@pytest.mark.django_db
def test_it_refuses_to_lock_an_open_year(books, finance_officer):
    with pytest.raises(ValidationError):
        fiscal_year_lock(actor=finance_officer, fiscal_year=books["year"], reason="Audit")
