"""What the Secretariat sees of the dues (issue #12 "What each side sees"): the aging of
what members owe, the collection rates by fiscal year and by member, and the reminders it
has scheduled.

Every figure is summed in the database, grouped by member and fiscal year, from the same
three tables `selectors.dues.with_outstanding` reads (assessments, the allocations of
payments, write-offs and exemptions), so a page costs the same few queries however many
members and years there are. Amounts are minor units of the assessment currency ([D] USD).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext as _

from secretariat.core.access import can, get_for_user_or_404, list_for_user, permission_for
from secretariat.core.money import format_share
from secretariat.finance.models import Adjustment, Assessment, FiscalYear, Reminder
from secretariat.finance.selectors.dues import counted_allocations
from secretariat.members.models import VotingSuspension

VIEW = "finance.view_dues"
MANAGE = "finance.manage_dues"

# --- Shared sums --------------------------------------------------------------------------

Key = tuple[int, int]  # (institution id, fiscal year)


def _assessed(on: dt.date | None, year: int | None = None) -> dict[Key, int]:
    rows = Assessment.objects.all()
    if on is not None:
        rows = rows.filter(issued_on__lte=on)
    if year is not None:
        rows = rows.filter(fiscal_year__year=year)
    grouped = rows.values_list("institution_id", "fiscal_year__year").annotate(t=Sum("amount"))
    return {(i, y): int(t) for i, y, t in grouped.order_by()}


def _collected(on: dt.date | None, year: int | None = None) -> dict[Key, int]:
    rows = counted_allocations(on)
    if on is not None:
        rows = rows.filter(assessment__issued_on__lte=on)
    if year is not None:
        rows = rows.filter(assessment__fiscal_year__year=year)
    grouped = rows.values_list(
        "assessment__institution_id", "assessment__fiscal_year__year"
    ).annotate(t=Sum("amount"))
    return {(i, y): int(t) for i, y, t in grouped.order_by()}


def _adjusted(on: dt.date | None, year: int | None = None) -> dict[tuple[int, int, str], int]:
    rows = Adjustment.objects.all()
    if on is not None:
        rows = rows.filter(decided_on__lte=on, assessment__issued_on__lte=on)
    if year is not None:
        rows = rows.filter(assessment__fiscal_year__year=year)
    grouped = rows.values_list(
        "assessment__institution_id", "assessment__fiscal_year__year", "kind"
    ).annotate(t=Sum("amount"))
    return {(i, y, k): int(t) for i, y, k, t in grouped.order_by()}


def _rate(part: int, whole: int) -> Decimal:
    if not whole:
        return Decimal(0)
    return (Decimal(100) * part / whole).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _names(ids: set[int]) -> dict[int, tuple[str, str]]:
    from secretariat.members.models import Institution

    rows = Institution.objects.filter(pk__in=sorted(ids)).values_list("pk", "name", "acronym")
    return {pk: (name, acronym) for pk, name, acronym in rows}


# --- Aging --------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgingRow:
    institution_id: int
    name: str
    acronym: str
    current: int
    one_year: int
    two_years: int
    older: int
    total: int
    vote_suspended: bool


@dataclass(frozen=True)
class AgingReport:
    on: dt.date
    year: int
    rows: list[AgingRow]
    totals: AgingRow


def _year_of(on: dt.date) -> int:
    year = FiscalYear.objects.filter(start__lte=on, end__gte=on).values_list("year", flat=True)
    return next(iter(year), on.year)


def _buckets(on: dt.date, year: int) -> dict[int, list[int]]:
    """Per member: outstanding of the current year, 1 year, 2 years and 3+ years past due."""
    assessed = _assessed(on)
    collected = _collected(on)
    adjusted: dict[Key, int] = defaultdict(int)
    for (inst, fy, _kind), amount in _adjusted(on).items():
        adjusted[(inst, fy)] += amount
    buckets: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for (inst, fy), amount in assessed.items():
        left = amount - collected.get((inst, fy), 0) - adjusted[(inst, fy)]
        if left:
            buckets[inst][min(max(year - fy, 0), 3)] += left
    return buckets


def aging_report(*, on: dt.date) -> AgingReport:
    """Each member owing dues on `on`, its debt split by age (the fiscal year of `on`, one,
    two, three or more years before), largest first, with the members whose right to vote
    is suspended for arrears on that day marked (members.VotingSuspension, origin arrears).
    Six queries."""
    year = _year_of(on)
    buckets = {k: v for k, v in _buckets(on, year).items() if sum(v)}
    names = _names(set(buckets))
    suspended = set(
        VotingSuspension.objects.active_on(on)
        .filter(origin=VotingSuspension.Origin.ARREARS, institution_id__in=sorted(buckets))
        .values_list("institution_id", flat=True)
    )
    rows = [
        AgingRow(
            institution_id=inst,
            name=names.get(inst, ("", ""))[0],
            acronym=names.get(inst, ("", ""))[1],
            current=b[0],
            one_year=b[1],
            two_years=b[2],
            older=b[3],
            total=sum(b),
            vote_suspended=inst in suspended,
        )
        for inst, b in buckets.items()
    ]
    rows.sort(key=lambda r: (-r.total, r.name))
    sums = [sum(getattr(r, f) for r in rows) for f in ("current", "one_year", "two_years", "older")]
    totals = AgingRow(
        institution_id=0,
        name=_("Total"),
        acronym="",
        current=sums[0],
        one_year=sums[1],
        two_years=sums[2],
        older=sums[3],
        total=sum(sums),
        vote_suspended=False,
    )
    return AgingReport(on=on, year=year, rows=rows, totals=totals)


# --- Collection rates ---------------------------------------------------------------------


@dataclass(frozen=True)
class CollectionRow:
    key: int  # the fiscal year, or the member's id
    label: str
    assessed: int
    collected: int
    written_off: int
    exempted: int
    outstanding: int
    rate: Decimal  # collected / assessed, in per cent
    rate_text: str


@dataclass(frozen=True)
class ChartBar:
    year: int
    x: int
    y: int
    width: int
    height: int
    label_x: int
    rate_text: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    baseline: int
    bars: list[ChartBar]


def _collection_row(
    key: int, label: str, assessed: int, collected: int, written_off: int, exempted: int
) -> CollectionRow:
    return CollectionRow(
        key=key,
        label=label,
        assessed=assessed,
        collected=collected,
        written_off=written_off,
        exempted=exempted,
        outstanding=assessed - collected - written_off - exempted,
        rate=_rate(collected, assessed),
        rate_text=format_share(collected, assessed),
    )


def _grouped(on: dt.date | None, year: int | None, by: int) -> list[CollectionRow]:
    """Sums grouped by fiscal year (by=1) or by member (by=0). Three queries."""
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for key, amount in _assessed(on, year).items():
        totals[key[by]][0] += amount
    for key, amount in _collected(on, year).items():
        totals[key[by]][1] += amount
    for (inst, fy, kind), amount in _adjusted(on, year).items():
        totals[(inst, fy)[by]][2 if kind == Adjustment.Kind.WRITE_OFF else 3] += amount
    return [_collection_row(k, str(k), *v) for k, v in totals.items()]


def collection_by_year(*, on: dt.date | None = None) -> list[CollectionRow]:
    """Per fiscal year, most recent first: assessed, collected (payments applied to that
    year's dues), written off, exempted, outstanding and the collection rate (collected
    over assessed). Three queries."""
    return sorted(_grouped(on, None, 1), key=lambda r: -r.key)


def collection_by_member(*, year: int, on: dt.date | None = None) -> list[CollectionRow]:
    """The same per member for one fiscal year, by name. Four queries."""
    rows = _grouped(on, year, 0)
    names = _names({r.key for r in rows})
    named = [CollectionRow(**{**r.__dict__, "label": names.get(r.key, ("", ""))[0]}) for r in rows]
    return sorted(named, key=lambda r: r.label)


def collection_total(rows: list[CollectionRow]) -> CollectionRow:
    sums = [sum(getattr(r, f) for r in rows) for f in ("assessed", "collected")]
    written_off = sum(r.written_off for r in rows)
    exempted = sum(r.exempted for r in rows)
    return _collection_row(0, _("Total"), sums[0], sums[1], written_off, exempted)


def collection_chart(rows: list[CollectionRow], *, height: int = 200) -> Chart:
    """Bars of the collection rate per fiscal year, oldest on the left (0–100 %; a rate
    above 100 % is drawn at the top). Geometry only: the template draws it."""
    bar, gap, left, top = 28, 12, 40, 10
    ordered = sorted(rows, key=lambda r: r.key)
    bars = []
    for index, row in enumerate(ordered):
        h = int(min(row.rate, Decimal(100)) * height / 100)
        x = left + index * (bar + gap)
        bars.append(ChartBar(row.key, x, top + height - h, bar, h, x + bar // 2, row.rate_text))
    width = left + len(ordered) * (bar + gap) + gap
    return Chart(width=max(width, 200), height=top + height + 30, baseline=top + height, bars=bars)


def collection_years() -> list[int]:
    """The fiscal years with assessments, most recent first (the choice of a year)."""
    years = Assessment.objects.values_list("fiscal_year__year", flat=True).distinct()
    return sorted(set(years), reverse=True)


# --- Reminders ----------------------------------------------------------------------------

ReminderState = Literal["scheduled", "sent", "cancelled"]
REMINDER_ACTIONS: dict[str, str | None] = {"view": VIEW, "manage": MANAGE}


def reminder_list_for_user(*, user: Any, state: str = "") -> QuerySet[Reminder]:
    """The reminders the Secretariat scheduled, by date (the latest first), optionally
    only those scheduled (pending), sent or cancelled."""
    rows = Reminder.objects.select_related("institution", "created_by").order_by(
        "-scheduled_for", "-id"
    )
    if state == "scheduled":
        rows = rows.filter(sent_at__isnull=True, cancelled=False)
    elif state == "sent":
        rows = rows.filter(sent_at__isnull=False)
    elif state == "cancelled":
        rows = rows.filter(cancelled=True)
    return list_for_user(rows, user=user, perm=VIEW)


def reminder_list_can_manage(user: Any) -> bool:
    return can(user, MANAGE)


def reminder_get_for_user(
    *, user: Any, pk: int, action: Literal["view", "manage"] = "view"
) -> Reminder:
    queryset = Reminder.objects.select_related("institution")
    perm = permission_for(REMINDER_ACTIONS, action)
    return get_for_user_or_404(queryset, user=user, perm=perm, pk=pk)


def reminder_state(reminder: Reminder) -> ReminderState:
    if reminder.cancelled:
        return "cancelled"
    if reminder.sent_at is not None:
        return "sent"
    return "scheduled"


def members_owing(*, on: dt.date) -> list[tuple[int, str, int]]:
    """(id, name, outstanding) of each member owing dues on `on`, by name: the choice of
    members to remind. Two queries."""
    from secretariat.finance.selectors.dues import outstanding_by_member

    owing = {k: v for k, v in outstanding_by_member(on=on).items() if v > 0}
    names = _names(set(owing))
    return sorted(((k, names.get(k, ("", ""))[0], v) for k, v in owing.items()), key=lambda r: r[1])


def institutions_by_ids(ids: set[int]) -> list[Any]:
    """The members chosen on the reminders' form, by name."""
    from secretariat.members.models import Institution

    return list(Institution.objects.filter(pk__in=sorted(ids)).order_by("name"))
