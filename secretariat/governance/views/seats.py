"""Governance pages: a body's composition on a date (public) and the seat forms (staff).

The composition is public like the bodies' pages; adding, correcting and ending seats needs
`governance.manage_seats` (the Secretary General and officers), checked here and again by
every service.
"""

from __future__ import annotations

import datetime as dt

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
from secretariat.core.tables import paginate
from secretariat.governance.forms.seats import (
    CompositionDateForm,
    SeatEndForm,
    SeatForm,
    SeatUpdateForm,
)
from secretariat.governance.models import Seat
from secretariat.governance.selectors import seats as selectors
from secretariat.governance.services import seats as services

MANAGE = "governance.manage_seats"
ROWS_PER_PAGE = 50
ACCOUNT_ALIASES = {"user": "account_email"}


def _composition_url(seat: Seat, ended: bool = False) -> str:
    """The composition on a date that shows the seat: today if it sits today (or was just
    ended), its first day if it starts later, its last day if it ended before."""
    today = timezone.localdate()
    day = today
    if not ended:
        if seat.valid_from > today:
            day = seat.valid_from
        elif seat.valid_to is not None and seat.valid_to <= today:
            day = seat.valid_to - dt.timedelta(days=1)
    url = reverse("governance:body-composition", kwargs={"code": seat.body.code})
    return f"{url}?{urlencode({'on': day.isoformat()})}"


@public
@require_safe
def body_composition(request: HttpRequest, code: str) -> HttpResponse:
    body = selectors.seat_body_get_for_user(user=request.user, code=code)
    today = timezone.localdate()
    parsed = CompositionDateForm(request.GET)
    day = today
    if parsed.is_valid():
        day = parsed.cleaned_data.get("on") or today
    else:
        messages.warning(
            request,
            _(
                "The date “%(value)s” was not understood (use YYYY-MM-DD): "
                "the composition today is shown."
            )
            % {"value": request.GET.get("on", "")[:40]},
        )
    form = CompositionDateForm(initial={"on": day})  # the field shows the date shown
    composition = selectors.composition_page(user=request.user, body=body, day=day)
    return render(
        request,
        "governance/body_composition.html",
        {
            "body": body,
            "form": form,
            "composition": composition,
            "page": paginate(request, composition.rows, ROWS_PER_PAGE),
            "day": day,
            "today": today,
        },
    )


@requires(MANAGE)
def seat_add(request: HttpRequest, code: str) -> HttpResponse:
    body = selectors.seat_body_get_for_user(user=request.user, code=code, action="manage_seats")
    form = SeatForm(posted(request), body=body, initial={"valid_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            seat = services.seat_add(
                actor=actor(request),
                body=body,
                reason=form.cleaned_data["reason"],
                **form.data_for_service(),
            )
        except ValidationError as exc:
            add_service_error(form, exc, ACCOUNT_ALIASES)
        else:
            messages.success(request, _("The seat was recorded."))
            return redirect(_composition_url(seat))
    return render(request, "governance/seat_form.html", {"form": form, "body": body})


@requires(MANAGE)
def seat_edit(request: HttpRequest, seat_pk: int) -> HttpResponse:
    """Correct a seat's record, or (``?action=end`` / a posted ``action=end``) end it."""
    seat = selectors.seat_get_for_user(user=request.user, pk=seat_pk, action="manage")
    action = request.POST.get("action") or request.GET.get("action") or "update"
    if action == "end":
        end_form = SeatEndForm(posted(request))
        if request.method == "POST" and end_form.is_valid():
            try:
                services.seat_end(
                    actor=actor(request),
                    seat=seat,
                    valid_to=end_form.cleaned_data["valid_to"],
                    reason=end_form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                add_service_error(end_form, exc)
            else:
                messages.success(request, _("The seat was ended."))
                return redirect(_composition_url(seat, ended=True))
        return render(request, "governance/seat_end_form.html", {"form": end_form, "seat": seat})
    initial = {
        "title": seat.title,
        "holder": seat.holder,
        "email": seat.email,
        "order": seat.order,
        "source": seat.source,
        "account_email": seat.user.email if seat.user else "",
    }
    form = SeatUpdateForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.seat_update(
                actor=actor(request),
                seat=seat,
                data=form.data_for_service(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc, ACCOUNT_ALIASES)
        else:
            if [name for name in form.changed_data if name != "reason"]:
                messages.success(request, _("The seat's record was corrected."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(_composition_url(seat))
    return render(
        request, "governance/seat_form.html", {"form": form, "body": seat.body, "seat": seat}
    )
