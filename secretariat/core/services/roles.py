"""Granting and revoking roles (issue #9, "Doors"): the only way to make someone an officer.

Only the Secretary General grants and revokes (`core.manage_roles`), with a reason, in one
transaction with its action-log row. Granting a staff role makes the person staff: at their
next request they are asked to set up, or enter, their second factor (core.middleware). The
organization always keeps one Secretary General: the last one cannot give the role up.
"""

from __future__ import annotations

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from secretariat.core import roles
from secretariat.core.access import require, require_reason
from secretariat.core.audit import record_action
from secretariat.core.models import User

MANAGE_ROLES = "core.manage_roles"


def _role_group(role: str) -> Group:
    if role not in roles.ROLE_LABELS:
        raise ValidationError({"role": _("Choose one of the roles.")})
    group, _created = Group.objects.select_for_update().get_or_create(name=role)
    return group


def _held(user: User) -> list[str]:
    return sorted(user.groups.filter(name__in=roles.ROLE_LABELS).values_list("name", flat=True))


@transaction.atomic
def role_grant(*, actor: User, user: User, role: str, reason: str | None) -> list[str]:
    """Give `user` the role `role`; returns the roles they now hold."""
    require(actor, MANAGE_ROLES)
    text = require_reason(reason)
    group = _role_group(role)
    before = _held(user)
    if role in before:
        raise ValidationError({"role": _("This person already holds that role.")})
    if not user.is_active:
        raise ValidationError(_("This account is disabled: it cannot be given a role."))
    user.groups.add(group)
    user.forget("roles")
    after = _held(user)
    record_action(
        actor=actor,
        event="role.granted",
        target=user,
        old={"roles": before},
        new={"roles": after, "granted": role},
        reason=text,
    )
    return after


@transaction.atomic
def role_revoke(*, actor: User, user: User, role: str, reason: str | None) -> list[str]:
    """Take the role `role` from `user`; returns the roles they still hold."""
    require(actor, MANAGE_ROLES)
    text = require_reason(reason)
    group = _role_group(role)  # locked: two revocations of the last ones queue here
    before = _held(user)
    if role not in before:
        raise ValidationError({"role": _("This person does not hold that role.")})
    if role == roles.SECRETARY_GENERAL and not (
        group.user_set.filter(is_active=True).exclude(pk=user.pk).exists()
    ):
        raise ValidationError(
            {
                "role": _(
                    "The organization must keep one Secretary General: grant the role to "
                    "someone else first."
                )
            }
        )
    user.groups.remove(group)
    user.forget("roles")
    after = _held(user)
    record_action(
        actor=actor,
        event="role.revoked",
        target=user,
        old={"roles": before},
        new={"roles": after, "revoked": role},
        reason=text,
    )
    return after
