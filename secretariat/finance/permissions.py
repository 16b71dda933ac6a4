"""Who may do what with the finances.

- The finance officers and the Secretary General keep the books: the chart, entries,
  rates, bank statements, the dues scale, assessments, payments, write-offs and exemptions
  recorded from a decision, period and year closing, and the statements.
- The Secretary General alone approves the statements (domain.md "Finance": the Secretary
  General submits them to the General Assembly).
- The Comptroller reads every finance record and the action log, draws samples of entries
  and downloads the audit package; changes nothing else.
- Secretariat officers read the finances (they prepare the sessions that receive them).
- A member's representative sees only its own institution's statement of account.
"""

from __future__ import annotations

import rules

from secretariat.core.permissions import (
    is_comptroller,
    is_finance,
    is_representative,
    is_secretary_general,
    reads_everything,
)

keeps_books = is_finance | is_secretary_general


def register_permissions() -> None:
    rules.set_perm("finance.view_ledger", reads_everything)
    rules.set_perm("finance.manage_ledger", keeps_books)
    rules.set_perm("finance.close_periods", keeps_books)
    rules.set_perm("finance.manage_banking", keeps_books)
    rules.set_perm("finance.view_dues", reads_everything)
    rules.set_perm("finance.manage_dues", keeps_books)
    rules.set_perm("finance.view_own_account", is_representative)
    rules.set_perm("finance.view_statements", reads_everything)
    rules.set_perm("finance.prepare_statements", keeps_books)
    rules.set_perm("finance.approve_statements", is_secretary_general)
    rules.set_perm("finance.audit", is_comptroller | is_secretary_general | is_finance)
    rules.set_perm("finance.draw_samples", is_comptroller)
