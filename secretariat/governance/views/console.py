"""The live console of a session: its page and live panel, opening and closing it.

The console is the Secretariat's (`governance.view_sessions` reads it: also finance and
the Comptroller; `governance.manage_sessions` acts, checked by the selectors and again by
every service). The page holds the session's event stream open (server push, decision 0011);
on each change its live panel asks `console-state` again with the ETag it last received; the
answer is 304 Not Modified, after one query, when nothing it shows changed
(docs/decisions/0007-live-console-updates.md, views/live.py). Without JavaScript,
reloading the page shows the same panel.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from secretariat.core.forms import service_error_text
from secretariat.core.http import HtmxHttpRequest, actor
from secretariat.governance.forms.console import ReasonForm
from secretariat.governance.models import Session, Vote
from secretariat.governance.selectors.console import console_state as read_console_state
from secretariat.governance.selectors.console import live_id
from secretariat.governance.selectors.sessions import session_get_for_user
from secretariat.governance.services import console as services
from secretariat.governance.views.live import (
    live_etag,
    live_not_modified,
    live_response,
    live_version,
    not_modified,
    remember_live,
    revision_of,
)


def _to_console(session: Session) -> HttpResponse:
    return redirect("governance:console", pk=session.pk)


def console(request: HttpRequest, pk: int) -> HttpResponse:
    version = live_version(request, pk)  # read first: the page is at least this recent
    session = session_get_for_user(user=request.user, pk=pk, action="console")
    remember_live(request, "c", pk)
    etag = live_etag(request, "c", pk, version)
    context = {
        "session": session,
        "state": read_console_state(session, version.revision, user=request.user),
        "etag": etag,
        "live_id": live_id(version, "c"),
        "methods": Vote.Method.choices,
    }
    return render(request, "governance/console.html", context)


def console_state(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    # The 304 comes before any other read (one query): the panel was allowed in full once.
    _revision, etag, unchanged = live_not_modified(request, "c", pk)
    if unchanged:
        return not_modified(etag)
    session = session_get_for_user(user=request.user, pk=pk, action="console")
    remember_live(request, "c", pk)
    state = read_console_state(session, revision_of(etag), user=request.user)
    response = render(
        request, "governance/partials/_console_state.html", {"session": session, "state": state}
    )
    return live_response(response, etag)


def _chair_acts(request: HttpRequest, pk: int, *, opening: bool) -> HttpResponse:
    session = session_get_for_user(user=request.user, pk=pk, action="manage")
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    act = services.session_open if opening else services.session_close
    try:
        act(actor=actor(request), session=session, reason=reason)
    except ValidationError as exc:
        messages.error(request, service_error_text(exc))
    else:
        messages.success(
            request, _("The session is open.") if opening else _("The session is closed.")
        )
    return _to_console(session)


@require_POST
def session_open(request: HttpRequest, pk: int) -> HttpResponse:
    return _chair_acts(request, pk, opening=True)


@require_POST
def session_close(request: HttpRequest, pk: int) -> HttpResponse:
    return _chair_acts(request, pk, opening=False)
