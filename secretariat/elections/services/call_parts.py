"""Writes to the parts of a draft Call: the offices it fills (places and term) and its
requirements, including the defaults each new Call starts with.

Rules (shared/domain.md "Presidency, Secretary General, Comptroller, CIESS Director"):
- [D] nominations by full members in good standing; a candidate national of a member
  country; the documents (CV, letter of acceptance, nominating letter) listed in each Call;
  the re-election limits: the default requirements of a new Call, marked as text to adjust;
- [C] the Comptroller's nationality differs from the Secretary General's: added when the
  Comptroller's office is put in the Call;
- [C] terms of three years: an office's term ends, by default, after its `term_years`.
Only a draft changes; removing an office or requirement of a draft is recorded in the action
log (the history keeps the removed row).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from secretariat.core.access import require, require_reason
from secretariat.core.audit import locked, record_action, save_audited, snapshot
from secretariat.core.languages import CONTENT_LANGUAGES
from secretariat.core.models import User
from secretariat.elections.models import Call, CallOffice, Requirement
from secretariat.elections.selectors.calls import COMPTROLLER, SECRETARY_GENERAL, office_by_code
from secretariat.governance.models import Office

MANAGE = "elections.manage_calls"
OFFICE_FIELDS = ["call", "office", "places", "term_start", "term_end", "order"]
LABELS = [f"{f}_{lang}" for f in ("label", "description") for lang in CONTENT_LANGUAGES]
REQUIREMENT_FIELDS = ["call", "call_office", "kind", *LABELS, "other_office", "order"]


def refuse_unless_draft(call: Call) -> None:
    if call.state != Call.State.DRAFT:
        raise ValidationError(
            _("Only a draft Call is changed; this one is “%(state)s”.")
            % {"state": call.get_state_display()}
        )


def _draft_call(call_id: int) -> Call:
    """The Call, locked, refused unless a draft (so two officers never change it at once)."""
    call = Call.objects.select_for_update().get(pk=call_id)
    refuse_unless_draft(call)
    return call


# --- Offices -----------------------------------------------------------------------------------


def default_term_end(office: Office, term_start: dt.date) -> dt.date | None:
    """The first day after a term of the office's `term_years` from `term_start` (29 February
    moves to 1 March); None when the office records no term length."""
    if not office.term_years:
        return None
    year = term_start.year + office.term_years
    try:
        return term_start.replace(year=year)
    except ValueError:
        return dt.date(year, 3, 1)


def _apply_office(row: CallOffice, office: Office, data: Mapping[str, Any]) -> None:
    term_start = data.get("term_start")
    if term_start is None:
        raise ValidationError({"term_start": _("Give the day the term starts.")})
    term_end = data.get("term_end") or default_term_end(office, term_start)
    if term_end is None:
        raise ValidationError(
            {"term_end": _("Give the end of the term: the office records no term length.")}
        )
    if term_end <= term_start:
        raise ValidationError({"term_end": _("A term must end after it starts.")})
    places = data.get("places") or office.places or 1
    if not 1 <= int(places) <= 20:
        raise ValidationError({"places": _("Between 1 and 20 places.")})
    row.office = office
    row.places = int(places)
    row.term_start = term_start
    row.term_end = term_end


@transaction.atomic
def call_office_add(
    *, actor: User, call: Call, office: Office, data: Mapping[str, Any]
) -> CallOffice:
    """Put an office in a draft Call: places (default: the office's), the term (its end by
    default after the office's term length); the Comptroller's brings the nationality rule."""
    require(actor, MANAGE)
    call = _draft_call(call.pk)
    if call.offices.filter(office=office).exists():
        raise ValidationError({"office": _("This office is already in the Call.")})
    highest = call.offices.aggregate(n=Max("order"))["n"] or 0
    row = CallOffice(call=call, order=highest + 10)
    _apply_office(row, office, data)
    save_audited(row, actor=actor, event="call_office.added", fields=OFFICE_FIELDS)
    _add_comptroller_rule(actor, row)
    return row


@transaction.atomic
def call_office_update(
    *, actor: User, call_office: CallOffice, data: Mapping[str, Any]
) -> CallOffice:
    """Change the places or term of an office of a draft Call."""
    require(actor, MANAGE)
    _draft_call(call_office.call_id)
    row = locked(call_office)
    before = snapshot(row, OFFICE_FIELDS)
    _apply_office(row, row.office, data)
    save_audited(row, actor=actor, event="call_office.updated", fields=OFFICE_FIELDS, before=before)
    return row


@transaction.atomic
def call_office_remove(*, actor: User, call_office: CallOffice, reason: str | None) -> Call:
    """Take an office out of a draft Call, with its own requirements; recorded with why."""
    require(actor, MANAGE)
    reason = require_reason(reason)
    call = _draft_call(call_office.call_id)
    row = locked(call_office)
    for req in list(row.requirements.all()):
        _remove_requirement(actor, req, reason)
    old = snapshot(row, OFFICE_FIELDS)
    row.delete()
    record_action(actor=actor, event="call_office.removed", target=call, old=old, reason=reason)
    return call


# --- Requirements ------------------------------------------------------------------------------


def _apply_requirement(req: Requirement, data: Mapping[str, Any]) -> None:
    kind = data.get("kind") or ""
    if kind not in Requirement.Kind.values:
        raise ValidationError({"kind": _("Choose a kind of requirement.")})
    for name in LABELS:
        setattr(req, name, (data.get(name) or "").strip())
    if not getattr(req, "label_es", ""):
        raise ValidationError({"label_es": _("The requirement in Spanish is required.")})
    call_office = data.get("call_office")
    if call_office is not None and call_office.call_id != req.call_id:
        raise ValidationError({"call_office": _("Choose an office of this Call.")})
    other = data.get("other_office")
    if kind == Requirement.Kind.NATIONALITY_DIFFERS:
        if other is None:
            raise ValidationError(
                {"other_office": _("Name the office whose holder's nationality must differ.")}
            )
        if call_office is not None and call_office.office_id == other.pk:
            raise ValidationError(
                {"other_office": _("The other office must not be the office itself.")}
            )
    else:
        other = None
    req.kind = kind
    req.call_office = call_office
    req.other_office = other


@transaction.atomic
def requirement_add(*, actor: User, call: Call, data: Mapping[str, Any]) -> Requirement:
    """Add a named, checkable requirement to a draft Call, for every office or one."""
    require(actor, MANAGE)
    call = _draft_call(call.pk)
    highest = call.requirements.aggregate(n=Max("order"))["n"] or 0
    req = Requirement(call=call, order=highest + 10)
    _apply_requirement(req, data)
    save_audited(req, actor=actor, event="requirement.added", fields=REQUIREMENT_FIELDS)
    return req


@transaction.atomic
def requirement_update(
    *, actor: User, requirement: Requirement, data: Mapping[str, Any]
) -> Requirement:
    """Change a requirement of a draft Call (its kind, texts, office, other office)."""
    require(actor, MANAGE)
    _draft_call(requirement.call_id)
    req = locked(requirement)
    before = snapshot(req, REQUIREMENT_FIELDS)
    _apply_requirement(req, data)
    save_audited(
        req, actor=actor, event="requirement.updated", fields=REQUIREMENT_FIELDS, before=before
    )
    return req


def _remove_requirement(actor: User, req: Requirement, reason: str) -> None:
    old = snapshot(req, REQUIREMENT_FIELDS)
    call = req.call
    req.delete()
    record_action(actor=actor, event="requirement.removed", target=call, old=old, reason=reason)


@transaction.atomic
def requirement_remove(*, actor: User, requirement: Requirement, reason: str | None) -> Call:
    """Take a requirement out of a draft Call (a default that does not apply); with why."""
    require(actor, MANAGE)
    reason = require_reason(reason)
    call = _draft_call(requirement.call_id)
    _remove_requirement(actor, locked(requirement), reason)
    return call


# --- Default requirements ([D], and the Comptroller's [C]) --------------------------------------

DEFAULT_NOTE = gettext_noop(
    "Default requirement of the election rules (default, to be confirmed): adjust this text "
    "to the Call, or remove it."
)
# (kind, label, description): msgids written in each content language when a Call is drafted.
DEFAULT_REQUIREMENTS: list[tuple[str, str, str]] = [
    (
        Requirement.Kind.NOMINATOR_IN_GOOD_STANDING,
        gettext_noop("Nominated by a full member in good standing (default text, to adjust)"),
        DEFAULT_NOTE,
    ),
    (
        Requirement.Kind.MEMBER_NATIONALITY,
        gettext_noop("The candidate is a national of a member country (default text, to adjust)"),
        DEFAULT_NOTE,
    ),
    (
        Requirement.Kind.DOCUMENT,
        gettext_noop("Curriculum vitae of the candidate (default text, to adjust)"),
        DEFAULT_NOTE,
    ),
    (
        Requirement.Kind.DOCUMENT,
        gettext_noop("Letter of acceptance signed by the candidate (default text, to adjust)"),
        DEFAULT_NOTE,
    ),
    (
        Requirement.Kind.DOCUMENT,
        gettext_noop("Nominating letter from the full member (default text, to adjust)"),
        DEFAULT_NOTE,
    ),
    (
        Requirement.Kind.REELECTION_LIMIT,
        gettext_noop("Within the office's re-election limit (default text, to adjust)"),
        DEFAULT_NOTE,
    ),
]
COMPTROLLER_LABEL = gettext_noop(
    "The Comptroller's nationality differs from the Secretary General's"
)
COMPTROLLER_NOTE = gettext_noop(
    "CISS rule (the Comptroller page of the CISS website): the Comptroller is of a nationality "
    "different from the Secretary General's."
)


def _in_each_language(msgid: str) -> dict[str, str]:
    texts = {}
    for lang in CONTENT_LANGUAGES:
        with translation.override(lang):
            texts[lang] = _(msgid)
    return texts


def _default_requirement(
    actor: User,
    call: Call,
    kind: str,
    texts: tuple[str, str],
    *,
    order: int,
    call_office: CallOffice | None = None,
    other_office: Office | None = None,
) -> Requirement:
    req = Requirement(
        call=call, kind=kind, order=order, call_office=call_office, other_office=other_office
    )
    for field, msgid in zip(("label", "description"), texts, strict=True):
        for lang, text in _in_each_language(msgid).items():
            setattr(req, f"{field}_{lang}", text)
    save_audited(req, actor=actor, event="requirement.added", fields=REQUIREMENT_FIELDS)
    return req


def add_default_requirements(*, actor: User, call: Call) -> None:
    """The requirements of domain.md [D] every new Call starts with (the caller checked the
    permission and holds the transaction)."""
    for order, (kind, label, description) in enumerate(DEFAULT_REQUIREMENTS, start=1):
        _default_requirement(actor, call, kind, (label, description), order=order * 10)


def _add_comptroller_rule(actor: User, call_office: CallOffice) -> None:
    """domain.md [C]: the Comptroller's nationality differs from the Secretary General's;
    added once, when the Comptroller's office is in the Call and the other office exists."""
    secretary_general = office_by_code(SECRETARY_GENERAL)
    if secretary_general is None or call_office.office.code != COMPTROLLER:
        return
    if call_office.requirements.filter(kind=Requirement.Kind.NATIONALITY_DIFFERS).exists():
        return
    highest = call_office.call.requirements.aggregate(n=Max("order"))["n"] or 0
    _default_requirement(
        actor,
        call_office.call,
        Requirement.Kind.NATIONALITY_DIFFERS,
        (COMPTROLLER_LABEL, COMPTROLLER_NOTE),
        order=highest + 10,
        call_office=call_office,
        other_office=secretary_general,
    )
