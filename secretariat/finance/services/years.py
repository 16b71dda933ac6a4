"""Fiscal years and their periods: opened, closed and locked.

Rules: [D] the fiscal year is the calendar year (setting `finance.fiscal_year_start_month`,
domain.md "Finance"); a year has twelve monthly periods; entries go only into open periods.
"""

from __future__ import annotations

import calendar
import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from secretariat.core.access import require
from secretariat.core.audit import save_audited
from secretariat.core.models import User
from secretariat.core.selectors.rule_settings import rule_in_force
from secretariat.finance.models import FiscalYear, Period

PERM = "finance.close_periods"
YEAR_FIELDS = ["year", "start", "end", "state", "is_example"]


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
