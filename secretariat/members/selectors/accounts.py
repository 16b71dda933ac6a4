"""Reads of user accounts for the registry: the account a representative may be linked to."""

from __future__ import annotations

from secretariat.core.models import User


def account_find_by_email(*, email: str) -> User | None:
    """The active account with this e-mail (case-insensitive), or None."""
    email = (email or "").strip()
    if not email:
        return None
    return User.objects.filter(email__iexact=email, is_active=True).first()
