"""Audited writes: every write records who, when, what and why, in the same transaction.

`save_audited` is the one way a service saves a record: it validates it, saves it with the
reason django-simple-history keeps in the record's history, and appends the action-log row.
Action-log rows form a hash chain (each row hashes its content and the previous row's hash),
each row is sealed with a key the database does not hold, and signed checkpoints of the
chain's head are kept outside the database (decision 0010): `ChainWalk` checks all three,
for `verify_action_log`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models, transaction
from django.utils import timezone

from secretariat.core.anchoring import EMPTY_HASH, Checkpoint, Keyring, keyring
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


HISTORY_REASON_LENGTH = 100


def set_history_reason(instance: models.Model, reason: str | None) -> None:
    """Attach the reason django-simple-history records with the instance's next save.

    simple_history keeps at most 100 characters (`history_change_reason`, a varchar(100)
    that PostgreSQL enforces): a longer reason is shortened there, with an ellipsis, and
    kept whole in the action log row the same save writes."""
    text = reason or ""
    if len(text) > HISTORY_REASON_LENGTH:
        text = text[: HISTORY_REASON_LENGTH - 1] + "…"
    # simple_history reads this attribute; models do not declare it.
    setattr(instance, "_change_reason", text)  # noqa: B010


def _held_relations(instance: models.Model) -> set[str]:
    """The foreign keys whose row the instance holds as an object read from (or saved to)
    the database: validating them again would ask the database once per key; the foreign
    key constraint still refuses a row that went away meanwhile."""
    names = set()
    for field in instance._meta.concrete_fields:
        if isinstance(field, models.ForeignKey) and field.is_cached(instance):
            related = field.get_cached_value(instance)
            if (
                related is not None
                and not related._state.adding
                and getattr(related, field.target_field.attname) == getattr(instance, field.attname)
            ):
                names.add(field.name)
    return names


def validate(instance: models.Model, exclude: Collection[str] = ()) -> None:
    """`full_clean()` without the one query per held foreign key (`_held_relations`): the
    fields, the model's clean(), its unique checks and its constraints, every error
    gathered into one ValidationError as full_clean() does."""
    errors: dict[str, Any] = {}
    skipped = set(exclude)
    try:
        instance.clean_fields(exclude=skipped | _held_relations(instance))
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    try:
        instance.clean()
    except ValidationError as exc:
        errors = exc.update_error_dict(errors)
    skipped |= {name for name in errors if name != NON_FIELD_ERRORS}
    for check in (instance.validate_unique, instance.validate_constraints):
        try:
            check(exclude=skipped)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


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
    `validate()`, full_clean() less its queries for held foreign keys (skipping `exclude`, e.g. a protected FSM state; `clean=False` where the
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
        validate(instance, exclude)
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


# --- Verifying the chain ----------------------------------------------------------------------


@dataclass(frozen=True)
class ChainProblem:
    """Something wrong at one row: `problem` is its kind ("link", "content", "head", "seal",
    "unsealed", "dated"), `detail` says it in words."""

    entry_id: int
    problem: str
    detail: str = ""


def chain_rows(*, after_id: int = 0, batch_size: int = 2000) -> Iterator[ActionLog]:
    """The rows after `after_id`, in the chain's order, read in batches."""
    while True:
        rows = list(ActionLog.objects.filter(id__gt=after_id).order_by("id")[:batch_size])
        if not rows:
            return
        yield from rows
        after_id = rows[-1].id


def row_problems(row: ActionLog, prev_hash: str, ring: Keyring | None) -> list[ChainProblem]:
    """What is wrong with one row, given the hash of the row before it: its link, its content
    against its hash, and, when a keyring is given, its seal (an unsealed row is judged by
    `ChainWalk`, which knows where sealing began)."""
    found = []
    if row.prev_hash != prev_hash:
        found.append(ChainProblem(row.id, "link", "does not follow the row before it"))
    if row.compute_hash() != row.hash:
        found.append(ChainProblem(row.id, "content", "its content does not match its hash"))
    if ring is not None and row.seal:
        problem = ring.seal_problem(row.hash, row.seal)
        if problem is not None:
            found.append(ChainProblem(row.id, "seal", problem))
    return found


