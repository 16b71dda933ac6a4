"""Uploaded member spreadsheets, kept for preview and committed all-or-nothing."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportBatch(models.Model):
    """An uploaded member spreadsheet: parsed rows kept for preview, committed all-or-nothing."""

    class State(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        COMMITTED = "committed", _("Committed")
        DISCARDED = "discarded", _("Discarded")

    file_name = models.CharField(_("file name"), max_length=255)
    checksum = models.CharField(_("checksum"), max_length=64)
    rows = models.JSONField(_("rows"))
    errors = models.JSONField(_("errors"), default=list, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PREVIEW
    )
    summary = models.JSONField(_("summary"), default=dict)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name
