"""The statements' figures (selectors.statements.statement_figures): they reconcile to the
trial balance, over a fixed ledger and over generated ones (hypothesis); every posted entry
balances per currency; SQLite and PostgreSQL give the golden figures; constant queries."""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from pathlib import Path

import pytest
from django.db.models import Sum
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from secretariat.finance.models import Account, Entry, FiscalYear, Line
from secretariat.finance.selectors.ledger import COUNTED, account_balances, trial_balance
from secretariat.finance.selectors.statements import statement_figures
from secretariat.finance.services.ledger import LineSpec, entry_record, entry_reverse
from secretariat.finance.services.years import fiscal_year_open
from secretariat.finance.tests.ledger_world import make_books
from secretariat.finance.tests.statements_world import (  # noqa: F401
    post,
    statements_world_fixture,
)

GOLDEN = Path(__file__).resolve().parent.parent / "statements_golden.json"
DEBIT_CLASSES = ("asset", "expense")


def _by_class(rows) -> dict[str, int]:
    totals: dict[str, int] = defaultdict(int)
    for row in rows:
        sign = 1 if row.account_class in DEBIT_CLASSES else -1
        totals[row.account_class] += sign * row.balance
    return totals


def _cash(end: dt.date) -> int:
    totals = Line.objects.filter(
        account__is_cash=True, entry__state__in=COUNTED, entry__date__lte=end
    ).aggregate(d=Sum("base_debit"), c=Sum("base_credit"))
    return (totals["d"] or 0) - (totals["c"] or 0)


def _bounds(first: int, last: int) -> tuple[dt.date, dt.date]:
    return dt.date(first, 1, 1), dt.date(last, 12, 31)


def assert_reconciles(figures: dict) -> None:
    """Every figure against the trial balance, for both columns."""
    comp = figures["comparative"]
    columns = (
        (0, figures["first_year"], figures["last_year"]),
        (1, comp["first_year"], comp["last_year"]),
    )
    for column, first, last in columns:
        start, end = _bounds(first, last)
        tb = _by_class(trial_balance(end=end))
        position = figures["position"]
        sections = {s["key"]: s for s in position["sections"]}
        for section in position["sections"]:
            assert (
                sum(r[("current", "comparative")[column]] for r in section["lines"])
                == (section["total"][column])
            )
        assets = sections["current_assets"]["total"][column]
        assets += sections["non_current_assets"]["total"][column]
        liabilities = sections["current_liabilities"]["total"][column]
        liabilities += sections["non_current_liabilities"]["total"][column]
        net_assets = sections["net_assets"]["total"][column]
        assert assets == tb["asset"] == position["total_assets"][column]
        assert liabilities == tb["liability"] == position["total_liabilities"][column]
        assert net_assets == tb["net_assets"] + tb["revenue"] - tb["expense"]
        assert position["total_liabilities_and_net_assets"][column] == assets
        period = _by_class(account_balances(start=start, end=end, exclude_closing=True))
        revenue, expenses = figures["performance"]["sections"]
        assert revenue["total"][column] == period["revenue"]
        assert expenses["total"][column] == period["expense"]
        assert figures["performance"]["surplus"][column] == period["revenue"] - period["expense"]
        changes = figures["changes"]
        assert changes["closing"][column] == net_assets
        assert (
            changes["opening"][column] + changes["surplus"][column] + changes["other"][column]
            == changes["closing"][column]
        )
        flow = figures["cash_flow"]
        assert flow["opening_cash"][column] == _cash(start - dt.timedelta(days=1))
        assert flow["closing_cash"][column] == _cash(end)
        assert flow["opening_cash"][column] + flow["net_change"][column] == _cash(end)
        assert (
            sum(s["total"][column] for s in flow["sections"]) + flow["fx_effect"][column]
            == flow["net_change"][column]
        )
    receivable = Line.objects.filter(
        account__is_receivable=True,
        entry__state__in=COUNTED,
        entry__date__lte=_bounds(figures["first_year"], figures["last_year"])[1],
    ).aggregate(d=Sum("base_debit"), c=Sum("base_credit"))
    by_member = sum(r["current"] for r in figures["notes"]["receivables_by_member"])
    assert by_member == (receivable["d"] or 0) - (receivable["c"] or 0)


def assert_every_posted_entry_balances() -> None:
    totals: dict[tuple[int, str], int] = defaultdict(int)
    base: dict[int, int] = defaultdict(int)
    for entry_id, currency, debit, credit, bd, bc in Line.objects.filter(
        entry__state__in=COUNTED
    ).values_list("entry_id", "currency", "debit", "credit", "base_debit", "base_credit"):
        totals[(entry_id, currency)] += debit - credit
        base[entry_id] += bd - bc
    assert not any(totals.values()) and not any(base.values())


@pytest.mark.django_db
def test_it_reconciles_the_fixed_ledger_to_the_trial_balance(statements_world):
    # given the fixed ledger of 2025 and 2026
    # when
    figures = statement_figures(first_year=2026, last_year=2026)
    # then
    assert_reconciles(figures)
    assert figures["position"]["total_assets"] == [183_500_00, 145_000_00]
    assert figures["performance"]["surplus"] == [41_500_00, 37_000_00]
    assert figures["cash_flow"]["closing_cash"] == [63_000_00, 103_000_00]


