"""Warnings that a term is ending: one per mandate and lead time, so that the dashboard and
the e-mails say it once (rule setting `elections.term_end_warning_days`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from secretariat.governance.models import Mandate


class TermEndWarning(models.Model):
    """That the Secretariat was warned by e-mail, on a date, that a mandate's term ends."""

    mandate = models.ForeignKey(
        Mandate, verbose_name=_("mandate"), on_delete=models.PROTECT, related_name="+"
    )
    term_ends = models.DateField(_("term ends"))
    sent_at = models.DateTimeField(_("warned at"))

    class Meta:
        verbose_name = _("warning of a term's end")
        verbose_name_plural = _("warnings of terms' ends")
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["mandate", "term_ends"], name="term_end_warned_once")
        ]

    def __str__(self) -> str:
        return f"{self.mandate}: {self.term_ends}"
