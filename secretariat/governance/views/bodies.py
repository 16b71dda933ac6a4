"""Public pages of the organization's bodies and the authorities holding their offices."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from secretariat.core.access import public
from secretariat.core.tables import paginate, sort_from_request
from secretariat.governance import selectors
from secretariat.governance.models import Body


@public
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


@public
def body_detail(request: HttpRequest, code: str) -> HttpResponse:
    body = selectors.body_get_for_user(user=request.user, code=code)
    page = selectors.body_page(body=body)
    return render(
        request,
        "governance/body_detail.html",
        {
            "body": body,
            "today": page.today,
            "offices": page.offices,
            "other_mandates": page.other_mandates,
        },
    )
