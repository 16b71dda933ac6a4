"""Template tags of the member registry.

`directory_rows` renders the directory's table rows in Python: the same HTML the template
loop produced (names and acronyms isolated in <bdi>, as core_text.isolate does), at a
fraction of the cost (the directory is the most visited page; see
bench/README.md for the figures before and after).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from secretariat.members.models import DatePrecision, Membership

register = template.Library()


def since_html(day: dt.date | None, precision: str | None) -> SafeString:
    """A date to the precision known, or an "Unknown" badge."""
    if day is None:
        return format_html('<span class="badge badge--unknown">{}</span>', gettext("Unknown"))
    if precision == DatePrecision.YEAR:
        shown = str(day.year)
    elif precision == DatePrecision.MONTH:
        shown = date_format(day, "YEAR_MONTH_FORMAT")
    else:
        shown = date_format(day, "DATE_FORMAT")
    return format_html('<time datetime="{}">{}</time>', day.isoformat(), shown)


@register.simple_tag
def directory_rows(memberships: Iterable[Membership]) -> SafeString:
    """The <tr> rows of the public directory for a page of memberships in force (annotated
    with their `member_since`: selectors.registry.directory_list)."""
    url_template = reverse("members:member-detail", kwargs={"slug": "__slug__"})
    example = format_html('<span class="badge badge--example">{}</span>', gettext("Example"))
    not_assigned = format_html(
        '<span class="badge badge--unknown">{}</span>', gettext("Not assigned")
    )
    not_recorded = format_html(
        '<span class="badge badge--unknown">{}</span>', gettext("Not recorded")
    )
    rows = []
    for membership in memberships:
        institution = membership.institution
        country = institution.country
        subregion = country.subregion
        name_cell = format_html(
            '<a href="{}"><bdi>{}</bdi></a>{}{}',
            url_template.replace("__slug__", institution.slug),
            institution.name,
            format_html(' <span class="muted">(<bdi>{}</bdi>)</span>', institution.acronym)
            if institution.acronym
            else "",
            format_html(" {}", example) if institution.is_example else "",
        )
        subregion_cell = (
            format_html('<abbr title="{}">{}</abbr>', subregion.name, subregion.roman)
            if subregion is not None
            else not_assigned
        )
        category_cell = (
            membership.category.name if membership.category is not None else not_recorded
        )
        rows.append(
            (
                name_cell,
                country.name,
                subregion_cell,
                category_cell,
                since_html(membership.member_since, membership.member_since_precision),
            )
        )
    return format_html_join(
        "\n",
        '<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="nowrap">{}</td></tr>',
        rows,
    )
