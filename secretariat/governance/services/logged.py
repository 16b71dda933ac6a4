"""Saving a row whose action-log entry belongs to another record.

A comment on minutes, an erratum, a roll-call answer are rows of their own, but their
history is read on the record they belong to (the minutes' page shows its comments and
errata; a vote's log shows each answer): `core.audit.save_audited` logs on the row it saves,
so these use the same steps with the log's target named. (Suggested to core: a `target=`
argument to `save_audited`.)
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.db import models, transaction

from secretariat.core.audit import record_action, set_history_reason
from secretariat.core.models import User


def save_logged_on(
    instance: models.Model,
    *,
    target: models.Model,
    actor: User | None,
    event: str,
    new: Mapping[str, Any] | Callable[[], Mapping[str, Any]],
    old: Mapping[str, Any] | None = None,
    reason: str | None = None,
    clean: bool = True,
) -> None:
    """`save_audited`'s steps (clean, history reason, save, one log row) with the log row
    on `target`; inside the caller's transaction. `new` may be a function, called after the
    save (a new row's values name its id)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("save_logged_on must run inside a transaction")
    if clean:
        instance.full_clean()
    set_history_reason(instance, reason)
    instance.save()
    values = new() if callable(new) else new
    record_action(actor=actor, event=event, target=target, old=old, new=values, reason=reason)
