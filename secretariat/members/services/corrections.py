"""Corrections of contact data: a representative proposes, an officer accepts or rejects.

Accepting applies the proposal through `institution_update`, so the institution's history
and the action log say who changed what, and why, as for any other change.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from secretariat.core.access import require, require_reason
from secretariat.core.audit import locked, save_audited
from secretariat.core.models import User
from secretariat.members.models import ContactCorrection, Institution
from secretariat.members.services.registry import MANAGE, institution_update


def _check_proposed_values(institution: Institution, proposed: Mapping[str, str]) -> None:
    """Validate the proposed values as the institution's fields would be validated."""
    probe = Institution(
        **{**{k: getattr(institution, k) for k in ("name", "slug", "country_id")}, **proposed}
    )
    try:
        probe.full_clean(
            exclude=["name", "slug", "country", "acronym", "origin", "description"],
            validate_unique=False,
        )
    except ValidationError as exc:
        raise ValidationError(
            {k: v for k, v in exc.message_dict.items() if k in ContactCorrection.FIELDS}
        ) from exc


@transaction.atomic
def correction_propose(
    *, actor: User, institution: Institution, changes: Mapping[str, str], comment: str = ""
) -> ContactCorrection:
    """A representative proposes new contact data for their institution; an officer decides."""
    require(actor, "members.propose_correction", institution)
    clean = {k: (v or "").strip() for k, v in changes.items() if k in ContactCorrection.FIELDS}
    current = {k: getattr(institution, k) for k in ContactCorrection.FIELDS}
    proposed = {k: v for k, v in clean.items() if v != current[k]}
    if not proposed:
        raise ValidationError(_("Nothing differs from the data on record."))
    _check_proposed_values(institution, proposed)
    correction = ContactCorrection(
        institution=institution,
        proposed_by=actor,
        changes=proposed,
        previous={k: current[k] for k in proposed},
        comment=comment.strip(),
    )
    save_audited(
        correction,
        actor=actor,
        event="correction.proposed",
        new=proposed,
        reason=comment,
        clean=False,  # the values were validated above, the rest is set here
    )
    return correction


@transaction.atomic
def correction_decide(
    *, actor: User, correction: ContactCorrection, accept: bool, reason: str | None = None
) -> ContactCorrection:
    """Accept (apply to the institution) or reject a proposed correction; a rejection says why."""
    require(actor, MANAGE)
    correction = locked(correction)
    if correction.state != ContactCorrection.State.PROPOSED:
        raise ValidationError(_("This proposal has already been decided."))
    if not accept:
        reason = require_reason(reason)
    correction.state = (
        ContactCorrection.State.ACCEPTED if accept else ContactCorrection.State.REJECTED
    )
    correction.decided_by = actor
    correction.decided_at = timezone.now()
    correction.decision_reason = (reason or "").strip()
    if accept:
        institution_update(
            actor=actor,
            institution=correction.institution,
            data=correction.changes,
            reason=reason or _("Correction proposed by the member's representative"),
        )
    save_audited(
        correction,
        actor=actor,
        event="correction.accepted" if accept else "correction.rejected",
        new={"state": correction.state},
        reason=reason,
        clean=False,  # only the decision changes, set here
    )
    return correction
