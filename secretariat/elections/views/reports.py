"""The eligibility report of a Call: its page (draft, versions, preview), drafting,
refreshing and signing a version, and its PDF in any content language.

Who sees what (selectors.reports): staff who read everything see the page and the signed
versions; those who prepare the report (`elections.review_nominations`) see the drafts too;
only the Secretary General signs (`elections.sign_report`). Every service checks again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from secretariat.core.access import requires
from secretariat.core.documents import document_response
from secretariat.core.http import actor, posted
from secretariat.core.languages import TRANSLATION_LANGUAGES, is_content_language
from secretariat.elections.forms.reports import ReportDraftForm, ReportSignForm
from secretariat.elections.models import Call
from secretariat.elections.selectors.reports import (
    PREPARE,
    SIGN,
    VIEW,
    report_agenda_items,
    report_call_get_for_user,
    report_get_for_user,
    report_page,
)
from secretariat.elections.services import reports as services

ALWAYS = ("es", "en")  # the report's languages; the others on request


def _to_page(call: Call) -> HttpResponse:
    return redirect("elections:report", pk=call.pk)


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _form_errors(request: HttpRequest, form: Form) -> None:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(request, f"{label}: {error}" if label else str(error))


@requires(VIEW)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call = report_call_get_for_user(user=request.user, pk=pk)
    page = report_page(user=actor(request), call=call)
    context = {
        "page": page,
        "call": call,
        "draft_form": ReportDraftForm() if page.can_prepare else None,
        "sign_form": (
            ReportSignForm(items=report_agenda_items(call), default=page.default_item)
            if page.can_sign
            else None
        ),
        "pdf_languages": ALWAYS,
        "other_languages": [lang for lang in TRANSLATION_LANGUAGES if lang not in ALWAYS],
    }
    return render(request, "elections/report_detail.html", context)


@require_POST
@requires(PREPARE)
def report_draft(request: HttpRequest, pk: int) -> HttpResponse:
    call = report_call_get_for_user(user=request.user, pk=pk, action="prepare")
    form = ReportDraftForm(posted(request))
    if not form.is_valid():
        _form_errors(request, form)
        return _to_page(call)
    try:
        report = services.report_draft(
            actor=actor(request), call=call, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("Version %(version)s of the report was drafted from the reviews.")
            % {"version": report.version},
        )
    return _to_page(call)


@require_POST
@requires(PREPARE)
def report_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get_for_user(user=request.user, pk=pk, action="prepare")
    try:
        services.report_refresh(actor=actor(request), report=report)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The draft was rebuilt from the current reviews."))
    return _to_page(report.call)


@require_POST
@requires(SIGN)
def report_sign(request: HttpRequest, pk: int) -> HttpResponse:
    report = report_get_for_user(user=request.user, pk=pk, action="sign")
    form = ReportSignForm(posted(request), items=report_agenda_items(report.call), default=None)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_page(report.call)
    try:
        signed = services.report_sign(
            actor=actor(request),
            report=report,
            reason=form.cleaned_data["reason"],
            agenda_item=form.cleaned_data["agenda_item"],
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        if signed.document is not None:
            messages.success(
                request,
                _("The report is signed and frozen, and filed with the session as %(document)s.")
                % {"document": signed.document},
            )
        else:
            messages.warning(
                request,
                _(
                    "The report is signed and frozen. The Call names no session, so it was "
                    "not filed with one."
                ),
            )
    return _to_page(report.call)


@requires(VIEW)
def report_pdf(request: HttpRequest, pk: int, lang: str) -> HttpResponseBase:
    """A version of the report as a PDF in one content language, built once by the worker."""
    if not is_content_language(lang):
        raise Http404
    report = report_get_for_user(user=request.user, pk=pk)
    document = services.report_pdf(report=report, language=lang)
    return document_response(
        request,
        document,
        title=_("Report on the eligibility of the candidates, version %(version)s")
        % {"version": report.version},
    )
