"""Step one of an import: read and check the member spreadsheet (CSV or XLSX). No writes.

The file is refused as a whole (ValidationError with a code) when it is not a real .csv or
.xlsx, too large, too long, a zip bomb, or when its header lacks a required column. Otherwise
each row is cleaned and checked on its own; its problems are stored as codes with
parameters, put into words when shown, in the reader's language (selectors/imports.py).

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
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import EmailValidator, URLValidator
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from secretariat.members.models import Category, Country, DatePrecision

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


# --- Checking each row --------------------------------------------------------------


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


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f<>]")


@dataclass
class Lookups:
    """What rows are matched against, loaded once per file (queries do not grow with rows)."""

    countries: dict[str, str]  # normalized code or name → ISO code
    categories: dict[str, str]  # normalized code or name → category code
    example_names: set[str]

    @classmethod
    def load(cls) -> Lookups:
        languages = [code for code, _label in settings.LANGUAGES]
        countries: dict[str, str] = {}
        for country in Country.objects.all():
            countries[_norm(country.code)] = country.code
            for lang in languages:
                name = getattr(country, f"name_{lang}", "") or ""
                if name:
                    countries.setdefault(_norm(name), country.code)
        categories: dict[str, str] = {}
        ambiguous: set[str] = set()
        filler = {
            "miembro",
            "miembros",
            "member",
            "members",
            "membro",
            "membros",
            "membre",
            "membres",
        }
        for category in Category.objects.all():
            keys = {_norm(category.code)}
            for lang in languages:
                for field in ("name", "name_plural"):
                    value = _norm(getattr(category, f"{field}_{lang}", "") or "")
                    if value:
                        keys.add(value)
                        keys.add("_".join(w for w in value.split("_") if w not in filler))
            for key in keys - {""}:
                if categories.get(key, category.code) != category.code:
                    ambiguous.add(key)
                categories[key] = category.code
        for key in ambiguous:
            categories.pop(key, None)
        return cls(countries=countries, categories=categories, example_names=_example_names())


def _example_names() -> set[str]:
    names = set()
    for lang, _label in settings.LANGUAGES:
        with translation.override(lang):
            names.add(_norm(_("Example Institute (delete this row)")))
    return names


def _parse_since(value: Any) -> tuple[dt.date | None, str, str | None]:
    """(date, precision, error code) from a cell: a real date, YYYY, YYYY-MM-DD or DD/MM/YYYY."""
    if isinstance(value, dt.datetime):
        return value.date(), DatePrecision.DAY, None
    if isinstance(value, dt.date):
        return value, DatePrecision.DAY, None
    text = _cell_text(value)
    if not text:
        return None, DatePrecision.DAY, None
    try:
        if re.fullmatch(r"\d{4}", text):
            return dt.date(int(text), 1, 1), DatePrecision.YEAR, None
        match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00)?)?", text)
        if match:
            return dt.date(int(match[1]), int(match[2]), int(match[3])), DatePrecision.DAY, None
        match = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{4})", text)
        if match:
            return dt.date(int(match[3]), int(match[2]), int(match[1])), DatePrecision.DAY, None
    except ValueError:
        pass
    return None, DatePrecision.DAY, "bad_date"


class _RowCheck:
    """One row being cleaned: its values as stored in the batch, and its problems."""

    def __init__(self, line: int) -> None:
        self.line = line
        self.errors: list[dict[str, Any]] = []
        self.warnings: list[dict[str, Any]] = []
        self.values: dict[str, str] = {}  # what the cells said, shortened, for the preview
        self.clean: dict[str, str] = {}  # the cells' text, spaces collapsed

    def error(self, field: str | None, code: str, **params: Any) -> None:
        self.errors.append({"line": self.line, "field": field, "code": code, "params": params})

    def read_cells(self, cells: Mapping[str, Any]) -> None:
        """Each column's text, checked for forbidden characters, length and presence."""
        for column in COLUMNS:
            raw = _cell_text(cells.get(column.key))
            self.values[column.key] = _short(raw)
            if _CONTROL.search(raw):
                self.error(column.key, "forbidden_chars")
            text = " ".join(raw.split())
            if text.startswith("="):
                self.warnings.append({"field": column.key, "code": "formula_text"})
            if len(text) > column.max_length:
                self.error(column.key, "too_long", length=len(text), limit=column.max_length)
            elif column.required and not text:
                self.error(column.key, "required")
            self.clean[column.key] = text

    def row(self) -> dict[str, Any]:
        """The row as stored in the batch, before its lookups and checks below."""
        clean = self.clean
        return {
            "line": self.line,
            "values": self.values,
            "warnings": self.warnings,
            "action": "error",
            "changes": [],
            "institution_id": None,
            "example": False,
            "name": clean["name"],
            "acronym": clean["acronym"],
            "source": clean["source"],
            "phone": clean["phone"],
            "country": None,
            "category": None,
            "since": None,
            "precision": DatePrecision.DAY,
            "website": "",
            "email": "",
        }


