"""The dues pages: the scale, the assessments with their runs and invoices, payments and
their reversal, write-offs and exemptions, and the members in arrears.

Reading needs `finance.view_dues` (the staff); every change `finance.manage_dues` (the
finance officers and the Secretary General), checked here and again by every service. An
invoice is also for the member's own representatives (the link in their e-mail)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from secretariat.core.access import requires
from secretariat.core.documents import document_response
from secretariat.core.forms import add_service_error
from secretariat.core.http import actor, posted
from secretariat.core.tables import paginate
from secretariat.finance.forms.dues import (
    AdjustmentForm,
    PaymentForm,
    ReverseForm,
    RunForm,
    ScaleForm,
    member_rows,
)
from secretariat.finance.selectors import arrears as arrears_selectors
from secretariat.finance.selectors import assessments as assessment_selectors
from secretariat.finance.selectors import payments as payment_selectors
from secretariat.finance.selectors import scales as scale_selectors
from secretariat.finance.services import adjustments, assessments, payments, scales
from secretariat.governance.selectors.resolutions import resolution_by_number

VIEW = "finance.view_dues"
MANAGE = "finance.manage_dues"
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _year(request: HttpRequest) -> int | None:
    text = request.GET.get("year", "")
    return int(text) if text.isdigit() else None


# --- Scale ----------------------------------------------------------------------------------


@requires(VIEW)
def scale_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, scale_selectors.scale_list_for_user(user=request.user))
    return render(
        request,
        "finance/scale_list.html",
        {"page": page, "can_manage": scale_selectors.scale_can_manage(request.user)},
    )


@requires(VIEW)
def scale_detail(request: HttpRequest, pk: int) -> HttpResponse:
    scale = scale_selectors.scale_get_for_user(user=request.user, pk=pk)
    return render(
        request, "finance/scale_detail.html", {"page": scale_selectors.scale_page(scale=scale)}
    )


@requires(MANAGE)
def scale_add(request: HttpRequest) -> HttpResponse:
    rows = member_rows(posted(request))
    if request.method == "POST" and "more_members" in request.POST:
        # More rows for members' own contributions: the page again, what was typed kept.
        form = ScaleForm(initial=request.POST.dict(), member_rows=rows)
        return render(request, "finance/scale_form.html", {"form": form})
    form = ScaleForm(posted(request), member_rows=rows)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            scale = scales.scale_record(
                actor=actor(request),
                effective_from_year=data["effective_from_year"],
                decision=data["decision"],
                resolution=resolution_by_number(data["resolution_number"]),
                rates=form.rates(),
                notes=data["notes"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The scale of contributions is recorded."))
            return redirect("finance:scale-detail", pk=scale.pk)
    return render(request, "finance/scale_form.html", {"form": form})


# --- Assessments ----------------------------------------------------------------------------


@requires(VIEW)
def assessment_list(request: HttpRequest) -> HttpResponse:
    year = _year(request)
    query = request.GET.get("q", "").strip()[:100]
    unpaid = request.GET.get("unpaid") == "1"
    page = paginate(
        request,
        assessment_selectors.assessment_list_for_user(
            user=request.user, year=year, query=query, unpaid=unpaid
        ),
    )
    fiscal_year = assessment_selectors.fiscal_year_by_year(year) if year else None
    return render(
        request,
        "finance/assessment_list.html",
        {
            "page": page,
            "years": assessment_selectors.year_choices(),
            "year": year,
            "q": query,
            "unpaid": unpaid,
            "run": assessment_selectors.latest_run(fiscal_year.pk) if fiscal_year else None,
            "can_manage": scale_selectors.scale_can_manage(request.user),
        },
    )


@requires(MANAGE)
def assessment_run(request: HttpRequest) -> HttpResponse:
    form = RunForm(posted(request), years=assessment_selectors.year_choices())
    if request.method == "POST" and form.is_valid():
        fiscal_year = assessment_selectors.fiscal_year_by_year(form.cleaned_data["year"])
        if fiscal_year is None:
            raise Http404
        try:
            run = assessments.assessment_run_start(
                actor=actor(request), fiscal_year=fiscal_year, site_url=_site_url(request)
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            return redirect("finance:assessment-run-progress", pk=run.pk)
    return render(request, "finance/assessment_run.html", {"form": form})


@requires(VIEW)
def assessment_run_progress(request: HttpRequest, pk: int) -> HttpResponse:
    run = assessment_selectors.run_get_for_user(user=request.user, pk=pk)
    template = (
        "finance/partials/_assessment_run_progress.html"
        if request.headers.get("HX-Request")
        else "finance/assessment_run_progress.html"
    )
    return render(request, template, {"run": run})


@requires(VIEW)
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_selectors.assessment_get_for_user(user=request.user, pk=pk)
    page = assessment_selectors.assessment_page(user=request.user, assessment=assessment)
    return render(
        request,
        "finance/assessment_detail.html",
        {"page": page, "assessment": assessment, "languages": settings.LANGUAGES},
    )


def assessment_invoice(request: HttpRequest, pk: int, lang: str) -> HttpResponseBase:
    """The invoice as a PDF in a language, built once per version by the worker."""
    assessment = assessment_selectors.invoice_get_for_user(user=request.user, pk=pk)
    if lang not in LANGUAGE_CODES:
        raise Http404
    document = assessments.assessment_invoice(assessment=assessment, language=lang)
    return document_response(
        request, document, title=_("Invoice %(number)s") % {"number": assessment.number}
    )


# --- Payments -------------------------------------------------------------------------------


@requires(VIEW)
def payment_list(request: HttpRequest) -> HttpResponse:
    page = paginate(
        request, payment_selectors.payment_list_for_user(user=request.user, year=_year(request))
    )
    return render(
        request,
        "finance/payment_list.html",
        {
            "page": page,
            "year": _year(request),
            "years": assessment_selectors.year_choices(),
            "can_manage": scale_selectors.scale_can_manage(request.user),
        },
    )


@requires(MANAGE)
def payment_add(request: HttpRequest) -> HttpResponse:
    form = PaymentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            payment = payments.payment_record(
                actor=actor(request),
                institution=data["institution"],
                received_on=data["received_on"],
                bank_reference=data["bank_reference"],
                bank_account=data["bank_account"],
                currency=data["currency"],
                amount=data["amount"],
                rate=data["rate"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The payment is recorded and applied."))
            return redirect("finance:payment-detail", pk=payment.pk)
    return render(request, "finance/payment_form.html", {"form": form})


@requires(VIEW)
def payment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    payment = payment_selectors.payment_get_for_user(user=request.user, pk=pk)
    page = payment_selectors.payment_page(user=request.user, payment=payment)
    return render(request, "finance/payment_detail.html", {"page": page, "payment": payment})


@requires(MANAGE)
def payment_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    payment = payment_selectors.payment_get_for_user(user=request.user, pk=pk, action="manage")
    if payment_selectors.payment_is_reversed(payment):
        messages.error(request, _("This payment is already reversed."))
        return redirect("finance:payment-detail", pk=payment.pk)
    form = ReverseForm(posted(request), initial={"on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            payments.payment_reverse(
                actor=actor(request),
                payment=payment,
                reason=form.cleaned_data["reason"],
                on=form.cleaned_data["on"],
            )
        except ValidationError as exc:
            add_service_error(form, exc, aliases={"date": "on"})
        else:
            messages.success(request, _("The payment is reversed."))
            return redirect("finance:payment-detail", pk=payment.pk)
    return render(request, "finance/payment_reverse.html", {"form": form, "payment": payment})


# --- Write-offs and exemptions --------------------------------------------------------------


@requires(MANAGE)
def adjustment_add(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_selectors.assessment_get_for_user(
        user=request.user, pk=pk, action="manage"
    )
    form = AdjustmentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            adjustments.adjustment_record(
                actor=actor(request),
                assessment=assessment,
                kind=data["kind"],
                amount=data["amount"],
                body=data["body"],
                decision=data["decision"],
                decided_on=data["decided_on"],
                reason=data["reason"],
                resolution=resolution_by_number(data["resolution_number"]),
            )
        except ValidationError as exc:
            add_service_error(form, exc, aliases={"date": "decided_on"})
        else:
            messages.success(request, _("The decision is recorded."))
            return redirect("finance:assessment-detail", pk=assessment.pk)
    return render(request, "finance/adjustment_form.html", {"form": form, "assessment": assessment})


# --- Arrears --------------------------------------------------------------------------------


@requires(VIEW)
def arrears(request: HttpRequest) -> HttpResponse:
    on = timezone.localdate()
    rows = arrears_selectors.arrears_list_for_user(user=request.user, on=on)
    return render(request, "finance/arrears_list.html", {"page": paginate(request, rows), "on": on})
