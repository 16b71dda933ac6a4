"""The Call for Candidates pages: the public list, page and PDF of published Calls; the
Secretariat's drafting forms (the Call, its offices and requirements), its approval,
publication and closing.

Reading a published Call is public; a draft or approved one is for the staff. Every change
needs `elections.manage_calls` (the Secretary General and officers), checked here and again
by every service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from secretariat.core.access import public, requires
from secretariat.core.documents import document_response
from secretariat.core.forms import add_service_error, service_error_text
from secretariat.core.http import actor, posted
from secretariat.core.staff_sessions import recent_authentication_required
from secretariat.core.tables import paginate
from secretariat.elections.forms.calls import (
    ApproveForm,
    CallForm,
    CallOfficeForm,
    ReasonForm,
    RequirementForm,
)
from secretariat.elections.models import Call
from secretariat.elections.selectors.calls import (
    call_can_manage,
    call_get_for_user,
    call_is_draft,
    call_list_for_user,
    call_office_get_for_user,
    call_page,
    call_rows,
    requirement_get_for_user,
)
from secretariat.elections.services import call_parts, calls
from secretariat.governance.selectors.resolutions import resolution_by_number

MANAGE = "elections.manage_calls"


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _to_page(call: Call) -> HttpResponse:
    return redirect("elections:call-detail", pk=call.pk)


def _draft_only(request: HttpRequest, call: Call) -> HttpResponse | None:
    """A page that changes a Call: back to its page, saying why, unless it is a draft."""
    if call_is_draft(call):
        return None
    messages.error(
        request,
        _("Only a draft Call is changed; this one is “%(state)s”.")
        % {"state": call.get_state_display()},
    )
    return _to_page(call)


@public
def call_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, call_list_for_user(user=request.user))
    page.object_list = call_rows(page.object_list)
    return render(
        request,
        "elections/call_list.html",
        {"page": page, "can_manage": call_can_manage(request.user)},
    )


@public
def call_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = call_get_for_user(user=request.user, pk=pk)
    page = call_page(user=request.user, call=call)
    return render(
        request,
        "elections/call_detail.html",
        {"page": page, "call": call, "now": timezone.now()},
    )


@public
def call_pdf(request: HttpRequest, pk: int, lang: str) -> HttpResponseBase:
    """The Call as a PDF in one of its languages, built once per version by the worker."""
    call = call_get_for_user(user=request.user, pk=pk)
    if lang not in call.languages and lang != "es":
        raise Http404
    document = calls.call_pdf(call=call, language=lang)
    return document_response(
        request,
        document,
        title=_("Call for Candidates: %(title)s") % {"title": call.title},
        public=call.state in (Call.State.PUBLISHED, Call.State.CLOSED),
    )


@requires(MANAGE)
def call_add(request: HttpRequest) -> HttpResponse:
    form = CallForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            call = calls.call_create(actor=actor(request), data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("The Call was drafted with the default requirements: adjust them to it."),
            )
            return _to_page(call)
    return render(request, "elections/call_form.html", {"form": form, "call": None})


@requires(MANAGE)
def call_edit(request: HttpRequest, pk: int) -> HttpResponse:
    call = call_get_for_user(user=request.user, pk=pk, action="manage")
    refused = _draft_only(request, call)
    if refused is not None:
        return refused
    form = CallForm(posted(request), initial=CallForm.initial_for(call))
    if request.method == "POST" and form.is_valid():
        try:
            calls.call_update(actor=actor(request), call=call, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The Call was saved."))
            return _to_page(call)
    return render(request, "elections/call_form.html", {"form": form, "call": call})


@requires(MANAGE)
def call_office_add(request: HttpRequest, pk: int) -> HttpResponse:
    call = call_get_for_user(user=request.user, pk=pk, action="manage")
    refused = _draft_only(request, call)
    if refused is not None:
        return refused
    form = CallOfficeForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        office = data.pop("office")
        try:
            call_parts.call_office_add(actor=actor(request), call=call, office=office, data=data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The office was added to the Call."))
            return _to_page(call)
    return render(
        request, "elections/call_office_form.html", {"form": form, "call": call, "row": None}
    )


@requires(MANAGE)
def call_office_edit(request: HttpRequest, office_pk: int) -> HttpResponse:
    row = call_office_get_for_user(user=request.user, pk=office_pk)
    refused = _draft_only(request, row.call)
    if refused is not None:
        return refused
    initial = {"places": row.places, "term_start": row.term_start, "term_end": row.term_end}
    form = CallOfficeForm(posted(request), initial=initial, call_office=row)
    if request.method == "POST" and form.is_valid():
        try:
            call_parts.call_office_update(
                actor=actor(request), call_office=row, data=form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The office of the Call was saved."))
            return _to_page(row.call)
    return render(
        request,
        "elections/call_office_form.html",
        {"form": form, "call": row.call, "row": row, "remove_form": ReasonForm()},
    )


@require_POST
@requires(MANAGE)
def call_office_remove(request: HttpRequest, office_pk: int) -> HttpResponse:
    row = call_office_get_for_user(user=request.user, pk=office_pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        call_parts.call_office_remove(actor=actor(request), call_office=row, reason=reason)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("The office was taken out of the Call."))
    return _to_page(row.call)


@requires(MANAGE)
def requirement_add(request: HttpRequest, pk: int) -> HttpResponse:
    call = call_get_for_user(user=request.user, pk=pk, action="manage")
    refused = _draft_only(request, call)
    if refused is not None:
        return refused
    form = RequirementForm(posted(request), call=call)
    if request.method == "POST" and form.is_valid():
        try:
            call_parts.requirement_add(actor=actor(request), call=call, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The requirement was added."))
            return _to_page(call)
    return render(
        request, "elections/requirement_form.html", {"form": form, "call": call, "req": None}
    )


@requires(MANAGE)
def requirement_edit(request: HttpRequest, requirement_pk: int) -> HttpResponse:
    req = requirement_get_for_user(user=request.user, pk=requirement_pk)
    refused = _draft_only(request, req.call)
    if refused is not None:
        return refused
    form = RequirementForm(posted(request), call=req.call, initial=RequirementForm.initial_for(req))
    if request.method == "POST" and form.is_valid():
        try:
            call_parts.requirement_update(
                actor=actor(request), requirement=req, data=form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The requirement was saved."))
            return _to_page(req.call)
    return render(
        request,
        "elections/requirement_form.html",
        {"form": form, "call": req.call, "req": req, "remove_form": ReasonForm()},
    )


@require_POST
@requires(MANAGE)
def requirement_remove(request: HttpRequest, requirement_pk: int) -> HttpResponse:
    req = requirement_get_for_user(user=request.user, pk=requirement_pk)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        call_parts.requirement_remove(actor=actor(request), requirement=req, reason=reason)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("The requirement was taken out of the Call."))
    return _to_page(req.call)


@requires(MANAGE)
@recent_authentication_required
def call_approve(request: HttpRequest, pk: int) -> HttpResponse:
    call = call_get_for_user(user=request.user, pk=pk, action="manage")
    refused = _draft_only(request, call)
    if refused is not None:
        return refused
    form = ApproveForm(posted(request))
    if request.method == "POST" and form.is_valid():
        number = form.cleaned_data["resolution_number"]
        resolution = resolution_by_number(number)
        if number is not None and resolution is None:
            form.add_error(
                "resolution_number",
                _("No resolution with number %(number)s is recorded.") % {"number": number},
            )
        else:
            try:
                calls.call_approve(
                    actor=actor(request),
                    call=call,
                    decision=form.cleaned_data["decision"],
                    resolution=resolution,
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("The Call is approved; it can now be published."))
                return _to_page(call)
    context: dict[str, Any] = {
        "form": form,
        "call": call,
        "page": call_page(user=request.user, call=call),
    }
    return render(request, "elections/call_approve.html", context)


@require_POST
@requires(MANAGE)
def call_publish(request: HttpRequest, pk: int) -> HttpResponse:
    call = call_get_for_user(user=request.user, pk=pk, action="manage")
    try:
        calls.call_publish(actor=actor(request), call=call, base_url=_site_url(request))
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("The Call is published and is being sent to the full members."))
    return _to_page(call)


@require_POST
@requires(MANAGE)
def call_close(request: HttpRequest, pk: int) -> HttpResponse:
    call = call_get_for_user(user=request.user, pk=pk, action="manage")
    try:
        calls.call_close(actor=actor(request), call=call)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("The Call is closed: no more nominations are received."))
    return _to_page(call)
