"""Template tags of the governance pages.

`session_documents` renders the session page's lists of documents in Python: the HTML the
partial `_session_documents.html` produced, character for character, at a fraction of the
cost (120 documents and 240 files were two fifths of the session page's rendering, a
`{% url %}` per file; issue #10, bench/README.md). The file links are formatted from one
reversed URL.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import template
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from secretariat.governance.selectors.documents import DocumentRow

register = template.Library()

# A file's id in the reversed URL, replaced by each file's own (the route takes an int).
_FILE_PK = 987654321


def _files_html(row: DocumentRow, file_url: str) -> SafeString:
    if not row.current_files:
        return format_html('<span class="muted">{}</span>', gettext("no file yet"))
    links = format_html_join(
        " · ",
        '<a href="{}" hreflang="{}"><abbr title="{}">{}</abbr> '
        '<span class="documents__version">v{}</span></a>',
        (
            (
                file_url.replace(str(_FILE_PK), str(f.pk)),
                f.language,
                f.get_language_display(),
                f.language.upper(),
                f.version,
            )
            for f in row.current_files
        ),
    )
    return format_html('<span class="documents__files">{}</span>', links)


def _row_html(row: DocumentRow, file_url: str) -> SafeString:
    document = row.document
    symbol = (
        format_html('<span class="documents__symbol">{}</span>', document.symbol)
        if document.symbol
        else ""
    )
    if row.withdrawn:
        title = format_html(
            '<del>{}</del> <span class="badge badge--unknown">{}</span>',
            document.title,
            gettext("Withdrawn"),
        )
    else:
        title = format_html("{}", document.title)
    restricted = (
        format_html('<span class="badge badge--warn">{}</span>', gettext("Restricted"))
        if document.restricted
        else ""
    )
    return format_html(
        '\n  <li class="documents__item{}">\n    {}\n    {}\n    {}\n    {}\n  </li>\n  ',
        " documents__item--withdrawn" if row.withdrawn else "",
        symbol,
        title,
        restricted,
        _files_html(row, file_url),
    )


@register.simple_tag
def session_documents(rows: Iterable[DocumentRow]) -> SafeString:
    """A list of session documents the user may read (`rows`: DocumentRow, the current file
    in each language): symbol, title, withdrawn and restricted badges, a link per file."""
    file_url = reverse("governance:document-file", kwargs={"file_pk": _FILE_PK})
    # Every part was escaped by format_html.
    items = mark_safe("".join(_row_html(row, file_url) for row in rows))  # noqa: S308
    return format_html('<ul class="documents">\n  {}\n</ul>\n', items)
