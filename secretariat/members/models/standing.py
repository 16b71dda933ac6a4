"""A member's standing: the periods its right to vote is suspended."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from secretariat.core.models import InForce, ValidityQuerySet
from secretariat.members.models.institutions import Institution


class VotingSuspensionQuerySet(ValidityQuerySet["VotingSuspension"]):
    """Suspensions by date: the standing in force on a quorum's or a vote's day is `active_on(day)`."""


class VotingSuspension(InForce, models.Model):
    """A member's right to vote suspended for a period (its voice is kept).

    Recorded by the Secretariat today; the finance module will record the suspensions that
    follow from arrears through the same service (`origin` says which). Every quorum and vote
    reads the standing in force on its date. Lifting a suspension sets `valid_to`.
    """

    class Origin(models.TextChoices):
        SECRETARIAT = "secretariat", _("Recorded by the Secretariat")
        ARREARS = "arrears", _("Arrears of dues")

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="voting_suspensions",
    )
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True, help_text=_("Exclusive."))
    reason = models.TextField(_("reason"))
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    origin = models.CharField(
        _("origin"), max_length=20, choices=Origin.choices, default=Origin.SECRETARIAT
    )
    lift_reason = models.TextField(_("reason for lifting"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = VotingSuspensionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suspension of the right to vote")
        verbose_name_plural = _("suspensions of the right to vote")
        ordering = ["institution", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="suspension_ends_after_start",
                violation_error_message=_("A suspension must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution}: {self.valid_from}–{self.valid_to or ''}"
