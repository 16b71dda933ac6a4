"""The roles of the General Secretariat, as Django groups.

A person holds roles through group membership; object scope (a representative sees their
own institution) is decided by `rules` predicates in each app's rules.py.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SECRETARY_GENERAL = "secretary_general"
OFFICER = "officer"
FINANCE = "finance"
COMPTROLLER = "comptroller"
REPRESENTATIVE = "representative"

ROLE_LABELS = {
    SECRETARY_GENERAL: _("Secretary General"),
    OFFICER: _("Secretariat officer"),
    FINANCE: _("Finance officer"),
    COMPTROLLER: _("Comptroller"),
    REPRESENTATIVE: _("Member representative"),
}

# Roles that work inside the Secretariat: they must use a second factor (TOTP).
STAFF_ROLES = frozenset({SECRETARY_GENERAL, OFFICER, FINANCE, COMPTROLLER})
