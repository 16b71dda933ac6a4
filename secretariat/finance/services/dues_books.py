"""The accounts and journals dues are posted to, named in one place (the chart seeded from
data/ciss/finance/chart.yaml; the tests' chart in tests/ledger_world.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from secretariat.finance.models import Account, Journal

RECEIVABLE = "1210"  # dues receivable: every line names the member
ASSESSED = "4110"  # assessed contributions (revenue)
ADVANCE = "2210"  # contributions received in advance: a payment's unapplied part
WRITTEN_OFF = "5610"  # dues written off (and exemptions)
DUES_JOURNAL = "DUE"  # assessments, adjustments, credits applied
BANK_JOURNAL = "BNK"  # payments received


def account(code: str) -> Account:
    found = Account.objects.filter(code=code).first()
    if found is None:
        raise ValidationError(
            _("The chart of accounts has no account %(code)s: load the chart first.")
            % {"code": code}
        )
    return found


def journal(code: str) -> Journal:
    found = Journal.objects.filter(code=code).first()
    if found is None:
        raise ValidationError(
            _("There is no journal %(code)s: load the chart first.") % {"code": code}
        )
    return found
