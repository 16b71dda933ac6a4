"""The Authorities pages: who holds each office on a date and a person's mandates (public);
the forms that change offices, people and mandates (elections.manage_authorities, checked
here and again by every service)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from secretariat.core.access import public, requires
from secretariat.core.forms import add_service_error
from secretariat.core.http import actor, posted
from secretariat.core.languages import CONTENT_LANGUAGES
from secretariat.elections.forms.authorities import (
    AuthoritiesDateForm,
    MandateForm,
    OfficeForm,
    PersonForm,
)
from secretariat.elections.selectors import authorities as selectors
from secretariat.elections.services import authorities as services
from secretariat.governance.models import Mandate

MANAGE = "elections.manage_authorities"


def _authorities_on(mandate: Mandate) -> str:
    """The Authorities page on a date that shows the mandate: today if it is in force (or its
    dates are unknown), else its first day."""
    url = reverse("elections:authorities")
    today = timezone.localdate()
    if mandate.is_active_on(today) or mandate.valid_from is None:
        return url
    return f"{url}?{urlencode({'on': mandate.valid_from.isoformat()})}"


@public
@require_safe
def authorities(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    parsed = AuthoritiesDateForm(request.GET)
    day = today
    if parsed.is_valid():
        day = parsed.cleaned_data.get("on") or today
    else:
        messages.warning(
            request,
            _(
                "The date “%(value)s” was not understood (use YYYY-MM-DD): "
                "the authorities today are shown."
            )
            % {"value": request.GET.get("on", "")[:40]},
        )
    page = selectors.authorities_page(user=request.user, day=day)
    return render(
        request,
        "elections/authorities_list.html",
        {"page": page, "form": AuthoritiesDateForm(initial={"on": day})},
    )


@public
@require_safe
def person_detail(request: HttpRequest, slug: str) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, slug=slug)
    page = selectors.person_page(user=request.user, person=person)
    return render(request, "elections/person_detail.html", {"page": page})


@requires(MANAGE)
def person_create(request: HttpRequest) -> HttpResponse:
    form = PersonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            person = services.person_create(
                actor=actor(request),
                name=data["name"],
                slug=data["slug"],
                nationality=data["nationality"],
                biography=form.biography(),
                source=data["source"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The person was recorded."))
            return redirect("elections:person-detail", slug=person.slug)
    return render(request, "elections/person_form.html", {"form": form})


@requires(MANAGE)
def person_edit(request: HttpRequest, slug: str) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, slug=slug, action="manage")
    initial = {
        "name": person.name,
        "slug": person.slug,
        "nationality": person.nationality,
        "source": person.source,
        **{f"biography_{lang}": getattr(person, f"biography_{lang}") for lang in CONTENT_LANGUAGES},
    }
    form = PersonForm(posted(request), initial=initial, reason_required=True)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.person_update(
                actor=actor(request),
                person=person,
                data=form.data_for_service(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The person's record was saved."))
            return redirect("elections:person-detail", slug=person.slug)
    return render(request, "elections/person_form.html", {"form": form, "person": person})


@requires(MANAGE)
def office_edit(request: HttpRequest, code: str) -> HttpResponse:
    office = selectors.office_get_for_user(user=request.user, code=code, action="manage")
    initial = {
        "term_years": office.term_years,
        "places": office.places,
        "reelection_limit": office.reelection_limit,
        "reelection_source": office.reelection_source,
        "electing_body": office.electing_body,
        **{
            f"requirements_{lang}": getattr(office, f"requirements_{lang}")
            for lang in CONTENT_LANGUAGES
        },
    }
    form = OfficeForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.office_update(
                actor=actor(request),
                office=office,
                data=form.data_for_service(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The office was saved."))
            return redirect("elections:authorities")
    return render(request, "elections/office_form.html", {"form": form, "office": office})


@requires(MANAGE)
def mandate_record(request: HttpRequest) -> HttpResponse:
    initial: dict[str, Any] = {}
    code = request.GET.get("office")
    if code:
        office = selectors.office_get_for_user(user=request.user, code=code, action="manage")
        initial["office"] = office.pk
    form = MandateForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            mandate = services.mandate_record(
                actor=actor(request),
                office=data["office"],
                reason=data["reason"],
                **form.data_for_service(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The mandate was recorded."))
            return redirect(_authorities_on(mandate))
    return render(request, "elections/mandate_form.html", {"form": form})


@requires(MANAGE)
def mandate_edit(request: HttpRequest, pk: int) -> HttpResponse:
    mandate = selectors.mandate_get_for_user(user=request.user, pk=pk, action="manage")
    initial = {
        "person": mandate.person,
        "valid_from": mandate.valid_from,
        "valid_from_precision": mandate.valid_from_precision,
        "valid_to": mandate.valid_to,
        "valid_to_precision": mandate.valid_to_precision,
        "term_label": mandate.term_label,
        "how": mandate.how,
        "session": mandate.session,
        "resolution": mandate.resolution,
        "source": mandate.source,
    }
    form = MandateForm(posted(request), initial=initial, correcting=True)
    if request.method == "POST" and form.is_valid():
        try:
            mandate = services.mandate_update(
                actor=actor(request),
                mandate=mandate,
                data=form.data_for_service(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The mandate was corrected."))
            return redirect(_authorities_on(mandate))
    return render(request, "elections/mandate_form.html", {"form": form, "mandate": mandate})
