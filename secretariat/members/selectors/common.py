"""What the registry's pages offer the user (the buttons of a list page)."""

from __future__ import annotations

from dataclasses import dataclass

from secretariat.core.access import can
from secretariat.core.models import User


@dataclass(frozen=True)
class RegistryOffers:
    """What a staff page of the registry offers the user beyond reading it."""

    can_manage: bool  # register institutions, record requests, decide (members.manage_registry)
    can_manage_standing: bool  # suspend and restore the right to vote


def registry_offers(*, user: User) -> RegistryOffers:
    return RegistryOffers(
        can_manage=can(user, "members.manage_registry"),
        can_manage_standing=can(user, "members.manage_standing"),
    )
