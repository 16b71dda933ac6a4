"""Helpers every governance service uses: permission, reason, locking and the session revision."""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.db.models import F

from secretariat.core.access import require, require_reason
from secretariat.governance.models import Session

M = TypeVar("M", bound=models.Model)

__all__ = ["locked", "require", "require_reason", "touch_session", "with_reason"]


def locked(instance: M) -> M:
    """The row again, locked for update (FSM fields are protected: never refresh in place)."""
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


def touch_session(session: Session | int) -> None:
    """Bump the session's revision: every open page of the session sees a change (ETag).

    Call inside the service's transaction after any change a session page shows.
    """
    pk = session if isinstance(session, int) else session.pk
    Session.objects.filter(pk=pk).update(revision=F("revision") + 1)


def with_reason(instance: models.Model, reason: str | None) -> None:
    """Attach the reason that django-simple-history records with the next save."""
    instance._change_reason = reason or ""  # type: ignore[attr-defined]  # read by simple_history
