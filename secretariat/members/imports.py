"""Import of the Secretariat's member spreadsheet (CSV or XLSX): parse, preview, commit.

An upload is read and checked row by row into an `ImportBatch` in state "preview" without
touching the registry; an officer reads the plan (new institution + membership, update of
named fields, unchanged, or the row's errors) and then commits it all-or-nothing, or
discards it. A commit is refused while any row has an error.

Choices recorded here (and tested in members/tests/test_import.py):
- The preview writes no action-log row: a batch is a staging record, not a change to the
  registry (the batch keeps who uploaded what, when, and its checksum).
- Every commit writes exactly one `import.committed` row (its counts), even when nothing
  changed: re-importing the same file leaves the registry, its history and the action log
  unchanged except for that one summary row saying 0 changes.
- An empty cell never erases a recorded value; a category or start date already recorded
  differently is an error (changing it needs a decision of the body, not an import).
- Cells are text: a formula is never evaluated; a cell starting with "=" is kept as text and
  flagged with a warning.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import os
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from secretariat.core.audit import diff, record_action, snapshot
from secretariat.core.models import User
from secretariat.members.models import (
    Category,
    Country,
    DatePrecision,
    ImportBatch,
    Institution,
    Membership,
    Source,
)
from secretariat.members.services import registry as services

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
MAX_UNCOMPRESSED = 50 * 1024 * 1024  # an XLSX inflating beyond this is refused (zip bomb)
MAX_ZIP_ENTRIES = 1000
MAX_COLUMNS = 50
CISS_FOUNDED = 1942  # [C] domain.md: no one was a member before the CISS existed
DISPLAY_LIMIT = 120  # characters of a cell kept for the preview of a bad row


@dataclass(frozen=True)
class Column:
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
# Header names written in the downloadable template, per language of the page.
TEMPLATE_HEADERS = {
    "es": [
        "nombre",
        "siglas",
        "país",
        "categoría",
        "miembro_desde",
        "sitio_web",
        "correo",
        "teléfono",
        "fuente",
    ],
    "en": [c.key for c in COLUMNS],
}
# Institution fields an import may fill in or change (never erase).
UPDATABLE_FIELDS = ("acronym", "website", "email", "phone")

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

# Row problems are stored as codes with parameters and put into words when shown, so the
# preview reads in the language of whoever looks at it.
ERROR_MESSAGES = {
    "required": gettext_lazy("%(field)s is required."),
    "too_long": gettext_lazy(
        "%(field)s is too long (%(length)s characters; the limit is %(limit)s)."
    ),
    "forbidden_chars": gettext_lazy(
        "%(field)s contains characters that are not allowed (< > or control characters)."
    ),
    "unknown_country": gettext_lazy(
        "Unknown country “%(value)s”: use the ISO code (e.g. MX) or the country's name in Spanish "
        "or English."
    ),
    "bad_category": gettext_lazy(
        "Unknown category “%(value)s”: use full, associate, affiliate or linked (or titular, "
        "asociado, "
        "adherente, vinculado), or leave it empty when not known."
    ),
    "bad_date": gettext_lazy(
        "“%(value)s” is not a date: use YYYY-MM-DD, DD/MM/YYYY or the year alone (YYYY), or leave "
        "it empty when not known."
    ),
    "future_date": gettext_lazy("The date %(value)s is in the future."),
    "too_early": gettext_lazy("The date %(value)s is before the CISS was founded (%(year)s)."),
    "bad_email": gettext_lazy("“%(value)s” is not a valid e-mail address."),
    "bad_url": gettext_lazy("“%(value)s” is not a valid web address (http or https)."),
    "duplicate": gettext_lazy("Same institution and country as line %(line)s."),
    "example_row": gettext_lazy("This is the template's example row: delete it before importing."),
    "ambiguous": gettext_lazy(
        "Several institutions in the registry have this name in this country; correct the "
        "registry first."
    ),
    "category_conflict": gettext_lazy(
        "The registry records this member as “%(current)s”; a change of category needs a decision "
        "of the body "
        "and is not made by an import."
    ),
    "since_conflict": gettext_lazy(
        "The registry records this member since %(current)s; correct the date in the registry, "
        "not by an import."
    ),
    "membership_ended": gettext_lazy(
        "This institution's membership ended on %(current)s; re-admission needs a decision of the "
        "body."
    ),
}
WARNING_MESSAGES = {
    "formula_text": gettext_lazy(
        "%(field)s starts with “=”: kept as text, not calculated as a formula."
    ),
}


# --- Reading the file ---------------------------------------------------------------


@dataclass
class ParsedFile:
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


def _read_bytes(upload: UploadedFile) -> bytes:
    if upload.size is not None and upload.size > MAX_BYTES:
        raise _refuse(
            _("The file is too large; the limit is %(limit)s MB.")
            % {"limit": MAX_BYTES // (1024 * 1024)},
            "size",
        )
    upload.seek(0)
    data = upload.read(MAX_BYTES + 1)
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


def _clean_row(
    line: int, cells: Mapping[str, Any], lookups: Lookups, today: dt.date
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One row as stored in the batch, and its errors (codes with parameters)."""
    errors: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []
    values: dict[str, str] = {}
    clean: dict[str, str] = {}

    def error(field: str | None, code: str, **params: Any) -> None:
        errors.append({"line": line, "field": field, "code": code, "params": params})

    for column in COLUMNS:
        raw = _cell_text(cells.get(column.key))
        values[column.key] = _short(raw)
        if _CONTROL.search(raw):
            error(column.key, "forbidden_chars")
        text = " ".join(raw.split())
        if text.startswith("="):
            warnings.append({"field": column.key, "code": "formula_text"})
        if len(text) > column.max_length:
            error(column.key, "too_long", length=len(text), limit=column.max_length)
        elif column.required and not text:
            error(column.key, "required")
        clean[column.key] = text

    row: dict[str, Any] = {
        "line": line,
        "values": values,
        "warnings": warnings,
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
    if clean["name"] and _norm(clean["name"]) in lookups.example_names:
        error("name", "example_row")
    if clean["country"]:
        row["country"] = lookups.countries.get(_norm(clean["country"]))
        if row["country"] is None:
            error("country", "unknown_country", value=_short(clean["country"]))
    if clean["category"]:
        row["category"] = lookups.categories.get(_norm(clean["category"]))
        if row["category"] is None:
            error("category", "bad_category", value=_short(clean["category"]))
    since, precision, problem = _parse_since(cells.get("member_since"))
    if problem:
        error("member_since", problem, value=_short(clean["member_since"]))
    elif since is not None:
        if since > today:
            error("member_since", "future_date", value=_short(clean["member_since"]))
        elif since.year < CISS_FOUNDED:
            error(
                "member_since", "too_early", value=_short(clean["member_since"]), year=CISS_FOUNDED
            )
        row["since"], row["precision"] = since.isoformat(), precision
    if clean["website"]:
        url = clean["website"] if "://" in clean["website"] else f"https://{clean['website']}"
        try:
            URLValidator(schemes=["http", "https"])(url)
            row["website"] = url
        except ValidationError:
            error("website", "bad_url", value=_short(clean["website"]))
    if clean["email"]:
        try:
            EmailValidator()(clean["email"])
            row["email"] = clean["email"]
        except ValidationError:
            error("email", "bad_email", value=_short(clean["email"]))
    return row, errors


def _name_key(name: str, country: str | None) -> tuple[str, str | None]:
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
            key = _name_key(row["name"], row["country"])
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


# --- What each row will do ----------------------------------------------------------

_PRECISION_RANK = {DatePrecision.YEAR: 0, DatePrecision.MONTH: 1, DatePrecision.DAY: 2}


def _date_key(day: dt.date, precision: str) -> tuple[int, ...]:
    return (day.year, day.month, day.day)[: _PRECISION_RANK[DatePrecision(precision)] + 1]


def _compare_since(current: Membership, since: dt.date, precision: str) -> str:
    """'same', 'refine' (the file is more precise and agrees) or 'conflict'."""
    assert current.valid_from is not None
    coarser = min(
        precision, current.valid_from_precision, key=lambda p: _PRECISION_RANK[DatePrecision(p)]
    )
    if _date_key(current.valid_from, coarser) != _date_key(since, coarser):
        return "conflict"
    more_precise = (
        _PRECISION_RANK[DatePrecision(precision)]
        > _PRECISION_RANK[DatePrecision(current.valid_from_precision)]
    )
    return "refine" if more_precise else "same"


def _same(field: str, old: str, new: str) -> bool:
    if field == "website":
        return old.rstrip("/").casefold() == new.rstrip("/").casefold()
    if field == "email":
        return old.casefold() == new.casefold()
    return old == new


def _existing_index(
    rows: Iterable[Mapping[str, Any]], lock: bool = False
) -> dict[tuple[str, str | None], list[Institution]]:
    """Registered institutions in the rows' countries, keyed like the rows (two queries)."""
    codes = sorted({r["country"] for r in rows if r["country"]})
    if lock:
        # Serialize imports touching the same countries: two commits cannot both create
        # the same institution.
        list(
            Country.objects.select_for_update().filter(code__in=codes).values_list("pk", flat=True)
        )
    institutions = (
        Institution.objects.filter(country__code__in=codes)
        .select_related("country")
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("category"),
                to_attr="all_memberships",
            )
        )
    )
    index: dict[tuple[str, str | None], list[Institution]] = {}
    for institution in institutions:
        index.setdefault(_name_key(institution.name, institution.country.code), []).append(
            institution
        )
    return index


