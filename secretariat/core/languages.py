"""The languages of the organization's records, defined once.

Spanish is authoritative (shared/domain.md): every record is kept in Spanish, and English,
Portuguese and French are translations that may be pending. The interface languages are
`settings.LANGUAGES`; the content languages are the same four, in the same order.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext

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
# The English names of the languages (msgids translated by Django's own catalogs).
_ENGLISH_NAMES: dict[str, str] = {
    "es": "Spanish",
    "en": "English",
    "pt": "Portuguese",
    "fr": "French",
}


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


def language_name(code: str, *, in_language: str, in_sentence: bool = False) -> str:
    """The name of language `code` written in `in_language` ("inglés", "English", "anglais").

    In a sentence, Spanish, Portuguese and French write language names in lower case.
    """
    with translation.override(in_language):
        name = gettext(_ENGLISH_NAMES[code])
    return name.lower() if in_sentence and in_language != "en" else name
