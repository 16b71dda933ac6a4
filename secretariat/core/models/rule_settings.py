"""Dated values of the organization's rules (the registry of definitions is core.rule_settings)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class RuleSetting(models.Model):
    """A dated value of one of the organization's rules (quorum, majority, threshold...).

    The value in force on a date is the row with the latest `valid_from` not after it;
    without a row, the registered default applies and is shown as "default, to be
    confirmed". Rows are never edited: a change is a new row from a new date.
    """

    class Status(models.TextChoices):
        DEFAULT = "default", _("Default, to be confirmed")
        CONFIRMED = "confirmed", _("Confirmed")

    key = models.CharField(_("rule"), max_length=100, db_index=True)
    value = models.JSONField(_("value"))
    valid_from = models.DateField(_("valid from"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    reason = models.TextField(_("why"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rule setting")
        verbose_name_plural = _("rule settings")
        ordering = ["key", "-valid_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "valid_from"],
                name="rulesetting_one_value_per_day",
                violation_error_message=_("This rule already has a value from that date."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="confirmed") | ~models.Q(source=""),
                name="rulesetting_confirmed_needs_source",
                violation_error_message=_("A confirmed rule must cite its source."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} = {self.value} ({self.valid_from})"
