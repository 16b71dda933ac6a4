"""The delegate's side of a session: the live view on a phone, and the secret ballot.

`my-session` is for those who follow the session (`governance.follow_session`: staff, seat
holders and registered delegates; 404 for anyone else). It polls `my-session-state` like the
console (ETag = the session's revision; 304 until something changes). A secret ballot is
cast with `ballot` (POST, CSRF protected) through `services.votes.ballot_cast`, which says
why when the delegate cannot vote; the page never shows, and nothing stores, what a
delegate chose next to who they are.
"""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from secretariat.core.models import User
from secretariat.governance.forms.console import AnswerForm
from secretariat.governance.models import Choice, Session, Vote
from secretariat.governance.selectors import console as sel
from secretariat.governance.services import votes as vote_services
from secretariat.governance.views.console import (
    FOLLOW,
    live_etag,
    live_not_modified,
    live_response,
    live_version,
    not_modified,
    remember_live,
)


def _follow_or_404(request: HttpRequest, session: Session) -> None:
    if not request.user.has_perm(FOLLOW, session):
        raise Http404(_("No such session."))


def my_session(request: HttpRequest, pk: int) -> HttpResponse:
    version = live_version(request, pk)  # read first: the page is at least this recent
    session = sel.session_get(pk)
    _follow_or_404(request, session)
    remember_live(request, "d", pk)
    return render(
        request,
        "governance/my_session.html",
        {
            "session": session,
            "state": sel.delegate_state(session, request.user, version.revision),
            "etag": live_etag(request, "d", pk, version),
            "choices": Choice.choices,
        },
    )


def my_session_state(request: HttpRequest, pk: int) -> HttpResponse:
    revision, etag, unchanged = live_not_modified(request, "d", pk)
    if unchanged:
        return not_modified(etag)
    session = sel.session_get(pk)
    _follow_or_404(request, session)
    remember_live(request, "d", pk)
    response = render(
        request,
        "governance/my_session_state.html",
        {
            "session": session,
            "state": sel.delegate_state(session, request.user, revision),
            "choices": Choice.choices,
        },
    )
    return live_response(response, etag)


def ballot(request: HttpRequest, vote_pk: int) -> HttpResponse:
    vote = sel.vote_get(vote_pk)
    session = vote.motion.session
    _follow_or_404(request, session)
    error = ""
    if request.method == "POST":
        form = AnswerForm(request.POST)
        if not form.is_valid():
            error = _("Choose yes, no or abstain.")
        else:
            try:
                vote_services.ballot_cast(
                    user=cast(User, request.user),
                    vote=vote,
                    unit_key=form.cleaned_data["unit"],
                    choice=form.cleaned_data["choice"],
                )
            except ValidationError as exc:
                error = " ".join(str(m) for m in exc.messages)
            else:
                messages.success(
                    request,
                    _("Your ballot was recorded. Nobody can see how you voted."),
                )
                return redirect("governance:my-session", pk=session.pk)
    state = sel.delegate_state(session, request.user, session.revision, vote=vote)
    return render(
        request,
        "governance/ballot.html",
        {
            "session": session,
            "vote": vote,
            "state": state,
            "error": error,
            "choices": Choice.choices,
            "is_secret": vote.method == Vote.Method.SECRET,
        },
        status=400 if error else 200,
    )
