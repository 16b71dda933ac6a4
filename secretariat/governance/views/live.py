"""Conditional polling of the live panels (the console, the delegate's view): no views here,
the helpers both use (docs/decisions/0007-live-console-updates.md).

A panel polls every second with the ETag it last received; the answer is 304 Not Modified,
after one query (`selectors.console.live_version`), while nothing it shows has changed and
the login session was already allowed the panel by a full answer (checked in full, through
the panel's `_get_for_user` selector, on every 200).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from secretariat.governance.selectors.console import LiveVersion
from secretariat.governance.selectors.console import live_version as read_live_version

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
