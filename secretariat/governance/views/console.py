"""The live console of a session: attendance, quorum, motions and amendments, and votes.

Reading needs `governance.view_sessions` (the Secretariat, finance, the Comptroller); acting
needs `governance.manage_sessions` (the Secretary General and officers), checked here and
again by every service. Motion and vote pages are also readable by those who follow the
session (`governance.follow_session`: seat holders and delegates).

The console's live panel polls `console-state` every second with the ETag it last received
(the session's revision); the answer is 304 Not Modified, after one query, until something
changes (docs/decisions/0007-live-console-updates.md). Without JavaScript, reloading the page
shows the same panel.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from secretariat.core.http import actor as _actor
from secretariat.core.http import posted as _posted
from secretariat.core.tables import paginate
from secretariat.governance.forms.console import (
    AmendmentForm,
    AnswerForm,
    AttendanceMarkForm,
    AttendanceSearchForm,
    HandsForm,
    MotionForm,
    OverrideForm,
    ReasonForm,
    RequiredReasonForm,
    VoteOpenForm,
    add_service_error,
)
from secretariat.governance.models import AgendaItem, Session, Vote
from secretariat.governance.selectors import console as sel
from secretariat.governance.services import console as services
from secretariat.governance.services import votes as vote_services

VIEW = "governance.view_sessions"
MANAGE = "governance.manage_sessions"
FOLLOW = "governance.follow_session"
# Bump when the live panels' markup changes, so an old ETag cannot keep an old panel.
LIVE_MARKUP_VERSION = "1"
LIVE_SESSION_KEY = "governance_live"


def _need(request: HttpRequest, perm: str, obj: Any = None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def _follow_or_404(request: HttpRequest, session: Session) -> None:
    """Motions and votes are for staff and those who sit in the session; others get 404."""
    if not request.user.has_perm(FOLLOW, session):
        raise Http404(_("No such session."))


def _console(session: Session) -> HttpResponse:
    return redirect("governance:console", pk=session.pk)


def _error_message(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


# --- Conditional polling (shared with views/voting.py) ----------------------------------


def live_etag(request: HttpRequest, kind: str, session_pk: int, version: sel.LiveVersion) -> str:
    """The ETag of a live panel: which panel, what it shows (the session's revision, and the
    receipts of an open secret ballot it counts: all on the console, the viewer's own on a
    delegate's panel), the language and the viewer."""
    lang = get_language() or ""
    ballots = f"b{version.ballots}" if kind == "c" else f"m{version.mine}"
    return (
        f'"{kind}{session_pk}.r{version.revision}.s{version.standing}.{ballots}.{lang}'
        f'.u{request.user.pk}.v{LIVE_MARKUP_VERSION}"'
    )


def live_version(request: HttpRequest, pk: int) -> sel.LiveVersion:
    version = sel.live_version(pk, request.user.pk)
    if version is None:
        raise Http404(_("No such session."))
    return version


def _etag_matches(request: HttpRequest, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "")
    tags = [t.strip().removeprefix("W/") for t in header.split(",")]
    return etag in tags


def live_not_modified(request: HttpRequest, kind: str, pk: int) -> tuple[int, str, bool]:
    """(revision, etag, answer 304?) with one query: the viewer was allowed this panel by an
    earlier full answer in this login session, and the page already shows this version."""
    version = live_version(request, pk)
    etag = live_etag(request, kind, pk, version)
    allowed = f"{kind}{pk}" in request.session.get(LIVE_SESSION_KEY, [])
    return version.revision, etag, allowed and _etag_matches(request, etag)


def remember_live(request: HttpRequest, kind: str, pk: int) -> None:
    """Remember that this login session may poll the panel (checked in full once)."""
    allowed = request.session.get(LIVE_SESSION_KEY, [])
    key = f"{kind}{pk}"
    if key not in allowed:
        request.session[LIVE_SESSION_KEY] = [*allowed[-50:], key]


def not_modified(etag: str) -> HttpResponse:
    response = HttpResponseNotModified()
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


def live_response(response: HttpResponse, etag: str) -> HttpResponse:
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


# --- Console ---------------------------------------------------------------------------


def _console_context(request: HttpRequest, session: Session, etag: str) -> dict[str, Any]:
    revision = int(etag.split(".r", 1)[1].split(".", 1)[0])
    return {
        "session": session,
        "state": sel.console_state(session, revision),
        "can_manage": request.user.has_perm(MANAGE, session),
        "etag": etag,
    }


def console(request: HttpRequest, pk: int) -> HttpResponse:
    version = live_version(request, pk)  # read first: the page is at least this recent
    session = sel.session_get(pk)
    _need(request, VIEW, session)
    remember_live(request, "c", pk)
    context = _console_context(request, session, live_etag(request, "c", pk, version))
    context["methods"] = Vote.Method.choices
    return render(request, "governance/console.html", context)


def console_state(request: HttpRequest, pk: int) -> HttpResponse:
    _revision, etag, unchanged = live_not_modified(request, "c", pk)
    if unchanged:
        return not_modified(etag)
    session = sel.session_get(pk)
    _need(request, VIEW, session)
    remember_live(request, "c", pk)
    response = render(
        request, "governance/console_state.html", _console_context(request, session, etag)
    )
    return live_response(response, etag)


@require_POST
def session_open(request: HttpRequest, pk: int) -> HttpResponse:
    session = sel.session_get(pk)
    _need(request, MANAGE, session)
    form = ReasonForm(request.POST)
    try:
        services.session_open(
            actor=_actor(request),
            session=session,
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
        )
    except ValidationError as exc:
        messages.error(request, _error_message(exc))
    else:
        messages.success(request, _("The session is open."))
    return _console(session)


@require_POST
def session_close(request: HttpRequest, pk: int) -> HttpResponse:
    session = sel.session_get(pk)
    _need(request, MANAGE, session)
    form = ReasonForm(request.POST)
    try:
        services.session_close(
            actor=_actor(request),
            session=session,
            reason=form.cleaned_data["reason"] if form.is_valid() else "",
        )
    except ValidationError as exc:
        messages.error(request, _error_message(exc))
    else:
        messages.success(request, _("The session is closed."))
    return _console(session)


# --- Attendance ------------------------------------------------------------------------


def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    session = sel.session_get(pk)
    _need(request, VIEW, session)
    search = AttendanceSearchForm(request.GET)
    q = search.query()
    accredited = sel.attendance_list(session, q).filter(sel.accredited_filter())
    page = paginate(request, accredited, per_page=100)
    context = {
        "session": session,
        "search": search,
        "q": q,
        "page": page,
        "counts": sel.attendance_counts(session),
        "quorum": sel.live_quorum(session),
        "not_accredited": sel.not_accredited(session, q),
        "can_manage": request.user.has_perm(MANAGE, session),
        "can_mark": session.state in services.ATTENDANCE_STATES,
    }
    return render(request, "governance/attendance.html", context)


@require_POST
def attendance_mark(request: HttpRequest, pk: int) -> HttpResponse:
    session = sel.session_get(pk)
    _need(request, MANAGE, session)
    form = AttendanceMarkForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a participant and whether they are present."))
        return redirect("governance:attendance", pk=session.pk)
    participant = sel.participant_get(session, form.cleaned_data["participant"])
    error = ""
    try:
        participant = services.attendance_mark(
            actor=_actor(request), participant=participant, present=form.cleaned_data["present"]
        )
    except ValidationError as exc:
        error = _error_message(exc)
    if request.htmx:  # type: ignore[attr-defined]  # django-htmx middleware
        return render(
            request,
            "governance/attendance_row.html",
            {
                "session": session,
                "p": participant,
                "error": error,
                "can_manage": True,
                "can_mark": True,
                "q": request.POST.get("q", ""),
                "page_number": request.POST.get("page", ""),
                "htmx_row": True,
                "counts": sel.attendance_counts(session),
                "quorum": sel.live_quorum(session),
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


# --- Motions ---------------------------------------------------------------------------


def _item_numbers(session: Session) -> dict[int, str]:
    items = list(AgendaItem.objects.filter(session=session).only("pk", "parent_id", "position"))
    return sel.agenda_numbers(items)


def motion_add(request: HttpRequest, pk: int) -> HttpResponse:
    session = sel.session_get(pk)
    _need(request, MANAGE, session)
    initial = {}
    if request.GET.get("item", "").isdigit():
        initial["agenda_item"] = int(request.GET["item"])
    form = MotionForm(
        _posted(request), initial=initial, session=session, item_numbers=_item_numbers(session)
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            motion = services.motion_add(
                actor=_actor(request),
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
    motion = sel.motion_get(motion_pk)
    session = motion.session
    _follow_or_404(request, session)
    view = sel.motion_view(motion)
    return render(
        request,
        "governance/motion_detail.html",
        {
            "session": session,
            "motion": motion,
            "view": view,
            "can_manage": request.user.has_perm(MANAGE, session),
            "methods": Vote.Method.choices,
        },
    )


def motion_edit(request: HttpRequest, motion_pk: int) -> HttpResponse:
    motion = sel.motion_get(motion_pk)
    session = motion.session
    _need(request, MANAGE, session)
    initial = {
        name: getattr(motion, name) for name in ["proposer", "decision_kind", *services.TRANSLATED]
    }
    initial["agenda_item"] = motion.agenda_item_id
    initial["proposer_participant"] = motion.proposer_participant_id
    form = MotionForm(
        _posted(request),
        initial=initial,
        session=session,
        item_numbers=_item_numbers(session),
        editing=True,
        amendment=motion.is_amendment,
    )
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        try:
            services.motion_update(actor=_actor(request), motion=motion, data=data, reason=reason)
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
    motion = sel.motion_get(motion_pk)
    session = motion.session
    _need(request, MANAGE, session)
    form = RequiredReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.motion_withdraw(
                actor=_actor(request), motion=motion, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            messages.success(request, _("The motion was withdrawn."))
            return redirect("governance:motion-detail", motion_pk=motion.pk)
    return render(
        request,
        "governance/motion_withdraw.html",
        {"form": form, "session": session, "motion": motion},
    )


def amendment_add(request: HttpRequest, motion_pk: int) -> HttpResponse:
    motion = sel.motion_get(motion_pk)
    session = motion.session
    _need(request, MANAGE, session)
    initial = {name: getattr(motion, name) for name in services.TRANSLATED if "text" in name}
    form = AmendmentForm(_posted(request), initial=initial, session=session, motion=motion)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            amendment = services.amendment_add(
                actor=_actor(request),
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


# --- Votes -----------------------------------------------------------------------------


def vote_open(request: HttpRequest, motion_pk: int) -> HttpResponse:
    motion = sel.motion_get(motion_pk)
    session = motion.session
    _need(request, MANAGE, session)
    form = VoteOpenForm(_posted(request), initial={"method": request.GET.get("method", "")})
    if request.method == "POST" and form.is_valid():
        try:
            vote = vote_services.vote_open(
                actor=_actor(request),
                motion=motion,
                method=form.cleaned_data["method"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_error(form, exc)
        else:
            if vote.state == Vote.State.CLOSED:
                messages.success(request, _("The motion was adopted as the chair declared."))
                return redirect("governance:vote-detail", vote_pk=vote.pk)
            messages.success(request, _("The vote is open."))
            if vote.method == Vote.Method.SHOW_OF_HANDS:
                return redirect("governance:vote-hands", vote_pk=vote.pk)
            if vote.method == Vote.Method.ROLL_CALL:
                return redirect("governance:vote-roll-call", vote_pk=vote.pk)
            return _console(session)
    quorum = sel.live_quorum(session)
    return render(
        request,
        "governance/vote_open.html",
        {
            "form": form,
            "session": session,
            "motion": motion,
            "view": sel.motion_view(motion),
            "quorum": quorum,
        },
    )


def vote_detail(request: HttpRequest, vote_pk: int) -> HttpResponse:
    vote = sel.vote_get(vote_pk)
    session = vote.motion.session
    _follow_or_404(request, session)
    return render(
        request,
        "governance/vote_detail.html",
        {
            "session": session,
            "motion": vote.motion,
            "vote": vote,
            "view": sel.vote_view(vote, with_roll_call=True),
            "can_manage": request.user.has_perm(MANAGE, session),
            "override_form": OverrideForm(),
        },
    )


def vote_hands(request: HttpRequest, vote_pk: int) -> HttpResponse:
    vote = sel.vote_get(vote_pk)
    session = vote.motion.session
    _need(request, MANAGE, session)
    if vote.method != Vote.Method.SHOW_OF_HANDS or vote.state != Vote.State.OPEN:
        return redirect("governance:vote-detail", vote_pk=vote.pk)
    form = HandsForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            vote = vote_services.vote_record_hands(
                actor=_actor(request), vote=vote, **form.cleaned_data
            )
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
            "session": session,
            "motion": vote.motion,
            "vote": vote,
            "view": sel.vote_view(vote),
        },
    )


def vote_roll_call(request: HttpRequest, vote_pk: int) -> HttpResponse:
    vote = sel.vote_get(vote_pk)
    session = vote.motion.session
    _need(request, VIEW, session)
    if vote.method != Vote.Method.ROLL_CALL:
        return redirect("governance:vote-detail", vote_pk=vote.pk)
    if request.method == "POST":
        _need(request, MANAGE, session)
        form = AnswerForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose yes, no or abstain."))
        else:
            try:
                vote_services.vote_record_roll_call(
                    actor=_actor(request),
                    vote=vote,
                    unit_key=form.cleaned_data["unit"],
                    choice=form.cleaned_data["choice"],
                )
            except ValidationError as exc:
                messages.error(request, _error_message(exc))
        anchor = request.POST.get("next_unit", "")
        url = reverse("governance:vote-roll-call", kwargs={"vote_pk": vote.pk})
        return redirect(f"{url}#unit-{anchor}" if anchor else url)
    units = vote_services.roll_call_units(vote) if vote.state == Vote.State.OPEN else []
    rows = sel.roll_call_rows(units, vote)
    view = sel.vote_view(vote, with_roll_call=vote.state != Vote.State.OPEN)
    answered = sum(1 for r in rows if r.entry is not None)
    return render(
        request,
        "governance/vote_roll_call.html",
        {
            "session": session,
            "motion": vote.motion,
            "vote": vote,
            "view": view,
            "rows": rows,
            "answered": answered,
            "can_manage": request.user.has_perm(MANAGE, session),
        },
    )


@require_POST
def vote_close(request: HttpRequest, vote_pk: int) -> HttpResponse:
    vote = sel.vote_get(vote_pk)
    session = vote.motion.session
    _need(request, MANAGE, session)
    try:
        vote = vote_services.vote_close(actor=_actor(request), vote=vote)
    except ValidationError as exc:
        messages.error(request, _error_message(exc))
        if request.POST.get("back") == "console":
            return _console(session)
        return redirect("governance:vote-detail", vote_pk=vote.pk)
    messages.success(request, _("The vote is closed and counted."))
    return redirect("governance:vote-detail", vote_pk=vote.pk)


def vote_override(request: HttpRequest, vote_pk: int) -> HttpResponse:
    vote = sel.vote_get(vote_pk)
    session = vote.motion.session
    _need(request, MANAGE, session)
    form = OverrideForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            vote_services.vote_override(
                actor=_actor(request),
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
            "session": session,
            "motion": vote.motion,
            "vote": vote,
            "view": sel.vote_view(vote),
        },
    )
