"""The action log: one row per audited action, hash-chained (decision 0003), each row sealed
with a key kept outside the database and the chain's head checkpointed outside it (0010)."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ActionLog(models.Model):
    """One audited action: who did what to which record, when and why; hash-chained."""

    created_at = models.DateTimeField(_("when"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("who"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
    )
    actor_label = models.CharField(_("who (as recorded)"), max_length=254, blank=True)
    event = models.CharField(_("event"), max_length=80, db_index=True)
    target_type = models.CharField(_("record type"), max_length=100, db_index=True)
    target_id = models.CharField(_("record id"), max_length=64, db_index=True)
    target_label = models.CharField(_("record"), max_length=300, blank=True)
    old_values = models.JSONField(_("old values"), default=dict, blank=True)
    new_values = models.JSONField(_("new values"), default=dict, blank=True)
    reason = models.TextField(_("why"), blank=True)
    request_id = models.CharField(_("request"), max_length=64, blank=True, db_index=True)
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)
    # "<key id>:<HMAC of the hash>" (core.anchoring); empty when no key was configured.
    seal = models.CharField(_("seal"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("action log entry")
        verbose_name_plural = _("action log")
        ordering = ["-id"]
        indexes = [
            models.Index(fields=["target_type", "target_id", "-id"], name="actionlog_target_idx")
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.event} {self.target_label}"

    def compute_hash(self) -> str:
        payload = {
            "prev": self.prev_hash,
            "at": self.created_at.isoformat(),
            "actor": self.actor_id,
            "actor_label": self.actor_label,
            "event": self.event,
            "type": self.target_type,
            "id": self.target_id,
            "label": self.target_label,
            "old": self.old_values,
            "new": self.new_values,
            "reason": self.reason,
        }
        if self.request_id:  # rows written before the field hash as they always did
            payload["request"] = self.request_id
        data = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


class ActionLogHead(models.Model):
    """The single row holding the latest hash; locked to serialize appends to the chain."""

    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("action log head")

    def __str__(self) -> str:
        return self.last_hash
