"""Role predicates shared by every app (object-scoped predicates live in each app)."""

from __future__ import annotations

import rules

from secretariat.core import roles


def _has(*names: str) -> rules.Predicate:
    @rules.predicate
    def check(user) -> bool:  # type: ignore[no-untyped-def]  # rules passes any user object
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

rules.add_perm("core.view_action_log", is_secretary_general | is_comptroller | is_officer)
rules.add_perm("core.view_rules", is_staff_member)
rules.add_perm("core.change_rules", manages_records)
rules.add_perm("core.view_dashboard", rules.is_authenticated)
