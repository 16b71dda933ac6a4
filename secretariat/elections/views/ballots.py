"""The ballot's pages: the Secretariat's ballot of a Call (contests per office and place,
rounds, results) with its POST-only actions, and the public page of a contest (rounds with
their results once each closes, the elected; never who voted what)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from secretariat.core.access import public, requires
from secretariat.core.forms import service_error_text
from secretariat.core.http import actor
from secretariat.elections.forms.ballots import (
    ContestStartForm,
    DrawForm,
    ReasonForm,
    RemoteBallotForm,
    RoundOpenForm,
)
from secretariat.elections.models import Round
from secretariat.elections.selectors.ballots import (
    ballot_page_get_for_user,
    call_office_get_for_user,
    contest_get_for_user,
    contest_manage_get_for_user,
    remote_ballot_get_for_user,
    remote_ballot_open_for_user,
    round_get_for_user,
)
from secretariat.elections.services import ballots as services

MANAGE = "elections.manage_ballots"


def _form_error(form: object) -> str:
    errors = getattr(form, "errors", {})
    return " ".join(str(m) for ms in errors.values() for m in ms)


@requires(MANAGE)
def ballot(request: HttpRequest, pk: int) -> HttpResponse:
    page = ballot_page_get_for_user(user=request.user, call_pk=pk)
    return render(
        request,
        "elections/ballot_page.html",
        {"page": page, "start_form": ContestStartForm(), "open_form": RoundOpenForm()},
    )


@public
def contest_detail(request: HttpRequest, pk: int) -> HttpResponse:
    row = contest_get_for_user(user=request.user, pk=pk)
    remote_round = remote_ballot_open_for_user(row.contest, request.user)
    return render(
        request, "elections/contest_detail.html", {"row": row, "remote_round": remote_round}
    )


@require_POST
def contest_start(request: HttpRequest, pk: int) -> HttpResponse:
    call_office = call_office_get_for_user(user=request.user, pk=pk)
    form = ContestStartForm(request.POST)
    if not form.is_valid():
        messages.error(request, _form_error(form))
    else:
        try:
            services.contest_start(
                actor=actor(request),
                call_office=call_office,
                place=form.cleaned_data["place"],
                session=form.cleaned_data["session"],
            )
        except ValidationError as exc:
            messages.error(request, service_error_text(exc))
        else:
            messages.success(request, _("The election of this place has started."))
    return redirect("elections:ballot", pk=call_office.call_id)


@require_POST
def contest_acclaim(request: HttpRequest, pk: int) -> HttpResponse:
    contest = contest_manage_get_for_user(user=request.user, pk=pk)
    form = ReasonForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_form_error(form))
        services.contest_acclaim(
            actor=actor(request), contest=contest, reason=form.cleaned_data["reason"]
        )
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("Elected by acclamation; the mandate is recorded."))
    return redirect("elections:ballot", pk=contest.call_office.call_id)


@require_POST
def round_open(request: HttpRequest, pk: int) -> HttpResponse:
    contest = contest_manage_get_for_user(user=request.user, pk=pk)
    form = RoundOpenForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_form_error(form))
        services.round_open(
            actor=actor(request),
            contest=contest,
            remote=form.cleaned_data["remote"],
            window_end=form.cleaned_data["window_end"],
        )
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("The round is open: delegates may cast their ballots."))
    return redirect("elections:ballot", pk=contest.call_office.call_id)


def _back(rnd: Round) -> HttpResponse:
    return redirect("elections:ballot", pk=rnd.contest.call_office.call_id)


@require_POST
def round_close(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = round_get_for_user(user=request.user, pk=pk)
    try:
        services.round_close(actor=actor(request), rnd=rnd)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("The round is closed and counted."))
    return _back(rnd)


@require_POST
def round_draw(request: HttpRequest, pk: int) -> HttpResponse:
    rnd = round_get_for_user(user=request.user, pk=pk)
    form = DrawForm(request.POST, choices=[(k, k) for k in rnd.rules.get("tied", [])])
    try:
        if not form.is_valid():
            raise ValidationError(_form_error(form))
        services.round_tie_resolve(
            actor=actor(request),
            rnd=rnd,
            keys=form.cleaned_data["keys"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(request, _("The draw of lots is recorded."))
    return _back(rnd)


def round_ballot(request: HttpRequest, pk: int) -> HttpResponse:
    """A delegate's ballot in a non-presential round (only its accredited delegates: 404 to
    anyone else). POST casts through `services.ballots.round_ballot_cast`, which refuses
    outside the window (with its times) and a second ballot; once received the page says so
    and never shows the choice."""
    page = remote_ballot_get_for_user(user=request.user, pk=pk)
    units = [u.key for u in page.pending_units]
    form = RemoteBallotForm(units=units, candidates=page.candidates)
    error = ""
    if request.method == "POST":
        form = RemoteBallotForm(request.POST, units=units, candidates=page.candidates)
        try:
            if not form.is_valid():
                if not units:
                    raise ValidationError(_("Your member's ballot was already received."))
                raise ValidationError(_("Choose one candidate or a blank ballot."))
            services.round_ballot_cast(
                user=actor(request),
                rnd=page.round,
                unit_key=form.cleaned_data["unit"],
                choice=form.cleaned_data["choice"],
            )
        except ValidationError as exc:
            error = service_error_text(exc)
        else:
            messages.success(request, _("Your ballot was received. Nobody can see how you voted."))
            return redirect("elections:round-ballot", pk=pk)
    return render(
        request,
        "elections/ballot_remote.html",
        {"page": page, "form": form, "error": error},
        status=400 if error else 200,
    )
