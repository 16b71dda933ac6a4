"""The resolutions register: public list and pages (stable URL per number), staff forms.

Reading is public. Adopting, entering earlier resolutions, translating, linking and setting
the series need `governance.manage_resolutions` (the Secretary General and officers),
checked here and again by every service.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from secretariat.core.http import actor as _actor
from secretariat.core.http import posted as _posted
from secretariat.core.tables import paginate, sort_from_request
from secretariat.governance.body_rules import majority_label
from secretariat.governance.forms.records import (
    ResolutionAdoptForm,
    ResolutionFilterForm,
    ResolutionLinkForm,
    ResolutionRecordForm,
    ResolutionSeriesForm,
    ResolutionTranslationsForm,
    add_service_error,
)
from secretariat.governance.selectors import records
from secretariat.governance.services import resolutions as services

MANAGE = "governance.manage_resolutions"


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value else None
    except ValueError:
        return None


@login_not_required
def resolution_list(request: HttpRequest) -> HttpResponse:
    form = ResolutionFilterForm(request.GET)
    sort = sort_from_request(request, records.RESOLUTION_SORTS, "-number")
    filters = form.filters()
    session = _int(request.GET.get("session"))
    qs = records.resolution_list(**filters, session=session, order_by=sort.order_by())
    page = paginate(request, qs)
    page.object_list = records.resolution_rows(page.object_list)
    return render(
        request,
        "governance/resolution_list.html",
        {
            "form": form,
            "page": page,
            "sort": sort,
            "searching": any(filters.values()) or session is not None,
            "can_manage": request.user.has_perm(MANAGE),
        },
    )


@login_not_required
def resolution_detail(request: HttpRequest, number: int) -> HttpResponse:
    resolution = records.resolution_get(number=number)
    lang = records.content_language()
    can_manage = request.user.has_perm(MANAGE)
    vote = resolution.vote
    return render(
        request,
        "governance/resolution_detail.html",
        {
            "resolution": resolution,
            "status": records.resolution_status(resolution),
            "language": lang,
            "title_pending": records.translation_pending(resolution, "title", lang),
            "text_pending": records.translation_pending(resolution, "text", lang),
            "majority": majority_label(vote.majority) if vote else "",
            "can_manage": can_manage,
            "history": records.resolution_history(resolution=resolution) if can_manage else [],
        },
    )


@permission_required(MANAGE, raise_exception=True)
def resolution_adopt(request: HttpRequest, motion_pk: int) -> HttpResponse:
    motion = records.motion_for_adoption(motion_pk=motion_pk)
    existing = records.resolution_by_motion(motion)
    if existing is not None:
        messages.info(
            request,
            _("This motion is already Resolution No. %(number)s.") % {"number": existing.number},
        )
        return redirect("governance:resolution-detail", number=existing.number)
    form = ResolutionAdoptForm(_posted(request), initial=records.adoption_defaults(motion))
    if request.method == "POST" and form.is_valid():
        try:
            resolution = services.resolution_adopt(
                actor=_actor(request), motion=motion, **form.cleaned_data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("Resolution No. %(number)s was recorded.") % {"number": resolution.number},
            )
            return redirect("governance:resolution-detail", number=resolution.number)
    vote = records.deciding_vote(motion)
    info = records.series_info(limit=0)
    return render(
        request,
        "governance/resolution_adopt.html",
        {
            "form": form,
            "motion": motion,
            "vote": vote,
            "majority": majority_label(vote.majority) if vote else "",
            "next_number": info.next_number,
            "highest": info.highest,
        },
    )


@permission_required(MANAGE, raise_exception=True)
def resolution_record(request: HttpRequest) -> HttpResponse:
    form = ResolutionRecordForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            resolution = services.resolution_record_historical(
                actor=_actor(request), **form.cleaned_data
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
        {"form": form, "info": records.series_info(limit=0)},
    )


@permission_required(MANAGE, raise_exception=True)
def resolution_edit(request: HttpRequest, number: int) -> HttpResponse:
    resolution = records.resolution_get(number=number)
    initial = {name: getattr(resolution, name) or "" for name in services.TRANSLATED}
    form = ResolutionTranslationsForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            services.resolution_update_translations(
                actor=_actor(request), resolution=resolution, reason=reason, **data
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The translations were saved."))
            return redirect("governance:resolution-detail", number=resolution.number)
    return render(
        request, "governance/resolution_edit.html", {"form": form, "resolution": resolution}
    )


@permission_required(MANAGE, raise_exception=True)
def resolution_link(request: HttpRequest, number: int) -> HttpResponse:
    resolution = records.resolution_get(number=number)
    form = ResolutionLinkForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        target = records.resolution_by_number(form.cleaned_data["target"])
        if target is None:
            form.add_error(
                "target",
                _("No resolution with number %(number)s is recorded.")
                % {"number": form.cleaned_data["target"]},
            )
        else:
            try:
                services.resolution_link(
                    actor=_actor(request),
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


@permission_required(MANAGE, raise_exception=True)
def resolution_series(request: HttpRequest) -> HttpResponse:
    info = records.series_info()
    initial: dict[str, Any] = {"basis": info.series.basis if info.series else ""}
    if info.next_number:
        initial["next_number"] = info.next_number
    elif info.highest:
        initial["next_number"] = info.highest + 1
    form = ResolutionSeriesForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.resolution_series_set(actor=_actor(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The next number of the series was set."))
            return redirect("governance:resolution-series")
    return render(request, "governance/resolution_series.html", {"form": form, "info": info})
