"""Affiliation and disaffiliation requests: the list, recording one, the record page with one
POST endpoint per workflow step, attachments (never public) and the member's own
disaffiliation request. Each view parses a form, calls one selector or service, and renders
or redirects; the services check permission, validate and audit.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_fsm import can_proceed

from secretariat.core.models import ActionLog, User
from secretariat.core.tables import Sort, paginate, sort_from_request
from secretariat.members import selectors, services
from secretariat.members.forms.requests import (
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
    add_service_error,
    deciding_body_choices,
)
from secretariat.members.models import MembershipRequest

State = MembershipRequest.State
MANAGE = "members.manage_registry"
SORTS = {
    "reference": "reference",
    "kind": "kind",
    "name": "sort_name",
    "state": "state",
    "received": "received_on",
    "body": "deciding_body",
}
# Service error keys that belong to a differently named form field.
ERROR_ALIASES = {
    "valid_from": "effective_on",
    "valid_to": "effective_on",
    "decision": "decision_reference",
}


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]  # LoginRequiredMiddleware: always our User


def _request_rows(*, user: User, state: str, kind: str, sort: Sort) -> QuerySet[MembershipRequest]:
    """The user's requests, sortable by "institution or applicant". (A selector: it belongs in
    members/selectors.py, which is not ours to edit.)"""
    return (
        selectors.request_list_for_user(user=user, state=state, kind=kind)
        .annotate(sort_name=Coalesce("institution__name", "applicant_name"))
        .order_by(*sort.order_by())
    )


def request_list(request: HttpRequest) -> HttpResponse:
    """Staff see every request; a representative sees their institution's (the selector scopes)."""
    filters = RequestFilterForm(request.GET or None)
    state, kind = filters.values()
    sort = sort_from_request(request, SORTS, "-received")
    rows = _request_rows(user=_user(request), state=state, kind=kind, sort=sort)
    return render(
        request,
        "members/request_list.html",
        {
            "page": paginate(request, rows),
            "filters": filters,
            "sort": sort,
            "state": state,
            "kind": kind,
        },
    )


@permission_required(MANAGE, raise_exception=True)
def request_create(request: HttpRequest) -> HttpResponse:
    form = RequestRecordForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            data = dict(form.cleaned_data)
            created = services.request_record(
                actor=_user(request), files=data.pop("documents"), **data
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


def _steps(req: MembershipRequest, history: list[ActionLog]) -> list[dict[str, Any]]:
    """The workflow as ordered steps, each done, current or still to come."""
    path_states: list[State | None] = [State.SUBMITTED, State.UNDER_REVIEW, State.FORWARDED]
    sequence: list[State | None]
    if req.state == State.WITHDRAWN:
        # Only the steps it went through (from its history), then "Withdrawn".
        reached = {State.SUBMITTED}
        events = {e.event for e in history}
        if "request.review_started" in events:
            reached.add(State.UNDER_REVIEW)
        if "request.forwarded" in events:
            reached.add(State.FORWARDED)
        sequence = [*(s for s in path_states if s in reached), State.WITHDRAWN]
    elif req.state in (State.APPROVED, State.REJECTED):
        sequence = [*path_states, State(req.state)]
    else:
        sequence = [*path_states, None]  # None: "Decision", not yet taken
    current = sequence.index(State(req.state)) if req.state in sequence else 0
    steps = []
    for i, step_state in enumerate(sequence):
        status = "done" if i < current else ("current" if i == current else "todo")
        if status == "current" and not req.is_open:
            status = "final"
        label = State(step_state).label if step_state else _("Decision by the deciding body")
        steps.append({"label": label, "status": status})
    return steps


def _available_forms(request: HttpRequest, req: MembershipRequest) -> dict[str, forms.Form]:
    """Blank forms for the steps this user may take now on this request."""
    user = _user(request)
    available: dict[str, forms.Form] = {}
    if user.has_perm(MANAGE):
        if can_proceed(req.start_review):
            available["review"] = RequestReviewForm()
        if req.state == State.UNDER_REVIEW:
            available["checklist"] = RequestChecklistForm(membership_request=req)
        if can_proceed(req.forward):
            available["forward"] = RequestForwardForm(bodies=deciding_body_choices())
        if can_proceed(req.approve):
            available["approve"] = RequestApproveForm(membership_request=req)
            available["reject"] = RequestRejectForm()
        if req.is_open:
            available["attach"] = RequestAttachForm()
    may_withdraw = user.has_perm(MANAGE) or (
        req.institution_id is not None
        and user.has_perm("members.request_disaffiliation", req.institution)
    )
    if req.is_open and may_withdraw:
        available["withdraw"] = RequestWithdrawForm()
    return available


def _detail_page(
    request: HttpRequest, req: MembershipRequest, failed: tuple[str, forms.Form] | None = None
) -> HttpResponse:
    """The record page; `failed` is the action form that did not pass, shown with its errors."""
    actions = _available_forms(request, req)
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
    history = selectors.record_history(target=req)
    return render(
        request,
        "members/request_detail.html",
        {
            "req": req,
            "actions": actions,
            "action_errors": action_errors,
            "steps": _steps(req, history),
            "history": history,
            "forward_blocked": req.state == State.UNDER_REVIEW and not req.checklist_complete,
        },
    )


def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, selectors.request_get_for_user(user=_user(request), pk=pk))


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


