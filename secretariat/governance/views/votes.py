"""Votes from the console: putting a motion to the vote, entering a show of hands, the
roll-call screen, closing and counting, the chair's ruling, and a vote's page.

A vote's page is for those who follow the session (404 to anyone else); the roll-call screen
is the Secretariat's (`governance.view_sessions`); acting needs `governance.manage_sessions`.
The selectors check, and every service again.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from secretariat.core.forms import add_service_error, service_error_text
from secretariat.core.http import actor, posted
from secretariat.core.staff_sessions import recent_authentication_required
from secretariat.governance.forms.console import AnswerForm, HandsForm, OverrideForm, VoteOpenForm
from secretariat.governance.models import Vote
from secretariat.governance.selectors.motions import motion_get_for_user, motion_view
from secretariat.governance.selectors.quorum import live_quorum
from secretariat.governance.selectors.votes import (
    VoteAction,
    roll_call_page,
    vote_get_for_user,
    vote_view,
)
from secretariat.governance.selectors.votes import vote_detail as read_vote_detail
from secretariat.governance.services import votes as services
from secretariat.governance.views.live import live_page


def _opened(vote: Vote) -> HttpResponse:
    """Where the chair goes once a vote is open (or, by acclamation, already recorded)."""
    if vote.state == Vote.State.CLOSED:
        return redirect("governance:vote-detail", vote_pk=vote.pk)
    if vote.method == Vote.Method.SHOW_OF_HANDS:
        return redirect("governance:vote-hands", vote_pk=vote.pk)
    if vote.method == Vote.Method.ROLL_CALL:
        return redirect("governance:vote-roll-call", vote_pk=vote.pk)
    return redirect("governance:console", pk=vote.motion.session_id)


def vote_open(request: HttpRequest, motion_pk: int) -> HttpResponse:
    motion = motion_get_for_user(user=request.user, pk=motion_pk, action="manage")
    form = VoteOpenForm(posted(request), initial={"method": request.GET.get("method", "")})
    if request.method == "POST" and form.is_valid():
        try:
            vote = services.vote_open(
                actor=actor(request),
                motion=motion,
                method=form.cleaned_data["method"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            if vote.state == Vote.State.CLOSED:
                messages.success(request, _("The motion was adopted as the chair declared."))
            else:
                messages.success(request, _("The vote is open."))
            return _opened(vote)
    return render(
        request,
        "governance/vote_open.html",
        {
            "form": form,
            "session": motion.session,
            "motion": motion,
            "view": motion_view(motion),
            "quorum": live_quorum(motion.session),
        },
    )


def vote_detail(request: HttpRequest, vote_pk: int) -> HttpResponse:
    vote = vote_get_for_user(user=request.user, pk=vote_pk)
    page = read_vote_detail(user=request.user, vote=vote)
    return render(
        request,
        "governance/vote_detail.html",
        {
            "session": vote.motion.session,
            "motion": vote.motion,
            "vote": vote,
            "view": page.view,
            "can_manage": page.can_manage,
            "override_form": OverrideForm(),
            **live_page(request, vote.motion.session),
        },
    )


def vote_hands(request: HttpRequest, vote_pk: int) -> HttpResponse:
    vote = vote_get_for_user(user=request.user, pk=vote_pk, action="manage")
    if vote.method != Vote.Method.SHOW_OF_HANDS or vote.state != Vote.State.OPEN:
        return redirect("governance:vote-detail", vote_pk=vote.pk)
    form = HandsForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            vote = services.vote_record_hands(actor=actor(request), vote=vote, **form.cleaned_data)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The counts were recorded and the vote is closed."))
            return redirect("governance:vote-detail", vote_pk=vote.pk)
    return render(
        request,
        "governance/vote_hands.html",
        {
            "form": form,
            "session": vote.motion.session,
            "motion": vote.motion,
            "vote": vote,
            "view": vote_view(vote),
        },
    )


def _answer(request: HttpRequest, vote: Vote) -> HttpResponse:
    """Record one member's answer to the roll-call; back to the screen, at the next member."""
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose yes, no or abstain."))
    else:
        try:
            services.vote_record_roll_call(
                actor=actor(request),
                vote=vote,
                unit_key=form.cleaned_data["unit"],
                choice=form.cleaned_data["choice"],
            )
        except ValidationError as exc:
            messages.error(request, service_error_text(exc))
    anchor = request.POST.get("next_unit", "")
    url = reverse("governance:vote-roll-call", kwargs={"vote_pk": vote.pk})
    return redirect(f"{url}#unit-{anchor}" if anchor else url)


def vote_roll_call(request: HttpRequest, vote_pk: int) -> HttpResponse:
    action: VoteAction = "manage" if request.method == "POST" else "read"
    vote = vote_get_for_user(user=request.user, pk=vote_pk, action=action)
    if vote.method != Vote.Method.ROLL_CALL:
        return redirect("governance:vote-detail", vote_pk=vote.pk)
    if request.method == "POST":
        return _answer(request, vote)
    page = roll_call_page(user=request.user, vote=vote)
    return render(
        request,
        "governance/vote_roll_call.html",
        {
            "session": vote.motion.session,
            "motion": vote.motion,
            "vote": vote,
            "view": page.view,
            "rows": page.rows,
            "answered": page.answered,
            "can_manage": page.can_manage,
        },
    )


@require_POST
@recent_authentication_required
def vote_close(request: HttpRequest, vote_pk: int) -> HttpResponse:
    vote = vote_get_for_user(user=request.user, pk=vote_pk, action="manage")
    try:
        vote = services.vote_close(actor=actor(request), vote=vote)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
        if request.POST.get("back") == "console":
            return redirect("governance:console", pk=vote.motion.session_id)
        return redirect("governance:vote-detail", vote_pk=vote.pk)
    messages.success(request, _("The vote is closed and counted."))
    return redirect("governance:vote-detail", vote_pk=vote.pk)


def vote_override(request: HttpRequest, vote_pk: int) -> HttpResponse:
    vote = vote_get_for_user(user=request.user, pk=vote_pk, action="manage")
    form = OverrideForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.vote_override(
                actor=actor(request),
                vote=vote,
                carried=form.cleaned_data["carried"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The chair's ruling was recorded."))
            return redirect("governance:vote-detail", vote_pk=vote.pk)
    return render(
        request,
        "governance/vote_override.html",
        {
            "form": form,
            "session": vote.motion.session,
            "motion": vote.motion,
            "vote": vote,
            "view": vote_view(vote),
        },
    )
