"""A small set of books for tests: fiscal year 2026 open with its periods, the journals and
a chart with the accounts every part touches (codes as in data/ciss/finance/chart.yaml)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from secretariat.finance.models import Account, AccountClass, ExchangeRate, Journal, Side
from secretariat.finance.services.years import fiscal_year_open

ACCOUNTS = [
    # code, name, class, side, statement line, is_cash, is_receivable, currency, cash flow
    ("1110", "Bank USD", AccountClass.ASSET, Side.DEBIT, "cash", True, False, "USD", "operating"),
    ("1120", "Bank MXN", AccountClass.ASSET, Side.DEBIT, "cash", True, False, "MXN", "operating"),
    (
        "1210",
        "Dues receivable",
        AccountClass.ASSET,
        Side.DEBIT,
        "receivables",
        False,
        True,
        "",
        "operating",
    ),
    (
        "1410",
        "Investments",
        AccountClass.ASSET,
        Side.DEBIT,
        "investments",
        False,
        False,
        "",
        "investing",
    ),
    ("1510", "Equipment", AccountClass.ASSET, Side.DEBIT, "ppe", False, False, "", "investing"),
    (
        "2110",
        "Payables",
        AccountClass.LIABILITY,
        Side.CREDIT,
        "payables",
        False,
        False,
        "",
        "operating",
    ),
    (
        "2210",
        "Dues received in advance",
        AccountClass.LIABILITY,
        Side.CREDIT,
        "advance_receipts",
        False,
        False,
        "",
        "operating",
    ),
    (
        "3100",
        "Accumulated surplus",
        AccountClass.NET_ASSETS,
        Side.CREDIT,
        "accumulated_surplus",
        False,
        False,
        "",
        "financing",
    ),
    (
        "4110",
        "Assessed contributions",
        AccountClass.REVENUE,
        Side.CREDIT,
        "assessed_contributions",
        False,
        False,
        "",
        "operating",
    ),
    (
        "4510",
        "Exchange gains",
        AccountClass.REVENUE,
        Side.CREDIT,
        "fx_differences",
        False,
        False,
        "",
        "operating",
    ),
    (
        "5110",
        "Salaries",
        AccountClass.EXPENSE,
        Side.DEBIT,
        "staff_costs",
        False,
        False,
        "",
        "operating",
    ),
    (
        "5310",
        "Contractual services",
        AccountClass.EXPENSE,
        Side.DEBIT,
        "services",
        False,
        False,
        "",
        "operating",
    ),
    (
        "5610",
        "Dues written off",
        AccountClass.EXPENSE,
        Side.DEBIT,
        "other_expenses",
        False,
        False,
        "",
        "operating",
    ),
    (
        "5810",
        "Exchange losses",
        AccountClass.EXPENSE,
        Side.DEBIT,
        "fx_differences",
        False,
        False,
        "",
        "operating",
    ),
]
JOURNALS = [
    ("GEN", "General", Journal.Kind.GENERAL),
    ("DUE", "Dues", Journal.Kind.DUES),
    ("BNK", "Bank", Journal.Kind.BANK),
    ("REV", "Revaluation", Journal.Kind.REVALUATION),
    ("CLO", "Closing", Journal.Kind.CLOSING),
]


def make_books(actor, year: int = 2026) -> dict:
    fiscal_year = fiscal_year_open(actor=actor, year=year, check_permission=False)
    accounts = {}
    for code, name, klass, side, line, cash, receivable, currency, flow in ACCOUNTS:
        accounts[code], _created = Account.objects.get_or_create(
            code=code,
            defaults=dict(
                name=name,
                name_es=name,
                account_class=klass,
                normal_side=side,
                statement_line=line,
                is_cash=cash,
                is_receivable=receivable,
                currency=currency,
                cash_flow=flow,
            ),
        )
    journals = {}
    for code, name, kind in JOURNALS:
        journals[code], _created = Journal.objects.get_or_create(
            code=code, defaults=dict(name=name, name_es=name, kind=kind)
        )
    ExchangeRate.objects.get_or_create(
        currency="MXN", day=dt.date(year, 1, 1), defaults=dict(rate=Decimal("0.05"), source="test")
    )
    return {"year": fiscal_year, "accounts": accounts, "journals": journals}


@pytest.fixture(name="books")
def books_fixture(db, finance_officer):
    return make_books(finance_officer)
