"""The eligibility report to the General Assembly: for each office, each candidate and each
requirement, the finding and the conclusion; signed off by the Secretary General and frozen;
a later change is a new, dated version (shared/domain.md: the General Secretariat "reports to
the GA whether each candidate ... meets the requirements of the Call")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from secretariat.elections.models.calls import Call
from secretariat.governance.models import Document


class EligibilityReport(models.Model):
    """One version of the report on a Call's candidates. `content` is the findings frozen at
    signing (what the PDF shows); the signed version is attached to the election item of the
    General Assembly session as a document."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed")
        SUPERSEDED = "superseded", _("Replaced by a later version")

    call = models.ForeignKey(
        Call, verbose_name=_("Call"), on_delete=models.PROTECT, related_name="reports"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.DRAFT)
    content = models.JSONField(_("content"), default=dict)
    reason = models.CharField(_("why this version"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    document = models.ForeignKey(
        Document,
        verbose_name=_("session document"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("eligibility report")
        verbose_name_plural = _("eligibility reports")
        ordering = ["call", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["call", "version"], name="report_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.call} (v{self.version})"
