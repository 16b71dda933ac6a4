"""Reads of the chart of accounts: the tree with balances to date, an account's ledger with
its running balance, and the trial balance. Staff with finance.view_ledger read them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.core.paginator import Page
from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from secretariat.core.access import can, get_for_user_or_404, list_for_user, permission_for
from secretariat.finance.models import Account, Line
from secretariat.finance.selectors.ledger import (
    account_balances,
    counted_lines,
    trial_balance,
)

VIEW = "finance.view_ledger"
MANAGE = "finance.manage_ledger"
AccountAction = Literal["view", "manage"]
ACCOUNT_ACTIONS = {"view": VIEW, "manage": MANAGE}


def account_get_for_user(*, user: Any, code: str, action: AccountAction = "view") -> Account:
    return get_for_user_or_404(
        Account.objects.select_related("parent"),
        user=user,
        perm=permission_for(ACCOUNT_ACTIONS, action),
        code=code,
    )


def account_list_for_user(*, user: Any) -> QuerySet[Account]:
    return list_for_user(Account.objects.order_by("code"), user=user, perm=VIEW)


def can_manage_ledger(user: Any) -> bool:
    return can(user, MANAGE)


@dataclass(frozen=True)
class AccountRow:
    """An account in the tree: its depth and its USD balance to date on its normal side
    (a header's is the sum of its accounts')."""

    account: Account
    depth: int
    balance: int


def account_tree(accounts: QuerySet[Account], *, on: dt.date) -> list[AccountRow]:
    """The chart in tree order (two queries: the accounts, their balances)."""
    rows = list(accounts)
    debit_balance = {row.account_id: row.balance for row in account_balances(end=on)}
    children: dict[int | None, list[Account]] = {}
    for account in rows:
        children.setdefault(account.parent_id, []).append(account)
    result: list[AccountRow] = []

    def walk(account: Account, depth: int) -> int:
        index = len(result)
        result.append(AccountRow(account, depth, 0))
        total = debit_balance.get(account.pk, 0)
        for child in children.get(account.pk, []):
            total += walk(child, depth + 1)
        natural = total if account.normal_side == "debit" else -total
        result[index] = AccountRow(account, depth, natural)
        return total

    known = {account.pk for account in rows}
    for account in rows:
        if account.parent_id is None or account.parent_id not in known:
            walk(account, 0)
    return result


@dataclass(frozen=True)
class LedgerLine:
    """A line of an account's ledger and the running balance after it (debit-positive,
    USD and the account's currency)."""

    line: Line
    running: int
    running_foreign: int


def account_lines(account: Account) -> QuerySet[Line]:
    """The account's counted lines in date order (paginate, then `ledger_rows`)."""
    return (
        counted_lines()
        .filter(account=account)
        .select_related("entry__journal")
        .order_by("entry__date", "entry_id", "id")
    )


def _opening(account: Account, first: Line) -> tuple[int, int]:
    """The balance before `first` (one query)."""
    date = first.entry.date
    before = (
        Q(entry__date__lt=date)
        | Q(entry__date=date, entry_id__lt=first.entry_id)
        | Q(entry__date=date, entry_id=first.entry_id, id__lt=first.pk)
    )
    totals = (
        counted_lines()
        .filter(before, account=account)
        .aggregate(
            bd=Coalesce(Sum("base_debit"), 0),
            bc=Coalesce(Sum("base_credit"), 0),
            d=Coalesce(Sum("debit"), 0),
            c=Coalesce(Sum("credit"), 0),
        )
    )
    return int(totals["bd"] - totals["bc"]), int(totals["d"] - totals["c"])


def ledger_rows(account: Account, page: Page[Line]) -> list[LedgerLine]:
    """The page's lines with their running balances: one query for the opening balance."""
    lines = list(page.object_list)
    if not lines:
        return []
    running, foreign = _opening(account, lines[0])
    rows = []
    for line in lines:
        running += line.base_debit - line.base_credit
        foreign += line.debit - line.credit
        rows.append(LedgerLine(line, running, foreign))
    return rows


def parent_choices() -> QuerySet[Account]:
    return Account.objects.filter(is_postable=False).order_by("code")


@dataclass(frozen=True)
class TrialRow:
    """An account's balance at the date, in the debit or the credit column."""

    code: str
    name: str
    debit: int
    credit: int


@dataclass(frozen=True)
class TrialBalance:
    on: dt.date
    rows: list[TrialRow]
    debit: int
    credit: int

    @property
    def balances(self) -> bool:
        return self.debit == self.credit


def trial_balance_for_user(*, user: Any, on: dt.date) -> TrialBalance:
    """The trial balance at `on` (one query): each account's debit or credit balance."""
    list_for_user(Account.objects.none(), user=user, perm=VIEW)

    rows = [
        TrialRow(row.code, row.name, max(row.balance, 0), max(-row.balance, 0))
        for row in trial_balance(end=on)
        if row.balance
    ]
    return TrialBalance(on, rows, sum(row.debit for row in rows), sum(row.credit for row in rows))
