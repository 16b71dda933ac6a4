"""What each side sees of the dues: a member's statement of account (its representative's
and the Secretariat's), with its PDF and CSV; the aging report; the collection rates; and
the reminders the Secretariat schedules and cancels.

Who sees what (selectors.accounts, selectors.collection): a representative only its own
institution's account (another is a 404); staff who read the dues (`finance.view_dues`)
every member's, the aging, the rates and the reminders; those who keep the books
(`finance.manage_dues`) schedule and cancel reminders. Every service checks again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_safe

from secretariat.core.access import requires
from secretariat.core.documents import document_response
from secretariat.core.forms import add_service_error
from secretariat.core.http import actor, posted
from secretariat.core.languages import content_language
from secretariat.core.tables import paginate, querystring_without
from secretariat.finance.forms.accounts import (
    AgingForm,
    CollectionYearForm,
    ReminderCancelForm,
    ReminderFilterForm,
    ReminderScheduleForm,
    StatementPeriodForm,
)
from secretariat.finance.selectors import accounts as account_selectors
from secretariat.finance.selectors import collection as selectors
from secretariat.finance.services import accounts as account_services
from secretariat.finance.services import reminders as services
from secretariat.members.models import Institution

STATEMENT_ROWS_PER_PAGE = 100


def _statement_page(request: HttpRequest, institution: Institution, *, own: bool) -> HttpResponse:
    form = StatementPeriodForm(request.GET or None)
    start = end = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    statement = account_selectors.statement_of_account(
        institution=institution, start=start, end=end
    )
    return render(
        request,
        "finance/account_statement.html",
        {
            "statement": statement,
            "form": form,
            "own": own,
            "page": paginate(request, statement.rows, STATEMENT_ROWS_PER_PAGE),
            "query": querystring_without(request, "page"),
        },
    )


@requires(account_selectors.OWN_PERM)
@require_safe
def my_account(request: HttpRequest) -> HttpResponse:
    """The signed-in representative's statement; a choice when they represent several."""
    institutions = account_selectors.own_accounts_for_user(user=request.user)
    if len(institutions) == 1:
        return _statement_page(request, institutions[0], own=True)
    return render(request, "finance/account_statement_choice.html", {"institutions": institutions})


@require_safe
def member_account(request: HttpRequest, pk: int) -> HttpResponse:
    institution = account_selectors.institution_account_get_for_user(
        user=request.user, institution_pk=pk
    )
    return _statement_page(request, institution, own=False)


@require_safe
def member_account_pdf(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The statement as a PDF in the reader's language, built by the worker."""
    institution = account_selectors.institution_account_get_for_user(
        user=request.user, institution_pk=pk
    )
    document = account_services.account_statement_pdf(
        institution=institution, language=content_language()
    )
    return document_response(
        request,
        document,
        title=_("Statement of account: %(member)s") % {"member": institution.name},
    )


@require_safe
def member_account_csv(request: HttpRequest, pk: int) -> HttpResponse:
    institution = account_selectors.institution_account_get_for_user(
        user=request.user, institution_pk=pk
    )
    form = StatementPeriodForm(request.GET or None)
    start = end = None
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    statement = account_selectors.statement_of_account(
        institution=institution, start=start, end=end
    )
    response = HttpResponse(
        account_selectors.statement_csv(statement), content_type="text/csv; charset=utf-8"
    )
    name = account_selectors.statement_file_name(institution, "csv")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@requires(selectors.VIEW)
@require_safe
def aging(request: HttpRequest) -> HttpResponse:
    form = AgingForm(request.GET or None)
    on = timezone.localdate()
    if form.is_bound and form.is_valid() and form.cleaned_data["on"]:
        on = form.cleaned_data["on"]
    report = selectors.aging_report(on=on)
    return render(
        request,
        "finance/aging_report.html",
        {
            "form": form,
            "report": report,
            "page": paginate(request, report.rows),
            "query": querystring_without(request, "page"),
        },
    )


@requires(selectors.VIEW)
@require_safe
def collection(request: HttpRequest) -> HttpResponse:
    years = selectors.collection_years()
    form = CollectionYearForm(request.GET or None, years=years)
    year = years[0] if years else None
    if form.is_bound and form.is_valid() and form.cleaned_data["year"]:
        year = form.cleaned_data["year"]
    by_year = selectors.collection_by_year()
    members = selectors.collection_by_member(year=year) if year else []
    return render(
        request,
        "finance/collection_rates.html",
        {
            "form": form,
            "year": year,
            "by_year": by_year,
            "total": selectors.collection_total(by_year),
            "chart": selectors.collection_chart(by_year),
            "page": paginate(request, members),
            "query": querystring_without(request, "page"),
        },
    )


@require_safe
def reminder_list(request: HttpRequest) -> HttpResponse:
    form = ReminderFilterForm(request.GET or None)
    state = form.cleaned_data["state"] if form.is_bound and form.is_valid() else ""
    rows = selectors.reminder_list_for_user(user=request.user, state=state)
    return render(
        request,
        "finance/reminder_list.html",
        {
            "form": form,
            "page": paginate(request, rows),
            "query": querystring_without(request, "page"),
            "can_manage": selectors.reminder_list_can_manage(request.user),
        },
    )


@requires(selectors.MANAGE)
def reminder_schedule(request: HttpRequest) -> HttpResponse:
    owing = selectors.members_owing(on=timezone.localdate())
    form = ReminderScheduleForm(posted(request), choices=[(pk, name) for pk, name, _o in owing])
    if form.is_bound and form.is_valid():
        chosen = set(form.cleaned_data["institutions"])
        try:
            scheduled = services.reminder_schedule(
                actor=actor(request),
                institutions=selectors.institutions_by_ids(chosen),
                scheduled_for=form.cleaned_data["scheduled_for"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            skipped = len(chosen) - len(scheduled)
            messages.success(
                request,
                ngettext(
                    "%(count)d reminder scheduled.",
                    "%(count)d reminders scheduled.",
                    len(scheduled),
                )
                % {"count": len(scheduled)},
            )
            if skipped:
                messages.info(
                    request,
                    ngettext(
                        "%(count)d member was left out: it already has a reminder scheduled.",
                        "%(count)d members were left out: they already have a reminder scheduled.",
                        skipped,
                    )
                    % {"count": skipped},
                )
            return redirect("finance:reminder-list")
    return render(request, "finance/reminder_schedule.html", {"form": form, "owing": owing})


@requires(selectors.MANAGE)
def reminder_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    reminder = selectors.reminder_get_for_user(user=request.user, pk=pk, action="manage")
    form = ReminderCancelForm(posted(request))
    if form.is_bound and form.is_valid():
        try:
            services.reminder_cancel(
                actor=actor(request), reminder=reminder, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The reminder is cancelled."))
            return redirect("finance:reminder-list")
    return render(request, "finance/reminder_cancel.html", {"form": form, "reminder": reminder})
