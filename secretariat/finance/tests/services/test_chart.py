"""The chart: accounts added and changed with a reason, never a class change once an account
has lines, closed rather than deleted; the seed loads the starting chart idempotently."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from secretariat.core.reference_data import DATA_DIR, Loader
from secretariat.finance import reference_data
from secretariat.finance.models import Account, Fund, Journal, Programme
from secretariat.finance.services.chart import account_close, account_create, account_update
from secretariat.finance.services.ledger import LineSpec, entry_draft
from secretariat.finance.tests.ledger_world import books_fixture  # noqa: F401

REQUIRED = {
    "1110": ("asset", "debit", True, "USD"),
    "1120": ("asset", "debit", True, "MXN"),
    "1130": ("asset", "debit", True, "MXN"),
    "1519": ("asset", "credit", False, ""),
    "2210": ("liability", "credit", False, ""),
    "3100": ("net_assets", "credit", False, ""),
    "4510": ("revenue", "credit", False, ""),
    "5810": ("expense", "debit", False, ""),
}


def _data(**extra):
    return {
        "name_es": "Cuenta nueva",
        "account_class": "expense",
        "normal_side": "debit",
        "is_postable": True,
        "cash_flow": "operating",
        **extra,
    }


@pytest.mark.django_db
def test_it_loads_the_starting_chart_idempotently():
    # given
    loader = Loader(DATA_DIR)
    # when
    reference_data.load(loader)
    second = Loader(DATA_DIR)
    reference_data.load(second)
    # then
    assert 40 <= Account.objects.count() <= 60
    assert second.tally.created == 0 and second.tally.updated == 0
    for code, (klass, side, cash, currency) in REQUIRED.items():
        account = Account.objects.get(code=code)
        assert (account.account_class, account.normal_side, account.is_cash, account.currency) == (
            klass,
            side,
            cash,
            currency,
        ), code
    assert Account.objects.get(code="1210").is_receivable
    assert Account.objects.get(code="1410").cash_flow == "investing"
    assert set(Journal.objects.values_list("code", flat=True)) == {
        "GEN",
        "DUE",
        "BNK",
        "PUR",
        "PAY",
        "REV",
        "CLO",
    }
    assert set(Fund.objects.values_list("code", flat=True)) == {"REG", "WCF"}
    assert Programme.objects.count() >= 2


@pytest.mark.django_db
def test_it_updates_names_but_keeps_what_the_secretariat_changed():
    # given
    reference_data.load(Loader(DATA_DIR))
    Account.objects.filter(code="5410").update(name_es="Otro nombre", statement_line="services")
    # when
    reference_data.load(Loader(DATA_DIR))
    # then
    account = Account.objects.get(code="5410")
    assert account.name_es == "Suministros" and account.statement_line == "services"


@pytest.mark.django_db
def test_it_adds_an_account_with_a_reason(books, finance_officer):
    # when
    account = account_create(
        actor=finance_officer, data=_data(code="5999"), reason="New expense line"
    )
    # then
    assert account.pk and account.is_active
    with pytest.raises(ValidationError):
        account_create(actor=finance_officer, data=_data(code="5999"), reason="Again")
    with pytest.raises(ValidationError):
        account_create(actor=finance_officer, data=_data(code="5998"), reason="")


@pytest.mark.django_db
def test_it_refuses_a_class_change_once_the_account_has_lines(books, finance_officer):
    # given
    a = books["accounts"]
    entry_draft(
        actor=finance_officer,
        journal=books["journals"]["GEN"],
        date=dt.date(2026, 4, 1),
        description="x",
        lines=[LineSpec(a["5310"], "debit", 100), LineSpec(a["1110"], "credit", 100)],
    )
    # when / then
    with pytest.raises(ValidationError, match="class"):
        account_update(
            actor=finance_officer,
            account=a["5310"],
            data={"account_class": "asset"},
            reason="Wrong class",
        )
    account = account_update(
        actor=finance_officer, account=a["5310"], data={"name_en": "Consultants"}, reason="Name"
    )
    assert account.name_en == "Consultants" and account.account_class == "expense"


@pytest.mark.django_db
def test_it_closes_an_account_that_then_takes_no_entries(books, finance_officer):
    # given
    a = books["accounts"]
    account_close(actor=finance_officer, account=a["5310"], reason="Merged")
    a["5310"].refresh_from_db()
    # when / then
    with pytest.raises(ValidationError, match="does not take entries"):
        entry_draft(
            actor=finance_officer,
            journal=books["journals"]["GEN"],
            date=dt.date(2026, 4, 1),
            description="x",
            lines=[LineSpec(a["5310"], "debit", 100), LineSpec(a["1110"], "credit", 100)],
        )
    assert Account.objects.filter(code="5310").exists()


@pytest.mark.django_db
def test_it_refuses_chart_changes_to_a_reader(books, comptroller):
    with pytest.raises(PermissionDenied):
        account_create(actor=comptroller, data=_data(code="5997"), reason="x")
