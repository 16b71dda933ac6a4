"""What every app's API router shares: the language of the answer, absolute URLs of the
pages the items point to (reversed once per request), the bounds of what a query may ask,
and errors answered in JSON and documented (issue #9: the API never answers 500 in HTML).

Names and texts come in the language of `?lang=` or, failing that, of the Accept-Language
header (read by LocaleMiddleware), Spanish by default (the authoritative language).
"""

# No "from __future__ import annotations": django-ninja reads the real annotations.
import logging
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Literal

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError

from secretariat.core.languages import AUTHORITATIVE, CONTENT_LANGUAGES

Language = Literal["es", "en", "pt", "fr"]
MAX_LIMIT = 500
# Bounds every query respects, so that no value reaches the database that it cannot hold:
# an offset or an id beyond a 32-bit integer, a year that is not a date's.
MAX_OFFSET = 2_147_483_647
MAX_ID = 2_147_483_647
MIN_YEAR = 1942  # the CISS's founding
MAX_YEAR = 9999
# Text a person can type: no NUL character (PostgreSQL cannot store or compare one).
NO_NUL = r"^[^\x00]*$"

logger = logging.getLogger("secretariat.api")


class ErrorOut(Schema):
    """An error: what went wrong, in the language asked for."""

    detail: str


class ValidationErrorOut(Schema):
    """The query or body did not fit the operation: one entry per problem."""

    detail: list[dict[str, Any]] = Field(
        description="Each problem: `loc` (where), `msg` (what), `type` (a code)."
    )


# What every operation may answer besides its success: a missing object, a query that does
# not fit, and (never on purpose) a server error, all in JSON.
ERRORS: dict[int, Any] = {404: ErrorOut, 422: ValidationErrorOut, 500: ErrorOut}


def responses(success: Any, *, status: int = 200, auth: bool = False) -> dict[int, Any]:
    """An operation's `response=`: its success and every error it can answer (with `auth`,
    an operation for authenticated machines, also 401 and 403)."""
    denied = {401: ErrorOut, 403: ErrorOut} if auth else {}
    return {status: success, **ERRORS, **denied}


def install_error_handlers(api: NinjaAPI) -> None:
    """Every error of the API answered in JSON (`{"detail": ...}`), a 500 included (logged
    with its traceback, never shown)."""

    def json_error(request: HttpRequest, status: int, detail: Any) -> HttpResponse:
        return api.create_response(request, {"detail": detail}, status=status)

    def not_found(request: HttpRequest, exc: Any) -> HttpResponse:
        return json_error(request, 404, _("Not found."))

    def denied(request: HttpRequest, exc: Any) -> HttpResponse:
        return json_error(request, 403, _("You do not have permission to do this."))

    def unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
        return json_error(request, 401, _("Authentication is required."))

    def invalid(request: HttpRequest, exc: Any) -> HttpResponse:
        return json_error(request, 422, exc.errors)

    def http_error(request: HttpRequest, exc: Any) -> HttpResponse:
        return json_error(request, exc.status_code, str(exc))

    def server_error(request: HttpRequest, exc: Any) -> HttpResponse:
        logger.error(
            "API error on %s", request.get_full_path(), exc_info=(type(exc), exc, exc.__traceback__)
        )
        return json_error(request, 500, _("The server could not answer; the error was logged."))

    api.add_exception_handler(Exception, server_error)
    api.add_exception_handler(Http404, not_found)
    api.add_exception_handler(PermissionDenied, denied)
    api.add_exception_handler(AuthenticationError, unauthenticated)
    api.add_exception_handler(HttpError, http_error)
    api.add_exception_handler(ValidationError, invalid)


_STATE = "_secretariat_api"


def _state(request: HttpRequest) -> dict[str, Any]:
    """What this request has chosen and cached (kept with the request, gone after it)."""
    state: dict[str, Any] = request.__dict__.setdefault(_STATE, {})
    return state


def choose_language(request: HttpRequest, lang: str | None) -> str:
    """The answer's language: `lang`, else the request's, else Spanish; remembered."""
    chosen = lang or (translation.get_language() or AUTHORITATIVE).split("-")[0]
    if chosen not in CONTENT_LANGUAGES:
        chosen = AUTHORITATIVE
    _state(request)["language"] = chosen
    return chosen


def request_language(request: HttpRequest) -> str:
    language: str = _state(request).get("language") or AUTHORITATIVE
    return language


def in_language(request: HttpRequest) -> AbstractContextManager[None]:
    """Translate in the request's language; no switch when it is already active (the common
    case: the resolvers run once per field of every item)."""
    lang = request_language(request)
    if translation.get_language() == lang:
        return nullcontext()
    return translation.override(lang)


def translated(obj: Any, field: str, lang: str) -> str:
    """A translated field in `lang`, else the authoritative Spanish text."""
    own = (getattr(obj, f"{field}_{lang}", "") or "").strip()
    return own or (getattr(obj, f"{field}_{AUTHORITATIVE}", "") or "")


def page_url(request: HttpRequest, viewname: str, argument: str, value: Any) -> str:
    """The absolute URL of a page in the request's language; `reverse` runs once per request
    and view, with a placeholder filled in for each item."""
    cache: dict[str, str] = _state(request).setdefault("urls", {})
    template = cache.get(viewname)
    if template is None:
        with in_language(request):
            path = reverse(viewname, kwargs={argument: "999999999"})
        template = request.build_absolute_uri(path)
        cache[viewname] = template
    return template.replace("999999999", str(value))
