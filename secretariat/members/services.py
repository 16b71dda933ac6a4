"""Every write to the member registry: atomic, permission-checked, validated and audited.

Rules enforced here come from the Statute as summarised in shared/domain.md:
- four categories; only full members vote, the others have voice (Category.has_vote);
- the General Assembly decides affiliation and disaffiliation (setting
  `members.affiliation.deciding_body`, the Standing Committee between Assemblies when
  `members.affiliation.interim_body_allowed`); the General Secretariat receives and
  processes the requests;
- memberships and institutions are never deleted: an end date closes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from secretariat.core.access import require as _require
from secretariat.core.access import require_reason as _require_reason
from secretariat.core.audit import diff, record_action, snapshot
from secretariat.core.models import User
from secretariat.members.models import (
    Category,
    ContactCorrection,
    Country,
    DatePrecision,
    Institution,
    Membership,
    MembershipRequest,
    Representative,
    RequestAttachment,
    Source,
)
from secretariat.members.references import next_request_reference
from secretariat.members.uploads import validate_attachment

INSTITUTION_FIELDS = [
    "name",
    "acronym",
    "country",
    "website",
    "email",
    "phone",
    "address",
    "description_es",
    "description_en",
]
MEMBERSHIP_FIELDS = [
    "institution",
    "category",
    "valid_from",
    "valid_from_precision",
    "valid_to",
    "decision",
    "end_decision",
    "source",
]
REPRESENTATIVE_FIELDS = [
    "institution",
    "user",
    "full_name",
    "title",
    "role",
    "email",
    "phone",
    "valid_from",
    "valid_to",
]
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


def _unique_slug(base: str) -> str:
    root = slugify(base)[:100] or "institution"
    slug, n = root, 2
    while Institution.objects.filter(slug=slug).exists():
        slug, n = f"{root}-{n}", n + 1
    return slug


# --- Institutions -------------------------------------------------------------------


@transaction.atomic
def institution_create(
    *,
    actor: User,
    name: str,
    country: Country,
    acronym: str = "",
    website: str = "",
    email: str = "",
    phone: str = "",
    address: str = "",
    description_es: str = "",
    description_en: str = "",
    source: str = "",
    origin: str = Source.SECRETARIAT,
    reason: str | None = None,
) -> Institution:
    """Register an institution (not yet a member: membership comes from a decision)."""
    _require(actor, "members.manage_registry")
    name = name.strip()
    if Institution.objects.filter(name__iexact=name, country=country).exists():
        raise ValidationError(
            {"name": _("An institution with this name already exists in this country.")}
        )
    institution = Institution(
        name=name,
        acronym=acronym.strip(),
        country=country,
        website=website.strip(),
        email=email.strip(),
        phone=phone.strip(),
        address=address.strip(),
        description_es=description_es.strip(),
        description_en=description_en.strip(),
        source=source.strip(),
        origin=origin,
        slug=_unique_slug(f"{acronym or name}-{country.code}"),
    )
    institution.full_clean()
    institution._change_reason = reason or ""  # type: ignore[attr-defined]  # read by simple_history
    institution.save()
    record_action(
        actor=actor,
        event="institution.created",
        target=institution,
        new=snapshot(institution, INSTITUTION_FIELDS),
        reason=reason,
    )
    return institution


@transaction.atomic
def institution_update(
    *, actor: User, institution: Institution, data: Mapping[str, Any], reason: str | None
) -> Institution:
    """Change an institution's data; the old and new values go to the action log."""
    _require(actor, "members.manage_registry")
    reason = _require_reason(reason)
    institution = Institution.objects.select_for_update().get(pk=institution.pk)
    before = snapshot(institution, INSTITUTION_FIELDS)
    for field in INSTITUTION_FIELDS:
        if field in data:
            value = data[field]
            setattr(institution, field, value.strip() if isinstance(value, str) else value)
    if (
        Institution.objects.filter(name__iexact=institution.name, country=institution.country)
        .exclude(pk=institution.pk)
        .exists()
    ):
        raise ValidationError(
            {"name": _("An institution with this name already exists in this country.")}
        )
    institution.full_clean()
    old, new = diff(before, snapshot(institution, INSTITUTION_FIELDS))
    if not new:
        return institution
    institution._change_reason = reason  # type: ignore[attr-defined]
    institution.save()
    record_action(
        actor=actor,
        event="institution.updated",
        target=institution,
        old=old,
        new=new,
        reason=reason,
    )
    return institution


