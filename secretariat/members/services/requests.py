"""Affiliation and disaffiliation requests: received, reviewed, forwarded and decided.

Rules enforced here (shared/domain.md, "Members"): the General Secretariat receives and
processes the requests; the General Assembly decides them (setting
`members.affiliation.deciding_body`), the Standing Committee between Assemblies when
`members.affiliation.interim_body_allowed`. An approval opens or ends the membership from
the date the decision takes effect.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from secretariat.core.access import require, require_reason
from secretariat.core.audit import locked, record_action, save_audited, snapshot
from secretariat.core.models import User
from secretariat.members.models import (
    Category,
    Country,
    Institution,
    Membership,
    MembershipRequest,
    RequestAttachment,
)
from secretariat.members.references import next_request_reference
from secretariat.members.selectors.requests import deciding_bodies_allowed
from secretariat.members.services.registry import (
    MANAGE,
    institution_create,
    membership_end,
    membership_open,
)
from secretariat.members.uploads import validate_attachment

REQUEST_FIELDS = [
    "state",
    "kind",
    "institution",
    "applicant_name",
    "applicant_country",
    "requested_category",
    "deciding_body",
    "decision_reference",
    "decided_on",
    "effective_on",
    "granted_category",
    "outcome_reason",
]


def _is_member(institution: Institution) -> bool:
    """Whether the institution has a membership without an end (in force or about to start)."""
    return Membership.objects.open_ended().filter(institution=institution).exists()


def _validated(files: Iterable[UploadedFile[bytes]]) -> list[UploadedFile[bytes]]:
    """Every file checked before anything is written."""
    files = list(files)
    for upload in files:
        validate_attachment(upload)
    return files


def _new_request(
    *,
    actor: User | None,
    event: str,
    files: list[UploadedFile[bytes]],
    new: Mapping[str, Any] | None = None,
    reason: str | None = None,
    **fields: Any,
) -> MembershipRequest:
    """Save a new request with its files and log it (`new`, or the request's fields)."""
    request = MembershipRequest(reference=next_request_reference(), **fields)
    save_audited(
        request,
        actor=actor,
        event=event,
        fields=REQUEST_FIELDS,
        new=new,
        reason=reason,
        exclude=["state"],  # protected FSM field: cleaning would assign it
    )
    _add_attachments(request, files, actor)
    return request


def _add_attachments(
    request: MembershipRequest, files: Iterable[UploadedFile[bytes]], actor: User | None
) -> list[RequestAttachment]:
    saved = []
    for upload in files:
        content_type = validate_attachment(upload)
        attachment = RequestAttachment(
            request=request,
            original_name=(upload.name or "file")[:255],
            content_type=content_type,
            size=upload.size or 0,
            uploaded_by=actor if actor is not None and actor.is_authenticated else None,
        )
        attachment.file.save(upload.name or "file", upload, save=False)
        attachment.save()
        saved.append(attachment)
    return saved


# --- Receiving requests ---------------------------------------------------------------


@transaction.atomic
def request_submit_public(
    *,
    applicant_name: str,
    applicant_country: Country,
    requested_category: Category | None,
    contact_name: str,
    contact_email: str,
    applicant_acronym: str = "",
    applicant_website: str = "",
    contact_phone: str = "",
    statement: str = "",
    files: Iterable[UploadedFile[bytes]] = (),
) -> MembershipRequest:
    """An institution applies for affiliation through the public form (no account needed)."""
    files = _validated(files)
    return _new_request(
        actor=None,
        event="request.submitted",
        files=files,
        new={
            "kind": MembershipRequest.Kind.AFFILIATION,
            "channel": MembershipRequest.Channel.PUBLIC_FORM,
            "applicant_name": applicant_name.strip(),
            "attachments": len(files),
        },
        kind=MembershipRequest.Kind.AFFILIATION,
        channel=MembershipRequest.Channel.PUBLIC_FORM,
        applicant_name=applicant_name.strip(),
        applicant_acronym=applicant_acronym.strip(),
        applicant_country=applicant_country,
        applicant_website=applicant_website.strip(),
        requested_category=requested_category,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        contact_phone=contact_phone.strip(),
        statement=statement.strip(),
        received_on=timezone.localdate(),
    )


def _check_recordable(
    kind: str, institution: Institution | None, applicant_name: str, country: Country | None
) -> None:
    """A disaffiliation names a member; an affiliation names an applicant or a non-member."""
    if kind == MembershipRequest.Kind.DISAFFILIATION:
        if institution is None:
            raise ValidationError({"institution": _("Choose the member to be disaffiliated.")})
        if not _is_member(institution):
            raise ValidationError(
                {"institution": _("This institution has no membership in force.")}
            )
    elif institution is None and (not applicant_name.strip() or country is None):
        raise ValidationError(
            {
                "applicant_name": _(
                    "Give the applicant's name and country, or choose an institution."
                )
            }
        )
    elif institution is not None and _is_member(institution):
        raise ValidationError({"institution": _("This institution is already a member.")})


@transaction.atomic
def request_record(
    *,
    actor: User,
    kind: str,
    institution: Institution | None = None,
    applicant_name: str = "",
    applicant_acronym: str = "",
    applicant_country: Country | None = None,
    applicant_website: str = "",
    requested_category: Category | None = None,
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
    statement: str = "",
    received_on: dt.date | None = None,
    channel: str = MembershipRequest.Channel.SECRETARIAT,
    files: Iterable[UploadedFile[bytes]] = (),
    reason: str | None = None,
) -> MembershipRequest:
    """The Secretariat records a request received by letter or e-mail (or a body's own decision)."""
    require(actor, MANAGE)
    files = _validated(files)
    _check_recordable(kind, institution, applicant_name, applicant_country)
    return _new_request(
        actor=actor,
        event="request.recorded",
        files=files,
        reason=reason,
        kind=kind,
        channel=channel,
        institution=institution,
        applicant_name=applicant_name.strip(),
        applicant_acronym=applicant_acronym.strip(),
        applicant_country=applicant_country,
        applicant_website=applicant_website.strip(),
        requested_category=requested_category,
        contact_name=contact_name.strip(),
        contact_email=contact_email.strip(),
        contact_phone=contact_phone.strip(),
        statement=statement.strip(),
        received_on=received_on or timezone.localdate(),
        submitted_by=actor,
    )


@transaction.atomic
def request_disaffiliation_by_member(
    *,
    actor: User,
    institution: Institution,
    statement: str,
    files: Iterable[UploadedFile[bytes]] = (),
) -> MembershipRequest:
    """A member's representative asks, for their institution, to leave the organization."""
    require(actor, "members.request_disaffiliation", institution)
    files = _validated(files)
    if not _is_member(institution):
        raise ValidationError(_("This institution has no membership in force."))
    if MembershipRequest.objects.filter(
        institution=institution,
        kind=MembershipRequest.Kind.DISAFFILIATION,
        state__in=MembershipRequest.OPEN_STATES,
    ).exists():
        raise ValidationError(_("A disaffiliation request for this institution is already open."))
    return _new_request(
        actor=actor,
        event="request.submitted",
        files=files,
        kind=MembershipRequest.Kind.DISAFFILIATION,
        channel=MembershipRequest.Channel.MEMBER,
        institution=institution,
        statement=statement.strip(),
        received_on=timezone.localdate(),
        submitted_by=actor,
    )


# --- The workflow ---------------------------------------------------------------------


def _transition(request: MembershipRequest, name: str) -> None:
    method = getattr(request, name)
    if not can_proceed(method):
        if name == "forward" and request.state == MembershipRequest.State.UNDER_REVIEW:
            raise ValidationError(_("Complete the checklist before forwarding the request."))
        raise ValidationError(
            _("This step is not possible while the request is “%(state)s”.")
            % {"state": request.get_state_display()}
        )
    method()


def _save_step(
    request: MembershipRequest,
    *,
    actor: User,
    event: str,
    before: Mapping[str, Any],
    reason: str | None,
    clean: bool = False,
) -> None:
    """Save a step of the workflow and log what it changed. Steps that set only the state
    and the decision's words are not cleaned again (as before: the forms bound them)."""
    save_audited(
        request,
        actor=actor,
        event=event,
        fields=REQUEST_FIELDS,
        before=before,
        reason=reason,
        exclude=["state"],
        clean=clean,
    )


@transaction.atomic
def request_start_review(
    *, actor: User, request: MembershipRequest, reason: str | None = None
) -> MembershipRequest:
    """The Secretariat opens the completeness review of a request."""
    require(actor, MANAGE)
    request = locked(request)
    before = snapshot(request, REQUEST_FIELDS)
    _transition(request, "start_review")
    _save_step(request, actor=actor, event="request.review_started", before=before, reason=reason)
    return request


@transaction.atomic
def request_update_checklist(
    *, actor: User, request: MembershipRequest, checks: Mapping[str, bool], note: str | None = None
) -> MembershipRequest:
    """Tick or untick the completeness checklist while the request is under review."""
    require(actor, MANAGE)
    request = locked(request)
    if request.state != MembershipRequest.State.UNDER_REVIEW:
        raise ValidationError(_("The checklist can only change while the request is under review."))
    allowed = {name for name, _label, _done in request.checklist}
    fields = sorted(allowed)
    before = snapshot(request, fields)
    for name, value in checks.items():
        if name in allowed:
            setattr(request, name, bool(value))
    save_audited(
        request,
        actor=actor,
        event="request.checklist_updated",
        fields=fields,
        before=before,
        reason=note,
        clean=False,
    )
    return request


@transaction.atomic
def request_forward(
    *,
    actor: User,
    request: MembershipRequest,
    deciding_body: str | None = None,
    reason: str | None = None,
) -> MembershipRequest:
    """Forward a complete request to the deciding body (setting members.affiliation.deciding_body;
    the Standing Committee only when members.affiliation.interim_body_allowed)."""
    require(actor, MANAGE)
    request = locked(request)
    allowed = deciding_bodies_allowed()
    body = deciding_body or allowed[0]
    if body not in allowed:
        raise ValidationError(
            {
                "deciding_body": _(
                    "This body may not decide membership requests under the rules in force."
                )
            }
        )
    before = snapshot(request, REQUEST_FIELDS)
    _transition(request, "forward")
    request.deciding_body = body
    _save_step(request, actor=actor, event="request.forwarded", before=before, reason=reason)
    return request


def _check_decision(decision_reference: str, decided_on: dt.date, effective_on: dt.date) -> None:
    if not decision_reference.strip():
        raise ValidationError(
            {"decision_reference": _("Cite the decision (session and resolution).")}
        )
    if effective_on < decided_on:
        raise ValidationError(
            {"effective_on": _("The effective date cannot be before the decision.")}
        )


def _applicant_institution(
    request: MembershipRequest, *, actor: User, reason: str | None
) -> Institution:
    """The institution an approved affiliation admits: the one named, the one registered
    under the applicant's name in its country, or a new one registered now."""
    if request.institution is not None:
        return request.institution
    assert request.applicant_country is not None
    existing = Institution.objects.filter(
        name__iexact=request.applicant_name, country=request.applicant_country
    ).first()
    return existing or institution_create(
        actor=actor,
        name=request.applicant_name,
        acronym=request.applicant_acronym,
        country=request.applicant_country,
        website=request.applicant_website,
        email=request.contact_email,
        phone=request.contact_phone,
        source=_("Affiliation request %(ref)s") % {"ref": request.reference},
        reason=reason,
    )


def _admit(
    request: MembershipRequest,
    *,
    actor: User,
    decision: str,
    effective_on: dt.date,
    granted_category: Category | None,
    reason: str | None,
) -> None:
    """Approved affiliation: the membership starts on `effective_on` in the granted category."""
    category = granted_category or request.requested_category
    if category is None:
        raise ValidationError({"granted_category": _("Choose the category granted.")})
    institution = _applicant_institution(request, actor=actor, reason=reason)
    request.institution = institution
    request.membership = membership_open(
        actor=actor,
        institution=institution,
        category=category,
        valid_from=effective_on,
        decision=decision,
        reason=reason,
    )
    request.granted_category = category


def _release(
    request: MembershipRequest,
    *,
    actor: User,
    decision: str,
    effective_on: dt.date,
    reason: str | None,
) -> None:
    """Approved disaffiliation: the membership in force ends on `effective_on`."""
    assert request.institution is not None
    current = Membership.objects.open_ended().filter(institution=request.institution).first()
    if current is None:
        raise ValidationError(_("This institution has no membership in force."))
    request.membership = membership_end(
        actor=actor, membership=current, on=effective_on, decision=decision, reason=reason
    )


@transaction.atomic
def request_approve(
    *,
    actor: User,
    request: MembershipRequest,
    decision_reference: str,
    decided_on: dt.date,
    effective_on: dt.date,
    granted_category: Category | None = None,
    reason: str | None = None,
) -> MembershipRequest:
    """Record the body's approval (domain.md, "Members": the General Assembly decides
    affiliation and disaffiliation). Affiliation: the membership starts on `effective_on` in
    the granted category (creating the institution if new). Disaffiliation: it ends."""
    require(actor, MANAGE)
    request = locked(request)
    _check_decision(decision_reference, decided_on, effective_on)
    before = snapshot(request, REQUEST_FIELDS)
    _transition(request, "approve")
    decision = decision_reference.strip()
    if request.kind == MembershipRequest.Kind.AFFILIATION:
        _admit(
            request,
            actor=actor,
            decision=decision,
            effective_on=effective_on,
            granted_category=granted_category,
            reason=reason,
        )
    else:
        _release(request, actor=actor, decision=decision, effective_on=effective_on, reason=reason)
    request.decision_reference = decision
    request.decided_on = decided_on
    request.effective_on = effective_on
    request.outcome_reason = (reason or "").strip()
    _save_step(
        request, actor=actor, event="request.approved", before=before, reason=reason, clean=True
    )
    return request


@transaction.atomic
def request_reject(
    *,
    actor: User,
    request: MembershipRequest,
    decision_reference: str,
    decided_on: dt.date,
    reason: str | None,
) -> MembershipRequest:
    """Record the body's rejection, with its reason."""
    require(actor, MANAGE)
    reason = require_reason(reason)
    request = locked(request)
    if not decision_reference.strip():
        raise ValidationError(
            {"decision_reference": _("Cite the decision (session and resolution).")}
        )
    before = snapshot(request, REQUEST_FIELDS)
    _transition(request, "reject")
    request.decision_reference = decision_reference.strip()
    request.decided_on = decided_on
    request.outcome_reason = reason
    _save_step(request, actor=actor, event="request.rejected", before=before, reason=reason)
    return request


@transaction.atomic
def request_withdraw(
    *, actor: User, request: MembershipRequest, reason: str | None
) -> MembershipRequest:
    """Record that the applicant withdrew the request (officers; or the member's representative)."""
    require(actor, "members.withdraw_request", request.institution)
    reason = require_reason(reason)
    request = locked(request)
    before = snapshot(request, REQUEST_FIELDS)
    _transition(request, "withdraw")
    request.outcome_reason = reason
    _save_step(request, actor=actor, event="request.withdrawn", before=before, reason=reason)
    return request


@transaction.atomic
def request_attach(
    *,
    actor: User,
    request: MembershipRequest,
    files: Iterable[UploadedFile[bytes]],
    reason: str | None = None,
) -> list[RequestAttachment]:
    """Add documents to an open request (the request itself does not change: one log row)."""
    require(actor, MANAGE)
    files = _validated(files)
    if not request.is_open:
        raise ValidationError(_("Documents can only be added to an open request."))
    saved = _add_attachments(request, files, actor)
    record_action(
        actor=actor,
        event="request.documents_added",
        target=request,
        new={"files": [a.original_name for a in saved]},
        reason=reason,
    )
    return saved
