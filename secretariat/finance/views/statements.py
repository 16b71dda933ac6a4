"""The financial statements' pages: the list, preparing a set, its page with the four
statements (live and marked "draft" until approved, frozen after), approving it (the
Secretary General), filing it on a General Assembly agenda item, and its PDF and XLSX.

Who (selectors.statements): every staff role that reads the finances sees them
(`finance.view_statements`); the finance officers and the Secretary General prepare them;
the Secretary General alone approves and files them. Every service checks again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from secretariat.core.access import requires
from secretariat.core.documents import document_response
from secretariat.core.forms import add_service_error, service_error_text
from secretariat.core.http import actor, posted
from secretariat.core.languages import is_content_language
from secretariat.core.tables import paginate
from secretariat.finance.forms.statements import (
    StatementApproveForm,
    StatementFileForm,
    StatementSetForm,
)
from secretariat.finance.selectors.statement_tables import column_titles, statement_tables
from secretariat.finance.selectors.statements import (
    APPROVE,
    PREPARE,
    VIEW,
    filing_agenda_items,
    statement_page,
    statement_set_get_for_user,
    statement_set_list_can_prepare,
    statement_set_list_for_user,
    statement_years_open,
    statements_title,
)
from secretariat.finance.services import statements as services

PDF_LANGUAGES = ("es", "en")


def _to_page(pk: int) -> HttpResponse:
    return redirect("finance:statement-detail", pk=pk)


@requires(VIEW)
def statement_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, statement_set_list_for_user(user=request.user))
    context = {"page_obj": page, "can_prepare": statement_set_list_can_prepare(actor(request))}
    return render(request, "finance/statement_list.html", context)


@requires(PREPARE)
def statement_add(request: HttpRequest) -> HttpResponse:
    form = StatementSetForm(posted(request), years=statement_years_open())
    if request.method == "POST" and form.is_valid():
        try:
            statement_set = services.statement_set_create(actor=actor(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The statements were prepared as a draft."))
            return _to_page(statement_set.pk)
    return render(request, "finance/statement_form.html", {"form": form})


@requires(VIEW)
def statement_detail(request: HttpRequest, pk: int) -> HttpResponse:
    statement_set = statement_set_get_for_user(user=request.user, pk=pk)
    page = statement_page(user=actor(request), statement_set=statement_set)
    context = {
        "page": page,
        "statement_set": statement_set,
        "tables": statement_tables(page.figures),
        "columns": column_titles(page.figures),
        "receivables": page.figures["notes"]["receivables_by_member"],
        "approve_form": StatementApproveForm() if page.can_approve else None,
        "file_form": StatementFileForm(items=filing_agenda_items()) if page.can_file else None,
        "pdf_languages": PDF_LANGUAGES,
        "title": statements_title(statement_set),
    }
    return render(request, "finance/statement_detail.html", context)


@require_POST
@requires(APPROVE)
def statement_approve(request: HttpRequest, pk: int) -> HttpResponse:
    statement_set = statement_set_get_for_user(user=request.user, pk=pk, action="approve")
    form = StatementApproveForm(posted(request))
    if not form.is_valid():
        messages.error(request, _("Write the note recorded with the approval."))
        return _to_page(pk)
    try:
        services.statement_set_approve(
            actor=actor(request), statement_set=statement_set, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("The statements are approved: their figures are frozen."))
    return _to_page(pk)


@require_POST
@requires(APPROVE)
def statement_file(request: HttpRequest, pk: int) -> HttpResponse:
    statement_set = statement_set_get_for_user(user=request.user, pk=pk, action="approve")
    form = StatementFileForm(posted(request), items=filing_agenda_items())
    if not form.is_valid():
        messages.error(request, _("Choose an item of a General Assembly session."))
        return _to_page(pk)
    try:
        services.statement_set_file(
            actor=actor(request),
            statement_set=statement_set,
            agenda_item=form.cleaned_data["agenda_item"],
        )
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("The statements are filed with the session's documents."))
    return _to_page(pk)


@requires(VIEW)
def statement_pdf(request: HttpRequest, pk: int, lang: str) -> HttpResponseBase:
    """The statements as a PDF in one content language, built once by the worker."""
    if not is_content_language(lang):
        raise Http404
    statement_set = statement_set_get_for_user(user=request.user, pk=pk)
    document = services.statements_pdf(statement_set=statement_set, language=lang)
    return document_response(request, document, title=statements_title(statement_set))


@requires(VIEW)
def statement_xlsx(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The statements as a workbook in the page's language, built once by the worker."""
    statement_set = statement_set_get_for_user(user=request.user, pk=pk)
    language = translation.get_language() or "es"
    document = services.statements_xlsx(statement_set=statement_set, language=language[:2])
    return document_response(request, document, title=statements_title(statement_set))