@pytest.mark.django_db
def test_it_shows_the_three_year_period_with_its_comparative(statements_world):
    # given the fixed ledger (2024 and 2023 have no entries)
    # when
    figures = statement_figures(first_year=2024, last_year=2026)
    # then
    assert figures["comparative"] == {"first_year": 2021, "last_year": 2023}
    assert figures["performance"]["surplus"] == [78_500_00, 0]
    assert figures["changes"]["opening"] == [0, 0]
    assert_reconciles(figures)


@pytest.mark.django_db
def test_it_leaves_the_closing_entry_out_of_the_performance(statements_world):
    # when
    figures = statement_figures(first_year=2025, last_year=2025)
    # then: revenue and expenses of 2025 as before closing; the surplus closed into 3100
    revenue, expenses = figures["performance"]["sections"]
    assert revenue["total"][0] == 80_000_00 and expenses["total"][0] == 43_000_00
    net_assets = figures["position"]["sections"][4]["lines"]
    assert net_assets == [{"line": "accumulated_surplus", "current": 137_000_00, "comparative": 0}]
    assert figures["changes"]["other"][0] == 100_000_00  # the opening balances
    assert_reconciles(figures)


@pytest.mark.django_db
def test_it_gives_the_golden_figures_on_every_database(statements_world):
    # given the fixed ledger; when
    figures = {
        "2026": statement_figures(first_year=2026, last_year=2026),
        "2024-2026": statement_figures(first_year=2024, last_year=2026),
    }
    # then: the same JSON on SQLite and PostgreSQL
    assert json.loads(json.dumps(figures)) == json.loads(GOLDEN.read_text())


@pytest.mark.django_db
def test_it_reads_the_ledger_in_four_queries_whatever_its_size(
    statements_world, finance_officer, django_assert_num_queries
):
    # given
    with django_assert_num_queries(4):
        statement_figures(first_year=2026, last_year=2026)
    a = statements_world.books["accounts"]
    for day in range(1, 28):
        post(
            statements_world.books,
            finance_officer,
            dt.date(2026, 10, day),
            "More",
            [LineSpec(a["5310"], "debit", 100), LineSpec(a["1110"], "credit", 100)],
        )
    # when / then
    with django_assert_num_queries(4):
        statement_figures(first_year=2024, last_year=2026)


ACCOUNT_CODES = ["1110", "1210", "1410", "1510", "2110", "2210", "3100", "4110", "4510"]
ACCOUNT_CODES += ["5110", "5310", "5610", "5810"]
MXN_FRIENDLY = ["1210", "1410", "2110", "4110", "5310"]

pair = st.tuples(
    st.sampled_from(ACCOUNT_CODES),
    st.sampled_from(ACCOUNT_CODES),
    st.integers(min_value=1, max_value=10**8),
)
entry_strategy = st.tuples(
    st.integers(min_value=0, max_value=729),  # the day, across 2025 and 2026
    st.lists(pair, min_size=1, max_size=4),
    st.booleans(),  # reversed afterwards
    st.one_of(
        st.none(), st.tuples(st.sampled_from(MXN_FRIENDLY), st.booleans(), st.integers(1, 10**8))
    ),
)


class StatementsReconcileOverGeneratedLedgers(HypothesisTestCase):
    """Random balanced entries over random accounts of the chart, on random days of two
    years, some in MXN, some reversed: the statements always reconcile."""

    @settings(max_examples=20, deadline=None)
    @given(entries=st.lists(entry_strategy, min_size=1, max_size=12))
    def test_it_always_reconciles_to_the_trial_balance(self, entries):
        from secretariat.conftest import make_user
        from secretariat.core import roles

        # given
        actor = make_user(
            f"s{FiscalYear.objects.count()}-{Entry.objects.count()}@example.org", roles.FINANCE
        )
        books = make_books(actor, 2025)
        fiscal_year_open(actor=actor, year=2026, check_permission=False)
        accounts = {a.code: a for a in Account.objects.all()}
        start = dt.date(2025, 1, 1)
        for offset, pairs, reverse, mxn in entries:
            day = start + dt.timedelta(days=offset)
            lines = []
            for debit, credit, amount in pairs:
                lines.append(LineSpec(accounts[debit], "debit", amount))
                lines.append(LineSpec(accounts[credit], "credit", amount))
            if mxn is not None:
                other, bank_debit, amount = mxn
                lines.append(
                    LineSpec(
                        accounts["1120"],
                        "debit" if bank_debit else "credit",
                        amount,
                        currency="MXN",
                    )
                )
                lines.append(
                    LineSpec(
                        accounts[other], "credit" if bank_debit else "debit", amount, currency="MXN"
                    )
                )
            entry = entry_record(
                actor=actor,
                journal=books["journals"]["GEN"],
                date=day,
                description="Generated",
                lines=lines,
                source_kind="manual",
            )
            if reverse:
                entry_reverse(
                    actor=actor, entry=entry, date=day, reason="test", check_permission=False
                )
        # when / then
        assert_every_posted_entry_balances()
        assert_reconciles(statement_figures(first_year=2026, last_year=2026))
        assert_reconciles(statement_figures(first_year=2025, last_year=2025))
        assert_reconciles(statement_figures(first_year=2024, last_year=2026))
