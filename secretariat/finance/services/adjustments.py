"""Write-offs and exemptions of dues, only by a recorded decision of the competent body
(domain.md "Finance" and "Members"): a write-off by the body the setting
`finance.dues.write_off_body` names (the General Assembly or the Standing Committee); an
exemption by the General Assembly when `members.arrears.exemption_by_assembly`, refused
otherwise. Never above what the assessment still owes. Entry (DUE): debit dues written off,
credit dues receivable (the member). The member's standing is updated after it."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from secretariat.core.access import require, require_reason
from secretariat.core.audit import locked, save_audited
from secretariat.core.models import User
from secretariat.core.selectors.rule_settings import rule_value
from secretariat.finance.models import Adjustment, Assessment, SourceKind
from secretariat.finance.selectors.dues import with_outstanding
from secretariat.finance.services import arrears
from secretariat.finance.services.dues_books import (
    DUES_JOURNAL,
    RECEIVABLE,
    WRITTEN_OFF,
    account,
    journal,
)
from secretariat.finance.services.ledger import LineSpec, entry_record
from secretariat.governance.models import Body, Resolution, RulesProfile

PERM = "finance.manage_dues"
ADJUSTMENT_FIELDS = [
    "kind",
    "assessment",
    "amount",
    "body",
    "resolution",
    "decision",
    "decided_on",
    "reason",
    "entry",
]
OWED_COLUMN: tuple[str, ...] = ("outstanding",)  # with_outstanding's annotation
PROFILES = {
    "assembly": RulesProfile.GENERAL_ASSEMBLY,
    "committee": RulesProfile.STANDING_COMMITTEE,
}


def competent_profile(kind: str, on: dt.date) -> str | None:
    """The rules profile of the body that may decide `kind` on `on` (None: nobody may)."""
    if kind == Adjustment.Kind.WRITE_OFF:
        return PROFILES.get(str(rule_value("finance.dues.write_off_body", on)))
    if kind == Adjustment.Kind.EXEMPTION and rule_value(
        "members.arrears.exemption_by_assembly", on
    ):
        return RulesProfile.GENERAL_ASSEMBLY
    return None


def _check(
    *, assessment: Assessment, kind: str, amount: int, body: Body, decision: str, on: dt.date
) -> None:
    errors: dict[str, str] = {}
    if kind not in Adjustment.Kind.values:
        errors["kind"] = _("Choose a write-off or an exemption.")
    elif body.rules_profile != competent_profile(kind, on):
        errors["body"] = _("This body cannot decide this; the rules in force give it to another.")
    if not decision:
        errors["decision"] = _("Cite the decision.")
    if amount <= 0:
        errors["amount"] = _("An amount must be more than zero.")
    else:
        owed = with_outstanding(Assessment.objects.filter(pk=assessment.pk)).values_list(
            *OWED_COLUMN, flat=True
        )
        if amount > int(owed.get()):
            errors["amount"] = _("This is more than the assessment still owes.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def adjustment_record(
    *,
    actor: User,
    assessment: Assessment,
    kind: str,
    amount: int,
    body: Body,
    decision: str,
    decided_on: dt.date,
    reason: str,
    resolution: Resolution | None = None,
) -> Adjustment:
    """Record a write-off or an exemption decided by the competent body (module docstring)."""
    require(actor, PERM)
    reason = require_reason(reason)
    decision = (decision or "").strip()
    assessment = locked(assessment)
    _check(
        assessment=assessment, kind=kind, amount=amount, body=body, decision=decision, on=decided_on
    )
    member = assessment.institution_id
    entry = entry_record(
        actor=actor,
        journal=journal(DUES_JOURNAL),
        date=decided_on,
        description=(
            _("%(kind)s of %(number)s: %(decision)s")
            % {
                "kind": Adjustment.Kind(kind).label,
                "number": assessment.number,
                "decision": decision,
            }
        )[:500],
        lines=[
            LineSpec(account(WRITTEN_OFF), "debit", amount, member_id=member),
            LineSpec(account(RECEIVABLE), "credit", amount, member_id=member),
        ],
        source_kind=SourceKind.ADJUSTMENT,
        source_reference=assessment.number,
        reason=reason,
    )
    adjustment = Adjustment(
        kind=kind,
        assessment=assessment,
        amount=amount,
        body=body,
        resolution=resolution,
        decision=decision,
        decided_on=decided_on,
        reason=reason,
        entry=entry,
        recorded_by=actor,
    )
    save_audited(
        adjustment,
        actor=actor,
        event="adjustment.recorded",
        fields=ADJUSTMENT_FIELDS,
        reason=reason,
    )
    arrears.standing_update(
        actor=actor, institution=assessment.institution, on=decided_on, reason_context=decision
    )
    return adjustment
