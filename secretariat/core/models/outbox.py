"""The outbox: every e-mail the site sends is recorded first, then sent by the worker, tried
again when it fails, and kept with what happened to it (decision 0006)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EmailDelivery(models.Model):
    """One e-mail to one or more addresses: queued, being sent, then sent or, after its last
    try, failed."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Being sent")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    created_at = models.DateTimeField(_("queued at"), auto_now_add=True, db_index=True)
    purpose = models.CharField(_("purpose"), max_length=80, db_index=True)
    target_type = models.CharField(_("record type"), max_length=100, blank=True)
    target_id = models.CharField(_("record id"), max_length=64, blank=True)
    target_label = models.CharField(_("record"), max_length=300, blank=True)
    to = models.JSONField(_("to"), default=list)
    reply_to = models.JSONField(_("reply to"), default=list, blank=True)
    from_email = models.CharField(_("from"), max_length=254)
    subject = models.CharField(_("subject"), max_length=300)
    body = models.TextField(_("text"))
    # [{"name": "session.ics", "content": "BEGIN:VCALENDAR…", "mimetype": "text/calendar"}]
    attachments = models.JSONField(_("attachments"), default=list, blank=True)
    language = models.CharField(_("language"), max_length=5, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.QUEUED, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("sending since"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="emaildelivery_target_idx")
        ]

    def __str__(self) -> str:
        return f"{self.subject} → {', '.join(self.to)}"
