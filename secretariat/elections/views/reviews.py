"""The review of a nomination (the Secretariat): a finding per requirement, pre-filled where
the data decide, and requests for corrections."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from secretariat.core.access import requires
from secretariat.core.forms import add_service_error
from secretariat.core.http import actor, posted
from secretariat.elections.forms.reviews import CorrectionRequestForm, FindingForm
from secretariat.elections.selectors import nominations as nomination_selectors
from secretariat.elections.selectors import reviews as selectors
from secretariat.elections.services import reviews as services

REVIEW = "elections.review_nominations"


@requires(REVIEW)
def nomination_review(request: HttpRequest, pk: int) -> HttpResponse:
    """The latest version's requirements, each with its finding form; a POST records one."""
    nomination = nomination_selectors.nomination_get_for_user(
        user=request.user, pk=pk, action="review"
    )
    page = selectors.review_page(user=request.user, nomination=nomination)
    bound = FindingForm(posted(request))
    if request.method == "POST" and page.version is not None and bound.is_valid():
        row = next(
            (r for r in page.rows if r.requirement.pk == bound.cleaned_data["requirement"]), None
        )
        if row is None:
            bound.add_error(None, _("This requirement does not apply to this office."))
        else:
            try:
                services.finding_record(
                    actor=actor(request),
                    version=page.version,
                    requirement=row.requirement,
                    result=bound.cleaned_data["result"],
                    note=bound.cleaned_data["note"],
                    evidence=bound.cleaned_data["evidence"],
                )
            except ValidationError as exc:
                add_service_error(bound, exc)
            else:
                messages.success(request, _("The finding was recorded."))
                return redirect("elections:nomination-review", pk=nomination.pk)
    forms = []
    for row in page.rows:
        if bound.is_bound and bound.data.get("requirement") == str(row.requirement.pk):
            forms.append((row, bound))
            continue
        initial = {
            "requirement": row.requirement.pk,
            "result": row.initial_result,
            "note": row.finding.note if row.finding else "",
            "evidence": row.finding.evidence if row.finding else "",
        }
        forms.append((row, FindingForm(initial=initial, auto_id=f"id_{row.requirement.pk}_%s")))
    correction_form = CorrectionRequestForm(requirements=[r.requirement for r in page.rows])
    context = {
        "page": page,
        "nomination": nomination,
        "forms": forms,
        "correction_form": correction_form,
        "errors": bound.non_field_errors() if bound.is_bound else [],
    }
    return render(request, "elections/review_nomination.html", context)


@require_POST
@requires(REVIEW)
def correction_request(request: HttpRequest, pk: int) -> HttpResponse:
    nomination = nomination_selectors.nomination_get_for_user(
        user=request.user, pk=pk, action="request_correction"
    )
    page = selectors.review_page(user=request.user, nomination=nomination)
    form = CorrectionRequestForm(request.POST, requirements=[r.requirement for r in page.rows])
    if form.is_valid():
        try:
            services.correction_request(
                actor=actor(request),
                nomination=nomination,
                requirement=form.cleaned_data["requirement"],
                message=form.cleaned_data["message"],
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The correction was asked for; the member was told."))
    else:
        messages.error(request, _("Say what the member must send or correct."))
    return redirect("elections:nomination-review", pk=nomination.pk)
