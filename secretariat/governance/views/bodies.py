"""Public pages of the organization's bodies and the authorities holding their offices."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from secretariat.core.tables import paginate, sort_from_request
from secretariat.governance import selectors
from secretariat.governance.models import Body


@login_not_required
def body_list(request: HttpRequest) -> HttpResponse:
    sort = sort_from_request(request, selectors.BODY_SORTS, "order")
    kind = request.GET.get("kind", "")
    if kind not in Body.Kind.values:
        kind = ""
    bodies = selectors.body_list(kind=kind or None, order_by=sort.order_by())
    return render(
        request,
        "governance/body_list.html",
        {"page": paginate(request, bodies), "sort": sort, "kind": kind, "kinds": Body.Kind.choices},
    )


@login_not_required
def body_detail(request: HttpRequest, code: str) -> HttpResponse:
    today = timezone.localdate()
    body = selectors.body_get(code=code)
    return render(
        request,
        "governance/body_detail.html",
        {
            "body": body,
            "today": today,
            "offices": selectors.office_holders(body=body, on=today),
            "other_mandates": selectors.mandates_not_in_force(body=body, on=today),
        },
    )
