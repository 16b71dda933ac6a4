"""Template filters for how text is shown, used by every app's templates.

- `isolate`: user-provided text (a name, an acronym) in `<bdi>`, so bidirectional control
  characters in it cannot reorder the page around it (core/validators.py refuses new ones;
  text stored before is still isolated).
- `strip_bidi`: the same characters removed, where markup cannot go (the page's <title>).
- `last_day`: the last day a period applies, from its exclusive end (`valid_to`, the first
  day it no longer applies): "until 31 March" would read as inclusive, so pages show the
  day before under "Last day".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from secretariat.core.validators import strip_bidi_controls

register = template.Library()


@register.filter
def isolate(value: Any) -> SafeString:
    """The value, escaped, in `<bdi>` (empty stays empty)."""
    if value is None or value == "":
        return SafeString("")
    return format_html("<bdi>{}</bdi>", value)


@register.filter(is_safe=True)
def strip_bidi(value: Any) -> str:
    """The value without bidirectional control characters."""
    return strip_bidi_controls(str(value))


@register.filter
def last_day(value: Any) -> Any:
    """The day before an exclusive end date (anything else unchanged)."""
    if isinstance(value, dt.date):
        return value - dt.timedelta(days=1)
    return value