# --- Memberships --------------------------------------------------------------------


def _check_no_overlap(
    institution: Institution, start: dt.date | None, exclude_pk: int | None = None
) -> None:
    others = Membership.objects.filter(institution=institution)
    if exclude_pk:
        others = others.exclude(pk=exclude_pk)
    for other in others:
        if other.valid_to is None or start is None or other.valid_to > start:
            raise ValidationError(
                {
                    "valid_from": _(
                        "This institution is already a member on that date; end or change that membership."
                    )
                }
            )


@transaction.atomic
def membership_open(
    *,
    actor: User,
    institution: Institution,
    category: Category | None,
    valid_from: dt.date,
    decision: str,
    source: str = "",
    reason: str | None = None,
) -> Membership:
    """Admit an institution as a member from a date, citing the body's decision."""
    _require(actor, "members.manage_registry")
    if not decision.strip():
        raise ValidationError({"decision": _("Cite the decision that admits the member.")})
    _check_no_overlap(institution, valid_from)
    membership = Membership(
        institution=institution,
        category=category,
        valid_from=valid_from,
        valid_from_precision=DatePrecision.DAY,
        decision=decision.strip(),
        source=source.strip() or decision.strip(),
    )
    membership.full_clean()
    membership._change_reason = reason or ""  # type: ignore[attr-defined]
    membership.save()
    record_action(
        actor=actor,
        event="membership.opened",
        target=membership,
        new=snapshot(membership, MEMBERSHIP_FIELDS),
        reason=reason,
    )
    return membership


@transaction.atomic
def membership_end(
    *, actor: User, membership: Membership, on: dt.date, decision: str, reason: str | None = None
) -> Membership:
    """End a membership on a date (exclusive); the record and its history stay."""
    _require(actor, "members.manage_registry")
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.valid_to is not None:
        raise ValidationError(_("This membership has already ended."))
    if membership.valid_from is not None and on <= membership.valid_from:
        raise ValidationError({"valid_to": _("A membership must end after it starts.")})
    if not decision.strip():
        raise ValidationError({"decision": _("Cite the decision that ends the membership.")})
    before = snapshot(membership, MEMBERSHIP_FIELDS)
    membership.valid_to = on
    membership.end_decision = decision.strip()
    membership.full_clean()
    membership._change_reason = reason or ""  # type: ignore[attr-defined]
    membership.save()
    old, new = diff(before, snapshot(membership, MEMBERSHIP_FIELDS))
    record_action(
        actor=actor, event="membership.ended", target=membership, old=old, new=new, reason=reason
    )
    return membership


@transaction.atomic
def membership_change_category(
    *,
    actor: User,
    institution: Institution,
    category: Category,
    on: dt.date,
    decision: str,
    reason: str | None = None,
) -> Membership:
    """Move a member to another category from a date: the old membership ends, a new one starts."""
    _require(actor, "members.manage_registry")
    current = (
        Membership.objects.select_for_update()
        .filter(institution=institution, valid_to__isnull=True)
        .first()
    )
    if current is None:
        raise ValidationError(_("This institution has no membership in force."))
    if current.category_id == category.pk:
        raise ValidationError({"category": _("The member is already in this category.")})
    membership_end(actor=actor, membership=current, on=on, decision=decision, reason=reason)
    return membership_open(
        actor=actor,
        institution=institution,
        category=category,
        valid_from=on,
        decision=decision,
        reason=reason,
    )


# --- Representatives ----------------------------------------------------------------


def _check_one_head(rep: Representative) -> None:
    """An institution has one head representative at a time (alternates and liaisons may be many)."""
    if rep.role != Representative.Role.HEAD:
        return
    others = Representative.objects.filter(institution_id=rep.institution_id, role=rep.role)
    if rep.pk:
        others = others.exclude(pk=rep.pk)
    others = others.exclude(valid_to__lte=rep.valid_from)
    if rep.valid_to is not None:
        others = others.filter(valid_from__lt=rep.valid_to)
    if others.exists():
        raise ValidationError(
            {"valid_from": _("The institution already has a head representative in that period.")}
        )


