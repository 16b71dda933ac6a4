"""Documents built in the background (decision 0006): a PDF of a record's version, built once
by the worker, stored, and served from storage to whoever may read the record."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


def document_upload_to(instance: GeneratedDocument, filename: str) -> str:
    return f"generated/{instance.kind}/{instance.target_id}/{filename}"


class GeneratedDocument(models.Model):
    """One built document: what it is of (`kind`, the target record), in which language, of
    which version of the record; pending until the worker has built and stored it."""

    class State(models.TextChoices):
        PENDING = "pending", _("Being prepared")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Could not be prepared")

    kind = models.CharField(_("kind of document"), max_length=60)
    target_type = models.CharField(_("record type"), max_length=100)
    target_id = models.CharField(_("record id"), max_length=64)
    language = models.CharField(_("language"), max_length=5)
    version = models.CharField(_("version of the record"), max_length=64)
    file_name = models.CharField(_("file name"), max_length=200)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.PENDING
    )
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=300, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, default="application/pdf")
    size = models.PositiveIntegerField(_("size in bytes"), default=0)
    sha256 = models.CharField(_("SHA-256"), max_length=64, blank=True)
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    built_at = models.DateTimeField(_("built at"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("generated document")
        verbose_name_plural = _("generated documents")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target_type", "target_id", "language", "version"],
                name="generateddocument_one_per_version",
                violation_error_message=_("This version of the document already exists."),
            ),
        ]
        indexes = [
            models.Index(
                fields=["kind", "target_type", "target_id", "language"],
                name="generateddocument_target_idx",
            )
        ]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.language}, {self.version})"
