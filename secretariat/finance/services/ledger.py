"""The ledger's writes: entries drafted, posted and reversed (design.md "Finance ledger").

Rules:
- Double entry in integer minor units: every line is a debit or a credit, never negative.
- Every entry balances per currency and in the base currency (USD, setting
  `finance.base_currency`); rounding of the base amounts is settled on the entry's largest
  line of that currency, so a balanced foreign entry is also balanced in USD.
- Posted entries never change; a correction is a reversal (a new posted entry with every
  line on the other side) — PostgreSQL refuses any change to a posted line by trigger.
- Entries are posted only into an open period of an open fiscal year.

Other parts (dues, banking, closing, revaluation) build their entries with `entry_record`,
which drafts and posts in one step inside their own transaction, so a document and its
entry are written together or not at all.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from secretariat.core.access import require
from secretariat.core.audit import locked, save_audited, snapshot
from secretariat.core.models import User
from secretariat.core.money import BASE_CURRENCY, convert, format_money
from secretariat.finance.models import (
    Account,
    Entry,
    EntryState,
    ExchangeRate,
    FiscalYear,
    Journal,
    Line,
    Period,
    PeriodState,
    SourceKind,
)

PERM = "finance.manage_ledger"
ENTRY_FIELDS = [
    "journal",
    "number",
    "date",
    "period",
    "description",
    "state",
    "source_kind",
    "source_reference",
    "reversal_of",
]


@dataclass(frozen=True)
class LineSpec:
    """A line to write: `amount` > 0 on `side` ("debit" or "credit") in `currency`; the rate
    is read from the recorded rates of the entry's date unless given."""

    account: Account
    side: str
    amount: int
    currency: str = BASE_CURRENCY
    rate: Decimal | None = None
    description: str = ""
    fund_id: int | None = None
    programme_id: int | None = None
    organ_id: int | None = None
    member_id: int | None = None
    extra: dict[str, object] = field(default_factory=dict)
    # The USD amount itself, when the line carries a value the rate does not give (a
    # revaluation restates a foreign balance in USD); such a line takes no rounding residue.
    base: int | None = None


def rate_on(currency: str, day: dt.date) -> Decimal:
    """The recorded rate of `currency` on `day`, or the latest before it; 1 for the base.
    Raises ValidationError when no rate is recorded on or before that day."""
    if currency == BASE_CURRENCY:
        return Decimal(1)
    row = (
        ExchangeRate.objects.filter(currency=currency, day__lte=day)
        .order_by("-day")
        .values_list("rate", flat=True)
        .first()
    )
    if row is None:
        raise ValidationError(
            _("No exchange rate for %(currency)s is recorded on or before %(day)s.")
            % {"currency": currency, "day": day.isoformat()}
        )
    return Decimal(row)


def period_for(day: dt.date, *, closing: bool = False) -> Period:
    """The period that contains `day`, refused when there is none or it is not open.

    `closing`: the year-end closing entry, the one entry the last period of an open year
    takes once every period is closed (finance.services.years.fiscal_year_close)."""
    period = (
        Period.objects.select_related("fiscal_year").filter(start__lte=day, end__gte=day).first()
    )
    if period is None:
        raise ValidationError(
            {
                "date": _("No fiscal period covers %(day)s: open the fiscal year first.")
                % {"day": day.isoformat()}
            }
        )
    if (
        closing
        and period.state == PeriodState.CLOSED
        and period.fiscal_year.state == PeriodState.OPEN
        and day == period.fiscal_year.end
    ):
        return period
    if period.state != PeriodState.OPEN or period.fiscal_year.state != PeriodState.OPEN:
        raise ValidationError(
            {
                "date": _("The period %(period)s is %(state)s: nothing more can be posted in it.")
                % {"period": str(period), "state": period.get_state_display().lower()}
            }
        )
    return period