@transaction.atomic
def representative_add(
    *,
    actor: User,
    institution: Institution,
    full_name: str,
    role: str,
    valid_from: dt.date,
    valid_to: dt.date | None = None,
    title: str = "",
    email: str = "",
    phone: str = "",
    user: User | None = None,
    reason: str | None = None,
) -> Representative:
    """Record a person representing an institution in a role for a period."""
    _require(actor, "members.manage_registry")
    rep = Representative(
        institution=institution,
        full_name=full_name.strip(),
        role=role,
        valid_from=valid_from,
        valid_to=valid_to,
        title=title.strip(),
        email=email.strip(),
        phone=phone.strip(),
        user=user,
    )
    rep.full_clean()
    _check_one_head(rep)
    rep._change_reason = reason or ""  # type: ignore[attr-defined]
    rep.save()
    record_action(
        actor=actor,
        event="representative.added",
        target=rep,
        new=snapshot(rep, REPRESENTATIVE_FIELDS),
        reason=reason,
    )
    return rep


@transaction.atomic
def representative_update(
    *, actor: User, representative: Representative, data: Mapping[str, Any], reason: str | None
) -> Representative:
    """Correct a representative's data or end the representation (set `valid_to`)."""
    _require(actor, "members.manage_registry")
    reason = _require_reason(reason)
    rep = Representative.objects.select_for_update().get(pk=representative.pk)
    before = snapshot(rep, REPRESENTATIVE_FIELDS)
    for field in ("full_name", "title", "role", "email", "phone", "valid_from", "valid_to", "user"):
        if field in data:
            value = data[field]
            setattr(rep, field, value.strip() if isinstance(value, str) else value)
    rep.full_clean()
    _check_one_head(rep)
    old, new = diff(before, snapshot(rep, REPRESENTATIVE_FIELDS))
    if not new:
        return rep
    rep._change_reason = reason  # type: ignore[attr-defined]
    rep.save()
    record_action(
        actor=actor, event="representative.updated", target=rep, old=old, new=new, reason=reason
    )
    return rep


# --- Affiliation and disaffiliation requests ----------------------------------------


