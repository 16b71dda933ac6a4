"""Who may do what with elections.

- The Secretariat (Secretary General, officers) drafts Calls, records paper nominations,
  reviews nominations, prepares the eligibility report and runs the ballot; only the
  Secretary General signs the report off.
- Finance officers and the Comptroller read everything, change nothing here.
- A full member's representative submits, corrects and withdraws its own nominations and
  sees only them until the Secretariat publishes the list of candidates.
- Everyone sees published Calls, the published list of candidates and the authorities.
"""

from __future__ import annotations

import rules

from secretariat.core.permissions import (
    is_representative,
    is_secretary_general,
    manages_records,
    reads_everything,
)


def register_permissions() -> None:
    rules.set_perm("elections.view_calls", rules.always_allow)
    rules.set_perm("elections.manage_calls", manages_records)
    rules.set_perm("elections.view_nominations", reads_everything)
    rules.set_perm("elections.nominate", is_representative)
    rules.set_perm("elections.review_nominations", manages_records)
    rules.set_perm("elections.sign_report", is_secretary_general)
    rules.set_perm("elections.manage_ballots", manages_records)
    rules.set_perm("elections.view_authorities", rules.always_allow)
    rules.set_perm("elections.manage_authorities", manages_records)
    # --- calls for candidates ---
    rules.set_perm("elections.view_draft_calls", reads_everything)
