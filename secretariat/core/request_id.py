"""The request id: one per request, from the proxy's `X-Request-ID` when it sends a sane one,
else made here; answered in `X-Request-ID`, put on every log line of the request
(`RequestIdFilter`) and on every action-log row it writes, so a row, a log line and a
proxy's access log can be matched."""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

from secretariat.core.client import client_address

_REQUEST_ID: ContextVar[str] = ContextVar("secretariat_request_id", default="")
_SANE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
HEADER = "X-Request-ID"
# One line per request (method, path without the query, status, duration), at INFO.
request_log = logging.getLogger("secretariat.request")


def current_request_id() -> str:
    """The id of the request (or task) being served; empty outside one."""
    return _REQUEST_ID.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def request_id(value: str | None = None) -> Iterator[str]:
    """Serve what runs inside under one id (a request, a task, a command)."""
    token = _REQUEST_ID.set(value or new_request_id())
    try:
        yield _REQUEST_ID.get()
    finally:
        _REQUEST_ID.reset(token)


class RequestIdMiddleware:
    """Give each request its id, first thing, answer it in the response's header, and log
    the request (method, path, status, duration) under it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        given = request.headers.get(HEADER, "")
        with request_id(given if _SANE.match(given) else None) as value:
            started = time.monotonic()
            response = self.get_response(request)
            response[HEADER] = value
            duration_ms = round((time.monotonic() - started) * 1000, 1)
            request_log.info(
                "%s %s %s %.1fms",
                request.method,
                request.path,
                response.status_code,
                duration_ms,
                extra={
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                    "client": client_address(request),
                    "scheme": request.scheme,
                },
            )
            return response


class RequestIdFilter(logging.Filter):
    """Adds `request_id` to every log record (empty outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id()
        return True
