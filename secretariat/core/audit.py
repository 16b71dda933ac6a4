"""Audited writes: every write records who, when, what and why, in the same transaction.

`save_audited` is the one way a service saves a record: it validates it, saves it with the
reason django-simple-history keeps in the record's history, and appends the action-log row.
Action-log rows form a hash chain (each row hashes its content and the previous row's hash),
so a row edited or removed behind the application's back is detected by `verify_action_log`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from secretariat.core.anchoring import keyring
from secretariat.core.models import ActionLog, ActionLogHead, User
from secretariat.core.request_id import current_request_id

M = TypeVar("M", bound=models.Model)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def snapshot(instance: models.Model, fields: list[str]) -> dict[str, Any]:
    """The named fields of an instance, as JSON-able values (FKs by id)."""
    data: dict[str, Any] = {}
    for name in fields:
        field = instance._meta.get_field(name)
        attname = getattr(field, "attname", name)
        data[name] = _jsonable(getattr(instance, attname))
    return data


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys whose value changed, as (old, new)."""
    keys = [k for k in new if old.get(k) != new.get(k)]
    return {k: old.get(k) for k in keys}, {k: new[k] for k in keys}


def record_action(
    *,
    actor: User | None,
    event: str,
    target: models.Model,
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> ActionLog:
    """Append one row to the action log; must run inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_action must run inside a transaction")
    head, _created = ActionLogHead.objects.select_for_update().get_or_create(pk=1)
    entry = ActionLog(
        created_at=timezone.now(),
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_label=(actor.email if actor is not None and actor.is_authenticated else "system"),
        event=event,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_label=str(target)[:300],
        old_values=_jsonable(dict(old or {})),
        new_values=_jsonable(dict(new or {})),
        reason=reason or "",
        request_id=current_request_id(),
        prev_hash=head.last_hash,
    )
    entry.hash = entry.compute_hash()
    entry.seal = keyring().seal(entry.hash)
    entry.save()
    head.last_hash = entry.hash
    head.save(update_fields=["last_hash"])
    return entry


def set_history_reason(instance: models.Model, reason: str | None) -> None:
    """Attach the reason django-simple-history records with the instance's next save."""
    # simple_history reads this attribute; models do not declare it.
    setattr(instance, "_change_reason", reason or "")  # noqa: B010


def locked(instance: M) -> M:
    """The row again, read under `SELECT … FOR UPDATE` inside the caller's transaction.

    FSM state fields are protected, so a row is never refreshed in place: use the returned
    object from here on.
    """
    return type(instance)._default_manager.select_for_update().get(pk=instance.pk)


def save_audited(
    instance: models.Model,
    *,
    actor: User | None,
    event: str,
    reason: str | None = None,
    fields: Sequence[str] = (),
    before: Mapping[str, Any] | None = None,
    old: Mapping[str, Any] | None = None,
    new: Mapping[str, Any] | Callable[[], Mapping[str, Any]] | None = None,
    exclude: Collection[str] = (),
    clean: bool = True,
    log_on: models.Model | None = None,
) -> bool:
    """Validate, save and audit one record, inside the caller's transaction.

    The permission must already have been checked (core.access.require). Steps:
    `full_clean()` (skipping `exclude`, e.g. a protected FSM state; `clean=False` where the
    service has just validated the row itself), the history reason, the save, and one
    action-log row, about `log_on` when the row's history is read on the record it belongs
    to (a comment on the minutes, an answer in a roll-call), else about the row itself.

    What the row records:
    - `old`/`new` when given (`new` may be a function, called after the save, when the
      values name the new row's id);
    - else, with `before` (a `snapshot` of `fields` taken before the change), only the fields
      that changed; when none did, nothing is saved or logged and False is returned;
    - else the `fields` as saved (a creation).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("save_audited must run inside a transaction")
    if clean:
        instance.full_clean(exclude=list(exclude) or None)
    if old is None and new is None and before is not None:
        old, new = diff(before, snapshot(instance, list(fields)))
        if not new:
            return False
    set_history_reason(instance, reason)
    instance.save()
    if callable(new):
        new = new()
    elif new is None and old is None:
        new = snapshot(instance, list(fields))
    record_action(
        actor=actor, event=event, target=log_on or instance, old=old, new=new, reason=reason
    )
    return True


@dataclass(frozen=True)
class ChainProblem:
    entry_id: int
    problem: str


def verify_chain(batch_size: int = 2000) -> Iterator[ChainProblem]:
    """Walk the chain in order and yield every row whose hash or link does not match."""
    prev = "0" * 64
    last_id = 0
    while True:
        rows = list(ActionLog.objects.filter(id__gt=last_id).order_by("id")[:batch_size])
        if not rows:
            break
        for row in rows:
            if row.prev_hash != prev:
                yield ChainProblem(row.id, "link")
            if row.compute_hash() != row.hash:
                yield ChainProblem(row.id, "content")
            prev = row.hash
            last_id = row.id
    head = ActionLogHead.objects.filter(pk=1).first()
    if head is not None and head.last_hash != prev:
        yield ChainProblem(last_id, "head")
