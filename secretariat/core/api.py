"""What every app's API router shares: the language of the answer, and absolute URLs of the
pages the items point to (reversed once per request).

Names and texts come in the language of `?lang=` or, failing that, of the Accept-Language
header (read by LocaleMiddleware), Spanish by default (the authoritative language).
"""

# No "from __future__ import annotations": django-ninja reads the real annotations.
from contextlib import AbstractContextManager, nullcontext
from typing import Any, Literal

from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from secretariat.core.languages import AUTHORITATIVE, CONTENT_LANGUAGES

Language = Literal["es", "en", "pt", "fr"]
MAX_LIMIT = 500
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
