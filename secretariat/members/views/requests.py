"""Affiliation and disaffiliation requests: the public application, the list, recording one,
the record page with one POST endpoint per workflow step, attachments (never public) and the
member's own disaffiliation request. Each view parses a form, calls one selector or service,
and renders or redirects; the services check permission, validate and audit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from secretariat.core.access import public, requires
from secretariat.core.client import client_network
from secretariat.core.forms import add_service_error
from secretariat.core.http import actor
from secretariat.core.limits import accepts_uploads, refused
from secretariat.core.staff_sessions import recent_authentication_required
from secretariat.core.tables import paginate, sort_from_request
from secretariat.members.forms.requests import (
    MAX_FILES,
    PUBLIC_MAX_FILES,
    ApplicationForm,
    RequestApproveForm,
    RequestAttachForm,
    RequestChecklistForm,
    RequestDisaffiliationForm,
    RequestFilterForm,
    RequestForwardForm,
    RequestRecordForm,
    RequestRejectForm,
    RequestReviewForm,
    RequestWithdrawForm,
    deciding_body_choices,
)
from secretariat.members.models import MembershipRequest
from secretariat.members.selectors.common import registry_offers
from secretariat.members.selectors.registry import institution_get_for_user
from secretariat.members.selectors.requests import (
    REQUEST_SORTS,
    RequestPage,
    request_get_for_user,
    request_list_for_user,
    request_page,
)
from secretariat.members.services import requests as services

MANAGE = "members.manage_registry"
APPLY_LIMIT_PER_HOUR = 5
APPLY_SESSION_KEY = "members_apply_reference"
UPLOAD_ERROR_CODES = {"type", "empty", "size", "content"}
# Service error keys that belong to a differently named form field.
ERROR_ALIASES = {
    "valid_from": "effective_on",
    "valid_to": "effective_on",
    "decision": "decision_reference",
}


# --- The public application ------------------------------------------------------------


def _rate_key(request: HttpRequest) -> str:
    # The shared cache (every process counts together), by the client's address as the
    # site's trusted proxies give it (core/client.py).
    return f"members:apply:{client_network(request)}"


def _rate_limited(request: HttpRequest) -> bool:
    return int(cache.get(_rate_key(request), 0)) >= APPLY_LIMIT_PER_HOUR


def _apply_gate(request: HttpRequest) -> HttpResponse | None:
    """Refuse a sender over the hourly limit before its body (and files) is read."""
    if request.method != "POST" or not _rate_limited(request):
        return None
    return refused(
        request,
        status=429,
        title=_("Too many applications"),
        message=_(
            "Too many applications were sent from this address; please try again in an hour."
        ),
    )


def _count_submission(request: HttpRequest) -> None:
    key = _rate_key(request)
    if not cache.add(key, 1, timeout=3600):
        try:
            cache.incr(key)
        except ValueError:  # expired between add() and incr()
            cache.set(key, 1, timeout=3600)


def _attach_error(form: ApplicationForm, exc: ValidationError) -> None:
    """Put a service error on the field it is about (upload errors on the documents field)."""
    if hasattr(exc, "error_dict"):
        add_service_error(form, exc)
    elif any(getattr(e, "code", None) in UPLOAD_ERROR_CODES for e in exc.error_list):
        form.add_error("documents", exc)
    else:
        form.add_error(None, exc)


def _submit(request: HttpRequest, form: ApplicationForm) -> HttpResponse | None:
    """Send a valid application; the redirect, or None when the service refused it."""
    _count_submission(request)
    data = form.cleaned_data
    try:
        submitted = services.request_submit_public(
            applicant_name=data["applicant_name"],
            applicant_acronym=data["applicant_acronym"],
            applicant_country=data["applicant_country"],
            applicant_website=data["applicant_website"],
            requested_category=data["requested_category"],
            contact_name=data["contact_name"],
            contact_email=data["contact_email"],
            contact_phone=data["contact_phone"],
            statement=data["statement"],
            files=data["documents"],
        )
    except ValidationError as exc:
        _attach_error(form, exc)
        return None
    request.session[APPLY_SESSION_KEY] = submitted.reference
    messages.success(request, _("Your application was received."))
    return redirect("members:apply-done")


@public
@accepts_uploads(files=PUBLIC_MAX_FILES, before_body=_apply_gate)
@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest) -> HttpResponse:
    form = ApplicationForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    if request.method == "POST":
        if form.is_bot:
            # Pretend it worked: telling a robot why it failed only helps it adapt.
            _count_submission(request)
            return redirect("members:apply-done")
        if form.is_valid():
            done = _submit(request, form)
            if done is not None:
                return done
    return render(request, "members/application_form.html", {"form": form})


@public
@require_safe
def apply_done(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "members/application_done.html",
        {"reference": request.session.get(APPLY_SESSION_KEY)},
    )


# --- The list, and recording a request -------------------------------------------------


def request_list(request: HttpRequest) -> HttpResponse:
    """Staff see every request; a representative sees their institution's (the selector scopes)."""
    filters = RequestFilterForm(request.GET or None)
    state, kind = filters.values()
    sort = sort_from_request(request, REQUEST_SORTS, "-received")
    rows = request_list_for_user(user=actor(request), state=state, kind=kind, sort=sort)
    return render(
        request,
        "members/request_list.html",
        {
            "page": paginate(request, rows),
            "filters": filters,
            "sort": sort,
            "state": state,
            "kind": kind,
            "offers": registry_offers(user=actor(request)),
        },
    )


