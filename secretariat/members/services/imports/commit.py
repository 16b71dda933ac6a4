"""Step three of an import, the services: preview a spreadsheet, commit it, or discard it.

An upload is read (parse.py) and checked (rows.py) and planned against the registry (plan.py) into an
`ImportBatch` in state "preview" without touching the registry; an officer reads the plan
and then commits it all-or-nothing, or discards it. A commit is refused while any row has
an error.

Choices recorded here (and tested in tests/services/test_imports.py):
- The preview writes no action-log row: a batch is a staging record, not a change to the
  registry (the batch keeps who uploaded what, when, and its checksum).
- Every commit writes exactly one `import.committed` row (its counts), even when nothing
  changed: re-importing the same file leaves the registry, its history and the action log
  unchanged except for that one summary row saying 0 changes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from secretariat.core.access import require, require_reason
from secretariat.core.audit import locked, save_audited, snapshot
from secretariat.core.models import User
from secretariat.members.models import (
    Category,
    Country,
    ImportBatch,
    Institution,
    Membership,
    Source,
)
from secretariat.members.services.imports.parse import (
    map_header,
    parse_upload,
    read_bytes,
    safe_file_name,
)
from secretariat.members.services.imports.plan import UPDATABLE_FIELDS, count_actions, plan_rows
from secretariat.members.services.imports.rows import check_rows
from secretariat.members.services.registry import (
    MEMBERSHIP_FIELDS,
    institution_create,
    institution_update,
)

PERM = "members.import_members"


def _previously_committed(checksum: str) -> dict[str, Any]:
    """The last committed batch of the same file, for the preview's warning."""
    previous = (
        ImportBatch.objects.filter(checksum=checksum, state=ImportBatch.State.COMMITTED)
        .order_by("-committed_at")
        .values("pk", "committed_at")
        .first()
    )
    return {
        "previous_batch": previous["pk"] if previous else None,
        "previous_committed_at": (
            previous["committed_at"].isoformat() if previous and previous["committed_at"] else None
        ),
    }


@transaction.atomic
def import_preview(*, actor: User, upload: UploadedFile[bytes]) -> ImportBatch:
    """Read and check a member spreadsheet into a batch to preview; the registry is not touched.

    Refuses (ValidationError) a file that is not a real .csv/.xlsx, over 2 MB, over 5,000
    rows, an XLSX expanding beyond 50 MB, or one without the name, country and source
    columns. Row problems do not refuse the file: they are listed in the batch's errors.
    """
    require(actor, PERM)
    file_name = safe_file_name(upload.name)
    data = read_bytes(upload)
    parsed = parse_upload(file_name=file_name, data=data)
    positions, ignored = map_header(parsed.header)
    rows, errors = check_rows(parsed, positions)
    errors.extend(plan_rows(rows))
    checksum = hashlib.sha256(data).hexdigest()
    summary: dict[str, Any] = {
        "format": parsed.kind,
        "encoding": parsed.encoding,
        "ignored_columns": ignored,
        "counts": count_actions(rows),
        **_previously_committed(checksum),
    }
    batch = ImportBatch(
        file_name=file_name,
        checksum=checksum,
        rows=rows,
        errors=errors,
        summary=summary,
        uploaded_by=actor,
    )
    batch.full_clean()
    batch.save()  # a staging record, not a change to the registry: no action-log row
    return batch


# --- Applying one row -------------------------------------------------------------------


def _row_reason(reason: str, batch: ImportBatch, row: Mapping[str, Any]) -> str:
    return _("%(reason)s (import of %(file)s, line %(line)s; source: %(source)s)") % {
        "reason": reason,
        "file": batch.file_name,
        "line": row["line"],
        "source": row["source"],
    }


def _membership_open_imported(
    *,
    actor: User,
    institution: Institution,
    row: Mapping[str, Any],
    category: Category | None,
    batch: ImportBatch,
    reason: str,
) -> Membership:
    """A membership recorded from the spreadsheet: no body's decision is at hand, so the
    decision names the file (services.registry.membership_open requires a real decision)."""
    membership = Membership(
        institution=institution,
        category=category,
        valid_from=dt.date.fromisoformat(row["since"]) if row["since"] else None,
        valid_from_precision=row["precision"],
        decision=f"Imported from {batch.file_name}"[:300],
        source=row["source"],
    )
    save_audited(
        membership,
        actor=actor,
        event="membership.opened",
        fields=MEMBERSHIP_FIELDS,
        reason=reason,
    )
    return membership


def _membership_complete(
    *,
    actor: User,
    membership: Membership,
    row: Mapping[str, Any],
    category: Category | None,
    reason: str,
) -> None:
    """Fill in what was recorded as unknown (category, start date) or make the date more precise."""
    membership = locked(membership)
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    if category is not None and membership.category_id is None:
        membership.category = category
    if row["since"]:
        membership.valid_from = dt.date.fromisoformat(row["since"])
        membership.valid_from_precision = row["precision"]
    save_audited(
        membership,
        actor=actor,
        event="membership.updated",
        fields=MEMBERSHIP_FIELDS,
        before=before,
        reason=reason,
    )


