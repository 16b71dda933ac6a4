"""Validators shared by every app: one rule, used by the models, the forms, the imports
and the API alike.

Bidirectional control characters (U+202A–U+202E embeddings and overrides, U+2066–U+2069
isolates, the U+200E/U+200F marks and U+061C) are invisible and reorder the text around
them: a name holding U+202E shows reversed, and so does what follows it on the page. They
are refused in names and acronyms; text already stored is isolated when shown (`<bdi>`:
core_text.isolate) and stripped from page titles (core_text.strip_bidi).
"""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
BIDI_MESSAGE = _(
    "This text contains invisible characters that change the direction of the text (such as "
    "U+202E); remove them."
)


def has_bidi_controls(text: str) -> bool:
    return bool(_BIDI.search(text))


def strip_bidi_controls(text: str) -> str:
    return _BIDI.sub("", text)


def validate_no_bidi_controls(value: object) -> None:
    """Refuse text holding a bidirectional control character (module docstring)."""
    if isinstance(value, str) and has_bidi_controls(value):
        raise ValidationError(BIDI_MESSAGE, code="bidi_controls")
