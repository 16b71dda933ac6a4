"""Memberships: an institution in a category from a date to a date (exclusive).

History is never rewritten: a category change closes one membership and opens another,
and nothing is deleted (PROTECT everywhere, no delete in any service).

"Member since" is not the start of the membership row in force: a change of category ends
one row the day the next starts, and the member stays a member. It is the start of the
first row of the unbroken run of rows that reaches the one in force (`run_start`, and the
`with_member_since` annotation). A real gap (the membership ended, and the institution was
admitted again later) starts a new run: admission is a new decision of the body (domain.md,
"Members": the General Assembly decides affiliation and disaffiliation). A run whose first
row's start is unknown has an unknown "member since".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Self

from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from secretariat.core.models import InForce, ValidityQuerySet
from secretariat.members.models.categories import Category
from secretariat.members.models.common import DatePrecision
from secretariat.members.models.institutions import Institution


class MembershipQuerySet(ValidityQuerySet["Membership"]):
    """A membership whose start is unknown counts as in force on any date before its end:
    the record says so (`valid_from` empty) and pages show "since: unknown"."""

    def with_member_since(self) -> Self:
        """Each row annotated with `member_since` and `member_since_precision`: the start of
        the first row of its unbroken run (module docstring), None when unknown.

        The run's first row is the latest row of the institution starting on or before this
        one that no other row ends on the day it starts (a row of unknown start is placed
        by its end). Two subqueries per row, whatever the number of rows."""
        starts_run = ~Exists(
            Membership.objects.filter(
                institution=OuterRef("institution"), valid_to=OuterRef("valid_from")
            )
        )
        placed = Coalesce(F("valid_from"), F("valid_to"))
        first = (
            Membership.objects.filter(institution=OuterRef("institution"))
            .alias(placed=placed)
            .filter(starts_run, placed__lte=OuterRef("valid_from"))
            .order_by(placed.desc())
        )
        return self.annotate(
            member_since=Subquery(first.values("valid_from")[:1]),
            member_since_precision=Subquery(first.values("valid_from_precision")[:1]),
        )


class Membership(InForce, models.Model):
    """An institution's membership in one category, from a date to a date (exclusive)."""

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text=_("Empty when the category is not yet known."),
    )
    valid_from = models.DateField(
        _("in this category since"),
        null=True,
        blank=True,
        help_text=_(
            'Empty when not known. A change of category starts a new row; "member since" '
            "is the start of the first row of the unbroken run."
        ),
    )
    valid_from_precision = models.CharField(
        _("precision of the start date"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    valid_to = models.DateField(
        _("member until"),
        null=True,
        blank=True,
        help_text=_("Exclusive: the first day no longer a member."),
    )
    decision = models.CharField(
        _("decision"),
        max_length=300,
        blank=True,
        help_text=_("The body's decision that admitted the member, e.g. a resolution."),
    )
    end_decision = models.CharField(_("decision that ended it"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    # Set by MembershipQuerySet.with_member_since (not columns).
    member_since: dt.date | None
    member_since_precision: str | None

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["institution", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution"],
                condition=Q(valid_to__isnull=True),
                name="membership_one_open_per_institution",
                violation_error_message=_("This institution already has a membership in force."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="membership_ends_after_start",
                violation_error_message=_("A membership must end after it starts."),
            ),
        ]
        indexes = [models.Index(fields=["valid_to", "category"], name="membership_open_cat_idx")]

    def __str__(self) -> str:
        return f"{self.institution} — {self.category or '?'}"


def run_start(membership: Membership, memberships: Iterable[Membership]) -> Membership:
    """The first row of the unbroken run `membership` belongs to, from an institution's rows
    already in memory (no query): its start is the member's "member since" (module
    docstring); the same rule as `MembershipQuerySet.with_member_since`."""
    by_end = {m.valid_to: m for m in memberships if m.valid_to is not None}
    start, seen = membership, {membership.pk}
    while start.valid_from is not None and start.valid_from in by_end:
        earlier = by_end[start.valid_from]
        if earlier.pk in seen:
            break
        start = earlier
        seen.add(earlier.pk)
    return start
