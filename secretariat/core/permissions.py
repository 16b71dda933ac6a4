"""Who may do what across the site: role predicates (roles are Django groups, core.roles)
and the core permissions. Object-scoped predicates live in each app's permissions.py."""

from __future__ import annotations

from typing import Any

import rules

from secretariat.core import roles


def _has(*names: str) -> rules.Predicate:
    @rules.predicate
    def check(user: Any) -> bool:  # rules passes any user object, anonymous included
        return bool(user and user.is_authenticated and user.has_role(*names))

    return check


is_secretary_general = _has(roles.SECRETARY_GENERAL)
is_officer = _has(roles.OFFICER)
is_finance = _has(roles.FINANCE)
is_comptroller = _has(roles.COMPTROLLER)
is_representative = _has(roles.REPRESENTATIVE)
is_staff_member = _has(*roles.STAFF_ROLES)
# Those who read everything: the Secretary General, the Comptroller and the officers.
reads_everything = is_secretary_general | is_comptroller | is_officer | is_finance
manages_records = is_secretary_general | is_officer


def register_permissions() -> None:
    """Called from the app's AppConfig.ready."""
    rules.set_perm("core.view_action_log", is_secretary_general | is_comptroller | is_officer)
    rules.set_perm("core.view_rules", is_staff_member)
    rules.set_perm("core.change_rules", manages_records)
    rules.set_perm("core.view_dashboard", rules.is_authenticated)
    rules.set_perm("core.view_outbox", is_secretary_general | is_comptroller | is_officer)
    rules.set_perm("core.manage_outbox", manages_records)
    # Granting and revoking roles (core.services.roles): the Secretary General alone.
    rules.set_perm("core.manage_roles", is_secretary_general)
