"""The interface catalogs: Spanish (authoritative) and English complete; pt and fr following."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.test import Client
from django.utils import translation


def _untranslated(lang: str) -> list[str]:
    path = Path(settings.BASE_DIR) / "locale" / lang / "LC_MESSAGES" / "django.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings) or message.fuzzy:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


@pytest.mark.parametrize("lang", ["es", "en", "pt", "fr"])
def test_it_has_every_string_translated(lang):
    assert _untranslated(lang) == []


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("lang", "expected"),
    [("es", "Miembros"), ("en", "Members"), ("pt", "Membros"), ("fr", "Membres")],
)
def test_it_shows_the_interface_in_the_page_language(lang, expected):
    response = Client().get(f"/{lang}/")
    assert expected in response.content.decode()
    with translation.override(lang):
        assert translation.gettext("Members") == expected
