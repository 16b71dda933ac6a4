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


BOOTSTRAP_REASON = "First Secretary General account (manage.py create_secretary_general)"


@transaction.atomic
def secretary_general_bootstrap(
    *, email: str, full_name: str, password: str, force: bool = False, reason: str | None = None
) -> User:
    """The first Secretary General's account, made from the server's command line
    (`manage.py create_secretary_general`), recorded in the action log as done by the system.

    Refused while an active Secretary General exists, unless `force` with a reason (the
    only one has lost access); an existing account with that e-mail is then given the role
    (and the new password). The password passes the site's validators. The account is staff:
    at its first login it is sent to set up its second factor.
    """
    from allauth.account.models import EmailAddress
    from django.contrib.auth.password_validation import validate_password

    address = User.objects.normalize_email(email).strip().lower()
    name = full_name.strip()
    if not address or "@" not in address:
        raise ValidationError({"email": _("Enter a valid e-mail address.")})
    if not name:
        raise ValidationError({"full_name": _("Enter the person's full name.")})
    group, _created = Group.objects.select_for_update().get_or_create(name=roles.SECRETARY_GENERAL)
    existing = group.user_set.filter(is_active=True).order_by("pk").first()
    text = (reason or "").strip()
    if existing is not None and not force:
        raise ValidationError(
            _("A Secretary General already exists (%(email)s).") % {"email": existing.email}
        )
    if force and not text:
        raise ValidationError({"reason": _("Say why: the reason is recorded with the change.")})
    user = User.objects.filter(email__iexact=address).first()
    if user is not None and not force:
        raise ValidationError({"email": _("An account with this e-mail already exists.")})
    candidate = user or User(email=address, username=address, full_name=name)
    validate_password(password, user=candidate)
    before = _held(user) if user is not None else []
    if user is None:
        user = User.objects.create_user(email=address, password=password, full_name=name)
    else:
        user.set_password(password)
        user.full_name = name
        user.is_active = True
        user.save(update_fields=["password", "full_name", "is_active"])
    user.groups.add(group)
    user.forget("roles")
    EmailAddress.objects.update_or_create(
        user=user, email=address, defaults={"verified": True, "primary": True}
    )
    record_action(
        actor=None,
        event="role.bootstrapped",
        target=user,
        old={"roles": before},
        new={"roles": _held(user), "granted": roles.SECRETARY_GENERAL, "forced": force},
        reason=text or BOOTSTRAP_REASON,
    )
    return user
