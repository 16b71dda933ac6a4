"""Errata: corrections to signed minutes, which never change themselves.

A correction is proposed by the Secretariat and is valid once approved at a later session
of the same body (issue #4, "After the session"; shared/domain.md "Documents and identity":
minutes are "Actas"); the approval is a decision of that session. An erratum's history is
read on the minutes it corrects: its log rows are the minutes'.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from secretariat.core.access import require
from secretariat.core.audit import locked, save_audited
from secretariat.core.models import User
from secretariat.governance.models import Erratum, Minutes, Session
from secretariat.governance.services.common import touch_session
from secretariat.governance.services.minutes import check_deciding_session, check_decision

MANAGE = "governance.manage_sessions"


@transaction.atomic
def erratum_propose(*, actor: User, minutes: Minutes, text: str) -> Erratum:
    """Propose a correction to signed minutes (the minutes' text itself never changes)."""
    require(actor, MANAGE)
    minutes = locked(minutes)
    if not minutes.locked:
        raise ValidationError(_("An erratum corrects signed minutes; these can still be edited."))
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("Write the correction.")})
    last = minutes.errata.aggregate(last=Max("number"))["last"] or 0
    erratum = Erratum(minutes=minutes, number=last + 1, text=text, created_by=actor)
    save_audited(
        erratum,
        log_on=minutes,
        actor=actor,
        event="minutes.erratum_proposed",
        new={"erratum": erratum.number, "text": text[:500]},
        reason=_("Proposed"),
    )
    touch_session(minutes.session_id)
    return erratum


@transaction.atomic
def erratum_approve(
    *, actor: User, erratum: Erratum, approved_at_session: Session, approval_decision: str
) -> Erratum:
    """Approve an erratum: a decision of a later session of the same body that has met."""
    require(actor, MANAGE)
    erratum = locked(erratum)
    if erratum.state != Erratum.State.PROPOSED:
        raise ValidationError(_("This erratum is already approved."))
    minutes = Minutes.objects.select_related("session").get(pk=erratum.minutes_id)
    approved_at_session = Session.objects.get(pk=approved_at_session.pk)
    check_deciding_session(decided_at=approved_at_session, minutes_session=minutes.session)
    decision = check_decision(approval_decision)
    erratum.state = Erratum.State.APPROVED
    erratum.approved_at_session = approved_at_session
    erratum.approval_decision = decision
    erratum.approved_at = timezone.now()
    save_audited(
        erratum,
        log_on=minutes,
        actor=actor,
        event="minutes.erratum_approved",
        new={
            "erratum": erratum.number,
            "approved_at_session": approved_at_session.pk,
            "approval_decision": decision,
        },
        reason=decision,
    )
    touch_session(minutes.session_id)
    touch_session(approved_at_session)
    return erratum
