"""Motions and amendments: tabling them, their page (translations, majority, word diffs,
votes), correcting and withdrawing them.

A motion's page is for those who follow the session (404 to anyone else); tabling, editing
and withdrawing need `governance.manage_sessions` (403: the session or motion is seen).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from secretariat.core.forms import add_service_error
from secretariat.core.http import actor, posted
from secretariat.governance.forms.console import AmendmentForm, MotionForm, RequiredReasonForm
from secretariat.governance.models import Vote
from secretariat.governance.selectors.motions import item_numbers, motion_get_for_user, motion_view
from secretariat.governance.selectors.sessions import session_get_for_user
from secretariat.governance.services import motions as services


def motion_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = session_get_for_user(user=request.user, pk=pk, action="manage")
    initial = {}
    if request.GET.get("item", "").isdigit():
        initial["agenda_item"] = int(request.GET["item"])
    form = MotionForm(
        posted(request), initial=initial, session=session, item_numbers=item_numbers(session)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            motion = services.motion_add(
                actor=actor(request),
                session=session,
                agenda_item=data["agenda_item"],
                decision_kind=data["decision_kind"],
                proposer=data["proposer"],
                proposer_participant=data["proposer_participant"],
                title_es=data["title_es"],
                text_es=data["text_es"],
                reason=data["reason"],
                **form.texts(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("Motion %(number)s was tabled.") % {"number": motion.number}
            )
            return redirect("governance:motion-detail", motion_pk=motion.pk)
    return render(
        request, "governance/motion_form.html", {"form": form, "session": session, "mode": "add"}
    )


def motion_detail(request: HttpRequest, motion_pk: int) -> HttpResponse:
    motion = motion_get_for_user(user=request.user, pk=motion_pk)
    return render(
        request,
        "governance/motion_detail.html",
        {
            "session": motion.session,
            "motion": motion,
            "view": motion_view(motion, user=request.user),
            "methods": Vote.Method.choices,
        },
    )


def motion_edit(request: HttpRequest, motion_pk: int) -> HttpResponse:
    motion = motion_get_for_user(user=request.user, pk=motion_pk, action="manage")
    session = motion.session
    initial: dict[str, Any] = {
        name: getattr(motion, name) for name in ["proposer", "decision_kind", *services.TRANSLATED]
    }
    initial["agenda_item"] = motion.agenda_item_id
    initial["proposer_participant"] = motion.proposer_participant_id
    form = MotionForm(
        posted(request),
        initial=initial,
        session=session,
        item_numbers=item_numbers(session),
        editing=True,
        amendment=motion.is_amendment,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            services.motion_update(actor=actor(request), motion=motion, data=data, reason=reason)
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The motion was updated."))
            return redirect("governance:motion-detail", motion_pk=motion.pk)
    return render(
        request,
        "governance/motion_form.html",
        {"form": form, "session": session, "motion": motion, "mode": "edit"},
    )


def motion_withdraw(request: HttpRequest, motion_pk: int) -> HttpResponse:
    motion = motion_get_for_user(user=request.user, pk=motion_pk, action="manage")
    form = RequiredReasonForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.motion_withdraw(
                actor=actor(request), motion=motion, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The motion was withdrawn."))
            return redirect("governance:motion-detail", motion_pk=motion.pk)
    return render(
        request,
        "governance/motion_withdraw.html",
        {"form": form, "session": motion.session, "motion": motion},
    )


def amendment_add(request: HttpRequest, motion_pk: int) -> HttpResponse:
    motion = motion_get_for_user(user=request.user, pk=motion_pk, action="manage")
    session = motion.session
    initial = {name: getattr(motion, name) for name in services.TRANSLATED if "text" in name}
    form = AmendmentForm(posted(request), initial=initial, session=session, motion=motion)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            amendment = services.amendment_add(
                actor=actor(request),
                motion=motion,
                proposer=data["proposer"],
                proposer_participant=data["proposer_participant"],
                title_es=data["title_es"],
                text_es=data["text_es"],
                reason=data["reason"],
                **form.texts(),
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(
                request, _("Amendment %(number)s was tabled.") % {"number": amendment.number}
            )
            return redirect("governance:motion-detail", motion_pk=motion.pk)
    return render(
        request,
        "governance/motion_form.html",
        {"form": form, "session": session, "motion": motion, "mode": "amend"},
    )
