"""The roles page (Secretary General only): people with their roles, and granting or
revoking one with a reason (core.services.roles), after a recent second factor."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from secretariat.core import roles
from secretariat.core.access import requires
from secretariat.core.forms import add_service_error
from secretariat.core.forms.roles import RoleGrantForm, RoleRevokeForm
from secretariat.core.http import actor
from secretariat.core.models import User
from secretariat.core.selectors.people import held_roles, person_get_for_user, person_list_for_user
from secretariat.core.services.roles import role_grant, role_revoke
from secretariat.core.staff_sessions import recent_authentication_required
from secretariat.core.tables import paginate

MANAGE_ROLES = "core.manage_roles"


@requires(MANAGE_ROLES)
def role_list(request: HttpRequest) -> HttpResponse:
    q = request.GET.get("q", "")[:200]
    role = request.GET.get("role", "")
    page = paginate(request, person_list_for_user(user=request.user, q=q, role=role))
    rows = [(person, held_roles(person)) for person in page.object_list]
    return render(
        request,
        "core/role_list.html",
        {"page": page, "rows": rows, "q": q, "role": role, "roles": roles.ROLE_LABELS.items()},
    )


def _person_page(
    request: HttpRequest,
    person: User,
    *,
    grant: RoleGrantForm | None = None,
    revoke: RoleRevokeForm | None = None,
) -> HttpResponse:
    held = held_roles(person)
    codes = [r.code for r in held]
    return render(
        request,
        "core/role_person.html",
        {
            "person": person,
            "held": held,
            "grant_form": grant
            or RoleGrantForm(codes=[c for c in roles.ROLE_LABELS if c not in codes]),
            "revoke_form": revoke or RoleRevokeForm(codes=codes),
        },
    )


@requires(MANAGE_ROLES)
def role_person(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_page(request, person_get_for_user(user=request.user, pk=pk))


@require_POST
@requires(MANAGE_ROLES)
@recent_authentication_required
def role_grant_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get_for_user(user=request.user, pk=pk)
    codes = [c for c in roles.ROLE_LABELS if c not in {r.code for r in held_roles(person)}]
    form = RoleGrantForm(request.POST, codes=codes)
    if form.is_valid():
        data = form.cleaned_data
        try:
            role_grant(actor=actor(request), user=person, role=data["role"], reason=data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            message = _("%(person)s now holds the role %(role)s.") % {
                "person": person,
                "role": roles.ROLE_LABELS[data["role"]],
            }
            if data["role"] in roles.STAFF_ROLES:
                message += " " + _(
                    "At their next page they will be asked to set up or enter their second factor."
                )
            messages.success(request, message)
            return redirect("core:role-person", pk=person.pk)
    return _person_page(request, person_get_for_user(user=request.user, pk=pk), grant=form)


@require_POST
@requires(MANAGE_ROLES)
@recent_authentication_required
def role_revoke_view(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_get_for_user(user=request.user, pk=pk)
    form = RoleRevokeForm(request.POST, codes=[r.code for r in held_roles(person)])
    if form.is_valid():
        data = form.cleaned_data
        try:
            role_revoke(actor=actor(request), user=person, role=data["role"], reason=data["reason"])
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _("%(person)s no longer holds the role %(role)s.")
                % {"person": person, "role": roles.ROLE_LABELS[data["role"]]},
            )
            return redirect("core:role-person", pk=person.pk)
    return _person_page(request, person_get_for_user(user=request.user, pk=pk), revoke=form)
