"""Nomination pages: the member portal (nominate, see its own, withdraw, correct), the
Secretariat's paper record and list, and the published list of candidates (public)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from secretariat.core.access import public, requires
from secretariat.core.forms import add_service_error
from secretariat.core.http import actor, posted
from secretariat.elections.forms.nominations import (
    NominationForm,
    PaperNominationForm,
    WithdrawForm,
    initial_from_version,
)
from secretariat.elections.selectors import nominations as selectors
from secretariat.elections.services import nominations as services
from secretariat.elections.services import reviews as review_services

NOMINATE = "elections.nominate"
VIEW_ALL = "elections.view_nominations"
REVIEW = "elections.review_nominations"


@requires(NOMINATE)
@require_safe
def nomination_mine(request: HttpRequest) -> HttpResponse:
    rows = selectors.nomination_list_for_user(user=request.user)
    return render(request, "elections/nomination_mine.html", {"rows": rows})


@requires(NOMINATE)
def nomination_add(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.nomination_call_get_for_user(user=request.user, pk=pk, action="nominate")
    offers = selectors.nomination_offers(user=request.user, call=call)
    form = NominationForm(
        posted(request),
        request.FILES or None,
        documents=offers.documents,
        offices=offers.offices,
        institutions=offers.institutions,
    )
    if request.method == "POST" and offers.institutions and form.is_valid():
        try:
            nomination = services.nomination_submit(
                actor=actor(request),
                call=call,
                call_office=form.cleaned_data["call_office"],
                institution=form.cleaned_data["institution"],
                data=form.data_for_service(),
                files=form.files_for_service(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The nomination was received. A receipt was e-mailed."))
            return redirect("elections:nomination-detail", pk=nomination.pk)
    context = {
        "call": call,
        "form": form,
        "offers": offers,
        "clock": selectors.call_clock(call),
        "paper": False,
    }
    return render(request, "elections/nomination_form.html", context)


def nomination_detail(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = selectors.nomination_get_for_user(user=request.user, pk=pk)
    page = selectors.nomination_page(user=request.user, nomination=nomination)
    context = {"page": page, "nomination": nomination, "withdraw_form": WithdrawForm()}
    return render(request, "elections/nomination_detail.html", context)


def nomination_file(request: HttpRequest, file_pk: int) -> FileResponse:
    """A nomination's document, as an attachment, to whoever may see the nomination."""
    row = selectors.nomination_file_get_for_user(user=request.user, pk=file_pk)
    try:
        handle = row.file.storage.open(row.file.name or "", "rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=row.file_name,
        content_type=row.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
def nomination_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = selectors.nomination_get_for_user(user=request.user, pk=pk, action="withdraw")
    form = WithdrawForm(request.POST)
    if form.is_valid():
        try:
            services.nomination_withdraw(
                actor=actor(request), nomination=nomination, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The nomination was withdrawn."))
    else:
        messages.error(request, _("Say why the nomination is withdrawn."))
    return redirect("elections:nomination-detail", pk=nomination.pk)


@requires(NOMINATE)
def nomination_correct(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = selectors.nomination_get_for_user(user=request.user, pk=pk, action="correct")
    page = selectors.nomination_page(user=request.user, nomination=nomination)
    initial = initial_from_version(page.latest.version) if page.latest else {}
    form = NominationForm(
        posted(request),
        request.FILES or None,
        documents=selectors.correction_offers(nomination=nomination),
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.nomination_correct(
                actor=actor(request),
                nomination=nomination,
                data=form.data_for_service(),
                files=form.files_for_service(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The corrected version was received."))
            return redirect("elections:nomination-detail", pk=nomination.pk)
    context = {"form": form, "page": page, "nomination": nomination}
    return render(request, "elections/nomination_correct.html", context)


@requires(REVIEW)
def nomination_paper(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.nomination_call_get_for_user(user=request.user, pk=pk, action="paper")
    offers = selectors.paper_offers(call=call)
    clock = selectors.call_clock(call)
    form = PaperNominationForm(
        posted(request),
        request.FILES or None,
        documents=offers.documents,
        offices=offers.offices,
        institutions=offers.institutions,
        zone=clock.zone,
    )
    if request.method == "POST" and form.is_valid():
        try:
            nomination = services.nomination_record_paper(
                actor=actor(request),
                call=call,
                call_office=form.cleaned_data["call_office"],
                institution=form.cleaned_data["institution"],
                data=form.data_for_service(),
                files=form.files_for_service(),
                received_at=form.cleaned_data["received_at"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The paper nomination was recorded."))
            return redirect("elections:nomination-detail", pk=nomination.pk)
    context = {"call": call, "form": form, "offers": offers, "clock": clock, "paper": True}
    return render(request, "elections/nomination_form.html", context)


@requires(VIEW_ALL)
@require_safe
def nomination_list(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.nomination_call_get_for_user(user=request.user, pk=pk, action="list")
    offices = selectors.call_nominations(user=request.user, call=call)
    context = {
        "call": call,
        "offices": offices,
        "clock": selectors.call_clock(call),
        "can_review": selectors.can_review(user=request.user),
    }
    return render(request, "elections/nomination_list.html", context)


@require_POST
@requires(REVIEW)
def candidates_publish(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.nomination_call_get_for_user(
        user=request.user, pk=pk, action="publish_candidates"
    )
    try:
        review_services.candidates_publish(actor=actor(request), call=call)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The list of candidates was published."))
    return redirect("elections:nomination-list", pk=call.pk)


@public
@require_safe
def candidate_list(request: HttpRequest, pk: int) -> HttpResponse:
    call = selectors.candidates_call_get_for_user(user=request.user, pk=pk)
    offices = selectors.candidate_list(call=call)
    return render(request, "elections/candidate_list.html", {"call": call, "offices": offices})