def _check_specs(specs: Sequence[LineSpec]) -> None:
    """Each line: a postable, open account, a positive amount on one side, the account's
    currency where it has one; and the whole balanced per currency."""
    if len(specs) < 2:
        raise ValidationError(_("An entry needs at least two lines."))
    totals: dict[str, int] = defaultdict(int)
    for spec in specs:
        if spec.side not in ("debit", "credit"):
            raise ValidationError(_("A line is either a debit or a credit."))
        if spec.amount <= 0:
            raise ValidationError(_("Every line needs an amount above zero."))
        if spec.base is not None and spec.base < 0:
            raise ValidationError(_("Amounts cannot be negative."))
        if not spec.account.is_postable or not spec.account.is_active:
            raise ValidationError(
                _("Account %(code)s does not take entries.") % {"code": spec.account.code}
            )
        if spec.account.currency and spec.account.currency != spec.currency:
            raise ValidationError(
                _("Account %(code)s is kept in %(currency)s.")
                % {"code": spec.account.code, "currency": spec.account.currency}
            )
        totals[spec.currency] += spec.amount if spec.side == "debit" else -spec.amount
    unbalanced = {currency: total for currency, total in totals.items() if total}
    if unbalanced:
        raise ValidationError(
            _("The entry does not balance: %(differences)s.")
            % {
                "differences": ", ".join(
                    _("%(amount)s more in %(side)s")
                    % {
                        "amount": format_money(abs(total), currency),
                        "side": _("debits") if total > 0 else _("credits"),
                    }
                    for currency, total in sorted(unbalanced.items())
                )
            }
        )


def _lines(entry: Entry, specs: Sequence[LineSpec]) -> list[Line]:
    """The lines with their base amounts; each currency's rounding difference in USD goes on
    that currency's largest line, so the entry balances in USD too."""
    lines: list[Line] = []
    by_currency: dict[str, list[Line]] = defaultdict(list)
    for spec in specs:
        rate = spec.rate if spec.rate is not None else rate_on(spec.currency, entry.date)
        if spec.base is not None:
            base = spec.base
        else:
            base = convert(spec.amount, currency=spec.currency, rate=rate)
        line = Line(
            entry=entry,
            account=spec.account,
            debit=spec.amount if spec.side == "debit" else 0,
            credit=spec.amount if spec.side == "credit" else 0,
            currency=spec.currency,
            rate=rate,
            base_debit=base if spec.side == "debit" else 0,
            base_credit=base if spec.side == "credit" else 0,
            description=spec.description,
            fund_id=spec.fund_id,
            programme_id=spec.programme_id,
            organ_id=spec.organ_id,
            member_id=spec.member_id,
        )
        lines.append(line)
        if spec.base is None:
            by_currency[spec.currency].append(line)
    for currency_lines in by_currency.values():
        residue = sum(line.base_debit - line.base_credit for line in currency_lines)
        if residue:
            largest = max(currency_lines, key=lambda line: line.debit + line.credit)
            if largest.debit:
                largest.base_debit -= residue
            else:
                largest.base_credit += residue
    return lines


def _check_base_balance(entry: Entry) -> None:
    """The check the database repeats on PostgreSQL: per currency and in USD, over the
    lines as saved."""
    totals: dict[str, int] = defaultdict(int)
    base = 0
    for debit, credit, base_debit, base_credit, currency in entry.lines.values_list(
        "debit", "credit", "base_debit", "base_credit", "currency"
    ):
        totals[currency] += debit - credit
        base += base_debit - base_credit
    if any(totals.values()) or base:
        raise ValidationError(_("The entry does not balance."))


def _next_number(entry: Entry) -> int:
    """The next number in the entry's journal and year; the journal row is locked, so two
    postings at once cannot take the same number."""
    locked(entry.journal)
    last = Entry.objects.filter(journal=entry.journal, fiscal_year=entry.fiscal_year).aggregate(
        last=Max("number")
    )["last"]
    return int(last or 0) + 1


@transaction.atomic
def entry_draft(
    *,
    actor: User,
    journal: Journal,
    date: dt.date,
    description: str,
    lines: Sequence[LineSpec],
    source_kind: str = SourceKind.MANUAL,
    source_reference: str = "",
    check_permission: bool = True,
) -> Entry:
    """Draft an entry with its lines (balanced per currency already: a draft that does not
    balance is refused here, not at posting)."""
    if check_permission:
        require(actor, PERM)
    description = (description or "").strip()
    if not description:
        raise ValidationError({"description": _("Describe the entry.")})
    _check_specs(lines)
    period = period_for(date, closing=source_kind == SourceKind.CLOSING)
    entry = Entry(
        journal=journal,
        date=date,
        fiscal_year=period.fiscal_year,
        period=period,
        description=description,
        source_kind=source_kind,
        source_reference=source_reference,
        created_by=actor,
    )
    save_audited(entry, actor=actor, event="entry.drafted", fields=ENTRY_FIELDS, reason="")
    Line.objects.bulk_create(_lines(entry, lines))
    return entry


