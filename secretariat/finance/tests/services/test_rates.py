"""Rates are recorded once a day with a source; the revaluation restates foreign balances at
the period's last rate and posts the difference against 4510/5810, keeping every entry
balanced per currency and in USD."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from secretariat.core.money import convert
from secretariat.finance.models import Account, ExchangeRate, Journal, SourceKind
from secretariat.finance.selectors.ledger import account_balances
from secretariat.finance.services.ledger import LineSpec, entry_record
from secretariat.finance.services.rates import (
    Holding,
    foreign_holdings,
    rate_record,
    restatement,
    revaluation_run,
)
from secretariat.finance.tests.ledger_world import books_fixture, make_books  # noqa: F401

JAN = dt.date(2026, 1, 15)


def _deposit(books, actor, mxn: int, rate: Decimal):
    a = books["accounts"]
    return entry_record(
        actor=actor,
        journal=books["journals"]["BNK"],
        date=JAN,
        description="MXN deposit",
        lines=[
            LineSpec(a["1120"], "debit", mxn, "MXN", rate=rate),
            LineSpec(a["4110"], "credit", mxn, "MXN", rate=rate),
        ],
        source_kind=SourceKind.PAYMENT,
    )


@pytest.mark.django_db
def test_it_records_a_rate_with_its_source(books, finance_officer):
    # when
    rate = rate_record(
        actor=finance_officer,
        currency="MXN",
        day=dt.date(2026, 1, 31),
        rate=Decimal("0.055"),
        source="Banco de México FIX",
    )
    # then
    assert rate.recorded_by == finance_officer and rate.rate == Decimal("0.055")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "currency, rate, source",
    [("USD", Decimal("1"), "x"), ("MXN", Decimal("0"), "x"), ("MXN", Decimal("0.05"), " ")],
)
def test_it_refuses_a_bad_rate(books, finance_officer, currency, rate, source):
    with pytest.raises(ValidationError):
        rate_record(actor=finance_officer, currency=currency, day=JAN, rate=rate, source=source)


@pytest.mark.django_db
def test_it_refuses_a_second_rate_on_the_same_day(books, finance_officer):
    # given: the world records MXN on 1 January
    # when / then
    with pytest.raises(ValidationError, match="already"):
        rate_record(
            actor=finance_officer,
            currency="MXN",
            day=dt.date(2026, 1, 1),
            rate=Decimal("0.06"),
            source="x",
        )


@pytest.mark.django_db
def test_it_refuses_rates_to_a_reader(books, comptroller):
    with pytest.raises(PermissionDenied):
        rate_record(actor=comptroller, currency="EUR", day=JAN, rate=Decimal(1), source="x")


@pytest.mark.django_db
def test_it_posts_a_gain_when_the_peso_rises(books, finance_officer):
    # given: 10,000.00 MXN held at 0.05 (500.00 USD); the rate at 31 January is 0.055
    _deposit(books, finance_officer, 10_000_00, Decimal("0.05"))
    rate_record(
        actor=finance_officer,
        currency="MXN",
        day=dt.date(2026, 1, 31),
        rate=Decimal("0.055"),
        source="FIX",
    )
    period = books["year"].periods.get(number=1)
    # when
    entry = revaluation_run(actor=finance_officer, period=period)
    # then: 550.00 USD on the bank, 50.00 gain; the MXN balance unchanged
    assert entry is not None and entry.journal.code == "REV"
    assert entry.source_kind == SourceKind.REVALUATION and entry.date == dt.date(2026, 1, 31)
    balances = {row.code: row.balance for row in account_balances(end=period.end)}
    assert balances["1120"] == 550_00 and balances["4510"] == -50_00
    (holding,) = foreign_holdings(end=period.end)
    assert holding.foreign == 10_000_00 and holding.book == 550_00
    # and a second run finds nothing to restate
    assert revaluation_run(actor=finance_officer, period=period) is None


@pytest.mark.django_db
def test_it_posts_a_loss_when_the_peso_falls(books, finance_officer):
    # given
    _deposit(books, finance_officer, 10_000_00, Decimal("0.05"))
    rate_record(
        actor=finance_officer,
        currency="MXN",
        day=dt.date(2026, 1, 30),
        rate=Decimal("0.045"),
        source="FIX",
    )
    # when
    revaluation_run(actor=finance_officer, period=books["year"].periods.get(number=1))
    # then
    balances = {row.code: row.balance for row in account_balances(end=dt.date(2026, 1, 31))}
    assert balances["1120"] == 450_00 and balances["5810"] == 50_00


@pytest.mark.django_db
def test_it_revalues_when_the_period_closes(books, finance_officer):
    # given
    from secretariat.finance.services.years import period_close

    _deposit(books, finance_officer, 1_000_00, Decimal("0.05"))
    rate_record(
        actor=finance_officer,
        currency="MXN",
        day=dt.date(2026, 1, 31),
        rate=Decimal("0.06"),
        source="FIX",
    )
    # when
    period_close(actor=finance_officer, period=books["year"].periods.get(number=1))
    # then
    balances = {row.code: row.balance for row in account_balances(end=dt.date(2026, 1, 31))}
    assert balances["1120"] == 60_00


@pytest.mark.django_db
def test_it_refuses_to_revalue_without_a_rate(finance_officer):
    # given: books whose only MXN rate is after the deposit's period... none before it
    books = make_books(finance_officer)

    _deposit(books, finance_officer, 100_00, Decimal("0.05"))
    ExchangeRate.objects.all().delete()
    # when / then
    with pytest.raises(ValidationError, match="No exchange rate"):
        revaluation_run(actor=finance_officer, period=books["year"].periods.get(number=1))


class TestRestatementProperties(HypothesisTestCase):
    """For any foreign balance, book value and rate, the restatement's lines leave the
    foreign amount unchanged, bring the USD value to foreign × rate, and the difference is
    what the account moved."""

    @settings(max_examples=60, deadline=None)
    @given(
        foreign=st.integers(min_value=-(10**9), max_value=10**9).filter(lambda v: v != 0),
        rate=st.decimals(min_value=Decimal("0.0001"), max_value=Decimal("10"), places=6),
        drift=st.integers(min_value=-(10**6), max_value=10**6),
    )
    def test_it_restates_to_the_rate(self, foreign, rate, drift):
        account = Account(code="X", currency="MXN", is_postable=True, is_active=True)
        gains, losses = Account(code="G"), Account(code="L")
        book_value = convert(abs(foreign), currency="MXN", rate=Decimal("0.05")) + abs(drift)
        book = book_value if foreign > 0 else -book_value
        holding = Holding(1, "MXN", None, foreign, book)
        lines, difference = restatement(
            holding, account=account, rate=rate, gains=gains, losses=losses
        )
        target = convert(foreign, currency="MXN", rate=rate)
        if target == book:
            assert lines == [] and difference == 0
            return

        def moved(which, field):
            return sum(
                getattr(s, field) * (1 if s.side == "debit" else -1)
                for s in lines
                if s.account is which
            )

        fx = gains if difference > 0 else losses
        assert moved(account, "amount") == 0 and moved(fx, "amount") == 0
        assert book + moved(account, "base") == target
        assert difference == moved(account, "base") == -moved(fx, "base")
        assert all(s.amount > 0 and s.base >= 0 for s in lines)


@pytest.mark.django_db
def test_it_keeps_journal_rev_in_the_world(books):
    assert Journal.objects.filter(code="REV").exists()
