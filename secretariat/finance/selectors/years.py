"""Reads of fiscal years and their periods: each year with its twelve periods, their states
and the drafts still in them, and what the user may do."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Count, Max, Q, QuerySet

from secretariat.core.access import can, get_for_user_or_404, list_for_user, permission_for
from secretariat.finance.models import FiscalYear, Period, PeriodState

VIEW = "finance.view_ledger"
CLOSE = "finance.close_periods"
YearAction = Literal["view", "close"]
YEAR_ACTIONS = {"view": VIEW, "close": CLOSE}


def year_get_for_user(*, user: Any, pk: int, action: YearAction = "view") -> FiscalYear:
    return get_for_user_or_404(
        FiscalYear.objects.all(), user=user, perm=permission_for(YEAR_ACTIONS, action), pk=pk
    )


def period_get_for_user(*, user: Any, pk: int, action: YearAction = "view") -> Period:
    return get_for_user_or_404(
        Period.objects.select_related("fiscal_year"),
        user=user,
        perm=permission_for(YEAR_ACTIONS, action),
        pk=pk,
    )


def year_list_for_user(*, user: Any) -> QuerySet[FiscalYear]:
    return list_for_user(
        FiscalYear.objects.select_related("closing_entry__journal").order_by("-year"),
        user=user,
        perm=VIEW,
    )


@dataclass(frozen=True)
class PeriodRow:
    period: Period
    drafts: int
    entries: int


@dataclass(frozen=True)
class YearRow:
    year: FiscalYear
    periods: list[PeriodRow]
    can_close: bool
    can_lock: bool


def year_rows(*, user: Any, years: list[FiscalYear]) -> list[YearRow]:
    """The years of a page with their periods (one query) and what the user may do."""
    periods = (
        Period.objects.filter(fiscal_year__in=years)
        .select_related("fiscal_year")
        .annotate(
            drafts=Count("entries", filter=Q(entries__state="draft")),
            posted=Count("entries", filter=Q(entries__state__in=["posted", "reversed"])),
        )
        .order_by("start")
    )
    by_year: dict[int, list[PeriodRow]] = {}
    for period in periods:
        by_year.setdefault(period.fiscal_year_id, []).append(
            PeriodRow(period, period.drafts, period.posted)
        )
    close = can(user, CLOSE)
    rows = []
    for year in years:
        its = by_year.get(year.pk, [])
        all_closed = bool(its) and all(p.period.state == PeriodState.CLOSED for p in its)
        rows.append(
            YearRow(
                year=year,
                periods=its,
                can_close=close and year.state == PeriodState.OPEN and all_closed,
                can_lock=close and year.state == PeriodState.CLOSED,
            )
        )
    return rows


def next_year(today: dt.date) -> int:
    """The year to open next: the one after the latest, or this calendar year."""
    latest = FiscalYear.objects.aggregate(latest=Max("year"))["latest"]
    return int(latest) + 1 if latest else today.year


def can_close_periods(user: Any) -> bool:
    return can(user, CLOSE)