@transaction.atomic
def entry_post(
    *, actor: User, entry: Entry, check_permission: bool = True, reason: str = ""
) -> Entry:
    """Post a draft: number it in its journal and year and freeze it. Refused in a period
    that is not open, and for an entry that does not balance per currency and in USD."""
    if check_permission:
        require(actor, PERM)
    entry = locked(entry)
    if entry.state != EntryState.DRAFT:
        raise ValidationError(_("Only a draft can be posted."))
    period_for(entry.date, closing=entry.source_kind == SourceKind.CLOSING)
    _check_base_balance(entry)
    before = snapshot(entry, ENTRY_FIELDS)
    entry.number = _next_number(entry)
    entry.state = EntryState.POSTED
    entry.posted_by = actor
    entry.posted_at = timezone.now()
    save_audited(
        entry, actor=actor, event="entry.posted", fields=ENTRY_FIELDS, before=before, reason=reason
    )
    return entry


@transaction.atomic
def entry_record(
    *,
    actor: User,
    journal: Journal,
    date: dt.date,
    description: str,
    lines: Sequence[LineSpec],
    source_kind: str,
    source_reference: str = "",
    reason: str = "",
) -> Entry:
    """Draft and post in one step: the entry of a document another finance service writes
    (an assessment, a payment), in that service's transaction and under its permission."""
    entry = entry_draft(
        actor=actor,
        journal=journal,
        date=date,
        description=description,
        lines=lines,
        source_kind=source_kind,
        source_reference=source_reference,
        check_permission=False,
    )
    return entry_post(actor=actor, entry=entry, check_permission=False, reason=reason)


@transaction.atomic
def entry_reverse(
    *, actor: User, entry: Entry, date: dt.date, reason: str, check_permission: bool = True
) -> Entry:
    """Reverse a posted entry on `date` (in an open period): a new posted entry with every
    line on the other side at the same rates, so every balance returns to what it was; the
    original is marked reversed and keeps its lines."""
    if check_permission:
        require(actor, PERM)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the entry is reversed.")})
    entry = locked(entry)
    if entry.state != EntryState.POSTED:
        raise ValidationError(_("Only a posted entry can be reversed."))
    if date < entry.date:
        raise ValidationError({"date": _("A reversal cannot be dated before the entry.")})
    period = period_for(date)
    reversal = Entry(
        journal=entry.journal,
        date=date,
        fiscal_year=period.fiscal_year,
        period=period,
        description=(
            _("Reversal of %(entry)s: %(reason)s") % {"entry": str(entry), "reason": reason}
        )[:500],
        source_kind=SourceKind.REVERSAL,
        source_reference=str(entry),
        reversal_of=entry,
        created_by=actor,
    )
    save_audited(reversal, actor=actor, event="entry.drafted", fields=ENTRY_FIELDS, reason=reason)
    Line.objects.bulk_create(
        [
            Line(
                entry=reversal,
                account_id=line.account_id,
                debit=line.credit,
                credit=line.debit,
                currency=line.currency,
                rate=line.rate,
                base_debit=line.base_credit,
                base_credit=line.base_debit,
                description=line.description,
                fund_id=line.fund_id,
                programme_id=line.programme_id,
                organ_id=line.organ_id,
                member_id=line.member_id,
            )
            for line in entry.lines.all()
        ]
    )
    entry_post(actor=actor, entry=reversal, check_permission=False, reason=reason)
    before = snapshot(entry, ENTRY_FIELDS)
    entry.state = EntryState.REVERSED
    save_audited(
        entry,
        actor=actor,
        event="entry.reversed",
        fields=ENTRY_FIELDS,
        before=before,
        reason=reason,
    )
    return reversal


@transaction.atomic
def entry_discard(*, actor: User, entry: Entry, reason: str) -> Entry:
    """Discard a draft (never a posted entry): it stays in the record, marked discarded,
    with its lines, and is never posted."""
    require(actor, PERM)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the draft is discarded.")})
    entry = locked(entry)
    if entry.state != EntryState.DRAFT:
        raise ValidationError(_("Only a draft can be discarded; reverse a posted entry."))
    before = snapshot(entry, ENTRY_FIELDS)
    entry.state = EntryState.DISCARDED
    save_audited(
        entry,
        actor=actor,
        event="entry.discarded",
        fields=ENTRY_FIELDS,
        before=before,
        reason=reason,
    )
    return entry


def fiscal_year_of(day: dt.date) -> FiscalYear | None:
    return FiscalYear.objects.filter(start__lte=day, end__gte=day).first()
