"""The scales of contributions: the list, one scale with its rates, the scale in force for a
fiscal year and a member's contribution in it (a member's own overrides its category's)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Count, QuerySet

from secretariat.core.access import can, get_for_user_or_404, list_for_user, permission_for
from secretariat.finance.models import ContributionScale, ScaleRate
from secretariat.members.models import Category

SCALE_ACTIONS = {"view": "finance.view_dues", "manage": "finance.manage_dues"}
ScaleAction = Literal["view", "manage"]


def scale_list_for_user(*, user: Any) -> QuerySet[ContributionScale]:
    scales = (
        ContributionScale.objects.select_related("resolution")
        .annotate(rate_count=Count("rates"))
        .order_by("-effective_from_year")
    )
    return list_for_user(scales, user=user, perm="finance.view_dues")


def scale_get_for_user(*, user: Any, pk: int, action: ScaleAction = "view") -> ContributionScale:
    return get_for_user_or_404(
        ContributionScale.objects.select_related("resolution", "recorded_by"),
        user=user,
        perm=permission_for(SCALE_ACTIONS, action),
        pk=pk,
    )


def scale_can_manage(user: Any) -> bool:
    return can(user, "finance.manage_dues")


@dataclass(frozen=True)
class ScalePage:
    scale: ContributionScale
    by_category: list[ScaleRate]
    by_member: list[ScaleRate]
    until_year: int | None


def scale_page(*, scale: ContributionScale) -> ScalePage:
    rates = list(
        scale.rates.select_related("category", "institution").order_by(
            "category__order", "institution__name"
        )
    )
    following = (
        ContributionScale.objects.filter(effective_from_year__gt=scale.effective_from_year)
        .order_by("effective_from_year")
        .values_list("effective_from_year", flat=True)
        .first()
    )
    return ScalePage(
        scale=scale,
        by_category=[r for r in rates if r.category_id is not None],
        by_member=[r for r in rates if r.institution_id is not None],
        until_year=(following - 1) if following is not None else None,
    )


def scale_in_force(year: int) -> ContributionScale | None:
    """The scale for fiscal year `year`: the latest taking effect on or before it."""
    return (
        ContributionScale.objects.filter(effective_from_year__lte=year)
        .order_by("-effective_from_year")
        .first()
    )


def scale_rates(scale: ContributionScale) -> tuple[dict[int, ScaleRate], dict[int, ScaleRate]]:
    """The scale's rates by category id and by member id (one query)."""
    by_category: dict[int, ScaleRate] = {}
    by_member: dict[int, ScaleRate] = {}
    for rate in scale.rates.all():
        if rate.institution_id is not None:
            by_member[rate.institution_id] = rate
        elif rate.category_id is not None:
            by_category[rate.category_id] = rate
    return by_category, by_member


def rate_for(
    rates: tuple[dict[int, ScaleRate], dict[int, ScaleRate]],
    *,
    institution_id: int,
    category_id: int | None,
) -> ScaleRate | None:
    """A member's contribution: its own when the scale names it, else its category's."""
    by_category, by_member = rates
    if institution_id in by_member:
        return by_member[institution_id]
    return by_category.get(category_id) if category_id is not None else None


def category_choices() -> QuerySet[Category]:
    return Category.objects.order_by("order", "pk")
