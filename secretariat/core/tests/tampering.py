"""What someone with write access to the database does to the action log, behind the
application's back (the issue's five moves): rows changed, added or removed without
`record_action`, hashes recomputed, the head moved. `with_key` plays a server administrator
who also holds the signing key and seals what they write."""

from __future__ import annotations

import datetime as dt

from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

from secretariat.core.anchoring import EMPTY_HASH, keyring
from secretariat.core.models import ActionLog, ActionLogHead


def rows() -> list[ActionLog]:
    return list(ActionLog.objects.order_by("id"))


def set_head(last_hash: str) -> None:
    ActionLogHead.objects.update_or_create(pk=1, defaults={"last_hash": last_hash})


def rehash_from(row_id: int, *, with_key: bool = False) -> None:
    """Recompute the link and hash of every row from `row_id` on, and the head, so that the
    chain is consistent again; `with_key` re-seals them too."""
    previous = ActionLog.objects.filter(id__lt=row_id).order_by("-id").first()
    prev = previous.hash if previous is not None else EMPTY_HASH
    for row in ActionLog.objects.filter(id__gte=row_id).order_by("id"):
        row.prev_hash = prev
        row.hash = row.compute_hash()
        fields = {"prev_hash": row.prev_hash, "hash": row.hash}
        if with_key:
            fields["seal"] = keyring().seal(row.hash)
        ActionLog.objects.filter(pk=row.pk).update(**fields)
        prev = row.hash
    set_head(prev)


def append_forged(
    *, event: str = "request.approved", at: dt.datetime | None = None, with_key: bool = False
) -> ActionLog:
    """A row nobody's action wrote, with a correct link and hash, and the head moved to it."""
    last = ActionLog.objects.order_by("-id").first()
    row = ActionLog(
        created_at=at or timezone.now(),
        actor_label="sg@example.org",
        event=event,
        target_type="members.membershiprequest",
        target_id="999",
        target_label="A request nobody approved",
        new_values={"state": "approved"},
        reason="forged",
        prev_hash=last.hash if last is not None else EMPTY_HASH,
    )
    row.hash = row.compute_hash()
    row.seal = keyring().seal(row.hash) if with_key else ""
    with transaction.atomic():
        ActionLog.objects.bulk_create([row])
        set_head(row.hash)
    return ActionLog.objects.get(hash=row.hash)


def delete_from(row_id: int) -> None:
    """Delete the rows from `row_id` on and roll the head back to the row before."""
    ActionLog.objects.filter(id__gte=row_id).delete()
    last = ActionLog.objects.order_by("-id").first()
    set_head(last.hash if last is not None else EMPTY_HASH)


def wipe() -> None:
    ActionLog.objects.all().delete()
    ActionLogHead.objects.all().delete()


def backup() -> tuple[list[ActionLog], str]:
    head = ActionLogHead.objects.get(pk=1)
    return rows(), head.last_hash


def restore(saved: tuple[list[ActionLog], str]) -> None:
    """Put an older backup back, with the id sequence as the backup had it (as pg_restore or
    a copied SQLite file would): new rows then take the ids after the backup's last."""
    saved_rows, head = saved
    wipe()
    ActionLog.objects.bulk_create(saved_rows)
    set_head(head)
    last_id = saved_rows[-1].id if saved_rows else 0
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = %s WHERE name = %s",
                [last_id, ActionLog._meta.db_table],
            )
        else:
            for sql in connection.ops.sequence_reset_sql(no_style(), [ActionLog]):
                cursor.execute(sql)
