"""The financial statements the General Assembly receives (IPSAS 1 and 2) for a year or a
three-year period, with comparatives and notes: built from the ledger by the worker,
frozen when approved, filed with the Assembly's session documents; and the Comptroller's
samples of entries."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class StatementSet(models.Model):
    """The four statements (financial position, financial performance, changes in net
    assets, cash flow) for `first_year`..`last_year` (one year, or the three-year period),
    with the comparative period before it.

    draft (figures read live from the ledger) → approved (the figures frozen in `frozen`,
    the PDFs and the XLSX built from them, never again from the ledger)."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")

    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.DRAFT)
    notes = models.TextField(_("notes to the statements"), blank=True)
    frozen = models.JSONField(_("frozen figures"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    agenda_item = models.ForeignKey(
        "governance.AgendaItem",
        verbose_name=_("filed on the agenda item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="financial_statements",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    is_example = models.BooleanField(_("example data"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("financial statements")
        verbose_name_plural = _("financial statements")
        ordering = ["-last_year", "-first_year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_year__gte=models.F("first_year")),
                name="statement_set_years_in_order",
                violation_error_message=_("The last year cannot come before the first."),
            ),
            models.UniqueConstraint(
                fields=["first_year", "last_year"],
                name="statement_set_one_per_period",
                violation_error_message=_("Statements for these years already exist."),
            ),
        ]

    def __str__(self) -> str:
        if self.first_year == self.last_year:
            return str(self.first_year)
        return f"{self.first_year}–{self.last_year}"


class AuditSample(models.Model):
    """A sample of posted entries drawn by the Comptroller: the seed and the population are
    recorded so that anyone can draw the same sample again."""

    fiscal_year = models.ForeignKey(
        "finance.FiscalYear",
        verbose_name=_("fiscal year"),
        on_delete=models.PROTECT,
        related_name="audit_samples",
    )
    size = models.PositiveIntegerField(_("size"))
    seed = models.CharField(_("seed"), max_length=64)
    minimum_amount = models.BigIntegerField(_("from amount (USD)"), default=0)
    population = models.PositiveIntegerField(_("entries in the population"))
    entry_ids = models.JSONField(_("entries drawn"))
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drawn by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    drawn_at = models.DateTimeField(_("drawn at"), auto_now_add=True)

    class Meta:
        verbose_name = _("audit sample")
        verbose_name_plural = _("audit samples")
        ordering = ["-drawn_at"]

    def __str__(self) -> str:
        return f"{self.fiscal_year} ({self.size})"