@requires(MANAGE)
@accepts_uploads(files=MAX_FILES)
def request_create(request: HttpRequest) -> HttpResponse:
    form = RequestRecordForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            created = services.request_record(
                actor=actor(request), files=data.pop("documents"), **data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("Request %(ref)s was recorded.") % {"ref": created.reference}
            )
            return redirect("members:request-detail", pk=created.pk)
    return render(request, "members/request_form.html", {"form": form})


# --- The record page and its actions -------------------------------------------------


def _action_forms(page: RequestPage) -> dict[str, forms.Form]:
    """Blank forms for the steps this user may take now on this request (the selector says
    which)."""
    req, possible = page.request, page.possible
    available: dict[str, forms.Form] = {}
    if possible.review:
        available["review"] = RequestReviewForm()
    if possible.checklist:
        available["checklist"] = RequestChecklistForm(membership_request=req)
    if possible.forward:
        available["forward"] = RequestForwardForm(bodies=deciding_body_choices())
    if possible.decide:
        available["approve"] = RequestApproveForm(membership_request=req)
        available["reject"] = RequestRejectForm()
    if possible.attach:
        available["attach"] = RequestAttachForm()
    if possible.withdraw:
        available["withdraw"] = RequestWithdrawForm()
    return available


def _detail_page(
    request: HttpRequest, req: MembershipRequest, failed: tuple[str, forms.Form] | None = None
) -> HttpResponse:
    """The record page; `failed` is the action form that did not pass, shown with its errors."""
    page = request_page(user=actor(request), request=req)
    actions = _action_forms(page)
    action_errors: list[str] = []
    if failed is not None:
        key, form = failed
        if key in actions:
            actions[key] = form
        else:
            # The step is no longer possible here (e.g. someone else moved the request on).
            action_errors = [str(e) for e in form.non_field_errors()] or [
                str(m) for errs in form.errors.values() for m in errs
            ]
    return render(
        request,
        "members/request_detail.html",
        {
            "req": req,
            "page": page,
            "actions": actions,
            "action_errors": action_errors,
            "steps": page.steps,
            "history": page.history,
        },
    )


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, request_get_for_user(user=actor(request), pk=pk))


def _act(
    request: HttpRequest,
    req: MembershipRequest,
    key: str,
    form: forms.Form,
    run: Callable[[dict[str, Any]], str],
) -> HttpResponse:
    """Run one workflow step: on success, flash its message and go back to the record (PRG);
    on a refusal, show the record again with the errors in the step's form (nothing changed)."""
    if form.is_valid():
        try:
            done = run(form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc, ERROR_ALIASES)
        else:
            messages.success(request, done)
            return redirect("members:request-detail", pk=req.pk)
    return _detail_page(request, req, failed=(key, form))


def _managed(request: HttpRequest, pk: int) -> MembershipRequest:
    """The request a Secretariat step acts on (404 when not the user's to see)."""
    return request_get_for_user(user=actor(request), pk=pk, action="manage")