@dataclass
class CheckpointCheck:
    """How the log stands against one checkpoint: `problem` is empty when it holds;
    `parts_at` is the first row the checkpoint no longer vouches for."""

    checkpoint: Checkpoint
    problem: str = ""
    parts_at: int | None = None


@dataclass(frozen=True)
class ChainPosition:
    """Where a walk stands: after row `last_id` (hash `last_hash`), `rows` rows read."""

    last_id: int = 0
    last_hash: str = EMPTY_HASH
    rows: int = 0
    first_sealed: int | None = None


class ChainWalk:
    """One pass over the chain in order, checking every row (link, content, seal), the head,
    and the rows against signed checkpoints: each checkpoint's row must be there with its
    hash and its count; a row it counted must not be dated after it, and a row after it not
    before it (appends take the head's lock, and so does the checkpoint: the order of ids is
    the order of time). `walk()` again reads only the rows appended since; a walk may also
    start where another stopped (`start`)."""

    def __init__(
        self,
        *,
        ring: Keyring | None = None,
        checkpoints: Sequence[Checkpoint] = (),
        batch_size: int = 2000,
        start: ChainPosition | None = None,
    ) -> None:
        self.ring = ring if ring is not None and ring.by_id else None
        self.batch_size = batch_size
        start = start or ChainPosition()
        self.prev, self.last_id, self.rows = start.last_hash, start.last_id, start.rows
        self.first_sealed: int | None = start.first_sealed
        pinned = [c.sealed_from for c in checkpoints if c.sealed_from is not None]
        self.sealed_from = min(pinned, default=None)  # sealing began there, say the checkpoints
        self.problems: list[ChainProblem] = []
        self.checks: list[CheckpointCheck] = []
        self._pending = sorted(checkpoints, key=lambda c: (c.last_id, c.at))
        self._index = 0  # the first checkpoint whose row the walk has not reached
        # _earliest[i]: the earliest of the checkpoints from the i-th on (it counted every row
        # up to its own, so none of them may be dated after it).
        self._earliest = list(_running_min(self._pending[::-1]))[::-1]
        self._floor: Checkpoint | None = None  # the latest of the checkpoints passed
        self._held_through = 0  # the row of the last checkpoint that held
        self._first_after_held: int | None = None

    def walk(self) -> ChainWalk:
        for row in chain_rows(after_id=self.last_id, batch_size=self.batch_size):
            self._pass_checkpoints_before(row.id)
            self.rows += 1
            if self._first_after_held is None and row.id > self._held_through:
                self._first_after_held = row.id
            self.problems += row_problems(row, self.prev, self.ring)
            self._check_sealed(row)
            self._check_dated(row)
            self._reach_checkpoint(row)
            self.prev, self.last_id = row.hash, row.id
        return self

    def position(self) -> ChainPosition:
        return ChainPosition(self.last_id, self.prev, self.rows, self.first_sealed)

    def finish(self) -> ChainWalk:
        """After the last row: the checkpoints beyond the end of the log, and the head."""
        self._pass_checkpoints_before(None)
        head = ActionLogHead.objects.filter(pk=1).first()
        if head is not None and head.last_hash != self.prev:
            self.problems.append(
                ChainProblem(self.last_id, "head", "the head does not name the last row")
            )
        return self

    def parts_at(self) -> int | None:
        """The first row where the log and its checkpoints part (None: they do not). A
        checkpoint that fails says only "after the last checkpoint that held": when a row's
        own problem (a seal, a link) lies in that range, the row is the more precise answer."""
        rows = [p.entry_id + (p.problem == "head") for p in self.problems]
        bounds = [
            c.parts_at
            for c in self.checks
            if c.problem
            and c.parts_at is not None
            and not any(c.parts_at <= row <= c.checkpoint.last_id for row in rows)
        ]
        return min(rows + bounds, default=None)

    # The steps, row by row.

    def _check_sealed(self, row: ActionLog) -> None:
        if self.ring is None:
            return
        if row.seal:
            self.first_sealed = self.first_sealed or row.id
            return
        since = min(n for n in (self.first_sealed, self.sealed_from, row.id + 1) if n is not None)
        if since <= row.id:
            self.problems.append(
                ChainProblem(
                    row.id, "unsealed", f"has no seal, though rows are sealed from {since}"
                )
            )

    def _check_dated(self, row: ActionLog) -> None:
        floor = self._floor
        if floor is not None and row.created_at < floor.at:
            self.problems.append(
                ChainProblem(
                    row.id,
                    "dated",
                    f"dated {row.created_at.isoformat()}, before the checkpoint of "
                    f"{floor.at.isoformat()} that ended at row {floor.last_id}",
                )
            )
        if self._index < len(self._earliest):
            ceiling = self._earliest[self._index]
            if row.created_at > ceiling.at:
                self.problems.append(
                    ChainProblem(
                        row.id,
                        "dated",
                        f"dated {row.created_at.isoformat()}, after the checkpoint of "
                        f"{ceiling.at.isoformat()} that counted it",
                    )
                )

    def _settle(self, check: CheckpointCheck) -> None:
        self.checks.append(check)
        if self._floor is None or check.checkpoint.at > self._floor.at:
            self._floor = check.checkpoint
        if not check.problem:
            self._held_through = check.checkpoint.last_id
            self._first_after_held = None
        self._index += 1

    def _reach_checkpoint(self, row: ActionLog) -> None:
        while self._index < len(self._pending) and self._pending[self._index].last_id == row.id:
            c = self._pending[self._index]
            check = CheckpointCheck(c)
            if row.hash != c.last_hash:
                check.problem = (
                    f"row {row.id} has the hash {row.hash}, the checkpoint says {c.last_hash}"
                )
            elif self.rows != c.rows:
                check.problem = (
                    f"{self.rows} rows up to row {row.id}, the checkpoint counted {c.rows}"
                )
            check.parts_at = self._first_after_held if check.problem else None
            self._settle(check)

    def _pass_checkpoints_before(self, row_id: int | None) -> None:
        """Settle the checkpoints whose row the walk went past without meeting (the row is
        gone), or, at the end (`row_id` None), every one left."""
        while self._index < len(self._pending) and (
            row_id is None or self._pending[self._index].last_id < row_id
        ):
            c = self._pending[self._index]
            check = CheckpointCheck(c)
            if c.last_id == 0:  # taken when the log was empty: any log continues it
                if c.rows:
                    check.problem, check.parts_at = f"{c.rows} rows counted, none named", 1
            elif row_id is not None:
                check.problem = f"row {c.last_id} is missing"
                check.parts_at = self._first_after_held or self._held_through + 1
            else:
                ends = f"ends at row {self.last_id}" if self.rows else "is empty"
                check.problem = (
                    f"the log {ends} with {self.rows} rows; the checkpoint vouched for "
                    f"{c.rows} rows up to row {c.last_id}"
                )
                check.parts_at = self.last_id + 1
            self._settle(check)


def _running_min(checkpoints: Sequence[Checkpoint]) -> Iterator[Checkpoint]:
    earliest: Checkpoint | None = None
    for c in checkpoints:
        if earliest is None or c.at < earliest.at:
            earliest = c
        yield earliest


def verify_chain(batch_size: int = 2000, ring: Keyring | None = None) -> Iterator[ChainProblem]:
    """Walk the chain in order and yield every row whose hash, link or seal does not match,
    and the head when it does not name the last row (no checkpoints: see ChainWalk)."""
    walk = ChainWalk(ring=ring, batch_size=batch_size).walk().finish()
    yield from walk.problems
