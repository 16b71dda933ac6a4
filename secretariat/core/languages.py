"""The languages of the organization's records, defined once.

Spanish is authoritative (shared/domain.md): every record is kept in Spanish, and English,
Portuguese and French are translations that may be pending. The interface languages are
`settings.LANGUAGES`; the content languages are the same four, in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils import translation
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:  # the stubs' name for a lazy translated string (no runtime class)
    from django.utils.functional import _StrPromise

AUTHORITATIVE = "es"
CONTENT_LANGUAGES: tuple[str, ...] = tuple(code for code, _name in settings.LANGUAGES)
TRANSLATION_LANGUAGES: tuple[str, ...] = tuple(
    code for code in CONTENT_LANGUAGES if code != AUTHORITATIVE
)
# Each language named in itself, as a document's language is shown (choices of file fields).
AUTONYMS: dict[str, str] = {"es": "Español", "en": "English", "pt": "Português", "fr": "Français"}
CONTENT_LANGUAGE_CHOICES: tuple[tuple[str, str], ...] = tuple(
    (code, AUTONYMS[code]) for code in CONTENT_LANGUAGES
)
# Each language named in the reader's language ("Spanish", "Español"), as settings name them.
LANGUAGE_LABELS: dict[str, Any] = dict(settings.LANGUAGES)


def translated_fields(field: str) -> list[str]:
    """The columns modeltranslation adds for a field: `title` → `title_es`, `title_en`, …"""
    return [f"{field}_{code}" for code in CONTENT_LANGUAGES]


def content_language(code: str | None = None) -> str:
    """`code` (default: the active language) if records are kept in it, else Spanish."""
    chosen = (code or translation.get_language() or AUTHORITATIVE)[:2]
    return chosen if chosen in CONTENT_LANGUAGES else AUTHORITATIVE


def is_content_language(code: str) -> bool:
    return code in CONTENT_LANGUAGES


def session_languages(chosen: Iterable[str] | None) -> list[str]:
    """The languages a session works in: Spanish first (always: it is authoritative), then the
    chosen ones in the usual order; unknown codes are dropped. None chosen means Spanish only."""
    wanted = set(chosen or ())
    return [AUTHORITATIVE] + [code for code in TRANSLATION_LANGUAGES if code in wanted]


def recipient_language(
    user: Any, among: Iterable[str] = CONTENT_LANGUAGES, default: str = AUTHORITATIVE
) -> str:
    """The language to write to `user` in: their preferred one if it is `among` the languages
    at hand (a session's, or every language), else `default` (Spanish)."""
    preferred = getattr(user, "preferred_language", "") if user is not None else ""
    return preferred if preferred in among else default


def language_name(code: str, *, in_language: str, in_sentence: bool = False) -> str:
    """The name of language `code` written in `in_language` ("inglés", "English", "anglais").

    In a sentence, Spanish, Portuguese and French write language names in lower case.
    """
    with translation.override(in_language):
        name = str(LANGUAGE_LABELS[code])
    return name.lower() if in_sentence and in_language != "en" else name


def field_label(what: Any, code: str) -> _StrPromise:
    """A form field's label for one language's text: "Title (English)", and for Spanish
    "Title (Spanish, authoritative)"."""
    if code == AUTHORITATIVE:
        return format_lazy("{} ({}, {})", what, LANGUAGE_LABELS[code], _("authoritative"))
    return format_lazy("{} ({})", what, LANGUAGE_LABELS[code])
