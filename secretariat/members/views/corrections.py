"""Contact-data corrections: a representative proposes one for their institution (the
portal), the staff list them and an officer accepts or rejects each.

Reading the list and a correction needs `members.view_registry` (staff who read the
registry); deciding needs `members.manage_registry`, proposing `members.propose_correction`
on the institution (its own representative).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from secretariat.core.access import requires
from secretariat.core.forms import add_service_error
from secretariat.core.http import actor, posted
from secretariat.core.tables import paginate
from secretariat.members.forms.corrections import (
    CorrectionDecideForm,
    CorrectionFilterForm,
    CorrectionProposeForm,
)
from secretariat.members.selectors.corrections import (
    CorrectionAction,
    correction_get_for_user,
    correction_list_for_user,
    correction_page,
)
from secretariat.members.selectors.registry import institution_get_for_user
from secretariat.members.services import corrections as services

VIEW = "members.view_registry"


@requires(VIEW)
def correction_list(request: HttpRequest) -> HttpResponse:
    form = CorrectionFilterForm(request.GET)
    state = form.cleaned_data.get("state", "") if form.is_valid() else ""
    corrections = correction_list_for_user(user=actor(request), state=state)
    return render(
        request,
        "members/correction_list.html",
        {"form": form, "page": paginate(request, corrections), "state": state},
    )


@requires(VIEW)
def correction_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The comparison page; its POST is the decision (officers: 403 for the other staff)."""
    action: CorrectionAction = "decide" if request.method == "POST" else "view"
    correction = correction_get_for_user(user=actor(request), pk=pk, action=action)
    form = CorrectionDecideForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.correction_decide(
                actor=actor(request),
                correction=correction,
                accept=form.accept,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            if form.accept:
                messages.success(request, _("The correction was accepted and applied."))
            else:
                messages.success(request, _("The correction was rejected."))
            return redirect("members:correction-detail", pk=correction.pk)
    page = correction_page(user=actor(request), correction=correction)
    return render(
        request,
        "members/correction_detail.html",
        {
            "correction": page.correction,
            "rows": page.rows,
            "history": page.history,
            "can_decide": page.can_decide,
            "form": form,
        },
    )


def correction_propose(request: HttpRequest, slug: str) -> HttpResponse:
    """A representative proposes new contact data; staff may read the record but the
    proposal comes from the member (403), another institution is a 404."""
    institution = institution_get_for_user(
        user=actor(request), slug=slug, action="propose_correction"
    )
    form = CorrectionProposeForm.for_institution(institution, posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.correction_propose(
                actor=actor(request),
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