def _look_up(check: _RowCheck, row: dict[str, Any], lookups: Lookups) -> None:
    """The template's example row, and the country and category named by the row."""
    clean = check.clean
    if clean["name"] and _norm(clean["name"]) in lookups.example_names:
        check.error("name", "example_row")
    if clean["country"]:
        row["country"] = lookups.countries.get(_norm(clean["country"]))
        if row["country"] is None:
            check.error("country", "unknown_country", value=_short(clean["country"]))
    if clean["category"]:
        row["category"] = lookups.categories.get(_norm(clean["category"]))
        if row["category"] is None:
            check.error("category", "bad_category", value=_short(clean["category"]))


def _check_since(check: _RowCheck, row: dict[str, Any], cell: Any, today: dt.date) -> None:
    """The start date: a date, not in the future, not before the CISS was founded."""
    text = check.clean["member_since"]
    since, precision, problem = _parse_since(cell)
    if problem:
        check.error("member_since", problem, value=_short(text))
    elif since is not None:
        if since > today:
            check.error("member_since", "future_date", value=_short(text))
        elif since.year < CISS_FOUNDED:
            check.error("member_since", "too_early", value=_short(text), year=CISS_FOUNDED)
        row["since"], row["precision"] = since.isoformat(), precision


def _check_contacts(check: _RowCheck, row: dict[str, Any]) -> None:
    """The website (https:// added when no scheme is given) and the e-mail address."""
    clean = check.clean
    if clean["website"]:
        url = clean["website"] if "://" in clean["website"] else f"https://{clean['website']}"
        try:
            URLValidator(schemes=["http", "https"])(url)
            row["website"] = url
        except ValidationError:
            check.error("website", "bad_url", value=_short(clean["website"]))
    if clean["email"]:
        try:
            EmailValidator()(clean["email"])
            row["email"] = clean["email"]
        except ValidationError:
            check.error("email", "bad_email", value=_short(clean["email"]))


def _clean_row(
    line: int, cells: Mapping[str, Any], lookups: Lookups, today: dt.date
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One row as stored in the batch, and its errors (codes with parameters)."""
    check = _RowCheck(line)
    check.read_cells(cells)
    row = check.row()
    _look_up(check, row, lookups)
    _check_since(check, row, cells.get("member_since"), today)
    _check_contacts(check, row)
    return row, check.errors


def name_key(name: str, country: str | None) -> tuple[str, str | None]:
    """How a row and a registered institution are matched: the name (spaces and case aside)
    in the same country."""
    return " ".join(name.split()).casefold(), country


def check_rows(
    parsed: ParsedFile, positions: Mapping[str, int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every row cleaned and checked, duplicates within the file flagged."""
    lookups = Lookups.load()
    today = timezone.localdate()
    rows: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    seen: dict[tuple[str, str | None], int] = {}
    for line, cells in parsed.rows:
        by_key = {key: cells[i] if i < len(cells) else None for key, i in positions.items()}
        row, row_errors = _clean_row(line, by_key, lookups, today)
        if row["name"] and row["country"]:
            key = name_key(row["name"], row["country"])
            if key in seen:
                row_errors.append(
                    {
                        "line": line,
                        "field": "name",
                        "code": "duplicate",
                        "params": {"line": seen[key]},
                    }
                )
            else:
                seen[key] = line
        row["valid"] = not row_errors
        rows.append(row)
        errors.extend(row_errors)
    return rows, errors


def safe_file_name(name: str | None) -> str:
    """The uploaded file's own name, without a path or unprintable characters."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable())
    return base[-255:] or "upload"