def plan_rows(rows: list[dict[str, Any]], *, lock: bool = False) -> list[dict[str, Any]]:
    """Set each valid row's action and changes against the registry now; return new errors."""
    index = _existing_index([r for r in rows if r["valid"]], lock=lock)
    errors: list[dict[str, Any]] = []
    for row in rows:
        if not row["valid"]:
            row["action"], row["changes"], row["institution_id"] = "error", [], None
            continue
        matches = index.get(_name_key(row["name"], row["country"]), [])
        row_errors: list[dict[str, Any]] = []
        changes: list[str] = []
        if len(matches) > 1:
            row_errors.append({"code": "ambiguous", "field": "name", "params": {}})
        elif matches:
            institution = matches[0]
            row["institution_id"], row["example"] = institution.pk, institution.is_example
            changes = [
                f
                for f in UPDATABLE_FIELDS
                if row[f] and not _same(f, getattr(institution, f), row[f])
            ]
            memberships = institution.all_memberships  # type: ignore[attr-defined]  # prefetched to_attr
            current = next((m for m in memberships if m.valid_to is None), None)
            if current is None and memberships:
                ended = max(m.valid_to for m in memberships if m.valid_to is not None)
                row_errors.append(
                    {
                        "code": "membership_ended",
                        "field": None,
                        "params": {"current": ended.isoformat()},
                    }
                )
            elif current is None:
                changes.append("membership")
            else:
                if row["category"] and current.category is None:
                    changes.append("category")
                elif (
                    row["category"]
                    and current.category is not None
                    and current.category.code != row["category"]
                ):
                    row_errors.append(
                        {
                            "code": "category_conflict",
                            "field": "category",
                            "params": {"current": current.category.code},
                        }
                    )
                if row["since"] and current.valid_from is None:
                    changes.append("member_since")
                elif row["since"] and current.valid_from is not None:
                    verdict = _compare_since(
                        current, dt.date.fromisoformat(row["since"]), row["precision"]
                    )
                    if verdict == "refine":
                        changes.append("member_since")
                    elif verdict == "conflict":
                        row_errors.append(
                            {
                                "code": "since_conflict",
                                "field": "member_since",
                                "params": {"current": current.valid_from.isoformat()},
                            }
                        )
        if row_errors:
            row["action"], row["changes"] = "error", []
            errors.extend({"line": row["line"], **e} for e in row_errors)
        elif not matches:
            row["action"], row["changes"], row["institution_id"] = "create", [], None
        else:
            row["action"], row["changes"] = ("update" if changes else "unchanged"), changes
    return errors


