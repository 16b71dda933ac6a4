"""The resolutions register: public list and pages (stable URL per number), staff forms.

Reading is public. Adopting, entering earlier resolutions, translating, linking and setting
the series need `governance.manage_resolutions` (the Secretary General and officers),
checked here and again by every service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from secretariat.core.access import public, requires
from secretariat.core.forms import add_service_error
from secretariat.core.http import actor, posted
from secretariat.core.tables import paginate, sort_from_request
from secretariat.governance.forms.records import (
    ResolutionAdoptForm,
    ResolutionFilterForm,
    ResolutionLinkForm,
    ResolutionRecordForm,
    ResolutionSeriesForm,
    ResolutionTranslationsForm,
)
from secretariat.governance.selectors.motions import motion_get_for_user
from secretariat.governance.selectors.resolutions import (
    RESOLUTION_SORTS,
    adoption_defaults,
    adoption_page,
    resolution_by_motion,
    resolution_by_number,
    resolution_get_for_user,
    resolution_list_for_user,
    resolution_page,
    resolution_register_can_manage,
    resolution_rows,
    series_info,
)
from secretariat.governance.services import resolutions as services

MANAGE = "governance.manage_resolutions"


def _int(value: str | None) -> int | None:
    """A positive id from the query string; None for anything else (a database id fits in
    32 bits: a larger number would overflow the query, not find nothing)."""
    try:
        number = int(value) if value else None
    except ValueError:
        return None
    return number if number is not None and 0 < number <= 2_147_483_647 else None


@public
def resolution_list(request: HttpRequest) -> HttpResponse:
    form = ResolutionFilterForm(request.GET)
    sort = sort_from_request(request, RESOLUTION_SORTS, "-number")
    filters = form.filters()
    session = _int(request.GET.get("session"))
    resolutions = resolution_list_for_user(
        user=request.user, **filters, session=session, order_by=sort.order_by()
    )
    page = paginate(request, resolutions)
    page.object_list = resolution_rows(page.object_list)
    return render(
        request,
        "governance/resolution_list.html",
        {
            "form": form,
            "page": page,
            "sort": sort,
            "searching": any(filters.values()) or session is not None,
            "can_manage": resolution_register_can_manage(request.user),
        },
    )


@public
def resolution_detail(request: HttpRequest, number: int) -> HttpResponse:
    resolution = resolution_get_for_user(user=request.user, number=number)
    page = resolution_page(user=request.user, resolution=resolution)
    return render(
        request,
        "governance/resolution_detail.html",
        {
            "resolution": page.resolution,
            "status": page.status,
            "language": page.language,
            "title_pending": page.title_pending,
            "text_pending": page.text_pending,
            "majority": page.majority,
            "can_manage": page.can_manage,
            "history": page.history,
        },
    )


@requires(MANAGE)
def resolution_adopt(request: HttpRequest, motion_pk: int) -> HttpResponse:
    motion = motion_get_for_user(user=request.user, pk=motion_pk, action="adopt")
    existing = resolution_by_motion(motion)
    if existing is not None:
        messages.info(
            request,
            _("This motion is already Resolution No. %(number)s.") % {"number": existing.number},
        )
        return redirect("governance:resolution-detail", number=existing.number)
    form = ResolutionAdoptForm(posted(request), initial=adoption_defaults(motion))
    if request.method == "POST" and form.is_valid():
        try:
            resolution = services.resolution_adopt(
                actor=actor(request), motion=motion, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Resolution No. %(number)s was recorded.") % {"number": resolution.number},
            )
            return redirect("governance:resolution-detail", number=resolution.number)
    facts = adoption_page(motion=motion)
    return render(
        request,
        "governance/resolution_adopt.html",
        {
            "form": form,
            "motion": motion,
            "vote": facts.vote,
            "majority": facts.majority,
            "next_number": facts.next_number,
            "highest": facts.highest,
        },
    )


@requires(MANAGE)
def resolution_record(request: HttpRequest) -> HttpResponse:
    form = ResolutionRecordForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            resolution = services.resolution_record_historical(
                actor=actor(request), **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Resolution No. %(number)s was recorded.") % {"number": resolution.number},
            )
            return redirect("governance:resolution-detail", number=resolution.number)
    return render(
        request,
        "governance/resolution_record.html",
        {"form": form, "info": series_info(limit=0)},
    )


@requires(MANAGE)
def resolution_edit(request: HttpRequest, number: int) -> HttpResponse:
    resolution = resolution_get_for_user(user=request.user, number=number, action="manage")
    initial = {name: getattr(resolution, name) or "" for name in services.TRANSLATED}
    form = ResolutionTranslationsForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            services.resolution_update_translations(
                actor=actor(request), resolution=resolution, reason=reason, **data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The translations were saved."))
            return redirect("governance:resolution-detail", number=resolution.number)
    return render(
        request, "governance/resolution_edit.html", {"form": form, "resolution": resolution}
    )


@requires(MANAGE)
def resolution_link(request: HttpRequest, number: int) -> HttpResponse:
    resolution = resolution_get_for_user(user=request.user, number=number, action="manage")
    form = ResolutionLinkForm(posted(request))
    if request.method == "POST" and form.is_valid():
        target = resolution_by_number(form.cleaned_data["target"])
        if target is None:
            form.add_error(
                "target",
                _("No resolution with number %(number)s is recorded.")
                % {"number": form.cleaned_data["target"]},
            )
        else:
            try:
                services.resolution_link(
                    actor=actor(request),
                    resolution=resolution,
                    target=target,
                    relation=form.cleaned_data["relation"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_service_error(form, exc)
            else:
                messages.success(request, _("The link was recorded."))
                return redirect("governance:resolution-detail", number=resolution.number)
    return render(
        request, "governance/resolution_link.html", {"form": form, "resolution": resolution}
    )


@requires(MANAGE)
def resolution_series(request: HttpRequest) -> HttpResponse:
    info = series_info()
    initial: dict[str, Any] = {"basis": info.series.basis if info.series else ""}
    if info.next_number:
        initial["next_number"] = info.next_number
    elif info.highest:
        initial["next_number"] = info.highest + 1
    form = ResolutionSeriesForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.resolution_series_set(actor=actor(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The next number of the series was set."))
            return redirect("governance:resolution-series")
    return render(request, "governance/resolution_series.html", {"form": form, "info": info})
