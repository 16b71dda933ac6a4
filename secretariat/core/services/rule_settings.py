"""Core writes: rule settings. Every write is atomic, permission-checked and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from secretariat.core.access import require
from secretariat.core.audit import save_audited
from secretariat.core.models import RuleSetting, User
from secretariat.core.rule_settings import get_definition
from secretariat.core.selectors.rule_settings import rule_in_force


@transaction.atomic
def rule_setting_record(
    *,
    actor: User,
    key: str,
    raw_value: Any,
    valid_from: dt.date,
    confirmed: bool,
    legal_basis: str,
    source: str,
    reason: str | None = None,
) -> RuleSetting:
    """Record the value of a rule from a date (confirmed with a citation, or a new default).

    Only the Secretary General and Secretariat officers change the organization's rules
    (`core.change_rules`). A rule marked [D] in shared/domain.md stays "default, to be
    confirmed" until recorded confirmed, with its source.
    """
    require(actor, "core.change_rules")
    definition = get_definition(key)
    try:
        value = definition.clean(raw_value)
    except ValueError as exc:
        raise ValidationError({"value": str(exc)}) from exc
    if confirmed and not source.strip():
        raise ValidationError({"source": _("A confirmed rule must cite its source.")})
    before = rule_in_force(key=key, on=valid_from)
    setting = RuleSetting(
        key=key,
        value=value,
        valid_from=valid_from,
        status=RuleSetting.Status.CONFIRMED if confirmed else RuleSetting.Status.DEFAULT,
        legal_basis=legal_basis.strip(),
        source=source.strip(),
        reason=(reason or "").strip(),
        recorded_by=actor,
    )
    save_audited(
        setting,
        actor=actor,
        event="rule.recorded",
        old={"value": before.value, "status": before.status},
        new={"value": value, "status": setting.status, "valid_from": valid_from},
        reason=reason,
    )
    return setting
