"""The representative's portal: their own institution's record and contact-data corrections.

Every page goes through `institution_get_for_user`, so another institution is a 404, the
same as a missing one.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from secretariat.core.http import posted as _posted
from secretariat.core.models import User
from secretariat.members import selectors, services
from secretariat.members.forms.portal import CorrectionProposeForm
from secretariat.members.forms.staff import add_service_error
from secretariat.members.selectors_accounts import portal_record_for_user


def _user(request: HttpRequest) -> User:
    return cast(User, request.user)  # LoginRequiredMiddleware: always a signed-in User here


def my_institution(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    record = portal_record_for_user(user=user, slug=slug)
    institution = record.institution
    return render(
        request,
        "members/my_institution.html",
        {
            "record": record,
            "institution": institution,
            "can_propose": user.has_perm("members.propose_correction", institution),
            "can_disaffiliate": record.open_membership is not None
            and user.has_perm("members.request_disaffiliation", institution),
        },
    )


def correction_propose(request: HttpRequest, slug: str) -> HttpResponse:
    user = _user(request)
    institution = selectors.institution_get_for_user(user=user, slug=slug)
    if not user.has_perm("members.propose_correction", institution):
        raise PermissionDenied  # staff read the record but corrections come from the member
    form = CorrectionProposeForm.for_institution(institution, _posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.correction_propose(
                actor=user,
                institution=institution,
                changes=form.changes(),
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request,
                _(
                    "Your proposal was sent to the Secretariat; "
                    "the data change once an officer accepts it."
                ),
            )
            return redirect("members:my-institution", slug=institution.slug)
    return render(
        request, "members/correction_form.html", {"form": form, "institution": institution}
    )
