"""Exports of the public member directory: CSV (streamed) and XLSX (openpyxl, write-only).

Both carry the same localized columns; example institutions are flagged in every row, and
unknown facts are written as words ("Not recorded"), never as empty cells. Text that a
spreadsheet would run as a formula is neutralised.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, StreamingHttpResponse
from django.utils import translation
from django.utils.translation import gettext as _

from secretariat.core.spreadsheets import FORMULA_PREFIXES, neutralise
from secretariat.members.models import DatePrecision, Membership

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
BOM = "\ufeff"


def export_filename(day: dt.date, fmt: str) -> str:
    return f"ciss-members-{day.isoformat()}.{fmt}"


def headers() -> list[str]:
    """Column headings in the active language."""
    return [
        _("Name"),
        _("Acronym"),
        _("Country or territory"),
        _("Sub-region"),
        _("Category"),
        _("Member since"),
        _("Example"),
        _("Source"),
    ]


def since_text(membership: Membership) -> str:
    """ "Member since" at its recorded precision: "2015", "2015-03" or "2015-03-09" (the
    membership is annotated by selectors.registry.directory_list)."""
    day = membership.member_since
    if day is None:
        return _("Unknown")
    if membership.member_since_precision == DatePrecision.YEAR:
        return f"{day.year:04d}"
    if membership.member_since_precision == DatePrecision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


def row_for(membership: Membership) -> list[Any]:
    """One member's cells; `member since` stays a date when it is known to the day."""
    institution = membership.institution
    subregion = institution.country.subregion
    since: Any = since_text(membership)
    if (
        membership.member_since is not None
        and membership.member_since_precision == DatePrecision.DAY
    ):
        since = membership.member_since
    return [
        institution.name,
        institution.acronym,
        institution.country.name,
        subregion.roman if subregion is not None else _("Not assigned"),
        membership.category.name if membership.category is not None else _("Not recorded"),
        since,
        _("yes") if institution.is_example else _("no"),
        membership.source or institution.source or institution.get_origin_display(),
    ]


def rows(memberships: QuerySet[Membership]) -> Iterator[list[Any]]:
    for membership in memberships.iterator(chunk_size=2000):
        yield row_for(membership)


class _Echo:
    """A file-like object whose write() returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _csv_lines(
    heading: list[str], memberships: QuerySet[Membership], language: str
) -> Iterator[str]:
    writer = csv.writer(_Echo())
    # The body is produced after the view returns: keep the request's language for it.
    with translation.override(language):
        yield BOM + writer.writerow(heading)
        for cells in rows(memberships):
            yield writer.writerow(
                [
                    neutralise(c)
                    if isinstance(c, str)
                    else c.isoformat()
                    if isinstance(c, dt.date)
                    else c
                    for c in cells
                ]
            )


def csv_response(memberships: QuerySet[Membership], *, day: dt.date) -> StreamingHttpResponse:
    """Stream the members as CSV (UTF-8 with a BOM so spreadsheets read accents right)."""
    language = translation.get_language() or "es"
    response = StreamingHttpResponse(
        _csv_lines(headers(), memberships, language), content_type=CSV_CONTENT_TYPE
    )
    response["Content-Disposition"] = f'attachment; filename="{export_filename(day, "csv")}"'
    return response


def _xlsx_cells(ws: Any, cells: Iterable[Any]) -> list[Any]:
    from openpyxl.cell import WriteOnlyCell

    out = []
    for value in cells:
        cell = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            # openpyxl stores a string starting with "=" as a formula: force plain text, and
            # mark risky text "quote-prefixed" so Excel keeps it as text even when edited.
            cell.data_type = "s"
            if value.startswith(FORMULA_PREFIXES):
                cell.quotePrefix = True
        elif isinstance(value, dt.date):
            cell.number_format = "yyyy-mm-dd"
        out.append(cell)
    return out


def xlsx_response(memberships: QuerySet[Membership], *, day: dt.date) -> FileResponse:
    """The members as an XLSX workbook, written row by row (constant memory)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Members")[:31])
    bold = Font(bold=True)
    heading = []
    for text in headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        heading.append(cell)
    sheet.append(heading)
    for cells in rows(memberships):
        sheet.append(_xlsx_cells(sheet, cells))
    buffer = tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024)  # noqa: SIM115  # FileResponse closes it
    workbook.save(buffer)
    buffer.seek(0)
    return FileResponse(
        buffer,
        as_attachment=True,
        filename=export_filename(day, "xlsx"),
        content_type=XLSX_CONTENT_TYPE,
    )
