"""What members owe: each assessment's outstanding amount is its amount less the payments
applied to it and its write-offs and exemptions, as of a date, computed in the database."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Exists, F, IntegerField, OuterRef, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from secretariat.finance.models import Adjustment, Allocation, Assessment, Entry, EntryState


def counted_allocations(on: dt.date | None = None) -> QuerySet[Allocation]:
    """The allocations that count as of `on`: of payments received on or before it and not
    reversed by then (a payment reversed later still counted on that day). All payments not
    reversed when `on` is None."""
    if on is None:
        return Allocation.objects.exclude(payment__entry__state=EntryState.REVERSED)
    reversed_by_then = Entry.objects.filter(
        reversal_of_id=OuterRef("payment__entry_id"), date__lte=on
    )
    return Allocation.objects.filter(payment__received_on__lte=on).exclude(Exists(reversed_by_then))


def with_outstanding(
    assessments: QuerySet[Assessment], *, on: dt.date | None = None
) -> QuerySet[Assessment]:
    """`assessments` annotated with `paid`, `adjusted` and `outstanding` (minor units) as of
    `on` (payments received and decisions taken on or before it; all when None). A reversed
    payment's allocations stay in the record and no longer count from the reversal's date."""
    allocations = counted_allocations(on).filter(assessment=OuterRef("pk"))
    adjustments = Adjustment.objects.filter(assessment=OuterRef("pk"))
    if on is not None:
        adjustments = adjustments.filter(decided_on__lte=on)
    paid = Subquery(
        allocations.order_by().values("assessment").annotate(total=Sum("amount")).values("total"),
        output_field=IntegerField(),
    )
    adjusted = Subquery(
        adjustments.order_by().values("assessment").annotate(total=Sum("amount")).values("total"),
        output_field=IntegerField(),
    )
    return assessments.annotate(
        paid=Coalesce(paid, Value(0)),
        adjusted=Coalesce(adjusted, Value(0)),
    ).annotate(outstanding=F("amount") - F("paid") - F("adjusted"))


def outstanding_by_member(
    *, institution_ids: Iterable[int] | None = None, on: dt.date | None = None
) -> dict[int, int]:
    """Each member's total outstanding dues as of `on` (one query)."""
    assessments = Assessment.objects.all()
    if on is not None:
        assessments = assessments.filter(issued_on__lte=on)
    if institution_ids is not None:
        assessments = assessments.filter(institution_id__in=list(institution_ids))
    totals: dict[int, int] = {}
    for assessment in with_outstanding(assessments, on=on).only("id", "institution_id", "amount"):
        outstanding = int(assessment.outstanding)  # type: ignore[attr-defined]  # annotated
        totals[assessment.institution_id] = totals.get(assessment.institution_id, 0) + outstanding
    return totals
