"""What the pages of every part share: the history of one record (a request, a correction),
and what the registry's pages offer the user (the buttons of a list page).

(`record_history` is a candidate for core, beside `core.selectors.action_log`.)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from secretariat.core.access import can
from secretariat.core.models import ActionLog, User
from secretariat.core.selectors.action_log import action_log_list


def record_history(*, target: models.Model, limit: int = 50) -> list[ActionLog]:
    """The action-log rows about one record, newest first."""
    return list(
        action_log_list(target_type=target._meta.label_lower, target_id=str(target.pk))[:limit]
    )


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
