"""Exchange rates and the revaluation of foreign-currency balances.

Rules (design.md "Finance ledger", IPSAS 4): a rate is recorded once per currency and day,
with its source (the Banco de México FIX rate, the bank's rate of a transfer). At each
period's close, every cash account and every receivable or payable held in a foreign
currency is restated at the rate of the period's last day: the difference between its USD
book value and its foreign balance at that rate is posted in journal REV (source
"revaluation") against 4510 Exchange gains or 5810 Exchange losses.

A restatement takes the balance out of the account at its book value into the exchange
difference account and puts it back at the closing rate, all in the foreign currency with
the USD amounts given (`LineSpec.base`): every account's foreign balance is unchanged, the
entry balances per currency and in USD, and 4510/5810 keep the difference in USD.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from secretariat.core.access import require
from secretariat.core.audit import save_audited
from secretariat.core.models import User
from secretariat.core.money import BASE_CURRENCY, CURRENCIES, RATE_PLACES, convert, from_minor
from secretariat.finance.models import (
    Account,
    Entry,
    ExchangeRate,
    Journal,
    Period,
    SourceKind,
    StatementLine,
)
from secretariat.finance.selectors.ledger import counted_lines
from secretariat.finance.services.ledger import LineSpec, entry_record, rate_on

PERM = "finance.manage_ledger"
RATE_FIELDS = ["currency", "day", "rate", "source"]
REVALUATION_JOURNAL = "REV"
GAINS_ACCOUNT = "4510"
LOSSES_ACCOUNT = "5810"
MONETARY_LINES = (
    StatementLine.CASH,
    StatementLine.RECEIVABLES,
    StatementLine.OTHER_RECEIVABLES,
    StatementLine.PAYABLES,
)


@transaction.atomic
def rate_record(
    *, actor: User, currency: str, day: dt.date, rate: Decimal, source: str
) -> ExchangeRate:
    """Record the rate of `currency` on `day` (USD for one unit), with its source."""
    require(actor, PERM)
    source = (source or "").strip()
    if currency not in CURRENCIES or currency == BASE_CURRENCY:
        raise ValidationError({"currency": _("Choose a currency other than the base currency.")})
    if rate is None or rate <= 0:
        raise ValidationError({"rate": _("A rate must be positive.")})
    if not source:
        raise ValidationError({"source": _("Say where the rate comes from.")})
    if ExchangeRate.objects.filter(currency=currency, day=day).exists():
        raise ValidationError({"day": _("A rate is already recorded for this currency and day.")})
    exchange_rate = ExchangeRate(
        currency=currency,
        day=day,
        rate=Decimal(rate).quantize(RATE_PLACES),
        source=source,
        recorded_by=actor,
    )
    save_audited(exchange_rate, actor=actor, event="rate.recorded", fields=RATE_FIELDS, reason="")
    return exchange_rate


@dataclass(frozen=True)
class Holding:
    """A foreign balance on an account (per member on a receivable) at a day: its foreign
    amount and its USD book value, both debit-positive."""

    account_id: int
    currency: str
    member_id: int | None
    foreign: int
    book: int


def foreign_holdings(*, end: dt.date) -> list[Holding]:
    """Every foreign-currency balance of a monetary account at `end` (one query)."""
    monetary = (
        Q(account__is_cash=True)
        | Q(account__is_receivable=True)
        | Q(account__statement_line__in=MONETARY_LINES)
    )
    rows = (
        counted_lines(end=end)
        .filter(monetary)
        .exclude(currency=BASE_CURRENCY)
        .values("account_id", "currency", "member_id")
        .annotate(
            d=Coalesce(Sum("debit"), 0),
            c=Coalesce(Sum("credit"), 0),
            bd=Coalesce(Sum("base_debit"), 0),
            bc=Coalesce(Sum("base_credit"), 0),
        )
        .order_by("account_id", "currency", "member_id")
    )
    return [
        Holding(r["account_id"], r["currency"], r["member_id"], r["d"] - r["c"], r["bd"] - r["bc"])
        for r in rows
    ]


def _book_rate(holding: Holding, fallback: Decimal) -> Decimal:
    """The rate the book value implies (shown on the line taken out); the closing rate when
    it implies none."""
    foreign = from_minor(abs(holding.foreign), holding.currency)
    rate = (from_minor(abs(holding.book), BASE_CURRENCY) / foreign).quantize(RATE_PLACES)
    return rate if rate > 0 else fallback


def restatement(
    holding: Holding, *, account: Account, rate: Decimal, gains: Account, losses: Account
) -> tuple[list[LineSpec], int]:
    """The four lines restating `holding` at `rate`, and the difference (debit-positive on
    the account: a gain when above zero) — ([], 0) when nothing changes or the holding
    cannot be restated (no foreign balance, or a book value of the other sign).

    The balance goes out of the account at its book value into the exchange-difference
    account (gains or losses), and back at the closing rate: each account's foreign amount
    is unchanged, the entry balances per currency and in USD, and the exchange-difference
    account keeps the difference in USD."""
    if holding.foreign == 0:
        return [], 0
    target = convert(holding.foreign, currency=holding.currency, rate=rate)
    difference = target - holding.book
    if not difference or (holding.book and (holding.book > 0) != (holding.foreign > 0)):
        return [], 0
    out_side, in_side = ("credit", "debit") if holding.foreign > 0 else ("debit", "credit")
    fx = gains if difference > 0 else losses
    book_rate = _book_rate(holding, rate)
    description = _("Revaluation at %(rate)s") % {"rate": rate.normalize()}
    lines = [
        LineSpec(
            line_account,
            side,
            abs(holding.foreign),
            holding.currency,
            rate=line_rate,
            base=base,
            description=description,
            member_id=holding.member_id if line_account is account else None,
        )
        for line_account, side, line_rate, base in (
            (account, out_side, book_rate, abs(holding.book)),
            (fx, in_side, book_rate, abs(holding.book)),
            (fx, out_side, rate, abs(target)),
            (account, in_side, rate, abs(target)),
        )
    ]
    return lines, difference


def _revaluation_lines(period: Period) -> list[LineSpec]:
    holdings = foreign_holdings(end=period.end)
    if not holdings:
        return []
    accounts = Account.objects.in_bulk({h.account_id for h in holdings})
    fx = {a.code: a for a in Account.objects.filter(code__in=[GAINS_ACCOUNT, LOSSES_ACCOUNT])}
    if len(fx) < 2:
        raise ValidationError(_("The chart needs the accounts 4510 and 5810 for a revaluation."))
    rates = {currency: rate_on(currency, period.end) for currency in {h.currency for h in holdings}}
    lines: list[LineSpec] = []
    for holding in holdings:
        lines += restatement(
            holding,
            account=accounts[holding.account_id],
            rate=rates[holding.currency],
            gains=fx[GAINS_ACCOUNT],
            losses=fx[LOSSES_ACCOUNT],
        )[0]
    return lines


@transaction.atomic
def revaluation_run(*, actor: User, period: Period, check_permission: bool = True) -> Entry | None:
    """Restate the foreign balances at the rate of the period's last day and post the
    differences (journal REV, dated the period's last day); None when nothing differs.
    Called by `years.period_close` before the period closes."""
    if check_permission:
        require(actor, "finance.close_periods")
    lines = _revaluation_lines(period)
    if not lines:
        return None
    journal = Journal.objects.filter(code=REVALUATION_JOURNAL).first()
    if journal is None:
        raise ValidationError(_("The revaluation journal REV does not exist."))
    return entry_record(
        actor=actor,
        journal=journal,
        date=period.end,
        description=_("Revaluation of foreign-currency balances, %(period)s")
        % {"period": str(period)},
        lines=lines,
        source_kind=SourceKind.REVALUATION,
        source_reference=str(period),
    )
