"""Reads of the action log: the whole log, filtered, newest first; one record's history."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import QuerySet

from secretariat.core.access import list_for_user
from secretariat.core.models import ActionLog


def action_log_list(
    *, target_type: str | None = None, target_id: str | None = None, event: str | None = None
) -> QuerySet[ActionLog]:
    qs = ActionLog.objects.select_related("actor").order_by("-id")
    if target_type:
        qs = qs.filter(target_type=target_type)
    if target_id:
        qs = qs.filter(target_id=target_id)
    if event:
        qs = qs.filter(event__startswith=event)
    return qs


def action_log_list_for_user(*, user: Any, event: str | None = None) -> QuerySet[ActionLog]:
    """The action log for those who audit it (the Secretary General, the Comptroller, officers)."""
    return list_for_user(action_log_list(event=event), user=user, perm="core.view_action_log")


def record_history(*, target: models.Model, limit: int = 50) -> list[ActionLog]:
    """The action-log rows about one record, newest first (its page's "History")."""
    return list(
        action_log_list(target_type=target._meta.label_lower, target_id=str(target.pk))[:limit]
    )
