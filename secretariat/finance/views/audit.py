"""The Comptroller's page: samples of entries drawn and redrawn, the audit package of a year
as one download, and the way to the action log of the finances.

Who (selectors.audit): `finance.audit` (the Comptroller, the Secretary General and the
finance officers) sees the page, the samples and the package; only the Comptroller draws.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from secretariat.core.access import requires
from secretariat.core.documents import document_response
from secretariat.core.forms import service_error_text
from secretariat.core.http import actor, posted
from secretariat.core.tables import paginate
from secretariat.finance.forms.statements import SampleDrawForm
from secretariat.finance.selectors.audit import (
    AUDIT,
    DRAW,
    audit_page,
    audit_sample_get_for_user,
    audit_sample_list_for_user,
    audit_year_get_for_user,
    audit_years,
    sample_page,
)
from secretariat.finance.services import audit as services


@requires(AUDIT)
def audit(request: HttpRequest) -> HttpResponse:
    page = audit_page(user=actor(request))
    context = {
        "page": page,
        "page_obj": paginate(request, audit_sample_list_for_user(user=request.user)),
        "draw_form": SampleDrawForm(years=audit_years()) if page.can_draw else None,
    }
    return render(request, "finance/audit_home.html", context)


@require_POST
@requires(DRAW)
def audit_sample_draw(request: HttpRequest) -> HttpResponse:
    form = SampleDrawForm(posted(request), years=audit_years())
    if not form.is_valid():
        for field, errors in form.errors.items():
            label = form.fields[field].label if field in form.fields else ""
            for error in errors:
                messages.error(request, f"{label}: {error}" if label else str(error))
        return redirect("finance:audit")
    try:
        sample = services.audit_sample_draw(actor=actor(request), **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
        return redirect("finance:audit")
    messages.success(
        request,
        _("%(count)s entries were drawn from %(population)s.")
        % {"count": len(sample.entry_ids), "population": sample.population},
    )
    return redirect("finance:audit-sample-detail", pk=sample.pk)


@requires(AUDIT)
def audit_sample_detail(request: HttpRequest, pk: int) -> HttpResponse:
    sample = audit_sample_get_for_user(user=request.user, pk=pk)
    return render(request, "finance/audit_sample.html", {"page": sample_page(sample)})


@requires(AUDIT)
def audit_package(request: HttpRequest, year: int) -> HttpResponseBase:
    """The year's audit package as one zip, built once per content by the worker."""
    fiscal_year = audit_year_get_for_user(user=request.user, year=year)
    document = services.audit_package(actor=actor(request), fiscal_year=fiscal_year)
    return document_response(
        request, document, title=_("Audit package %(year)s") % {"year": fiscal_year.year}
    )
