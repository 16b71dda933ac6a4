"""Core records: people and accounts, the action log (hash-chained) and dated rule settings."""

from __future__ import annotations

import hashlib
import json
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class AccountManager(UserManager["User"]):
    """Users are identified by e-mail; the username mirrors it."""

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> User:  # type: ignore[override]  # e-mail first
        extra.setdefault("username", email.lower())
        return super().create_user(email=email.lower(), password=password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> User:  # type: ignore[override]  # e-mail first
        extra.setdefault("username", email.lower())
        return super().create_superuser(email=email.lower(), password=password, **extra)


class User(AbstractUser):
    """A person with an account; may hold roles and represent a member institution."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=5, choices=settings.LANGUAGES, default="es"
    )

    REQUIRED_FIELDS = ["email"]
    objects: ClassVar[AccountManager] = AccountManager()  # type: ignore[assignment]  # e-mail-first manager

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.full_name or self.email

    def has_role(self, *roles: str) -> bool:
        if not self.is_authenticated:
            return False
        names = getattr(self, "_role_names", None)
        if names is None:
            names = set(self.groups.values_list("name", flat=True))
            self._role_names = names
        return bool(names.intersection(roles))


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
    prev_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64, unique=True)

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
        data = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()


class RuleSetting(models.Model):
    """A dated value of one of the organization's rules (quorum, majority, threshold...).

    The value in force on a date is the row with the latest `valid_from` not after it;
    without a row, the rulebook's default applies and is shown as "default, to be
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


class ActionLogHead(models.Model):
    """The single row holding the latest hash; locked to serialize appends to the chain."""

    last_hash = models.CharField(max_length=64, default="0" * 64)

    class Meta:
        verbose_name = _("action log head")

    def __str__(self) -> str:
        return self.last_hash
