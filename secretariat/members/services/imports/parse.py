"""Step one of an import: read the member spreadsheet (CSV or XLSX). No writes.

The file is refused as a whole (ValidationError with a code) when it is not a real .csv or
.xlsx, too large, too long, a zip bomb, or when its header lacks a required column. Otherwise
each row is cleaned and checked on its own (rows.py).

Cells are text: a formula is never evaluated; a cell starting with "=" is kept as text and
flagged with a warning.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_UNCOMPRESSED = 50 * 1024 * 1024  # an XLSX inflating beyond this is refused (zip bomb)
MAX_ZIP_ENTRIES = 1000
MAX_COLUMNS = 50
CISS_FOUNDED = 1942  # [C] domain.md: no one was a member before the CISS existed
DISPLAY_LIMIT = 120  # characters of a cell kept for the preview of a bad row


@dataclass(frozen=True)
class Column:
    """A column of the spreadsheet: its key, the headers that name it, its limit."""

    key: str
    aliases: tuple[str, ...]
    max_length: int
    required: bool = False


COLUMNS: tuple[Column, ...] = (
    Column("name", ("name", "nombre", "institution", "institucion"), 300, True),
    Column("acronym", ("acronym", "siglas", "sigla", "acronimo"), 40),
    Column("country", ("country", "pais", "country_code", "codigo_pais"), 120, True),
    Column("category", ("category", "categoria"), 100),
    Column("member_since", ("member_since", "miembro_desde", "since", "desde"), 40),
    Column("website", ("website", "web", "sitio_web", "pagina_web", "url"), 200),
    Column("email", ("email", "e_mail", "correo", "correo_electronico"), 254),
    Column("phone", ("phone", "telephone", "telefono"), 60),
    Column("source", ("source", "fuente"), 500, True),
)
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}
# The columns' names (and "new membership", a change a row may make), as shown to people.
FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "acronym": gettext_lazy("Acronym"),
    "country": gettext_lazy("Country"),
    "category": gettext_lazy("Category"),
    "member_since": gettext_lazy("Member since"),
    "website": gettext_lazy("Website"),
    "email": gettext_lazy("E-mail"),
    "phone": gettext_lazy("Telephone"),
    "source": gettext_lazy("Source"),
    "membership": gettext_lazy("new membership"),
}


# --- Reading the file ---------------------------------------------------------------


@dataclass
class ParsedFile:
    """A file read into its header and its rows of cells, not yet checked."""

    kind: str  # "csv" or "xlsx"
    encoding: str
    header: list[str]
    rows: list[tuple[int, list[Any]]]  # (spreadsheet row number, cells)


def _norm(text: str) -> str:
    """Case- and accent-insensitive key: 'Miembro desde' → 'miembro_desde'."""
    decomposed = unicodedata.normalize("NFKD", str(text))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[^0-9a-z]+", "_", plain).strip("_")


def _refuse(message: str, code: str) -> ValidationError:
    return ValidationError(message, code=code)


def read_bytes(upload: UploadedFile[bytes]) -> bytes:
    """The upload's content, refused when empty or over the size limit."""
    if upload.size is not None and upload.size > MAX_BYTES:
        raise _refuse(
            _("The file is too large; the limit is %(limit)s MB.")
            % {"limit": MAX_BYTES // (1024 * 1024)},
            "size",
        )
    upload.seek(0)
    data: bytes = upload.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _refuse(
            _("The file is too large; the limit is %(limit)s MB.")
            % {"limit": MAX_BYTES // (1024 * 1024)},
            "size",
        )
    if not data:
        raise _refuse(_("The file is empty."), "empty")
    return data


def _decode_csv(data: bytes) -> tuple[str, str]:
    if data.startswith(b"PK\x03\x04"):
        raise _refuse(
            _("This file is an Excel workbook, not a CSV file: save it with the .xlsx extension."),
            "content",
        )
    if b"\x00" in data:
        raise _refuse(
            _(
                "This is not a CSV text file (it contains binary data). Save the sheet as CSV in "
                "UTF-8, or as .xlsx."
            ),
            "content",
        )
    try:
        return data.decode("utf-8-sig"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        # Spreadsheets saved as "CSV" on Windows use Windows-1252, Latin-1 plus “ ” € etc.
        return data.decode("cp1252"), "Windows-1252 (Latin-1)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def _parse_csv(data: bytes) -> ParsedFile:
    text, encoding = _decode_csv(data)
    first_line = text.split("\n", 1)[0]
    # Excel writes ";" in locales where "," is the decimal separator (most of Latin America).
    delimiter = max((",", ";", "\t"), key=first_line.count)
    rows: list[tuple[int, list[Any]]] = []
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        for number, cells in enumerate(reader, start=1):
            rows.append((number, cells[:MAX_COLUMNS]))
            if len(rows) > MAX_ROWS * 2:
                break
    except csv.Error as exc:
        raise _refuse(
            _("The file could not be read as CSV (row %(row)s).") % {"row": len(rows) + 1},
            "content",
        ) from exc
    if not rows:
        raise _refuse(_("The file is empty."), "empty")
    header = [str(c) for c in rows[0][1]]
    return ParsedFile("csv", encoding, header, rows[1:])


def _check_xlsx_container(data: bytes) -> None:
    """A real XLSX is a zip holding [Content_Types].xml; refuse bombs before openpyxl opens it.

    zipfile stops at each member's declared size (and fails its CRC check if the data
    inflates further), so the sum of declared sizes bounds what reading can produce.
    """
    not_xlsx = _refuse(
        _("This file is not an Excel workbook (.xlsx), whatever its name says."), "content"
    )
    if not data.startswith(b"PK\x03\x04"):
        raise not_xlsx
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise not_xlsx from exc
    if "[Content_Types].xml" not in {i.filename for i in infos}:
        raise not_xlsx
    too_big = _refuse(
        _("This workbook is refused: it would expand to more than %(limit)s MB when opened.")
        % {"limit": MAX_UNCOMPRESSED // (1024 * 1024)},
        "bomb",
    )
    if len(infos) > MAX_ZIP_ENTRIES or sum(i.file_size for i in infos) > MAX_UNCOMPRESSED:
        raise too_big
    # Spreadsheet programs never write a DTD; one in a part means entity tricks: refuse.
    try:
        for info in infos:
            if not info.filename.endswith((".xml", ".rels")):
                continue
            with archive.open(info) as part:
                tail = b""
                while chunk := part.read(64 * 1024):
                    window = tail + chunk
                    if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                        raise _refuse(
                            _("This workbook contains XML declarations that are not allowed."),
                            "content",
                        )
                    tail = window[-16:]
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
        raise not_xlsx from exc


def _parse_xlsx(data: bytes) -> ParsedFile:
    _check_xlsx_container(data)
    import openpyxl

    rows: list[tuple[int, list[Any]]] = []
    try:
        # Formulas are read as their text (data_only=False): nothing is calculated.
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
        try:
            sheet = workbook.worksheets[0]
            for number, cells in enumerate(
                sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1
            ):
                rows.append((number, list(cells)))
                if number > MAX_ROWS * 2:
                    break
        finally:
            workbook.close()
    except ValidationError:
        raise
    except (
        Exception
    ) as exc:  # openpyxl raises many kinds (KeyError, TypeError, its own) on broken files
        raise _refuse(
            _("This file could not be read as an Excel workbook (.xlsx)."), "content"
        ) from exc
    if not rows:
        raise _refuse(_("The file is empty."), "empty")
    header = ["" if c is None else str(c) for c in rows[0][1]]
    return ParsedFile("xlsx", "XLSX", header, rows[1:])


def parse_upload(*, file_name: str, data: bytes) -> ParsedFile:
    """Read a CSV or XLSX by extension AND content, within the size and row limits."""
    ext = os.path.splitext(file_name.lower())[1]
    if ext == ".csv":
        parsed = _parse_csv(data)
    elif ext == ".xlsx":
        parsed = _parse_xlsx(data)
    else:
        raise _refuse(_("Only .csv or .xlsx files are accepted."), "type")
    parsed.rows = [(n, cells) for n, cells in parsed.rows if any(_cell_text(c) for c in cells)]
    if len(parsed.rows) > MAX_ROWS:
        raise _refuse(
            _("The file has too many rows; the limit is %(limit)s. Split it into several files.")
            % {"limit": MAX_ROWS},
            "rows",
        )
    if not parsed.rows:
        raise _refuse(_("The file has no rows under its header row."), "empty")
    return parsed


def map_header(header: list[str]) -> tuple[dict[str, int], list[str]]:
    """Column key → position, and the names of the columns that are ignored."""
    alias_to_key = {alias: c.key for c in COLUMNS for alias in c.aliases}
    positions: dict[str, int] = {}
    ignored: list[str] = []
    for index, title in enumerate(header):
        key = alias_to_key.get(_norm(title))
        if key is None:
            if str(title).strip():
                ignored.append(str(title).strip()[:40])
            continue
        if key in positions:
            raise _refuse(
                _("Two columns mean the same thing (%(first)s and %(second)s); keep one.")
                % {"first": header[positions[key]][:40], "second": str(title)[:40]},
                "header",
            )
        positions[key] = index
    missing = [str(FIELD_LABELS[c.key]) for c in COLUMNS if c.required and c.key not in positions]
    if missing:
        raise _refuse(
            _(
                "The first row must name the columns; missing: %(columns)s. Download the template "
                "to see them."
            )
            % {"columns": ", ".join(missing)},
            "header",
        )
    return positions, ignored[:20]


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _short(text: str) -> str:
    return text if len(text) <= DISPLAY_LIMIT else text[:DISPLAY_LIMIT] + "…"


def safe_file_name(name: str | None) -> str:
    """The uploaded file's own name, without a path or unprintable characters."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable())
    return base[-255:] or "upload"
