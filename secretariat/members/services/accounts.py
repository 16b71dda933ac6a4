"""Writes that tie a representation to a person's account (and the staff forms that need them).

- `representative_link_account`: link (or unlink) a representation to an existing account;
  a linked account joins the `representative` group so the member portal opens for it;
- `representative_add_with_account` / `representative_change`: one atomic call for the staff
  representative form (record or correct the representation, then link the account).

The representation itself is written by `services.registry`; this module adds the account
link and its audit row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from secretariat.core import roles
from secretariat.core.access import require
from secretariat.core.audit import locked, save_audited
from secretariat.core.models import User
from secretariat.members.models import Institution, Representative
from secretariat.members.services.registry import (
    MANAGE,
    representative_add,
    representative_update,
)


def _check_account(user: User) -> None:
    if not user.is_active:
        raise ValidationError({"user": _("This account is disabled.")})
    if user.has_role(*roles.STAFF_ROLES):
        # A Secretariat account must not also act for a member: it would see the portal
        # with staff rights. The representative needs an account of their own.
        raise ValidationError(
            {
                "user": _(
                    "This account belongs to Secretariat staff; "
                    "the representative needs an account of their own."
                )
            }
        )


def _grant_representative_role(user: User) -> bool:
    """Put the account in the `representative` group; whether it was not there yet."""
    group, _created = Group.objects.get_or_create(name=roles.REPRESENTATIVE)
    if user.groups.filter(pk=group.pk).exists():
        return False
    user.groups.add(group)
    user.forget("roles")  # the remembered roles are stale now
    return True


@transaction.atomic
def representative_link_account(
    *, actor: User, representative: Representative, user: User | None, reason: str | None = None
) -> Representative:
    """Link a representation to an existing account (or unlink it with `user=None`).

    A linked account is put in the `representative` group, so the person can see their
    institution and propose corrections. Unlinking leaves the account's roles alone: the
    person may represent another institution, and roles are an account matter.
    """
    require(actor, MANAGE)
    rep = locked(representative)
    new_id = user.pk if user is not None else None
    if user is not None:
        _check_account(user)
    role_granted = _grant_representative_role(user) if user is not None else False
    if rep.user_id == new_id and not role_granted:
        return rep
    old_id = rep.user_id
    rep.user = user
    save_audited(
        rep,
        actor=actor,
        event="representative.account_linked"
        if user is not None
        else "representative.account_unlinked",
        old={"user": old_id},
        new={
            "user": new_id,
            "account": user.email if user is not None else None,
            "role_granted": role_granted,
        },
        reason=reason,
    )
    return rep


@transaction.atomic
def representative_add_with_account(
    *,
    actor: User,
    institution: Institution,
    full_name: str,
    role: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    title: str = "",
    email: str = "",
    phone: str = "",
    account: User | None = None,
    reason: str | None = None,
) -> Representative:
    """Record a representative and, when an account is given, link it (two audit rows)."""
    require(actor, MANAGE)
    rep = representative_add(
        actor=actor,
        institution=institution,
        full_name=full_name,
        role=role,
        valid_from=valid_from,
        valid_to=valid_to,
        title=title,
        email=email,
        phone=phone,
        reason=reason,
    )
    if account is not None:
        rep = representative_link_account(
            actor=actor, representative=rep, user=account, reason=reason
        )
    return rep


@transaction.atomic
def representative_change(
    *,
    actor: User,
    representative: Representative,
    data: Mapping[str, Any],
    account: User | None,
    reason: str | None,
) -> Representative:
    """Correct a representation or end it (set `valid_to`), and link or unlink its account."""
    require(actor, MANAGE)
    fields = {k: v for k, v in data.items() if k != "user"}
    # representative_update checks the one-head rule.
    rep = representative_update(
        actor=actor, representative=representative, data=fields, reason=reason
    )
    new_id = account.pk if account is not None else None
    if rep.user_id != new_id or account is not None:
        rep = representative_link_account(
            actor=actor, representative=rep, user=account, reason=reason
        )
    return rep
