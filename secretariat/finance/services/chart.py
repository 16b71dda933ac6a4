"""The chart of accounts, edited by the Secretariat.

Rules (design.md "Finance ledger", decision 0016): an account's class follows IPSAS and
its normal side is the class's unless it is a contra account; an account that has lines
never changes class; an account is never deleted, it is closed (`is_active`) and takes no
more entries; a header account (`is_postable` false) only groups others. Every change says
why.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from secretariat.core.access import require, require_reason
from secretariat.core.audit import locked, save_audited, snapshot
from secretariat.core.languages import CONTENT_LANGUAGES
from secretariat.core.models import User
from secretariat.finance.models import Account, Line

PERM = "finance.manage_ledger"
EDITABLE = [
    "parent",
    "account_class",
    "normal_side",
    "is_postable",
    "statement_line",
    "cash_flow",
    "is_cash",
    "is_receivable",
    "currency",
    *[f"name_{lang}" for lang in CONTENT_LANGUAGES],
]
ACCOUNT_FIELDS = ["code", *EDITABLE, "is_active"]


def _apply(account: Account, data: Mapping[str, Any]) -> None:
    for name in EDITABLE:
        if name in data:
            value = data[name]
            setattr(account, name, "" if value is None and name != "parent" else value)


def _check(account: Account, *, has_lines: bool, old_class: str | None) -> None:
    if not str(getattr(account, "name_es", "") or "").strip():
        raise ValidationError({"name_es": _("Give the account its name in Spanish.")})
    parent = account.parent
    if parent is not None:
        if parent.is_postable:
            raise ValidationError({"parent": _("The parent must be a header account.")})
        if parent.account_class != account.account_class:
            raise ValidationError({"parent": _("The parent must be of the same class.")})
        ancestor: Account | None = parent
        while ancestor is not None:
            if ancestor.pk == account.pk and account.pk is not None:
                raise ValidationError({"parent": _("An account cannot be its own ancestor.")})
            ancestor = ancestor.parent
    if has_lines and old_class is not None and old_class != account.account_class:
        raise ValidationError(
            {"account_class": _("This account has entries: its class cannot change.")}
        )
    if has_lines and not account.is_postable:
        raise ValidationError(
            {"is_postable": _("This account has entries: it cannot become a header.")}
        )


@transaction.atomic
def account_create(*, actor: User, data: Mapping[str, Any], reason: str) -> Account:
    """Add an account to the chart, saying why."""
    require(actor, PERM)
    reason = require_reason(reason)
    code = str(data.get("code") or "").strip()
    if not code:
        raise ValidationError({"code": _("Give the account a code.")})
    if Account.objects.filter(code=code).exists():
        raise ValidationError({"code": _("An account with this code already exists.")})
    account = Account(code=code)
    _apply(account, data)
    _check(account, has_lines=False, old_class=None)
    save_audited(
        account, actor=actor, event="account.created", fields=ACCOUNT_FIELDS, reason=reason
    )
    return account


@transaction.atomic
def account_update(
    *, actor: User, account: Account, data: Mapping[str, Any], reason: str
) -> Account:
    """Change an account (not its code): an account with lines keeps its class."""
    require(actor, PERM)
    reason = require_reason(reason)
    account = locked(account)
    old_class = account.account_class
    before = snapshot(account, ACCOUNT_FIELDS)
    _apply(account, data)
    _check(account, has_lines=Line.objects.filter(account=account).exists(), old_class=old_class)
    save_audited(
        account,
        actor=actor,
        event="account.updated",
        fields=ACCOUNT_FIELDS,
        before=before,
        reason=reason,
    )
    return account


@transaction.atomic
def account_close(*, actor: User, account: Account, reason: str) -> Account:
    """Close an account: it stays in the chart with its lines and takes no more entries."""
    require(actor, PERM)
    reason = require_reason(reason)
    account = locked(account)
    if not account.is_active:
        raise ValidationError(_("This account is already closed."))
    before = snapshot(account, ACCOUNT_FIELDS)
    account.is_active = False
    save_audited(
        account,
        actor=actor,
        event="account.closed",
        fields=ACCOUNT_FIELDS,
        before=before,
        reason=reason,
    )
    return account
