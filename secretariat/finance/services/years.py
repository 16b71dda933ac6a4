"""Fiscal years and their periods: opened, closed and locked.

Rules: [D] the fiscal year is the calendar year (setting `finance.fiscal_year_start_month`,
domain.md "Finance"); a year has twelve monthly periods; entries go only into open periods.

- A period closes only without drafts in it, after its revaluation (services.rates); a
  closed period reopens with a reason while it is not locked; a locked one never changes.
- A year closes once every period is closed: the closing entry (journal CLO, dated the
  year's last day) carries every revenue and expense account's USD balance to 3100
  Accumulated surplus; it is the one entry the closed last period takes
  (`ledger.period_for(closing=True)`). A closed year is locked after the external audit:
  nothing changes after.
"""

from __future__ import annotations

import calendar
import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from secretariat.core.access import require, require_reason
from secretariat.core.audit import locked, save_audited, snapshot
from secretariat.core.models import User
from secretariat.core.money import BASE_CURRENCY
from secretariat.core.selectors.rule_settings import rule_in_force
from secretariat.finance.models import (
    Account,
    AccountClass,
    Entry,
    EntryState,
    FiscalYear,
    Journal,
    Period,
    PeriodState,
    SourceKind,
)
from secretariat.finance.selectors.ledger import account_balances
from secretariat.finance.services.ledger import LineSpec, entry_record
from secretariat.finance.services.rates import revaluation_run

PERM = "finance.close_periods"
YEAR_FIELDS = ["year", "start", "end", "state", "is_example", "closing_entry"]
PERIOD_FIELDS = ["state"]
CLOSING_JOURNAL = "CLO"
SURPLUS_ACCOUNT = "3100"


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year = day.year + month // 12
    return dt.date(year, month % 12 + 1, 1)


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """The first and last day of fiscal year `year` (named by the calendar year it starts
    in), by the setting `finance.fiscal_year_start_month` in force on 1 January of `year`."""
    month = int(rule_in_force(key="finance.fiscal_year_start_month", on=dt.date(year, 1, 1)).value)
    start = dt.date(year, month, 1)
    return start, _add_months(start, 12) - dt.timedelta(days=1)


@transaction.atomic
def fiscal_year_open(
    *, actor: User, year: int, is_example: bool = False, check_permission: bool = True
) -> FiscalYear:
    """Open fiscal year `year` with its twelve monthly periods. Refused when it exists or
    would overlap another year."""
    if check_permission:
        require(actor, PERM)
    start, end = year_bounds(year)
    if FiscalYear.objects.filter(year=year).exists():
        raise ValidationError(
            {"year": _("The fiscal year %(year)s is already open.") % {"year": year}}
        )
    if FiscalYear.objects.filter(start__lte=end, end__gte=start).exists():
        raise ValidationError({"year": _("This fiscal year would overlap another.")})
    fiscal_year = FiscalYear(year=year, start=start, end=end, is_example=is_example)
    save_audited(
        fiscal_year, actor=actor, event="fiscal_year.opened", fields=YEAR_FIELDS, reason=""
    )
    for number in range(1, 13):
        first = _add_months(start, number - 1)
        last = dt.date(first.year, first.month, calendar.monthrange(first.year, first.month)[1])
        Period.objects.create(fiscal_year=fiscal_year, number=number, start=first, end=last)
    return fiscal_year


def _drafts_in(period: Period) -> int:
    return Entry.objects.filter(period=period, state=EntryState.DRAFT).count()


def _set_period_state(
    *, actor: User, period: Period, state: str, event: str, reason: str
) -> Period:
    before = snapshot(period, PERIOD_FIELDS)
    period.state = state
    save_audited(
        period, actor=actor, event=event, fields=PERIOD_FIELDS, before=before, reason=reason
    )
    return period


@transaction.atomic
def period_close(*, actor: User, period: Period, reason: str = "") -> Period:
    """Close an open period: refused while drafts remain in it; its revaluation is posted
    first (services.rates.revaluation_run), then nothing more is posted in it."""
    require(actor, PERM)
    period = locked(period)
    if period.state != PeriodState.OPEN:
        raise ValidationError(_("Only an open period can be closed."))
    drafts = _drafts_in(period)
    if drafts:
        raise ValidationError(
            _("The period %(period)s still has %(count)s draft entries: post or discard them.")
            % {"period": str(period), "count": drafts}
        )
    revaluation_run(actor=actor, period=period, check_permission=False)
    return _set_period_state(
        actor=actor, period=period, state=PeriodState.CLOSED, event="period.closed", reason=reason
    )


@transaction.atomic
def period_reopen(*, actor: User, period: Period, reason: str) -> Period:
    """Reopen a closed period of an open year, saying why; a locked one never reopens."""
    require(actor, PERM)
    reason = require_reason(reason)
    period = locked(period)
    if period.state != PeriodState.CLOSED:
        raise ValidationError(_("Only a closed period can be reopened; a locked one never is."))
    if FiscalYear.objects.get(pk=period.fiscal_year_id).state != PeriodState.OPEN:
        raise ValidationError(_("The fiscal year is closed: its periods cannot be reopened."))
    return _set_period_state(
        actor=actor, period=period, state=PeriodState.OPEN, event="period.reopened", reason=reason
    )


