"""Core writes: rule settings. Every write is atomic, permission-checked and audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from secretariat.core import roles
from secretariat.core.audit import record_action
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

    Only the Secretary General and Secretariat officers change the organization's rules.
    """
    if not actor.has_role(roles.SECRETARY_GENERAL, roles.OFFICER):
        raise PermissionDenied(_("You may not change the organization's rules."))
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
    setting.full_clean()
    setting._change_reason = reason or ""  # type: ignore[attr-defined]  # read by simple_history
    setting.save()
    record_action(
        actor=actor,
        event="rule.recorded",
        target=setting,
        old={"value": before.value, "status": before.status},
        new={"value": value, "status": setting.status, "valid_from": valid_from},
        reason=reason,
    )
    return setting
