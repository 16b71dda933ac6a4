"""The checks every service runs first: permission on the server, and a reason for the record."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from secretariat.core.models import User


def require(actor: User | None, perm: str, obj: Any = None) -> None:
    """Raise PermissionDenied (translated) unless the actor has the permission."""
    if actor is None or not actor.is_authenticated or not actor.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def require_reason(reason: str | None, field: str = "reason") -> str:
    """The reason, stripped; a translated error on `field` when it is empty."""
    text = (reason or "").strip()
    if not text:
        raise ValidationError({field: _("Say why: the reason is recorded with the change.")})
    return text
