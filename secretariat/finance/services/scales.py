"""The scale of contributions: set by a recorded decision of the General Assembly
(domain.md "Finance": the General Assembly "fixes and revises members' dues"), per category
or per member (a member's contribution overrides its category's), effective from a fiscal
year until the next scale."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from secretariat.core.access import require
from secretariat.core.audit import save_audited
from secretariat.core.models import User
from secretariat.finance.models import ContributionScale, ScaleRate
from secretariat.governance.models import Resolution
from secretariat.members.models import Category, Institution

PERM = "finance.manage_dues"
SCALE_FIELDS = ["effective_from_year", "currency", "resolution", "decision", "notes"]
RATE_FIELDS = ["scale", "category", "institution", "amount"]

Rate = tuple[Category | Institution, int]


def _check_scale(effective_from_year: int, decision: str, rates: Sequence[Rate]) -> None:
    errors: dict[str, str] = {}
    if not decision:
        errors["decision"] = _("Cite the General Assembly's decision that set the scale.")
    if ContributionScale.objects.filter(effective_from_year=effective_from_year).exists():
        errors["effective_from_year"] = _("A scale already takes effect in %(year)s.") % {
            "year": effective_from_year
        }
    if not rates:
        errors["rates"] = _("Give at least one contribution.")
    elif any(amount < 0 for _who, amount in rates):
        errors["rates"] = _("Amounts cannot be negative.")
    else:
        seen = [(type(who).__name__, who.pk) for who, _amount in rates]
        if len(seen) != len(set(seen)):
            errors["rates"] = _("Each category and each member appears once in a scale.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def scale_record(
    *,
    actor: User,
    effective_from_year: int,
    decision: str,
    rates: Sequence[Rate],
    resolution: Resolution | None = None,
    notes: str = "",
    is_example: bool = False,
) -> ContributionScale:
    """Record a scale of contributions from a year, with its rates per category or member."""
    require(actor, PERM)
    decision = (decision or "").strip()
    _check_scale(effective_from_year, decision, rates)
    scale = ContributionScale(
        effective_from_year=effective_from_year,
        decision=decision,
        resolution=resolution,
        notes=(notes or "").strip(),
        is_example=is_example,
        recorded_by=actor,
    )
    save_audited(scale, actor=actor, event="scale.recorded", fields=SCALE_FIELDS, reason=decision)
    for who, amount in rates:
        rate = ScaleRate(
            scale=scale,
            category=who if isinstance(who, Category) else None,
            institution=who if isinstance(who, Institution) else None,
            amount=amount,
        )
        save_audited(
            rate, actor=actor, event="scale.rate_recorded", fields=RATE_FIELDS, reason=decision
        )
    return scale
