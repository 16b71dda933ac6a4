"""Arrears of dues suspend and restore a full member's vote (domain.md "Members", [D]
setting `members.arrears.threshold_years`, default 2; the rule is in
finance.selectors.arrears). The suspension and its lifting are members' services
(`voting_suspend`, `voting_suspension_lift`, origin ARREARS): one rule, one audit trail,
and the live quorum follows (they publish push.ALL).

Permission: recording a payment, a write-off or an assessment needs `finance.manage_dues`,
not `members.manage_standing`; the finance officer's service has checked its own permission
and the members' services accept `check_permission=False` for arrears suspensions only. The
daily command runs in the name of a finance officer (`--actor`): a suspension records who
recorded it."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from secretariat.core.access import require
from secretariat.core.languages import AUTHORITATIVE
from secretariat.core.models import User
from secretariat.core.money import format_money
from secretariat.core.selectors.rule_settings import rule_in_force
from secretariat.finance.selectors.arrears import Arrears, arrears_of, arrears_on
from secretariat.members.models import Institution, VotingSuspension
from secretariat.members.services.standing import voting_suspend, voting_suspension_lift

PERM = "finance.manage_dues"
LEGAL_BASIS = (
    "Setting members.arrears.threshold_years (default, to be confirmed) — domain.md Members"
)


def legal_basis_on(day: dt.date) -> str:
    """The arrears rule's legal basis as recorded by the Secretariat for `day` (the article
    it cites once confirmed), else the setting named as a default still to be confirmed."""
    rule = rule_in_force(key="members.arrears.threshold_years", on=day)
    basis = (rule.legal_basis or "").strip()
    return basis[:300] if rule.confirmed and basis else LEGAL_BASIS


SUSPENDED = "suspended"
LIFTED = "lifted"


def _words(position: Arrears) -> dict[str, object]:
    return {
        "outstanding": format_money(position.outstanding, "USD"),
        "threshold": format_money(position.threshold, "USD"),
        "years": position.years,
    }


@transaction.atomic
def standing_update(
    *,
    actor: User | None,
    institution: Institution,
    on: dt.date,
    reason_context: str = "",
    check_permission: bool = True,
) -> str | None:
    """Suspend the member's vote from `on` when the arrears rule holds and it has none
    suspended; lift its ARREARS suspension when the rule no longer holds (a payment, an
    exemption). Returns what changed ("suspended", "lifted") or None."""
    if actor is not None and check_permission:
        require(actor, PERM)
    position = arrears_of(institution_id=institution.pk, on=on)
    # In force on `on` or later (a payment may be dated before a suspension recorded since).
    current = (
        VotingSuspension.objects.filter(institution=institution)
        .overlapping(on, None)
        .order_by("valid_from")
        .first()
    )
    context = f" ({reason_context})" if reason_context else ""
    # A reason is part of the record: written in the authoritative language, whoever acts.
    if position.in_arrears and current is None:
        with translation.override(AUTHORITATIVE):
            reason = (
                _(
                    "Dues outstanding from past fiscal years, %(outstanding)s, are equal to or "
                    "above the dues of the %(years)s preceding fiscal years, %(threshold)s."
                )
                % _words(position)
                + context
            )
        voting_suspend(
            actor=actor,
            institution=institution,
            valid_from=on,
            reason=reason,
            legal_basis=legal_basis_on(on),
            origin=VotingSuspension.Origin.ARREARS,
            check_permission=False,
        )
        return SUSPENDED
    if (
        not position.in_arrears
        and current is not None
        and current.origin == VotingSuspension.Origin.ARREARS
    ):
        with translation.override(AUTHORITATIVE):
            reason = (
                _(
                    "Dues outstanding from past fiscal years, %(outstanding)s, are now below the "
                    "dues of the %(years)s preceding fiscal years, %(threshold)s."
                )
                % _words(position)
                + context
            )
        voting_suspension_lift(
            actor=actor,
            suspension=current,
            on=max(on, current.valid_from + dt.timedelta(days=1)),
            reason=reason,
            check_permission=False,
        )
        return LIFTED
    return None


def standings_update(*, actor: User, on: dt.date) -> dict[str, int]:
    """The daily pass for the passage of time (manage.py update_arrears_standing --actor),
    in the name of a user who keeps the books (a suspension records who recorded it): every
    member in arrears or suspended for arrears on `on`."""
    require(actor, PERM)
    ids = {pk for pk, position in arrears_on(on=on).items() if position.in_arrears}
    ids |= set(
        VotingSuspension.objects.active_on(on)
        .filter(origin=VotingSuspension.Origin.ARREARS)
        .values_list("institution_id", flat=True)
    )
    counts = {SUSPENDED: 0, LIFTED: 0}
    for institution in Institution.objects.filter(pk__in=ids).order_by("pk"):
        changed = standing_update(actor=actor, institution=institution, on=on)
        if changed:
            counts[changed] += 1
    return counts