def _counts(rows: Iterable[Mapping[str, Any]]) -> dict[str, int]:
    counts = {"rows": 0, "create": 0, "update": 0, "unchanged": 0, "error": 0, "warnings": 0}
    for row in rows:
        counts["rows"] += 1
        counts[row["action"]] += 1
        counts["warnings"] += len(row["warnings"])
    return counts


# --- Services -----------------------------------------------------------------------


def _full_clean(batch: ImportBatch) -> None:
    # ImportBatch.errors lacks blank=True, so an empty list (no errors) fails full_clean.
    batch.full_clean(exclude=["errors"])


def _require(actor: User | None) -> None:
    if actor is None or not actor.is_authenticated or not actor.has_perm("members.import_members"):
        raise PermissionDenied(_("You do not have permission to do this."))


def _safe_file_name(name: str | None) -> str:
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in base if ch.isprintable())
    return base[-255:] or "upload"


@transaction.atomic
def import_preview(*, actor: User, upload: UploadedFile) -> ImportBatch:
    """Read and check a member spreadsheet into a batch to preview; the registry is not touched.

    Refuses (ValidationError) a file that is not a real .csv/.xlsx, over 2 MB, over 5,000
    rows, an XLSX expanding beyond 50 MB, or one without the name, country and source
    columns. Row problems do not refuse the file: they are listed in the batch's errors.
    """
    _require(actor)
    file_name = _safe_file_name(upload.name)
    data = _read_bytes(upload)
    parsed = parse_upload(file_name=file_name, data=data)
    positions, ignored = map_header(parsed.header)
    rows, errors = check_rows(parsed, positions)
    errors.extend(plan_rows(rows))
    checksum = hashlib.sha256(data).hexdigest()
    previous = (
        ImportBatch.objects.filter(checksum=checksum, state=ImportBatch.State.COMMITTED)
        .order_by("-committed_at")
        .values("pk", "committed_at")
        .first()
    )
    summary: dict[str, Any] = {
        "format": parsed.kind,
        "encoding": parsed.encoding,
        "ignored_columns": ignored,
        "counts": _counts(rows),
        "previous_batch": previous["pk"] if previous else None,
        "previous_committed_at": (
            previous["committed_at"].isoformat() if previous and previous["committed_at"] else None
        ),
    }
    batch = ImportBatch(
        file_name=file_name,
        checksum=checksum,
        rows=rows,
        errors=errors,
        summary=summary,
        uploaded_by=actor,
    )
    _full_clean(batch)
    batch.save()
    return batch


