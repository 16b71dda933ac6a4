"""A member's standing: suspending and restoring its right to vote (every write).

Rules (shared/domain.md, "Members"):
- [C] "Only full members have the right to vote. The other members have a right to voice."
  (CISS General Assembly page): only a member whose category votes can have its vote
  suspended; a suspended member keeps its voice.
- [D] Arrears (settings `members.arrears.threshold_years`, `members.arrears.exemption_by_assembly`):
  a full member whose unpaid dues reach the threshold loses its vote until it pays or the
  General Assembly grants an exemption. Today the Secretariat records each suspension with
  its reason and legal basis; the finance module will record those that follow from
  arrears by calling `voting_suspend` with `origin=VotingSuspension.Origin.ARREARS` (and
  lift them through `voting_suspension_lift`), so there is one rule and one audit trail.
- Every quorum and vote reads the standing in force on its date
  (`VotingSuspension.objects.active_on`): suspensions are dated, never deleted; lifting one
  sets its end date.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from secretariat.core import push
from secretariat.core.access import require
from secretariat.core.audit import locked, save_audited, snapshot
from secretariat.core.models import User
from secretariat.members.models import Institution, Membership, VotingSuspension

PERM = "members.manage_standing"
SUSPENSION_FIELDS = [
    "institution",
    "valid_from",
    "valid_to",
    "reason",
    "legal_basis",
    "origin",
    "lift_reason",
]


def _day(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _check_suspension(
    *, valid_from: dt.date, valid_to: dt.date | None, reason: str, legal_basis: str, origin: str
) -> None:
    """What the suspension itself must say: a reason, a legal basis, a real period."""
    errors: dict[str, str] = {}
    if not reason:
        errors["reason"] = _("Say why the right to vote is suspended.")
    if not legal_basis:
        errors["legal_basis"] = _(
            "Cite the legal basis (the article of the Statute or the decision that applies)."
        )
    if valid_to is not None and valid_to <= valid_from:
        errors["valid_to"] = _("A suspension must end after it starts.")
    if origin not in VotingSuspension.Origin.values:
        errors["origin"] = _("Unknown origin.")
    if errors:
        raise ValidationError(errors)


def _check_standing(
    institution: Institution, valid_from: dt.date, valid_to: dt.date | None
) -> None:
    """Only a member whose category votes on `valid_from`, and one suspension at a time."""
    voting = Membership.objects.active_on(valid_from).filter(
        institution=institution, category__has_vote=True
    )
    if not voting.exists():
        raise ValidationError(_("Only a member with the right to vote can have it suspended."))
    clash = (
        VotingSuspension.objects.filter(institution=institution)
        .overlapping(valid_from, valid_to)
        .order_by("valid_from")
        .first()
    )
    if clash is not None:
        raise ValidationError(
            {
                "valid_from": _(
                    "This member's right to vote is already suspended from %(date)s for part of "
                    "this period: lift or end that suspension first."
                )
                % {"date": _day(clash.valid_from)}
            }
        )


def _require_standing(actor: User | None, origin: str, check_permission: bool) -> None:
    """`members.manage_standing`, unless the finance module applies the arrears rule: its
    service has checked `finance.manage_dues` (or runs as the system for the passage of time)
    and passes `check_permission=False`, which counts for arrears suspensions only."""
    if check_permission or origin != VotingSuspension.Origin.ARREARS:
        require(actor, PERM)


@transaction.atomic
def voting_suspend(
    *,
    actor: User | None,
    institution: Institution,
    valid_from: dt.date,
    reason: str,
    legal_basis: str,
    valid_to: dt.date | None = None,
    origin: str = VotingSuspension.Origin.SECRETARIAT,
    check_permission: bool = True,
) -> VotingSuspension:
    """Suspend a member's right to vote from a date (to a date, exclusive, or until lifted)
    (domain.md, "Members": only full members vote; arrears, `members.arrears.threshold_years`).

    Called by the Secretariat's page today and, for arrears of dues, by the finance module
    (origin ARREARS) — the same checks and audit either way. Refused for an institution
    without a voting membership on `valid_from`, for a period overlapping another suspension
    of the same member, and without a reason and a legal basis.
    """
    _require_standing(actor, origin, check_permission)
    reason = (reason or "").strip()
    legal_basis = (legal_basis or "").strip()
    _check_suspension(
        valid_from=valid_from,
        valid_to=valid_to,
        reason=reason,
        legal_basis=legal_basis,
        origin=origin,
    )
    # Lock the institution: two suspensions recorded at once cannot both pass the overlap check.
    institution = locked(institution)
    _check_standing(institution, valid_from, valid_to)
    suspension = VotingSuspension(
        institution=institution,
        valid_from=valid_from,
        valid_to=valid_to,
        reason=reason,
        legal_basis=legal_basis,
        origin=origin,
        recorded_by=actor,
    )
    save_audited(
        suspension,
        actor=actor,
        event="standing.suspended",
        fields=SUSPENSION_FIELDS,
        reason=reason,
    )
    # Every open session page may count this member: told after the commit (decision 0011).
    push.publish(push.ALL)
    return suspension


@transaction.atomic
def voting_suspension_lift(
    *,
    actor: User | None,
    suspension: VotingSuspension,
    on: dt.date,
    reason: str,
    check_permission: bool = True,
) -> VotingSuspension:
    """Restore the right to vote from a date (the suspension's end, exclusive): the member
    paid, the General Assembly granted an exemption (`members.arrears.exemption_by_assembly`),
    or the cause ended. The suspension stays in the record with the reason for lifting it."""
    _require_standing(actor, suspension.origin, check_permission)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the suspension is lifted.")})
    suspension = locked(suspension)
    if on <= suspension.valid_from:
        raise ValidationError(
            {
                "on": _("The suspension started on %(date)s: it can only be lifted after that.")
                % {"date": _day(suspension.valid_from)}
            }
        )
    if suspension.valid_to is not None and on >= suspension.valid_to:
        raise ValidationError(
            {
                "on": _("This suspension already ends on %(date)s.")
                % {"date": _day(suspension.valid_to)}
            }
        )
    before = snapshot(suspension, SUSPENSION_FIELDS)
    suspension.valid_to = on
    suspension.lift_reason = reason
    save_audited(
        suspension,
        actor=actor,
        event="standing.lifted",
        fields=SUSPENSION_FIELDS,
        before=before,
        reason=reason,
    )
    # Every open session page may count this member: told after the commit (decision 0011).
    push.publish(push.ALL)
    return suspension
