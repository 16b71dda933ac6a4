"""Staff pages of members' standing: suspensions of the right to vote, and lifting them.

Reading needs `members.view_registry` (Secretary General, officers, finance, Comptroller);
suspending and lifting need `members.manage_standing` (Secretary General and officers),
declared here and checked again by the services in `members.services.standing`.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from secretariat.core.access import requires
from secretariat.core.forms import add_service_error
from secretariat.core.http import actor, posted
from secretariat.core.tables import paginate
from secretariat.members.forms.standing import LiftForm, StandingFilterForm, SuspendForm
from secretariat.members.selectors.common import registry_offers
from secretariat.members.selectors.registry import current_membership, institution_get_for_user
from secretariat.members.selectors.standing import (
    suspension_get_for_user,
    suspension_list_for_user,
    suspension_rows_of,
    suspension_status,
)
from secretariat.members.services.standing import voting_suspend, voting_suspension_lift

VIEW = "members.view_registry"
MANAGE = "members.manage_standing"


@requires(VIEW)
@require_safe
def standing_list(request: HttpRequest) -> HttpResponse:
    form = StandingFilterForm(request.GET)
    status = form.status_value()
    today = timezone.localdate()
    suspensions = suspension_list_for_user(
        user=actor(request), current_only=status == StandingFilterForm.CURRENT, day=today
    )
    page = paginate(request, suspensions)
    return render(
        request,
        "members/standing_list.html",
        {
            "form": form,
            "page": page,
            "rows": suspension_rows_of(list(page.object_list), today),
            "status": status,
            "today": today,
            "offers": registry_offers(user=actor(request)),
        },
    )


@requires(MANAGE)
def standing_suspend(request: HttpRequest, slug: str) -> HttpResponse:
    institution = institution_get_for_user(user=actor(request), slug=slug, action="manage_standing")
    form = SuspendForm(posted(request), initial={"valid_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            voting_suspend(
                actor=actor(request),
                institution=institution,
                valid_from=form.cleaned_data["valid_from"],
                valid_to=form.cleaned_data["valid_to"],
                reason=form.cleaned_data["reason"],
                legal_basis=form.cleaned_data["legal_basis"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The member's right to vote was suspended."))
            return redirect("members:institution-detail", slug=institution.slug)
    return render(
        request,
        "members/standing_suspend.html",
        {"form": form, "institution": institution, "current": current_membership(institution)},
    )


@requires(MANAGE)
def standing_lift(request: HttpRequest, pk: int) -> HttpResponse:
    suspension = suspension_get_for_user(user=actor(request), pk=pk, action="lift")
    # A suspension ends after it starts: one that began today can be lifted from tomorrow.
    first_day = max(timezone.localdate(), suspension.valid_from + dt.timedelta(days=1))
    form = LiftForm(posted(request), initial={"on": first_day})
    if request.method == "POST" and form.is_valid():
        try:
            voting_suspension_lift(
                actor=actor(request),
                suspension=suspension,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The suspension was lifted."))
            return redirect("members:institution-detail", slug=suspension.institution.slug)
    return render(
        request,
        "members/standing_lift.html",
        {
            "form": form,
            "suspension": suspension,
            "status": suspension_status(suspension, timezone.localdate()),
        },
    )
