"""The ledger's pages: the finance home, the chart of accounts and each account's ledger,
journal entries (list, page, manual entry, posting, reversal, discarding), fiscal years and
periods (open, close, reopen, lock), exchange rates and the trial balance.

Reading needs finance.view_ledger (staff and the Comptroller); the chart, entries and rates
need finance.manage_ledger, closing needs finance.close_periods (finance officers and the
Secretary General), checked here and again by every service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from secretariat.core.access import requires
from secretariat.core.forms import add_service_error, service_error_text
from secretariat.core.http import actor, posted
from secretariat.core.tables import paginate, querystring_without
from secretariat.finance.forms.ledger import (
    AccountForm,
    EntryFilterForm,
    EntryForm,
    LineFormSet,
    OptionalReasonForm,
    RateForm,
    ReasonForm,
    ReverseForm,
    TrialBalanceForm,
    YearOpenForm,
    typed_lines,
)
from secretariat.finance.models import Account, Entry
from secretariat.finance.selectors.chart import (
    account_get_for_user,
    account_lines,
    account_list_for_user,
    account_tree,
    can_manage_ledger,
    ledger_rows,
    trial_balance_for_user,
)
from secretariat.finance.selectors.entries import (
    entry_get_for_user,
    entry_list_for_user,
    entry_page,
)
from secretariat.finance.selectors.rates import can_record_rates, rate_list_for_user
from secretariat.finance.selectors.years import (
    can_close_periods,
    next_year,
    period_get_for_user,
    year_get_for_user,
    year_list_for_user,
    year_rows,
)
from secretariat.finance.services import chart, entries, rates, years
from secretariat.finance.services.ledger import entry_discard, entry_post, entry_reverse

VIEW = "finance.view_ledger"
MANAGE = "finance.manage_ledger"
CLOSE = "finance.close_periods"


@requires(VIEW)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "finance/home.html", {"can_manage": can_manage_ledger(request.user)})


# --- Chart of accounts ------------------------------------------------------------------


@requires(VIEW)
def account_list(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = account_tree(account_list_for_user(user=request.user), on=today)
    return render(
        request,
        "finance/account_list.html",
        {"rows": rows, "today": today, "can_manage": can_manage_ledger(request.user)},
    )


@requires(VIEW)
def account_detail(request: HttpRequest, code: str) -> HttpResponse:
    account = account_get_for_user(user=request.user, code=code)
    page = paginate(request, account_lines(account))
    return render(
        request,
        "finance/account_detail.html",
        {
            "account": account,
            "page": page,
            "rows": ledger_rows(account, page),
            "can_manage": can_manage_ledger(request.user),
        },
    )


def _account_initial(account: Account) -> dict[str, Any]:
    fields = AccountForm.base_fields
    values = {name: getattr(account, name) for name in fields if hasattr(account, name)}
    return {**values, "parent": account.parent_id}


@requires(MANAGE)
def account_add(request: HttpRequest) -> HttpResponse:
    form = AccountForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            account = chart.account_create(
                actor=actor(request), data=form.cleaned_data, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The account was added to the chart."))
            return redirect("finance:account-detail", code=account.code)
    return render(request, "finance/account_form.html", {"form": form, "account": None})


@requires(MANAGE)
def account_edit(request: HttpRequest, code: str) -> HttpResponse:
    account = account_get_for_user(user=request.user, code=code, action="manage")
    form = AccountForm(posted(request), initial=_account_initial(account), editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            chart.account_update(
                actor=actor(request),
                account=account,
                data=form.cleaned_data,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The account was saved."))
            return redirect("finance:account-detail", code=account.code)
    return render(
        request,
        "finance/account_form.html",
        {"form": form, "account": account, "close_form": ReasonForm(prefix="close")},
    )


@require_POST
@requires(MANAGE)
def account_close(request: HttpRequest, code: str) -> HttpResponse:
    account = account_get_for_user(user=request.user, code=code, action="manage")
    form = ReasonForm(request.POST, prefix="close")
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        chart.account_close(actor=actor(request), account=account, reason=reason)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("The account was closed: it takes no more entries."))
    return redirect("finance:account-detail", code=account.code)


# --- Entries ----------------------------------------------------------------------------


@requires(VIEW)
def entry_list(request: HttpRequest) -> HttpResponse:
    filters = EntryFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    page = paginate(
        request,
        entry_list_for_user(
            user=request.user,
            journal=data.get("journal") or "",
            state=data.get("state") or "",
            period=data.get("period"),
            text=data.get("q") or "",
        ),
    )
    return render(
        request,
        "finance/entry_list.html",
        {
            "page": page,
            "filters": filters,
            "querystring": querystring_without(request, "page"),
            "can_manage": can_manage_ledger(request.user),
        },
    )


def _to_entry(entry: Entry) -> HttpResponse:
    return redirect("finance:entry-detail", pk=entry.pk)


@requires(MANAGE)
def entry_add(request: HttpRequest) -> HttpResponse:
    if request.method == "POST" and "more_lines" in request.POST:
        # More rows for lines: the page again, what was typed kept, nothing checked yet.
        form = EntryForm(initial=request.POST.dict())
        lines = LineFormSet(prefix="lines", prefill=typed_lines(request.POST))
        return render(request, "finance/entry_form.html", {"form": form, "lines": lines})
    form = EntryForm(posted(request))
    lines = LineFormSet(posted(request), prefix="lines")
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        try:
            entry = entries.manual_entry_draft(
                actor=actor(request), data=form.cleaned_data, lines=lines.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The entry was saved as a draft: post it when checked."))
            return _to_entry(entry)
    return render(request, "finance/entry_form.html", {"form": form, "lines": lines})


@requires(VIEW)
def entry_detail(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_get_for_user(user=request.user, pk=pk)
    return render(
        request,
        "finance/entry_detail.html",
        {
            "page": entry_page(user=request.user, entry=entry),
            "reverse_form": ReverseForm(initial={"date": timezone.localdate()}, prefix="reverse"),
            "discard_form": ReasonForm(prefix="discard"),
        },
    )


@require_POST
@requires(MANAGE)
def entry_post_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_get_for_user(user=request.user, pk=pk, action="manage")
    try:
        entry = entry_post(actor=actor(request), entry=entry)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("The entry was posted as %(entry)s.") % {"entry": entry})
    return _to_entry(entry)


@require_POST
@requires(MANAGE)
def entry_reverse_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_get_for_user(user=request.user, pk=pk, action="manage")
    form = ReverseForm(request.POST, prefix="reverse")
    if not form.is_valid():
        messages.error(request, _("Give the date and the reason of the reversal."))
        return _to_entry(entry)
    try:
        reversal = entry_reverse(
            actor=actor(request),
            entry=entry,
            date=form.cleaned_data["date"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
        return _to_entry(entry)
    messages.success(request, _("The entry was reversed by %(entry)s.") % {"entry": reversal})
    return _to_entry(reversal)


@require_POST
@requires(MANAGE)
def entry_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    entry = entry_get_for_user(user=request.user, pk=pk, action="manage")
    form = ReasonForm(request.POST, prefix="discard")
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        entry_discard(actor=actor(request), entry=entry, reason=reason)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("The draft was discarded; it stays in the record."))
    return _to_entry(entry)


# --- Fiscal years and periods -----------------------------------------------------------


@requires(VIEW)
def year_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, year_list_for_user(user=request.user), per_page=5)
    return render(
        request,
        "finance/year_list.html",
        {
            "page": page,
            "rows": year_rows(user=request.user, years=list(page.object_list)),
            "can_close": can_close_periods(request.user),
            "open_form": YearOpenForm(initial={"year": next_year(timezone.localdate())}),
        },
    )


def _to_years() -> HttpResponse:
    return redirect("finance:year-list")


@require_POST
@requires(CLOSE)
def year_open(request: HttpRequest) -> HttpResponse:
    form = YearOpenForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the year to open."))
        return _to_years()
    try:
        year = years.fiscal_year_open(actor=actor(request), year=form.cleaned_data["year"])
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("The fiscal year %(year)s is open.") % {"year": year})
    return _to_years()


def _period_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    period = period_get_for_user(user=request.user, pk=pk, action="close")
    form = OptionalReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    done = {
        "close": _("The period %(period)s is closed."),
        "reopen": _("The period %(period)s is open again."),
    }[action]
    service = years.period_close if action == "close" else years.period_reopen
    try:
        service(actor=actor(request), period=period, reason=reason)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, done % {"period": period})
    return _to_years()


@require_POST
@requires(CLOSE)
def period_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _period_action(request, pk, "close")


@require_POST
@requires(CLOSE)
def period_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    return _period_action(request, pk, "reopen")


def _year_action(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    year = year_get_for_user(user=request.user, pk=pk, action="close")
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    done = {
        "close": _("The fiscal year %(year)s is closed; its result is carried to net assets."),
        "lock": _("The fiscal year %(year)s is locked: nothing in it changes now."),
    }[action]
    service = years.fiscal_year_close if action == "close" else years.fiscal_year_lock
    try:
        service(actor=actor(request), fiscal_year=year, reason=reason)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, done % {"year": year})
    return _to_years()


@require_POST
@requires(CLOSE)
def year_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _year_action(request, pk, "close")


@require_POST
@requires(CLOSE)
def year_lock(request: HttpRequest, pk: int) -> HttpResponse:
    return _year_action(request, pk, "lock")


# --- Rates and the trial balance --------------------------------------------------------


@requires(VIEW)
def rate_list(request: HttpRequest) -> HttpResponse:
    page = paginate(request, rate_list_for_user(user=request.user))
    return render(
        request,
        "finance/rate_list.html",
        {"page": page, "can_manage": can_record_rates(request.user)},
    )


@requires(MANAGE)
def rate_add(request: HttpRequest) -> HttpResponse:
    form = RateForm(posted(request), initial={"day": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            rates.rate_record(actor=actor(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The rate was recorded."))
            return redirect("finance:rate-list")
    return render(request, "finance/rate_form.html", {"form": form})


@requires(VIEW)
def trial_balance(request: HttpRequest) -> HttpResponse:
    day = TrialBalanceForm(request.GET or None).day()
    return render(
        request,
        "finance/trial_balance.html",
        {
            "balance": trial_balance_for_user(user=request.user, on=day),
            "form": TrialBalanceForm(initial={"on": day}),
        },
    )