@require_POST
@permission_required(MANAGE, raise_exception=True)
def request_review(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.request_get_for_user(user=_user(request), pk=pk)

    def run(data: dict[str, Any]) -> str:
        services.request_start_review(actor=_user(request), request=req, reason=data["reason"])
        return _("The review has started.")

    return _act(request, req, "review", RequestReviewForm(request.POST), run)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def request_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.request_get_for_user(user=_user(request), pk=pk)
    form = RequestChecklistForm(request.POST, membership_request=req)

    def run(data: dict[str, Any]) -> str:
        services.request_update_checklist(
            actor=_user(request), request=req, checks=form.checks(), note=data["note"]
        )
        return _("The checklist was saved.")

    return _act(request, req, "checklist", form, run)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def request_forward(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.request_get_for_user(user=_user(request), pk=pk)
    bodies = deciding_body_choices()

    def run(data: dict[str, Any]) -> str:
        services.request_forward(
            actor=_user(request),
            request=req,
            deciding_body=data["deciding_body"],
            reason=data["reason"],
        )
        return _("The request was forwarded to the %(body)s.") % {
            "body": dict(bodies)[data["deciding_body"]]
        }

    return _act(request, req, "forward", RequestForwardForm(request.POST, bodies=bodies), run)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.request_get_for_user(user=_user(request), pk=pk)

    def run(data: dict[str, Any]) -> str:
        services.request_approve(actor=_user(request), request=req, **data)
        return _("The approval was recorded.")

    return _act(
        request, req, "approve", RequestApproveForm(request.POST, membership_request=req), run
    )


@require_POST
@permission_required(MANAGE, raise_exception=True)
def request_reject(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.request_get_for_user(user=_user(request), pk=pk)

    def run(data: dict[str, Any]) -> str:
        services.request_reject(actor=_user(request), request=req, **data)
        return _("The rejection was recorded.")

    return _act(request, req, "reject", RequestRejectForm(request.POST), run)


@require_POST
def request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """Officers, or the representative of the request's institution (the service decides)."""
    req = selectors.request_get_for_user(user=_user(request), pk=pk)

    def run(data: dict[str, Any]) -> str:
        services.request_withdraw(actor=_user(request), request=req, reason=data["reason"])
        return _("The request was withdrawn.")

    return _act(request, req, "withdraw", RequestWithdrawForm(request.POST), run)


@require_POST
@permission_required(MANAGE, raise_exception=True)
def request_attach(request: HttpRequest, pk: int) -> HttpResponse:
    req = selectors.request_get_for_user(user=_user(request), pk=pk)

    def run(data: dict[str, Any]) -> str:
        saved = services.request_attach(
            actor=_user(request), request=req, files=data["documents"], reason=data["reason"]
        )
        return ngettext(
            "%(count)d document was added.", "%(count)d documents were added.", len(saved)
        ) % {"count": len(saved)}

    return _act(request, req, "attach", RequestAttachForm(request.POST, request.FILES), run)


def request_attachment(request: HttpRequest, pk: int, att_pk: int) -> FileResponse:
    """Stream one attachment to someone who may see the request; never public, never inline."""
    req = selectors.request_get_for_user(user=_user(request), pk=pk)
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


def request_disaffiliation(request: HttpRequest, slug: str) -> HttpResponse:
    """A representative asks, for their institution, to leave the organization."""
    user = _user(request)
    institution = selectors.institution_get_for_user(user=user, slug=slug)
    if not user.has_perm("members.request_disaffiliation", institution):
        # Staff may read the record, but only the member's representative may ask to leave.
        raise PermissionDenied
    form = RequestDisaffiliationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_disaffiliation_by_member(
                actor=user,
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
