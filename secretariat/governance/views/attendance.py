"""Attendance at the door or by the chair: the list (search, pages), marking present/absent.

Reading is the Secretariat's (`governance.view_sessions`); marking needs
`governance.manage_sessions` (the selectors check, and the service again). A row's toggle is
a POST form; with htmx only the row and the figures are redrawn.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from secretariat.core.forms import service_error_text
from secretariat.core.http import HtmxHttpRequest, actor
from secretariat.core.tables import paginate
from secretariat.governance.forms.console import AttendanceMarkForm, AttendanceSearchForm
from secretariat.governance.models import Participant, Session
from secretariat.governance.selectors.attendance import (
    attendance_figures,
    attendance_page,
    attendee_get_for_user,
)
from secretariat.governance.selectors.sessions import session_get_for_user
from secretariat.governance.services import attendance as services
from secretariat.governance.views.live import live_page


def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get_for_user(user=request.user, pk=pk, action="console")
    search = AttendanceSearchForm(request.GET)
    q = search.query()
    view = attendance_page(user=request.user, session=session, q=q)
    context = {
        "session": session,
        "search": search,
        "q": q,
        "page": paginate(request, view.accredited, per_page=100),
        "counts": view.counts,
        "quorum": view.quorum,
        "not_accredited": view.not_accredited,
        "can_manage": view.can_manage,
        "can_mark": view.can_mark,
        **live_page(request, session),
    }
    return render(request, "governance/attendance.html", context)


def _back_to_row(request: HttpRequest, session: Session, participant: Participant) -> HttpResponse:
    """The attendance page where the row was (its search and page), scrolled to it."""
    url = reverse("governance:attendance", kwargs={"pk": session.pk})
    q = request.POST.get("q", "").strip()
    page = request.POST.get("page", "").strip()
    params = QueryDict(mutable=True)
    if q:
        params["q"] = q
    if page.isdigit():
        params["page"] = page
    suffix = f"?{params.urlencode()}" if params else ""
    return redirect(f"{url}{suffix}#participant-{participant.pk}")


@require_POST
def attendance_mark(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    session = session_get_for_user(user=request.user, pk=pk, action="manage")
    form = AttendanceMarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a participant and whether they are present."))
        return redirect("governance:attendance", pk=session.pk)
    participant = attendee_get_for_user(
        user=request.user, session=session, pk=form.cleaned_data["participant"]
    )
    error = ""
    try:
        participant = services.attendance_mark(
            actor=actor(request), participant=participant, present=form.cleaned_data["present"]
        )
    except ValidationError as exc:
        error = service_error_text(exc)
    if request.htmx:
        figures = attendance_figures(session)
        return render(
            request,
            "governance/partials/_attendance_row.html",
            {
                "session": session,
                "p": participant,
                "error": error,
                "can_manage": True,  # the selector let this user mark
                "can_mark": True,
                "q": request.POST.get("q", ""),
                "page_number": request.POST.get("page", ""),
                "htmx_row": True,
                "counts": figures.counts,
                "quorum": figures.quorum,
            },
        )
    if error:
        messages.error(request, error)
    else:
        messages.success(
            request,
            (
                _("%(name)s is marked present.")
                if participant.present
                else _("%(name)s is marked absent.")
            )
            % {"name": participant.full_name},
        )
    return _back_to_row(request, session, participant)
