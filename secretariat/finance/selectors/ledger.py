"""Ledger reads every part shares: balances of accounts over a range of dates and the trial
balance, aggregated in the database (one query whatever the number of lines)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from secretariat.finance.models import Account, Line

COUNTED = ("posted", "reversed")  # a reversed entry and its reversal both count


@dataclass(frozen=True)
class BalanceRow:
    """An account's base-currency (USD) debits and credits over a range."""

    account_id: int
    code: str
    name: str
    account_class: str
    normal_side: str
    statement_line: str
    debit: int
    credit: int

    @property
    def balance(self) -> int:
        """Debit minus credit (positive = debit balance)."""
        return self.debit - self.credit

    @property
    def natural(self) -> int:
        """The balance on the account's normal side (positive when normal)."""
        return self.balance if self.normal_side == "debit" else -self.balance


def counted_lines(*, start: dt.date | None = None, end: dt.date | None = None) -> QuerySet[Line]:
    """Lines of posted (and reversed) entries dated within [start, end]."""
    lines = Line.objects.filter(entry__state__in=COUNTED)
    if start is not None:
        lines = lines.filter(entry__date__gte=start)
    if end is not None:
        lines = lines.filter(entry__date__lte=end)
    return lines


def account_balances(
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    exclude_closing: bool = False,
) -> list[BalanceRow]:
    """Every account with lines in the range, with its USD debits and credits (one query).
    `exclude_closing` leaves out the year-end closing entries (for the statement of financial
    performance, which shows the year's revenue and expenses before they are closed)."""
    line_filter = Q(lines__entry__state__in=COUNTED)
    if start is not None:
        line_filter &= Q(lines__entry__date__gte=start)
    if end is not None:
        line_filter &= Q(lines__entry__date__lte=end)
    if exclude_closing:
        line_filter &= ~Q(lines__entry__source_kind="closing")
    rows = (
        Account.objects.annotate(
            debit=Coalesce(Sum("lines__base_debit", filter=line_filter), 0),
            credit=Coalesce(Sum("lines__base_credit", filter=line_filter), 0),
        )
        .filter(Q(debit__gt=0) | Q(credit__gt=0))
        .order_by("code")
        .values_list(
            "id",
            "code",
            "name",
            "account_class",
            "normal_side",
            "statement_line",
            "debit",
            "credit",
        )
    )
    return [BalanceRow(*row) for row in rows]


def trial_balance(*, end: dt.date, start: dt.date | None = None) -> list[BalanceRow]:
    """The trial balance at `end` (from the beginning of the books, or from `start`): its
    debits equal its credits, since every entry balances in USD."""
    return account_balances(start=start, end=end)
