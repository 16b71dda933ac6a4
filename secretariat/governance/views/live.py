"""The live panels (the console, the delegate's view, the public session page): the event
stream that tells an open page when to ask for its panel again (server push, decision 0011),
and the conditional requests the panel is asked for with (decision 0007).

On each event a panel asks again with the ETag it last received; the answer is 304 Not Modified,
after one query (`selectors.console.live_version`), while nothing it shows has changed and
the login session was already allowed the panel by a full answer (checked in full, through
the panel's `_get_for_user` selector, on every 200).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.http.response import HttpResponseBase
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from secretariat.core.access import can, public
from secretariat.core.push import event_stream, topic_name
from secretariat.governance.models import Session
from secretariat.governance.selectors.console import PANEL_PARTS, READ, LiveVersion, live_id
from secretariat.governance.selectors.console import live_version as read_live_version
from secretariat.governance.selectors.sessions import SessionAction, session_get_for_user

# Bump when the live panels' markup changes, so an old ETag cannot keep an old panel.
LIVE_MARKUP_VERSION = "1"
LIVE_SESSION_KEY = "governance_live"


def live_etag(request: HttpRequest, kind: str, session_pk: int, version: LiveVersion) -> str:
    """The ETag of a live panel: which panel, what it shows (the session's revision, and the
    receipts of an open secret ballot it counts: all on the console, the viewer's own on a
    delegate's panel), the language and the viewer."""
    lang = get_language() or ""
    ballots = f"b{version.ballots}" if kind == "c" else f"m{version.mine}"
    return (
        f'"{kind}{session_pk}.r{version.revision}.s{version.standing}.{ballots}.{lang}'
        f'.u{request.user.pk}.v{LIVE_MARKUP_VERSION}"'
    )


def live_version(request: HttpRequest, pk: int) -> LiveVersion:
    version = read_live_version(pk, request.user.pk)
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


def revision_of(etag: str) -> int:
    """The session's revision an ETag was made from."""
    return int(etag.split(".r", 1)[1].split(".", 1)[0])


# --- Server push (decision 0011) ------------------------------------------------------------

# Who may open each panel's stream (what it follows of the version: `PANEL_PARTS`).
PANEL_ACTIONS: dict[str, SessionAction] = {"c": "console", "d": "follow", "p": "view"}


@public  # the public session page's stream; the panel's own check follows
def session_events(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The event stream of an open page of the session (`?panel=c|d|p`): an event, with
    nothing but the new version as its id and data, each time what the page shows changed;
    the page then asks for its panel again with its ETag, through the same permission check
    as every request. The permission for the panel is checked here, at each (re)connection
    (the stream closes itself after a few minutes: the browser reconnects)."""
    panel = request.GET.get("panel", "p")
    if panel not in PANEL_ACTIONS:
        raise Http404
    session_get_for_user(user=request.user, pk=pk, action=PANEL_ACTIONS[panel])
    last = request.headers.get("Last-Event-ID") or request.GET.get("last", "")
    return event_stream(
        request, topic=topic_name("session", pk), shown=PANEL_PARTS[panel], last_id=last
    )


def live_page(request: HttpRequest, session: Session) -> dict[str, str]:
    """The context that makes a page of the session follow its event stream while the
    session is convened or in progress: which stream (`live_panel`: the console's for the
    Secretariat, a delegate's for others) and the version the page shows (`live_id`)."""
    if session.state not in (Session.State.CONVENED, Session.State.OPEN):
        return {}
    panel = "c" if can(request.user, READ, session) else "d"
    return {"live_id": live_id(live_version(request, session.pk), panel), "live_panel": panel}
