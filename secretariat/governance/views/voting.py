"""The delegate's side of a session: the live view on a phone, and the secret ballot.

`my-session` is for those who follow the session (`governance.follow_session`: staff, seat
holders and registered delegates; 404 for anyone else). Like the console, it holds the
session's event stream open and asks `my-session-state` again on each change (views/live.py:
304 when nothing it shows changed; decision 0011). A secret ballot is cast with `ballot`
(POST, CSRF protected) through `services.votes.ballot_cast`, which says why when the
delegate cannot vote; the page never shows, and nothing stores, what a delegate chose next
to who they are.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from secretariat.core.forms import service_error_text
from secretariat.core.http import HtmxHttpRequest, actor
from secretariat.governance.forms.console import BallotForm
from secretariat.governance.models import Choice, Vote
from secretariat.governance.selectors.console import delegate_state, live_id
from secretariat.governance.selectors.sessions import session_get_for_user
from secretariat.governance.selectors.votes import ballot_get_for_user, vote_get_for_user
from secretariat.governance.services import votes as services
from secretariat.governance.views.live import (
    live_etag,
    live_not_modified,
    live_response,
    live_version,
    not_modified,
    remember_live,
)


def my_session(request: HttpRequest, pk: int) -> HttpResponse:
    version = live_version(request, pk)  # read first: the page is at least this recent
    session = session_get_for_user(user=request.user, pk=pk, action="follow")
    remember_live(request, "d", pk)
    return render(
        request,
        "governance/my_session.html",
        {
            "session": session,
            "state": delegate_state(session, request.user, version.revision),
            "etag": live_etag(request, "d", pk, version),
            "live_id": live_id(version, "d"),
            "choices": Choice.choices,
        },
    )


def my_session_state(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    # The 304 comes before any other read (one query): the panel was allowed in full once.
    revision, etag, unchanged = live_not_modified(request, "d", pk)
    if unchanged:
        return not_modified(etag)
    session = session_get_for_user(user=request.user, pk=pk, action="follow")
    remember_live(request, "d", pk)
    response = render(
        request,
        "governance/partials/_my_session_state.html",
        {
            "session": session,
            "state": delegate_state(session, request.user, revision),
            "choices": Choice.choices,
        },
    )
    return live_response(response, etag)


def _cast(request: HttpRequest, vote_pk: int) -> tuple[str, int]:
    """Cast the ballot posted: (the refusal's words, or "" when it was recorded; the
    session's id)."""
    target = ballot_get_for_user(user=request.user, pk=vote_pk)
    session_pk = target.vote.motion.session.pk
    form = BallotForm(request.POST)
    if not form.is_valid():
        return _("Choose one of the ballot's answers."), session_pk
    try:
        services.ballot_cast(
            user=actor(request),
            vote=target.vote,
            unit_key=form.cleaned_data["unit"],
            choice=form.cleaned_data["choice"],
            registrations=target.registrations,
        )
    except ValidationError as exc:
        return service_error_text(exc), session_pk
    return "", session_pk


def ballot(request: HttpRequest, vote_pk: int) -> HttpResponse:
    error = ""
    if request.method == "POST":
        # A ballot recorded reads only what casting needs; the page is read in full only
        # to show it (a GET, or a refusal).
        error, session_pk = _cast(request, vote_pk)
        if not error:
            messages.success(request, _("Your ballot was recorded. Nobody can see how you voted."))
            return redirect("governance:my-session", pk=session_pk)
    vote = vote_get_for_user(user=request.user, pk=vote_pk)
    session = vote.motion.session
    state = delegate_state(session, request.user, session.revision, vote=vote)
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
