"""Staff pages of members' standing: suspensions of the right to vote, and lifting them.

Reading needs `members.view_registry` (Secretary General, officers, finance, Comptroller);
suspending and lifting need `members.manage_standing` (Secretary General and officers),
checked here and again by the services in `members.services_standing`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from secretariat.core.forms import add_service_error
from secretariat.core.http import actor as _actor
from secretariat.core.http import posted as _posted
from secretariat.core.tables import paginate
from secretariat.members import selectors
from secretariat.members.forms.standing import LiftForm, StandingFilterForm, SuspendForm
from secretariat.members.models import VotingSuspension
from secretariat.members.services_standing import voting_suspend, voting_suspension_lift

VIEW = "members.view_registry"
MANAGE = "members.manage_standing"


# --- Reads (small enough to live here; they move to a selector module if another page needs them)


@dataclass(frozen=True)
class SuspensionRow:
    suspension: VotingSuspension
    status: str  # in_force | upcoming | lifted | ended

    @property
    def can_lift(self) -> bool:
        return self.status in ("in_force", "upcoming")


def suspension_status(suspension: VotingSuspension, day: dt.date) -> str:
    if suspension.valid_from > day:
        return "upcoming"
    if suspension.valid_to is None or suspension.valid_to > day:
        return "in_force"
    return "lifted" if suspension.lift_reason else "ended"


def suspension_list(*, current_only: bool, day: dt.date) -> QuerySet[VotingSuspension]:
    """Suspensions (in force or upcoming on `day`, or all), newest first, with what the list
    shows preloaded: institution, its country, who recorded it."""
    qs = VotingSuspension.objects.select_related(
        "institution", "institution__country", "recorded_by"
    )
    if current_only:
        qs = qs.filter(Q(valid_to__isnull=True) | Q(valid_to__gt=day))
    return qs.order_by("-valid_from", "-pk")


def suspension_get(*, pk: int) -> VotingSuspension:
    suspension = (
        VotingSuspension.objects.select_related("institution", "institution__country")
        .filter(pk=pk)
        .first()
    )
    if suspension is None:
        raise Http404
    return suspension


# --- Pages --------------------------------------------------------------------------


@permission_required(VIEW, raise_exception=True)
@require_safe
def standing_list(request: HttpRequest) -> HttpResponse:
    form = StandingFilterForm(request.GET)
    status = form.status_value()
    today = timezone.localdate()
    page = paginate(
        request, suspension_list(current_only=status == StandingFilterForm.CURRENT, day=today)
    )
    page.object_list = [SuspensionRow(s, suspension_status(s, today)) for s in page.object_list]
    return render(
        request,
        "members/standing_list.html",
        {"form": form, "page": page, "status": status, "today": today},
    )


@permission_required(MANAGE, raise_exception=True)
def standing_suspend(request: HttpRequest, slug: str) -> HttpResponse:
    institution = selectors.institution_get_for_user(user=_actor(request), slug=slug)
    form = SuspendForm(_posted(request), initial={"valid_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            voting_suspend(
                actor=_actor(request),
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
        {
            "form": form,
            "institution": institution,
            "current": selectors.current_membership(institution),
        },
    )


@permission_required(MANAGE, raise_exception=True)
def standing_lift(request: HttpRequest, pk: int) -> HttpResponse:
    suspension = suspension_get(pk=pk)
    # A suspension ends after it starts: one that began today can be lifted from tomorrow.
    first_day = max(timezone.localdate(), suspension.valid_from + dt.timedelta(days=1))
    form = LiftForm(_posted(request), initial={"on": first_day})
    if request.method == "POST" and form.is_valid():
        try:
            voting_suspension_lift(
                actor=_actor(request),
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