def _row_reason(reason: str, batch: ImportBatch, row: Mapping[str, Any]) -> str:
    return _("%(reason)s (import of %(file)s, line %(line)s; source: %(source)s)") % {
        "reason": reason,
        "file": batch.file_name,
        "line": row["line"],
        "source": row["source"],
    }


def _membership_open_imported(
    *,
    actor: User,
    institution: Institution,
    row: Mapping[str, Any],
    category: Category | None,
    batch: ImportBatch,
    reason: str,
) -> Membership:
    """A membership recorded from the spreadsheet: no body's decision is at hand, so the
    decision names the file (services.membership_open requires a real decision)."""
    membership = Membership(
        institution=institution,
        category=category,
        valid_from=dt.date.fromisoformat(row["since"]) if row["since"] else None,
        valid_from_precision=row["precision"],
        decision=f"Imported from {batch.file_name}"[:300],
        source=row["source"],
    )
    membership.full_clean()
    membership._change_reason = reason  # type: ignore[attr-defined]  # read by simple_history
    membership.save()
    record_action(
        actor=actor,
        event="membership.opened",
        target=membership,
        new=snapshot(membership, services.MEMBERSHIP_FIELDS),
        reason=reason,
    )
    return membership


def _membership_complete(
    *,
    actor: User,
    membership: Membership,
    row: Mapping[str, Any],
    category: Category | None,
    reason: str,
) -> None:
    """Fill in what was recorded as unknown (category, start date) or make the date more precise."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    before = snapshot(membership, services.MEMBERSHIP_FIELDS)
    if category is not None and membership.category_id is None:
        membership.category = category
    if row["since"]:
        membership.valid_from = dt.date.fromisoformat(row["since"])
        membership.valid_from_precision = row["precision"]
    membership.full_clean()
    old, new = diff(before, snapshot(membership, services.MEMBERSHIP_FIELDS))
    if not new:
        return
    membership._change_reason = reason  # type: ignore[attr-defined]
    membership.save()
    record_action(
        actor=actor, event="membership.updated", target=membership, old=old, new=new, reason=reason
    )


def _apply_row(
    *,
    actor: User,
    batch: ImportBatch,
    row: Mapping[str, Any],
    countries: Mapping[str, Country],
    categories: Mapping[str, Category],
    institutions: Mapping[int, Institution],
    reason: str,
) -> dict[str, int]:
    category = categories.get(row["category"]) if row["category"] else None
    row_reason = _row_reason(reason, batch, row)
    done = {
        "institutions_created": 0,
        "institutions_updated": 0,
        "memberships_opened": 0,
        "memberships_updated": 0,
    }
    if row["action"] == "create":
        institution = services.institution_create(
            actor=actor,
            name=row["name"],
            country=countries[row["country"]],
            acronym=row["acronym"],
            website=row["website"],
            email=row["email"],
            phone=row["phone"],
            source=row["source"],
            origin=Source.IMPORT,
            reason=row_reason,
        )
        _membership_open_imported(
            actor=actor,
            institution=institution,
            row=row,
            category=category,
            batch=batch,
            reason=row_reason,
        )
        done["institutions_created"] = done["memberships_opened"] = 1
        return done
    institution = institutions[row["institution_id"]]
    data = {f: row[f] for f in row["changes"] if f in UPDATABLE_FIELDS}
    if data:
        services.institution_update(
            actor=actor, institution=institution, data=data, reason=row_reason
        )
        done["institutions_updated"] = 1
    if "membership" in row["changes"]:
        _membership_open_imported(
            actor=actor,
            institution=institution,
            row=row,
            category=category,
            batch=batch,
            reason=row_reason,
        )
        done["memberships_opened"] = 1
    elif "category" in row["changes"] or "member_since" in row["changes"]:
        current = next(m for m in institution.all_memberships if m.valid_to is None)  # type: ignore[attr-defined]
        _membership_complete(
            actor=actor,
            membership=current,
            row=row,
            category=category if "category" in row["changes"] else None,
            reason=row_reason,
        )
        done["memberships_updated"] = 1
    return done


def _locked_preview(batch: ImportBatch) -> ImportBatch:
    locked = ImportBatch.objects.select_for_update().get(pk=batch.pk)
    if locked.state == ImportBatch.State.COMMITTED:
        raise ValidationError(_("This import has already been committed."), code="state")
    if locked.state == ImportBatch.State.DISCARDED:
        raise ValidationError(_("This import was discarded; upload the file again."), code="state")
    return locked


@transaction.atomic
def import_commit(*, actor: User, batch: ImportBatch, reason: str | None) -> ImportBatch:
    """Apply a previewed batch to the registry, all or nothing, with the officer's reason.

    Refused while any row has an error. The plan is made again against the registry as it
    is now (it may have changed since the preview); a row that became a problem refuses
    the whole commit. Writes through services.institution_create/_update; memberships are
    opened with the file named as their decision. One `import.committed` row sums it up.
    """
    _require(actor)
    reason_text = (reason or "").strip()
    if not reason_text:
        raise ValidationError({"reason": _("Say why: the reason is recorded with the change.")})
    batch = _locked_preview(batch)
    if batch.errors:
        raise ValidationError(
            _(
                "This import has rows with errors: correct the file and upload it again. Nothing "
                "was imported."
            ),
            code="errors",
        )
    rows: list[dict[str, Any]] = batch.rows
    new_errors = plan_rows(rows, lock=True)
    if new_errors:
        raise ValidationError(
            _(
                "The registry has changed since this preview and %(count)s rows now conflict "
                "with it; upload the file again to see them. Nothing was imported."
            )
            % {"count": len({e["line"] for e in new_errors})},
            code="stale",
        )
    countries = {c.code: c for c in Country.objects.filter(code__in={r["country"] for r in rows})}
    categories = {c.code: c for c in Category.objects.all()}
    institution_ids = [r["institution_id"] for r in rows if r["institution_id"]]
    institutions = {
        i.pk: i
        for i in Institution.objects.filter(pk__in=institution_ids).prefetch_related(
            Prefetch("memberships", queryset=Membership.objects.all(), to_attr="all_memberships")
        )
    }
    result = {
        "institutions_created": 0,
        "institutions_updated": 0,
        "memberships_opened": 0,
        "memberships_updated": 0,
    }
    for row in rows:
        if row["action"] in ("create", "update"):
            done = _apply_row(
                actor=actor,
                batch=batch,
                row=row,
                countries=countries,
                categories=categories,
                institutions=institutions,
                reason=reason_text,
            )
            for key, value in done.items():
                result[key] += value
    counts = _counts(rows)
    result["unchanged"] = counts["unchanged"]
    result["changes"] = counts["create"] + counts["update"]
    batch.rows = rows
    batch.state = ImportBatch.State.COMMITTED
    batch.committed_at = timezone.now()
    batch.summary = {**batch.summary, "counts": counts, "result": result}
    _full_clean(batch)
    batch.save()
    record_action(
        actor=actor,
        event="import.committed",
        target=batch,
        new={"file_name": batch.file_name, "checksum": batch.checksum, **result},
        reason=reason_text,
    )
    return batch


@transaction.atomic
def import_discard(*, actor: User, batch: ImportBatch, reason: str | None = None) -> ImportBatch:
    """Set a previewed batch aside; nothing reaches the registry. Kept for the record."""
    _require(actor)
    batch = _locked_preview(batch)
    batch.state = ImportBatch.State.DISCARDED
    _full_clean(batch)
    batch.save()
    record_action(
        actor=actor,
        event="import.discarded",
        target=batch,
        old={"state": ImportBatch.State.PREVIEW},
        new={"state": batch.state},
        reason=reason,
    )
    return batch


# --- Reads --------------------------------------------------------------------------


def import_batch_list_for_user(*, user: User) -> QuerySet[ImportBatch]:
    """Past and pending imports, newest first, without their (large) rows."""
    if not user.has_perm("members.import_members"):
        return ImportBatch.objects.none()
    return (
        ImportBatch.objects.select_related("uploaded_by")
        .defer("rows", "errors")
        .order_by("-created_at", "-id")
    )


def import_batch_get_for_user(*, user: User, pk: int) -> ImportBatch:
    """One batch; 404 when missing or when the user may not import."""
    if not user.has_perm("members.import_members"):
        raise Http404
    batch = ImportBatch.objects.select_related("uploaded_by").filter(pk=pk).first()
    if batch is None:
        raise Http404
    return batch


def message_for(
    problem: Mapping[str, Any], catalogue: Mapping[str, Any], categories: Mapping[str, Category]
) -> str:
    """A stored problem (code + parameters) put into words in the current language."""
    params = dict(problem.get("params") or {})
    if problem.get("field"):
        params["field"] = str(FIELD_LABELS.get(problem["field"], problem["field"]))
    if problem["code"] == "category_conflict" and params.get("current") in categories:
        params["current"] = str(categories[params["current"]])
    template = catalogue.get(problem["code"])
    return str(template) % params if template is not None else str(problem["code"])


def import_rows_for_display(
    *, batch: ImportBatch, rows: Iterable[Mapping[str, Any]]
) -> list[dict[str, Any]]:
    """One page of preview rows with country, category, date and messages (two queries)."""
    rows = list(rows)
    codes = {r["country"] for r in rows if r.get("country")}
    countries = {c.code: c for c in Country.objects.filter(code__in=codes)} if codes else {}
    categories = {c.code: c for c in Category.objects.all()}
    by_line: dict[int, list[Mapping[str, Any]]] = {}
    for problem in batch.errors:
        by_line.setdefault(problem["line"], []).append(problem)
    shown = []
    for row in rows:
        shown.append(
            {
                **row,
                "country_obj": countries.get(row.get("country") or ""),
                "category_obj": categories.get(row.get("category") or ""),
                "since_date": dt.date.fromisoformat(row["since"]) if row.get("since") else None,
                "error_messages": [
                    message_for(p, ERROR_MESSAGES, categories) for p in by_line.get(row["line"], [])
                ],
                "warning_messages": [
                    message_for(w, WARNING_MESSAGES, categories) for w in row.get("warnings", [])
                ],
                "change_labels": [str(FIELD_LABELS.get(c, c)) for c in row.get("changes", [])],
            }
        )
    return shown


def filter_rows(rows: list[dict[str, Any]], show: str) -> list[dict[str, Any]]:
    if show == "errors":
        return [r for r in rows if r["action"] == "error"]
    if show == "changes":
        return [r for r in rows if r["action"] in ("create", "update")]
    return rows


# --- The downloadable template ------------------------------------------------------


def template_rows(language: str) -> tuple[list[str], list[str]]:
    """Header and one example row, in Spanish for a Spanish page, else in English."""
    headers = TEMPLATE_HEADERS["es" if language == "es" else "en"]
    example = [
        _("Example Institute (delete this row)"),
        "EX",
        "MX",
        "titular" if language == "es" else "full",
        "2010",
        "https://example.org",
        "contact@example.org",
        "+52 55 0000 0000",
        _("Minutes of the General Assembly, 2010 (example)"),
    ]
    return headers, example


def template_csv(language: str) -> bytes:
    headers, example = template_rows(language)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers)
    writer.writerow(example)
    # A BOM so spreadsheet programs open the accents correctly.
    return out.getvalue().encode("utf-8-sig")


def template_xlsx(language: str) -> bytes:
    import openpyxl
    from openpyxl.styles import Font

    headers, example = template_rows(language)
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Members")[:31]
    sheet.append(headers)
    sheet.append(example)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for index, header in enumerate(headers, start=1):
        sheet.column_dimensions[openpyxl.utils.get_column_letter(index)].width = max(
            14, len(header) + 4
        )
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["I"].width = 40
    # The start date is text, so "2010" stays a year and is not turned into a number.
    sheet["E2"].number_format = "@"
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