@transaction.atomic
def period_lock(*, actor: User, period: Period, reason: str = "") -> Period:
    """Lock a closed period: it never changes again."""
    require(actor, PERM)
    period = locked(period)
    if period.state != PeriodState.CLOSED:
        raise ValidationError(_("Only a closed period can be locked."))
    return _set_period_state(
        actor=actor, period=period, state=PeriodState.LOCKED, event="period.locked", reason=reason
    )


def _closing_lines(fiscal_year: FiscalYear) -> list[LineSpec]:
    """Every revenue and expense account's USD balance over the year, on the other side,
    and the net result on Accumulated surplus (USD at rate 1 on the base amounts)."""
    rows = [
        row
        for row in account_balances(start=fiscal_year.start, end=fiscal_year.end)
        if row.account_class in (AccountClass.REVENUE, AccountClass.EXPENSE) and row.balance
    ]
    if not rows:
        return []
    accounts = Account.objects.in_bulk([row.account_id for row in rows])
    lines = [
        LineSpec(
            accounts[row.account_id],
            "credit" if row.balance > 0 else "debit",
            abs(row.balance),
            BASE_CURRENCY,
            rate=Decimal(1),
        )
        for row in rows
    ]
    result = sum(row.balance for row in rows)  # debit-positive: a deficit is > 0
    surplus = Account.objects.filter(code=SURPLUS_ACCOUNT).first()
    if surplus is None:
        raise ValidationError(
            _("The chart has no account %(code)s to carry the result to.")
            % {"code": SURPLUS_ACCOUNT}
        )
    if result:
        side = "debit" if result > 0 else "credit"
        lines.append(LineSpec(surplus, side, abs(result), BASE_CURRENCY, rate=Decimal(1)))
    return lines


def _check_year_can_close(fiscal_year: FiscalYear) -> None:
    if fiscal_year.state != PeriodState.OPEN:
        raise ValidationError(_("Only an open fiscal year can be closed."))
    still_open = [str(period) for period in fiscal_year.periods.exclude(state=PeriodState.CLOSED)]
    if still_open:
        raise ValidationError(
            _("Close every period first; still open: %(periods)s.")
            % {"periods": ", ".join(still_open)}
        )
    if Entry.objects.filter(fiscal_year=fiscal_year, state=EntryState.DRAFT).exists():
        raise ValidationError(_("Drafts remain in this fiscal year: post or discard them."))


@transaction.atomic
def fiscal_year_close(*, actor: User, fiscal_year: FiscalYear, reason: str) -> FiscalYear:
    """Close a fiscal year whose periods are all closed: post the closing entry that zeroes
    every revenue and expense account into 3100 Accumulated surplus (journal CLO, the
    year's last day, source "closing"), and record it on the year."""
    require(actor, PERM)
    reason = require_reason(reason)
    fiscal_year = locked(fiscal_year)
    _check_year_can_close(fiscal_year)
    lines = _closing_lines(fiscal_year)
    before = snapshot(fiscal_year, YEAR_FIELDS)
    if lines:
        journal = Journal.objects.filter(code=CLOSING_JOURNAL).first()
        if journal is None:
            raise ValidationError(_("The closing journal CLO does not exist."))
        fiscal_year.closing_entry = entry_record(
            actor=actor,
            journal=journal,
            date=fiscal_year.end,
            description=_("Closing of fiscal year %(year)s") % {"year": fiscal_year.year},
            lines=lines,
            source_kind=SourceKind.CLOSING,
            source_reference=str(fiscal_year.year),
            reason=reason,
        )
    fiscal_year.state = PeriodState.CLOSED
    save_audited(
        fiscal_year,
        actor=actor,
        event="fiscal_year.closed",
        fields=YEAR_FIELDS,
        before=before,
        reason=reason,
    )
    return fiscal_year


@transaction.atomic
def fiscal_year_lock(*, actor: User, fiscal_year: FiscalYear, reason: str) -> FiscalYear:
    """Lock a closed fiscal year and its periods after the external audit: nothing in it
    changes after."""
    require(actor, PERM)
    reason = require_reason(reason)
    fiscal_year = locked(fiscal_year)
    if fiscal_year.state != PeriodState.CLOSED:
        raise ValidationError(_("Only a closed fiscal year can be locked."))
    for period in fiscal_year.periods.select_for_update():
        _set_period_state(
            actor=actor,
            period=period,
            state=PeriodState.LOCKED,
            event="period.locked",
            reason=reason,
        )
    before = snapshot(fiscal_year, YEAR_FIELDS)
    fiscal_year.state = PeriodState.LOCKED
    save_audited(
        fiscal_year,
        actor=actor,
        event="fiscal_year.locked",
        fields=YEAR_FIELDS,
        before=before,
        reason=reason,
    )
    return fiscal_year
