"""Arrears of dues and the vote (domain.md "Members", [D] setting
`members.arrears.threshold_years`, default 2): a full member (its category votes) whose
dues outstanding from PAST fiscal years (due before the day) are equal to or above the dues
assessed for the N preceding full fiscal years loses its vote until this no longer holds."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Sum

from secretariat.core.access import list_for_user
from secretariat.core.selectors.rule_settings import rule_value
from secretariat.finance.models import Assessment, FiscalYear
from secretariat.finance.selectors.dues import with_outstanding
from secretariat.members.models import Institution, Membership, VotingSuspension

# Read from with_outstanding's annotation (a name the type checker cannot see).
PAST_COLUMNS: tuple[str, ...] = ("institution_id", "fiscal_year__year", "outstanding")


@dataclass(frozen=True)
class Arrears:
    """One member's position under the rule on a day (minor units of USD)."""

    institution_id: int
    outstanding: int  # from past fiscal years, due before the day
    threshold: int  # the dues of the N preceding fiscal years, each at its full-year amount
    years: int  # N
    has_vote: bool
    by_year: dict[int, int] = field(default_factory=dict)

    @property
    def in_arrears(self) -> bool:
        return self.has_vote and self.threshold > 0 and self.outstanding >= self.threshold


def current_year(on: dt.date) -> int:
    """The fiscal year `on` falls in (the calendar year when no fiscal year covers it)."""
    year = FiscalYear.objects.filter(start__lte=on, end__gte=on).values_list("year", flat=True)
    return int(year.first() or on.year)


def _thresholds(ids: list[int] | None, year: int, years: int) -> dict[int, int]:
    """Each member's dues of the `years` full fiscal years before `year`: what a full year
    is assessed at (a first year charged pro rata counts at its full-year amount, so the
    threshold is always N full years' dues), for members assessed in every one of them (a
    member admitted since has no N years yet)."""
    rows = Assessment.objects.filter(
        fiscal_year__year__gte=year - years, fiscal_year__year__lt=year
    )
    if ids is not None:
        rows = rows.filter(institution_id__in=ids)
    counted: dict[int, tuple[int, int]] = {}
    for institution_id, total, count in (
        rows.values("institution_id")
        .annotate(total=Sum("full_year_amount"), count=Count("fiscal_year", distinct=True))
        .values_list("institution_id", "total", "count")
    ):
        counted[institution_id] = (int(total or 0), int(count or 0))
    return {pk: total for pk, (total, count) in counted.items() if count >= years}


def arrears_on(*, on: dt.date, institution_ids: list[int] | None = None) -> dict[int, Arrears]:
    """Every member's arrears on `on` (or those of `institution_ids`), in four queries:
    past dues outstanding per year, the thresholds, the voting memberships, the setting."""
    years = int(rule_value("members.arrears.threshold_years", on))
    year = current_year(on)
    past = Assessment.objects.filter(fiscal_year__year__lt=year, due_on__lt=on)
    voting = Membership.objects.active_on(on).filter(category__has_vote=True)
    if institution_ids is not None:
        past = past.filter(institution_id__in=institution_ids)
        voting = voting.filter(institution_id__in=institution_ids)
    by_member: dict[int, dict[int, int]] = defaultdict(dict)
    for pk, fy, outstanding in with_outstanding(past, on=on).values_list(*PAST_COLUMNS):
        if outstanding:
            by_member[pk][fy] = by_member[pk].get(fy, 0) + int(outstanding)
    thresholds = _thresholds(institution_ids, year, years)
    voters = set(voting.values_list("institution_id", flat=True))
    ids = set(by_member) | (set(institution_ids) if institution_ids is not None else set())
    return {
        pk: Arrears(
            institution_id=pk,
            outstanding=sum(by_member[pk].values()),
            threshold=thresholds.get(pk, 0),
            years=years,
            has_vote=pk in voters,
            by_year=dict(sorted(by_member[pk].items())),
        )
        for pk in ids
    }


def arrears_of(*, institution_id: int, on: dt.date) -> Arrears:
    return arrears_on(on=on, institution_ids=[institution_id])[institution_id]


@dataclass(frozen=True)
class ArrearsRow:
    institution: Institution
    arrears: Arrears
    suspension: VotingSuspension | None


def arrears_list_for_user(*, user: Any, on: dt.date) -> list[ArrearsRow]:
    """The members with dues outstanding from past fiscal years on `on`, those that lose
    the vote first, then by name (six queries whatever the number of members)."""
    list_for_user(Institution.objects.none(), user=user, perm="finance.view_dues")
    found = arrears_on(on=on)
    institutions = Institution.objects.in_bulk(list(found))
    suspensions = {
        s.institution_id: s
        for s in VotingSuspension.objects.active_on(on).filter(institution_id__in=list(found))
    }
    rows = [
        ArrearsRow(institutions[pk], found[pk], suspensions.get(pk))
        for pk in found
        if found[pk].outstanding > 0
    ]
    return sorted(rows, key=lambda r: (not r.arrears.in_arrears, r.institution.name))
