"""The content languages, defined once (core.languages)."""

from __future__ import annotations

from django.utils import translation

from secretariat.core.languages import (
    AUTHORITATIVE,
    CONTENT_LANGUAGE_CHOICES,
    CONTENT_LANGUAGES,
    TRANSLATION_LANGUAGES,
    content_language,
    language_name,
    session_languages,
    translated_fields,
)


def test_spanish_is_authoritative_and_the_others_are_translations():
    assert AUTHORITATIVE == "es" and CONTENT_LANGUAGES == ("es", "en", "pt", "fr")
    assert TRANSLATION_LANGUAGES == ("en", "pt", "fr")
    assert dict(CONTENT_LANGUAGE_CHOICES)["pt"] == "Português"
    assert translated_fields("title") == ["title_es", "title_en", "title_pt", "title_fr"]


def test_a_sessions_languages_put_spanish_first_and_drop_the_unknown():
    # domain.md: Spanish authoritative; one rule wherever a session's languages are read
    assert session_languages(["fr", "en"]) == ["es", "en", "fr"]
    assert session_languages(["en", "es", "en"]) == ["es", "en"]
    assert session_languages(["de", "pt"]) == ["es", "pt"]
    assert session_languages([]) == ["es"] and session_languages(None) == ["es"]


def test_the_content_language_follows_the_active_one_or_falls_back_to_spanish():
    with translation.override("pt"):
        assert content_language() == "pt"
    with translation.override("de"):
        assert content_language() == "es"
    assert content_language("fr-ca") == "fr" and content_language("xx") == "es"


def test_language_names_are_written_in_the_language_of_the_text():
    assert language_name("en", in_language="es", in_sentence=True) == "inglés"
    assert language_name("es", in_language="en", in_sentence=True) == "Spanish"
    assert language_name("pt", in_language="fr", in_sentence=True) == "portugais"
    assert language_name("fr", in_language="pt") == "Francês"
