"""Core reads: the rule in force on a date, the action log."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from secretariat.core.models import ActionLog, RuleSetting
from secretariat.core.rulebook import REGISTRY, RuleDefinition, get_definition


@dataclass(frozen=True)
class RuleInForce:
    definition: RuleDefinition
    value: Any
    status: str
    valid_from: dt.date | None
    legal_basis: str
    source: str
    setting_id: int | None

    @property
    def key(self) -> str:
        return self.definition.key

    @property
    def confirmed(self) -> bool:
        return self.status == RuleSetting.Status.CONFIRMED

    @property
    def display_value(self) -> str:
        return self.definition.display(self.value)


def _from_row(definition: RuleDefinition, row: RuleSetting | None) -> RuleInForce:
    if row is None:
        return RuleInForce(
            definition=definition,
            value=definition.default,
            status=RuleSetting.Status.DEFAULT,
            valid_from=None,
            legal_basis=str(definition.basis),
            source="shared/domain.md [D]",
            setting_id=None,
        )
    return RuleInForce(
        definition=definition,
        value=row.value,
        status=row.status,
        valid_from=row.valid_from,
        legal_basis=row.legal_basis,
        source=row.source,
        setting_id=row.id,
    )


def rule_in_force(*, key: str, on: dt.date | None = None) -> RuleInForce:
    """The value of a rule on a date: the latest setting from on or before it, else the default."""
    definition = get_definition(key)
    day = on or timezone.localdate()
    row = (
        RuleSetting.objects.filter(key=key, valid_from__lte=day)
        .order_by("-valid_from", "-id")
        .first()
    )
    return _from_row(definition, row)


def rule_value(key: str, on: dt.date | None = None) -> Any:
    return rule_in_force(key=key, on=on).value


def rules_in_force(*, on: dt.date | None = None) -> list[RuleInForce]:
    """Every registered rule on a date, in one query."""
    day = on or timezone.localdate()
    latest: dict[str, RuleSetting] = {}
    for row in RuleSetting.objects.filter(valid_from__lte=day).order_by(
        "key", "-valid_from", "-id"
    ):
        latest.setdefault(row.key, row)
    return [_from_row(d, latest.get(k)) for k, d in sorted(REGISTRY.items())]


def rule_history(*, key: str) -> QuerySet[RuleSetting]:
    return (
        RuleSetting.objects.filter(key=key)
        .select_related("recorded_by")
        .order_by("-valid_from", "-id")
    )


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
