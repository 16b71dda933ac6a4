"""The organization's rules in force on a date, with their status and source."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from secretariat.core.access import can, permission_for
from secretariat.core.models import RuleSetting, User
from secretariat.core.rule_settings import REGISTRY, RuleDefinition, get_definition


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


def unconfirmed_rules_count(*, on: dt.date | None = None) -> int:
    """How many registered rules are still defaults, to be confirmed by the Secretariat."""
    return sum(1 for rule in rules_in_force(on=on) if not rule.confirmed)


RULE_ACTIONS = {"view": "core.view_rules", "change": "core.change_rules"}


def rule_list_for_user(
    *, user: User | AnonymousUser, on: dt.date | None = None
) -> list[RuleInForce]:
    """Every rule in force (staff who read the rules)."""
    if not can(user, RULE_ACTIONS["view"]):
        raise PermissionDenied(_("You do not have permission to do this."))
    return rules_in_force(on=on)


def rule_get_for_user(*, user: User | AnonymousUser, key: str, action: str = "view") -> RuleInForce:
    """One rule in force today; 404 for a key nobody registered. The rules are no secret to
    staff, so a refused change is a 403."""
    if key not in REGISTRY:
        raise Http404
    perm = permission_for(RULE_ACTIONS, action)
    if perm is not None and not can(user, perm):
        raise PermissionDenied(_("You do not have permission to do this."))
    return rule_in_force(key=key)
