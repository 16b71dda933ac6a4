"""Form-facing wrappers of the ledger's writes: a manual entry typed on the entry form.

The rules are those of finance.services.ledger (balanced per currency and in USD, an open
period, a postable and open account in its currency); this module only turns the form's
lines into `LineSpec`s.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction

from secretariat.core.models import User
from secretariat.finance.models import Entry, SourceKind
from secretariat.finance.services.ledger import LineSpec, entry_draft


def _pk(value: Any) -> int | None:
    return value.pk if value is not None else None


def line_specs(rows: Iterable[Mapping[str, Any]]) -> list[LineSpec]:
    """The filled lines of the form (an empty extra line is skipped)."""
    return [
        LineSpec(
            account=row["account"],
            side=row["side"],
            amount=row["amount"],
            currency=row["currency"],
            rate=row.get("rate"),
            description=(row.get("description") or "").strip(),
            fund_id=_pk(row.get("fund")),
            programme_id=_pk(row.get("programme")),
            organ_id=_pk(row.get("organ")),
            member_id=_pk(row.get("member")),
        )
        for row in rows
        if row and row.get("account") is not None
    ]


@transaction.atomic
def manual_entry_draft(
    *, actor: User, data: Mapping[str, Any], lines: Iterable[Mapping[str, Any]]
) -> Entry:
    """Draft a manual entry from the entry form (permission finance.manage_ledger, checked
    by `entry_draft`)."""
    return entry_draft(
        actor=actor,
        journal=data["journal"],
        date=data["date"],
        description=data["description"],
        lines=line_specs(lines),
        source_kind=SourceKind.MANUAL,
        source_reference=(data.get("source_reference") or "").strip(),
    )
