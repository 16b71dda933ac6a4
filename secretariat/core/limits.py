"""Requests refused before their body is read (issue #9).

`BodyLimitMiddleware` runs first after the request id, before anything parses a body (the
CSRF check reads `request.POST`, which writes uploaded files to the temporary directory).
It answers, without reading a byte of the body:

- 411 to a body without a length (chunked): Django would otherwise read it as empty;
- 413 when Content-Length is over the limit of the view the path leads to: the view's
  uploads (`@accepts_uploads(files=n)`: n files of SECRETARIAT_MAX_UPLOAD_BYTES and a margin
  for the form's fields) or DATA_UPLOAD_MAX_MEMORY_SIZE for every other view;
- whatever the view's own gate answers (`@accepts_uploads(before_body=...)`), e.g. the public
  affiliation form's hourly limit per address.

The answer is a short page in the language of the URL, or JSON for the API and for clients
that ask for it. The reverse proxy's own body limit (nginx `client_max_body_size`) is set
just above the largest of these (docs/deploy).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.translation import gettext as _

V = TypeVar("V", bound=Callable[..., Any])
Gate = Callable[[HttpRequest], HttpResponse | None]

UPLOAD_FILES_ATTRIBUTE = "secretariat_upload_files"
GATE_ATTRIBUTE = "secretariat_before_body"
# What a multipart form carries besides its files: the other fields, boundaries, headers.
FORM_MARGIN_BYTES = 1024 * 1024
_BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
# A page refused before the site's other middleware: its own strict headers.
_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; style-src 'self'; frame-ancestors 'none'; "
    "base-uri 'none'; form-action 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
}


def accepts_uploads(*, files: int, before_body: Gate | None = None) -> Callable[[V], V]:
    """The view takes up to `files` uploaded files; `before_body` (if given) is asked first,
    before the body is read, and refuses the request by answering a response."""

    def decorate(view: V) -> V:
        setattr(view, UPLOAD_FILES_ATTRIBUTE, files)  # noqa: B010
        if before_body is not None:
            setattr(view, GATE_ATTRIBUTE, before_body)  # noqa: B010
        return view

    return decorate


def upload_body_limit(files: int) -> int:
    return files * int(settings.SECRETARIAT_MAX_UPLOAD_BYTES) + FORM_MARGIN_BYTES


def largest_body_limit() -> int:
    """The largest body any view accepts: what the reverse proxy must let through."""
    from django.urls import get_resolver

    largest = int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)

    def walk(patterns: Any) -> None:
        nonlocal largest
        for pattern in patterns:
            if hasattr(pattern, "url_patterns"):
                walk(pattern.url_patterns)
            files = getattr(getattr(pattern, "callback", None), UPLOAD_FILES_ATTRIBUTE, 0)
            if files:
                largest = max(largest, upload_body_limit(files))

    walk(get_resolver().url_patterns)
    return largest


def wants_json(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/") or "application/json" in request.headers.get(
        "Accept", ""
    )


def refused(request: HttpRequest, *, status: int, title: str, message: str) -> HttpResponse:
    """A short answer that needs nothing the later middleware would have loaded."""
    if wants_json(request):
        response = HttpResponse(
            json.dumps({"detail": message}), status=status, content_type="application/json"
        )
    else:
        html = render_to_string(
            "core/refused.html",
            {
                "title": title,
                "message": message,
                "language": translation.get_language(),
                "back_url": f"/{translation.get_language()}/",
            },
        )
        response = HttpResponse(html, status=status)
    for name, value in _HEADERS.items():
        response[name] = value
    return response


def _content_length(request: HttpRequest) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:
        return 0


def _view(request: HttpRequest) -> Callable[..., Any] | None:
    try:
        return resolve(request.path_info).func
    except Resolver404:
        return None


class BodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in _BODY_METHODS:
            language = (
                translation.get_language_from_path(request.path_info) or settings.LANGUAGE_CODE
            )
            with translation.override(language):
                answer = self.check(request)
            if answer is not None:
                return answer
        return self.get_response(request)

    def check(self, request: HttpRequest) -> HttpResponse | None:
        chunked = "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower()
        if chunked and not request.META.get("CONTENT_LENGTH"):
            return refused(
                request,
                status=411,
                title=_("Length required"),
                message=_("The request must state its length; send it again without chunks."),
            )
        view = _view(request)
        files = getattr(view, UPLOAD_FILES_ATTRIBUTE, 0)
        limit = upload_body_limit(files) if files else int(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)
        if _content_length(request) > limit:
            return refused(
                request,
                status=413,
                title=_("Too large"),
                message=_(
                    "The request is larger than this page accepts (at most %(limit)s MB); "
                    "nothing was saved. Send smaller or fewer files."
                )
                % {"limit": max(limit // (1024 * 1024), 1)},
            )
        gate: Gate | None = getattr(view, GATE_ATTRIBUTE, None)
        return gate(request) if gate is not None else None