@require_POST
@requires(MANAGE)
def request_review(request: HttpRequest, pk: int) -> HttpResponse:
    req = _managed(request, pk)

    def run(data: dict[str, Any]) -> str:
        services.request_start_review(actor=actor(request), request=req, reason=data["reason"])
        return _("The review has started.")

    return _act(request, req, "review", RequestReviewForm(request.POST), run)


@require_POST
@requires(MANAGE)
def request_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    req = _managed(request, pk)
    form = RequestChecklistForm(request.POST, membership_request=req)

    def run(data: dict[str, Any]) -> str:
        services.request_update_checklist(
            actor=actor(request), request=req, checks=form.checks(), note=data["note"]
        )
        return _("The checklist was saved.")

    return _act(request, req, "checklist", form, run)


@require_POST
@requires(MANAGE)
def request_forward(request: HttpRequest, pk: int) -> HttpResponse:
    req = _managed(request, pk)
    bodies = deciding_body_choices()

    def run(data: dict[str, Any]) -> str:
        services.request_forward(
            actor=actor(request),
            request=req,
            deciding_body=data["deciding_body"],
            reason=data["reason"],
        )
        return _("The request was forwarded to the %(body)s.") % {
            "body": dict(bodies)[data["deciding_body"]]
        }

    return _act(request, req, "forward", RequestForwardForm(request.POST, bodies=bodies), run)


@require_POST
@requires(MANAGE)
@recent_authentication_required
def request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    req = _managed(request, pk)

    def run(data: dict[str, Any]) -> str:
        services.request_approve(actor=actor(request), request=req, **data)
        return _("The approval was recorded.")

    return _act(
        request, req, "approve", RequestApproveForm(request.POST, membership_request=req), run
    )


@require_POST
@requires(MANAGE)
def request_reject(request: HttpRequest, pk: int) -> HttpResponse:
    req = _managed(request, pk)

    def run(data: dict[str, Any]) -> str:
        services.request_reject(actor=actor(request), request=req, **data)
        return _("The rejection was recorded.")

    return _act(request, req, "reject", RequestRejectForm(request.POST), run)


@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers, or the representative of the request's institution (403 for anyone else
    who may see the request)."""
    req = request_get_for_user(user=actor(request), pk=pk, action="withdraw")

    def run(data: dict[str, Any]) -> str:
        services.request_withdraw(actor=actor(request), request=req, reason=data["reason"])
        return _("The request was withdrawn.")

    return _act(request, req, "withdraw", RequestWithdrawForm(request.POST), run)


@require_POST
@requires(MANAGE)
@accepts_uploads(files=MAX_FILES)
def request_attach(request: HttpRequest, pk: int) -> HttpResponse:
    req = _managed(request, pk)

    def run(data: dict[str, Any]) -> str:
        saved = services.request_attach(
            actor=actor(request), request=req, files=data["documents"], reason=data["reason"]
        )
        return ngettext(
            "%(count)d document was added.", "%(count)d documents were added.", len(saved)
        ) % {"count": len(saved)}

    return _act(request, req, "attach", RequestAttachForm(request.POST, request.FILES), run)


def request_attachment(request: HttpRequest, pk: int, att_pk: int) -> FileResponse:
    """Stream one attachment to someone who may see the request; never public, never inline."""
    req = request_get_for_user(user=actor(request), pk=pk)
    attachment = next((a for a in req.attachments.all() if a.pk == att_pk), None)
    if attachment is None:
        raise Http404
    try:
        handle = attachment.file.storage.open(attachment.file.name or "", "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


# --- The member's own disaffiliation request -----------------------------------------


@accepts_uploads(files=MAX_FILES)
def request_disaffiliation(request: HttpRequest, slug: str) -> HttpResponse:
    """A representative asks, for their institution, to leave the organization (staff may
    read the record, but only the member's representative may ask to leave: 403)."""
    institution = institution_get_for_user(
        user=actor(request), slug=slug, action="request_disaffiliation"
    )
    form = RequestDisaffiliationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_disaffiliation_by_member(
                actor=actor(request),
                institution=institution,
                statement=form.cleaned_data["statement"],
                files=form.cleaned_data["documents"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Your request %(ref)s was sent to the General Secretariat.")
                % {"ref": created.reference},
            )
            return redirect("members:request-detail", pk=created.pk)
    return render(
        request,
        "members/request_disaffiliation_form.html",
        {"form": form, "institution": institution},
    )