def _new_request(**fields: Any) -> MembershipRequest:
    request = MembershipRequest(reference=next_request_reference(), **fields)
    request.full_clean(exclude=["state"])  # protected FSM field: cleaning would assign it
    request.save()
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
    files = list(files)
    for upload in files:
        validate_attachment(upload)  # before anything is written
    request = _new_request(
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
    _add_attachments(request, files, None)
    record_action(
        actor=None,
        event="request.submitted",
        target=request,
        new={
            "kind": request.kind,
            "channel": request.channel,
            "applicant_name": request.applicant_name,
            "attachments": len(files),
        },
    )
    return request


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
    _require(actor, "members.manage_registry")
    files = list(files)
    for upload in files:
        validate_attachment(upload)
    if kind == MembershipRequest.Kind.DISAFFILIATION:
        if institution is None:
            raise ValidationError({"institution": _("Choose the member to be disaffiliated.")})
        if not Membership.objects.filter(institution=institution, valid_to__isnull=True).exists():
            raise ValidationError(
                {"institution": _("This institution has no membership in force.")}
            )
    elif institution is None and (not applicant_name.strip() or applicant_country is None):
        raise ValidationError(
            {
                "applicant_name": _(
                    "Give the applicant's name and country, or choose an institution."
                )
            }
        )
    elif (
        institution is not None
        and Membership.objects.filter(institution=institution, valid_to__isnull=True).exists()
    ):
        raise ValidationError({"institution": _("This institution is already a member.")})
    request = _new_request(
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
    _add_attachments(request, files, actor)
    record_action(
        actor=actor,
        event="request.recorded",
        target=request,
        new=snapshot(request, REQUEST_FIELDS),
        reason=reason,
    )
    return request


@transaction.atomic
def request_disaffiliation_by_member(
    *,
    actor: User,
    institution: Institution,
    statement: str,
    files: Iterable[UploadedFile[bytes]] = (),
) -> MembershipRequest:
    """A member's representative asks, for their institution, to leave the organization."""
    _require(actor, "members.request_disaffiliation", institution)
    files = list(files)
    for upload in files:
        validate_attachment(upload)
    if not Membership.objects.filter(institution=institution, valid_to__isnull=True).exists():
        raise ValidationError(_("This institution has no membership in force."))
    if MembershipRequest.objects.filter(
        institution=institution,
        kind=MembershipRequest.Kind.DISAFFILIATION,
        state__in=MembershipRequest.OPEN_STATES,
    ).exists():
        raise ValidationError(_("A disaffiliation request for this institution is already open."))
    request = _new_request(
        kind=MembershipRequest.Kind.DISAFFILIATION,
        channel=MembershipRequest.Channel.MEMBER,
        institution=institution,
        statement=statement.strip(),
        received_on=timezone.localdate(),
        submitted_by=actor,
    )
    _add_attachments(request, files, actor)
    record_action(
        actor=actor,
        event="request.submitted",
        target=request,
        new=snapshot(request, REQUEST_FIELDS),
    )
    return request


def _locked(request: MembershipRequest) -> MembershipRequest:
    return MembershipRequest.objects.select_for_update().get(pk=request.pk)


def _transition(request: MembershipRequest, name: str) -> None:
    method = getattr(request, name)
    from django_fsm import can_proceed

    if not can_proceed(method):
        if name == "forward" and request.state == MembershipRequest.State.UNDER_REVIEW:
            raise ValidationError(_("Complete the checklist before forwarding the request."))
        raise ValidationError(
            _("This step is not possible while the request is “%(state)s”.")
            % {"state": request.get_state_display()}
        )
    method()


@transaction.atomic
def request_start_review(
    *, actor: User, request: MembershipRequest, reason: str | None = None
) -> MembershipRequest:
    """The Secretariat opens the completeness review of a request."""
    _require(actor, "members.manage_registry")
    request = _locked(request)
    before = snapshot(request, REQUEST_FIELDS)
    _transition(request, "start_review")
    request.save()
    old, new = diff(before, snapshot(request, REQUEST_FIELDS))
    record_action(
        actor=actor, event="request.review_started", target=request, old=old, new=new, reason=reason
    )
    return request


@transaction.atomic
def request_update_checklist(
    *, actor: User, request: MembershipRequest, checks: Mapping[str, bool], note: str | None = None
) -> MembershipRequest:
    """Tick or untick the completeness checklist while the request is under review."""
    _require(actor, "members.manage_registry")
    request = _locked(request)
    if request.state != MembershipRequest.State.UNDER_REVIEW:
        raise ValidationError(_("The checklist can only change while the request is under review."))
    allowed = {name for name, _label, _done in request.checklist}
    fields = sorted(allowed)
    before = snapshot(request, fields)
    for name, value in checks.items():
        if name in allowed:
            setattr(request, name, bool(value))
    old, new = diff(before, snapshot(request, fields))
    if new:
        request.save()
        record_action(
            actor=actor,
            event="request.checklist_updated",
            target=request,
            old=old,
            new=new,
            reason=note,
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
    _require(actor, "members.manage_registry")
    request = _locked(request)
    from secretariat.members.selectors import deciding_bodies_allowed

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
    request.save()
    old, new = diff(before, snapshot(request, REQUEST_FIELDS))
    record_action(
        actor=actor, event="request.forwarded", target=request, old=old, new=new, reason=reason
    )
    return request


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
    """Record the body's approval. Affiliation: the membership starts on `effective_on` in the
    granted category (creating the institution if new). Disaffiliation: the membership ends."""
    _require(actor, "members.manage_registry")
    request = _locked(request)
    if not decision_reference.strip():
        raise ValidationError(
            {"decision_reference": _("Cite the decision (session and resolution).")}
        )
    if effective_on < decided_on:
        raise ValidationError(
            {"effective_on": _("The effective date cannot be before the decision.")}
        )
    before = snapshot(request, REQUEST_FIELDS)
    _transition(request, "approve")
    decision = decision_reference.strip()
    if request.kind == MembershipRequest.Kind.AFFILIATION:
        category = granted_category or request.requested_category
        if category is None:
            raise ValidationError({"granted_category": _("Choose the category granted.")})
        institution = request.institution
        if institution is None:
            assert request.applicant_country is not None
            existing = Institution.objects.filter(
                name__iexact=request.applicant_name, country=request.applicant_country
            ).first()
            institution = existing or institution_create(
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
    else:
        assert request.institution is not None
        current = Membership.objects.filter(
            institution=request.institution, valid_to__isnull=True
        ).first()
        if current is None:
            raise ValidationError(_("This institution has no membership in force."))
        request.membership = membership_end(
            actor=actor, membership=current, on=effective_on, decision=decision, reason=reason
        )
    request.decision_reference = decision
    request.decided_on = decided_on
    request.effective_on = effective_on
    request.outcome_reason = (reason or "").strip()
    request.full_clean(exclude=["state"])
    request.save()
    old, new = diff(before, snapshot(request, REQUEST_FIELDS))
    record_action(
        actor=actor, event="request.approved", target=request, old=old, new=new, reason=reason
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
    _require(actor, "members.manage_registry")
    reason = _require_reason(reason)
    request = _locked(request)
    if not decision_reference.strip():
        raise ValidationError(
            {"decision_reference": _("Cite the decision (session and resolution).")}
        )
    before = snapshot(request, REQUEST_FIELDS)
    _transition(request, "reject")
    request.decision_reference = decision_reference.strip()
    request.decided_on = decided_on
    request.outcome_reason = reason
    request.save()
    old, new = diff(before, snapshot(request, REQUEST_FIELDS))
    record_action(
        actor=actor, event="request.rejected", target=request, old=old, new=new, reason=reason
    )
    return request


@transaction.atomic
def request_withdraw(
    *, actor: User, request: MembershipRequest, reason: str | None
) -> MembershipRequest:
    """Record that the applicant withdrew the request (officers; or the member's representative)."""
    if not (
        actor.has_perm("members.manage_registry")
        or (
            request.institution_id
            and actor.has_perm("members.request_disaffiliation", request.institution)
        )
    ):
        raise PermissionDenied(_("You do not have permission to do this."))
    reason = _require_reason(reason)
    request = _locked(request)
    before = snapshot(request, REQUEST_FIELDS)
    _transition(request, "withdraw")
    request.outcome_reason = reason
    request.save()
    old, new = diff(before, snapshot(request, REQUEST_FIELDS))
    record_action(
        actor=actor, event="request.withdrawn", target=request, old=old, new=new, reason=reason
    )
    return request


@transaction.atomic
def request_attach(
    *,
    actor: User,
    request: MembershipRequest,
    files: Iterable[UploadedFile[bytes]],
    reason: str | None = None,
) -> list[RequestAttachment]:
    """Add documents to an open request."""
    _require(actor, "members.manage_registry")
    files = list(files)
    for upload in files:
        validate_attachment(upload)
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


# --- Contact corrections proposed by representatives ---------------------------------


@transaction.atomic
def correction_propose(
    *, actor: User, institution: Institution, changes: Mapping[str, str], comment: str = ""
) -> ContactCorrection:
    """A representative proposes new contact data for their institution; an officer decides."""
    _require(actor, "members.propose_correction", institution)
    clean = {k: (v or "").strip() for k, v in changes.items() if k in ContactCorrection.FIELDS}
    current = {k: getattr(institution, k) for k in ContactCorrection.FIELDS}
    proposed = {k: v for k, v in clean.items() if v != current[k]}
    if not proposed:
        raise ValidationError(_("Nothing differs from the data on record."))
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
    correction = ContactCorrection(
        institution=institution,
        proposed_by=actor,
        changes=proposed,
        previous={k: current[k] for k in proposed},
        comment=comment.strip(),
    )
    correction.save()
    record_action(
        actor=actor, event="correction.proposed", target=correction, new=proposed, reason=comment
    )
    return correction


@transaction.atomic
def correction_decide(
    *, actor: User, correction: ContactCorrection, accept: bool, reason: str | None = None
) -> ContactCorrection:
    """Accept (apply to the institution) or reject a proposed correction."""
    _require(actor, "members.manage_registry")
    correction = ContactCorrection.objects.select_for_update().get(pk=correction.pk)
    if correction.state != ContactCorrection.State.PROPOSED:
        raise ValidationError(_("This proposal has already been decided."))
    if not accept:
        reason = _require_reason(reason)
    correction.state = (
        ContactCorrection.State.ACCEPTED if accept else ContactCorrection.State.REJECTED
    )
    correction.decided_by = actor
    correction.decided_at = timezone.now()
    correction.decision_reason = (reason or "").strip()
    correction.save()
    if accept:
        institution_update(
            actor=actor,
            institution=correction.institution,
            data=correction.changes,
            reason=reason or _("Correction proposed by the member's representative"),
        )
    record_action(
        actor=actor,
        event="correction.accepted" if accept else "correction.rejected",
        target=correction,
        new={"state": correction.state},
        reason=reason,
    )
    return correction
