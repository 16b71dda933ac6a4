"""Bank statement pages: the list, the import (upload, preview, confirm), a statement with
its lines and suggested matches, auto-match, explaining and unmatching a line, reconciling
and the reconciliation report.

Reading needs `finance.view_ledger`; every change `finance.manage_banking` (finance officers
and the Secretary General), checked here and again by every service.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from secretariat.core.access import requires
from secretariat.core.forms import add_service_error
from secretariat.core.http import actor, posted
from secretariat.core.tables import paginate
from secretariat.finance.forms.banking import (
    BankConfirmForm,
    BankExplainForm,
    BankImportForm,
    BankMatchForm,
    BankUnmatchForm,
)
from secretariat.finance.selectors import banking as selectors
from secretariat.finance.services import banking as services

VIEW = "finance.view_ledger"
MANAGE = "finance.manage_banking"


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


@requires(VIEW)
def bank_list(request: HttpRequest) -> HttpResponse:
    """Every statement: account, period, state and how many lines are left unmatched."""
    rows = selectors.bank_statement_list_for_user(user=request.user)
    context = {
        "page": paginate(request, rows),
        "can_manage": selectors.bank_statement_list_can_manage(request.user),
    }
    return render(request, "finance/bank_list.html", context)


@requires(MANAGE)
def bank_import(request: HttpRequest) -> HttpResponse:
    """Upload a file and see what it holds (nothing saved); confirm to import it."""
    accounts = selectors.bank_accounts()
    form = BankImportForm(accounts=accounts)
    preview = confirm = None
    if request.method == "POST" and request.POST.get("step") == "confirm":
        bound = BankConfirmForm(request.POST)
        account = selectors.bank_account(pk=request.POST.get("account"))
        if bound.is_valid() and account is not None:
            data = bound.cleaned_data
            try:
                statement = services.bank_statement_import(
                    actor=actor(request),
                    account=account,
                    file_name=data["file_name"],
                    content=data["content"],
                    file_format=data["file_format"],
                )
            except ValidationError as exc:
                _errors(request, exc)
            else:
                messages.success(request, _("The statement was imported."))
                return redirect("finance:bank-detail", pk=statement.pk)
        else:
            messages.error(request, _("The file could not be read again: upload it anew."))
    elif request.method == "POST":
        form = BankImportForm(request.POST, request.FILES, accounts=accounts)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            content = upload.read()
            preview = services.bank_statement_preview(
                actor=actor(request),
                account=form.cleaned_data["account"],
                file_name=upload.name,
                content=content,
                file_format=form.cleaned_data["file_format"],
            )
            confirm = BankConfirmForm(
                initial={
                    "account": form.cleaned_data["account"].pk,
                    "file_format": form.cleaned_data["file_format"],
                    "file_name": upload.name[:200],
                    "content": BankConfirmForm.carry(content),
                }
            )
    context = {"form": form, "preview": preview, "confirm": confirm}
    return render(request, "finance/bank_import.html", context)


@requires(VIEW)
def bank_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A statement's lines (paginated), each with its match or its suggestions."""
    statement = selectors.bank_statement_get_for_user(user=request.user, pk=pk)
    page = paginate(request, selectors.bank_lines_of(statement))
    view = selectors.statement_page(
        user=request.user, statement=statement, lines=list(page.object_list)
    )
    return render(request, "finance/bank_detail.html", {"page": page, "view": view})


@requires(MANAGE)
def bank_auto_match(request: HttpRequest, pk: int) -> HttpResponse:
    """The exact, unique proposals; the officer confirms them (POST) to match them all."""
    statement = selectors.bank_statement_get_for_user(user=request.user, pk=pk, action="manage")
    if request.method == "POST":
        try:
            count = services.bank_statement_auto_match(actor=actor(request), statement=statement)
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(
                request,
                ngettext("%(count)s line was matched.", "%(count)s lines were matched.", count)
                % {"count": count},
            )
        return redirect("finance:bank-detail", pk=statement.pk)
    pairs = selectors.auto_match_pairs(statement)
    return render(request, "finance/bank_auto_match.html", {"statement": statement, "pairs": pairs})


@require_POST
@requires(MANAGE)
def bank_line_match(request: HttpRequest, pk: int) -> HttpResponse:
    bank_line = selectors.bank_line_get_for_user(user=request.user, pk=pk)
    form = BankMatchForm(request.POST)
    ledger_line = (
        selectors.ledger_line_for_match(bank_line=bank_line, pk=form.cleaned_data["ledger_line"])
        if form.is_valid()
        else None
    )
    if ledger_line is None:
        messages.error(request, _("Choose a ledger line of this bank account."))
    else:
        try:
            services.bank_line_match(
                actor=actor(request), bank_line=bank_line, ledger_line=ledger_line
            )
        except ValidationError as exc:
            _errors(request, exc)
        else:
            messages.success(request, _("The line was matched."))
    return redirect("finance:bank-detail", pk=bank_line.statement_id)


@requires(MANAGE)
def bank_line_find(request: HttpRequest, pk: int) -> HttpResponse:
    """The ledger lines of any date that could be this statement line, to match one."""
    bank_line = selectors.bank_line_get_for_user(user=request.user, pk=pk)
    page = paginate(request, selectors.match_candidates(bank_line))
    return render(request, "finance/bank_line_find.html", {"line": bank_line, "page_obj": page})


@requires(MANAGE)
def bank_line_unmatch(request: HttpRequest, pk: int) -> HttpResponse:
    """Undo a match or an explanation, with the reason."""
    bank_line = selectors.bank_line_get_for_user(user=request.user, pk=pk)
    form = BankUnmatchForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.bank_line_unmatch(
                actor=actor(request), bank_line=bank_line, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The line is unmatched again."))
            return redirect("finance:bank-detail", pk=bank_line.statement_id)
    context = {"line": bank_line, "form": form, "action": "unmatch"}
    return render(request, "finance/bank_line_form.html", context)


@requires(MANAGE)
def bank_line_explain(request: HttpRequest, pk: int) -> HttpResponse:
    """Explain a line that has no ledger line to match."""
    bank_line = selectors.bank_line_get_for_user(user=request.user, pk=pk)
    form = BankExplainForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.bank_line_explain(
                actor=actor(request),
                bank_line=bank_line,
                explanation=form.cleaned_data["explanation"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The explanation was recorded."))
            return redirect("finance:bank-detail", pk=bank_line.statement_id)
    context = {"line": bank_line, "form": form, "action": "explain"}
    return render(request, "finance/bank_line_form.html", context)


@require_POST
@requires(MANAGE)
def bank_reconcile(request: HttpRequest, pk: int) -> HttpResponse:
    statement = selectors.bank_statement_get_for_user(user=request.user, pk=pk, action="manage")
    try:
        services.bank_statement_reconcile(actor=actor(request), statement=statement)
    except ValidationError as exc:
        _errors(request, exc)
        return redirect("finance:bank-detail", pk=statement.pk)
    messages.success(request, _("The statement is reconciled."))
    return redirect("finance:bank-report", pk=statement.pk)


@requires(VIEW)
def bank_report(request: HttpRequest, pk: int) -> HttpResponse:
    """The reconciliation report: closing balance against the books, and what differs."""
    statement = selectors.bank_statement_get_for_user(user=request.user, pk=pk)
    report = selectors.reconciliation_report(statement)
    return render(request, "finance/bank_report.html", {"statement": statement, "report": report})
