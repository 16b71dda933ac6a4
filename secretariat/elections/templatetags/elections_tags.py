"""Template helpers of the elections pages."""

from __future__ import annotations

import datetime as dt

from django import template

register = template.Library()


@register.filter
def last_day(end: dt.date | None) -> dt.date | None:
    """The last day of a period whose end is stored exclusive (a term to 1 January 2032 ends
    on 31 December 2031), for display."""
    return end - dt.timedelta(days=1) if end else None