class _Registry:
    """What the rows of a batch are applied to, loaded once (queries do not grow with rows)."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        codes = {r["country"] for r in rows}
        self.countries = {c.code: c for c in Country.objects.filter(code__in=codes)}
        self.categories = {c.code: c for c in Category.objects.all()}
        ids = [r["institution_id"] for r in rows if r["institution_id"]]
        self.institutions = {i.pk: i for i in Institution.objects.filter(pk__in=ids)}
        self.current = {
            m.institution_id: m
            for m in Membership.objects.open_ended().filter(institution_id__in=ids)
        }


def _create_row(
    *, actor: User, batch: ImportBatch, row: Mapping[str, Any], registry: _Registry, reason: str
) -> dict[str, int]:
    """A new institution and its membership."""
    institution = institution_create(
        actor=actor,
        name=row["name"],
        country=registry.countries[row["country"]],
        acronym=row["acronym"],
        website=row["website"],
        email=row["email"],
        phone=row["phone"],
        source=row["source"],
        origin=Source.IMPORT,
        reason=reason,
    )
    category = registry.categories.get(row["category"]) if row["category"] else None
    _membership_open_imported(
        actor=actor, institution=institution, row=row, category=category, batch=batch, reason=reason
    )
    return {"institutions_created": 1, "memberships_opened": 1}


def _update_row(
    *, actor: User, batch: ImportBatch, row: Mapping[str, Any], registry: _Registry, reason: str
) -> dict[str, int]:
    """The named fields of a registered institution, and its membership opened or completed."""
    done: dict[str, int] = {}
    institution = registry.institutions[row["institution_id"]]
    category = registry.categories.get(row["category"]) if row["category"] else None
    data = {f: row[f] for f in row["changes"] if f in UPDATABLE_FIELDS}
    if data:
        institution_update(actor=actor, institution=institution, data=data, reason=reason)
        done["institutions_updated"] = 1
    if "membership" in row["changes"]:
        _membership_open_imported(
            actor=actor,
            institution=institution,
            row=row,
            category=category,
            batch=batch,
            reason=reason,
        )
        done["memberships_opened"] = 1
    elif "category" in row["changes"] or "member_since" in row["changes"]:
        _membership_complete(
            actor=actor,
            membership=registry.current[institution.pk],
            row=row,
            category=category if "category" in row["changes"] else None,
            reason=reason,
        )
        done["memberships_updated"] = 1
    return done


# --- The services -----------------------------------------------------------------------


def _locked_preview(batch: ImportBatch) -> ImportBatch:
    batch = locked(batch)
    if batch.state == ImportBatch.State.COMMITTED:
        raise ValidationError(_("This import has already been committed."), code="state")
    if batch.state == ImportBatch.State.DISCARDED:
        raise ValidationError(_("This import was discarded; upload the file again."), code="state")
    return batch


def _check_committable(batch: ImportBatch, rows: list[dict[str, Any]]) -> None:
    """No row with an error, at the preview or now (the plan is made again under lock)."""
    if batch.errors:
        raise ValidationError(
            _(
                "This import has rows with errors: correct the file and upload it again. Nothing "
                "was imported."
            ),
            code="errors",
        )
    new_errors = plan_rows(rows, lock=True)
    if new_errors:
        raise ValidationError(
            _(
                "The registry has changed since this preview and %(count)s rows now conflict "
                "with it; upload the file again to see them. Nothing was imported."
            )
            % {"count": len({e["line"] for e in new_errors})},
            code="stale",
        )


def _apply_rows(
    *, actor: User, batch: ImportBatch, rows: list[dict[str, Any]], reason: str
) -> dict[str, int]:
    """Every row that creates or updates, in order; the counts of what was done."""
    registry = _Registry(rows)
    result = dict.fromkeys(
        (
            "institutions_created",
            "institutions_updated",
            "memberships_opened",
            "memberships_updated",
        ),
        0,
    )
    for row in rows:
        apply = {"create": _create_row, "update": _update_row}.get(row["action"])
        if apply is None:
            continue
        done = apply(
            actor=actor,
            batch=batch,
            row=row,
            registry=registry,
            reason=_row_reason(reason, batch, row),
        )
        for key, value in done.items():
            result[key] += value
    return result


@transaction.atomic
def import_commit(*, actor: User, batch: ImportBatch, reason: str | None) -> ImportBatch:
    """Apply a previewed batch to the registry, all or nothing, with the officer's reason.

    Refused while any row has an error. The plan is made again against the registry as it
    is now (it may have changed since the preview); a row that became a problem refuses
    the whole commit. Writes through services.registry.institution_create/_update;
    memberships are opened with the file named as their decision. One `import.committed`
    row sums it up.
    """
    require(actor, PERM)
    reason_text = require_reason(reason)
    batch = _locked_preview(batch)
    rows: list[dict[str, Any]] = batch.rows
    _check_committable(batch, rows)
    result = _apply_rows(actor=actor, batch=batch, rows=rows, reason=reason_text)
    counts = count_actions(rows)
    result["unchanged"] = counts["unchanged"]
    result["changes"] = counts["create"] + counts["update"]
    batch.rows = rows
    batch.state = ImportBatch.State.COMMITTED
    batch.committed_at = timezone.now()
    batch.summary = {**batch.summary, "counts": counts, "result": result}
    save_audited(
        batch,
        actor=actor,
        event="import.committed",
        new={"file_name": batch.file_name, "checksum": batch.checksum, **result},
        reason=reason_text,
    )
    return batch


@transaction.atomic
def import_discard(*, actor: User, batch: ImportBatch, reason: str | None = None) -> ImportBatch:
    """Set a previewed batch aside; nothing reaches the registry. Kept for the record."""
    require(actor, PERM)
    batch = _locked_preview(batch)
    batch.state = ImportBatch.State.DISCARDED
    save_audited(
        batch,
        actor=actor,
        event="import.discarded",
        old={"state": ImportBatch.State.PREVIEW},
        new={"state": batch.state},
        reason=reason,
    )
    return batch
