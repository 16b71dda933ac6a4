"""Memberships: an institution in a category from a date to a date (exclusive).

History is never rewritten: a category change closes one membership and opens another,
and nothing is deleted (PROTECT everywhere, no delete in any service).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from secretariat.core.models import InForce, ValidityQuerySet
from secretariat.members.models.categories import Category
from secretariat.members.models.common import DatePrecision
from secretariat.members.models.institutions import Institution


class MembershipQuerySet(ValidityQuerySet["Membership"]):
    """A membership whose start is unknown counts as in force on any date before its end:
    the record says so (`valid_from` empty) and pages show "since: unknown"."""


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
        _("member since"), null=True, blank=True, help_text=_("Empty when not known.")
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
