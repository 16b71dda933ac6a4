"""The representative's portal: their own institution's record (another institution is a
404, the same as a missing one). Corrections and the disaffiliation request have their own
pages (views.corrections, views.requests)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from secretariat.core.http import actor
from secretariat.members.selectors.registry import institution_get_for_user, institution_record


def my_institution(request: HttpRequest, slug: str) -> HttpResponse:
    institution = institution_get_for_user(user=actor(request), slug=slug)
    record = institution_record(user=actor(request), institution=institution, staff=False)
    return render(
        request,
        "members/institution_portal.html",
        {"record": record, "institution": institution},
    )
