"""Step one of an import, its second half: each row of a read file cleaned and checked on
its own (and against the rows before it). No writes.

A row's problems are stored as codes with parameters, put into words when shown, in the
reader's language (selectors/imports.py). A value matched only once its case, accents or
spaces were set aside is kept, and reported with a warning.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from secretariat.core.validators import has_bidi_controls
from secretariat.members.models import Category, Country, DatePrecision
from secretariat.members.services.imports.parse import (
    CISS_FOUNDED,
    COLUMNS,
    ParsedFile,
    _cell_text,
    _norm,
    _short,
)

# --- Checking each row --------------------------------------------------------------


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f<>]")


@dataclass
class Lookups:
    """What rows are matched against, loaded once per file (queries do not grow with rows)."""

    countries: dict[str, str]  # normalized code or name → ISO code
    categories: dict[str, str]  # normalized code or name → category code
    example_names: set[str]
    # The spellings taken as written (code, names): any other spelling that still matches
    # was normalised, and the preview says so with a warning.
    country_spellings: frozenset[str] = frozenset()
    category_spellings: frozenset[str] = frozenset()

    @classmethod
    def load(cls) -> Lookups:
        languages = [code for code, _label in settings.LANGUAGES]
        countries: dict[str, str] = {}
        country_spellings: set[str] = set()
        for country in Country.objects.all():
            countries[_norm(country.code)] = country.code
            country_spellings.add(country.code)
            for lang in languages:
                name = getattr(country, f"name_{lang}", "") or ""
                if name:
                    countries.setdefault(_norm(name), country.code)
                    country_spellings.add(name)
        categories: dict[str, str] = {}
        category_spellings: set[str] = set()
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
            category_spellings.add(category.code)
            for lang in languages:
                for field in ("name", "name_plural"):
                    written = getattr(category, f"{field}_{lang}", "") or ""
                    value = _norm(written)
                    if value:
                        keys.add(value)
                        keys.add("_".join(w for w in value.split("_") if w not in filler))
                        category_spellings.add(written)
                        category_spellings.add(
                            " ".join(w for w in written.split() if _norm(w) not in filler)
                        )
            for key in keys - {""}:
                if categories.get(key, category.code) != category.code:
                    ambiguous.add(key)
                categories[key] = category.code
        for key in ambiguous:
            categories.pop(key, None)
        return cls(
            countries=countries,
            categories=categories,
            example_names=_example_names(),
            country_spellings=frozenset(country_spellings),
            category_spellings=frozenset(category_spellings),
        )


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
            elif has_bidi_controls(raw):
                self.error(column.key, "bidi_chars")
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


def _raw_text(value: Any) -> str:
    """A cell as written, spaces included (for saying what was normalised)."""
    return value if isinstance(value, str) else _cell_text(value)


def _note_normalised(
    check: _RowCheck, field: str, cell: Any, read: str, spellings: frozenset[str]
) -> None:
    """A warning when a value matched only once its case, accents or spaces were set aside:
    "Category 'associate ' read as 'Associate member'" (the code is put into words when shown)."""
    written = _raw_text(cell)
    if written not in spellings:
        check.warnings.append(
            {
                "field": field,
                "code": "normalised",
                "params": {"value": _short(written), "read": read},
            }
        )


def _look_up(
    check: _RowCheck, row: dict[str, Any], lookups: Lookups, cells: Mapping[str, Any]
) -> None:
    """The template's example row, and the country and category named by the row (a
    tolerant match, reported with a warning when the cell was not written exactly)."""
    clean = check.clean
    if clean["name"] and _norm(clean["name"]) in lookups.example_names:
        check.error("name", "example_row")
    if clean["country"]:
        row["country"] = lookups.countries.get(_norm(clean["country"]))
        if row["country"] is None:
            check.error("country", "unknown_country", value=_short(clean["country"]))
        else:
            _note_normalised(
                check, "country", cells.get("country"), row["country"], lookups.country_spellings
            )
    if clean["category"]:
        row["category"] = lookups.categories.get(_norm(clean["category"]))
        if row["category"] is None:
            check.error("category", "bad_category", value=_short(clean["category"]))
        else:
            _note_normalised(
                check,
                "category",
                cells.get("category"),
                row["category"],
                lookups.category_spellings,
            )


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
    _look_up(check, row, lookups, cells)
    _check_since(check, row, cells.get("member_since"), today)
    _check_contacts(check, row)
    return row, check.errors


def name_key(name: str, country: str | None) -> tuple[str, str | None]:
    """How a row and a registered institution are matched: the name (spaces and case aside)
    in the same country."""
    return " ".join(name.split()).casefold(), country


def acronym_key(acronym: str) -> str:
    """How acronyms are compared: spaces and case aside."""
    return " ".join(acronym.split()).casefold()


class _Duplicates:
    """Rows naming an institution, or using an acronym, that an earlier row named or used.

    The same acronym twice in one country is an error; in two countries it is a warning,
    not an error: real institutions of different countries share acronyms (INSS in Brazil
    and in Nicaragua), and the country tells them apart.
    """

    def __init__(self) -> None:
        self.names: dict[tuple[str, str | None], int] = {}
        self.acronyms: dict[str, list[tuple[int, str | None]]] = {}

    def check(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        line = row["line"]
        problems: list[dict[str, Any]] = []
        if row["name"] and row["country"]:
            key = name_key(row["name"], row["country"])
            if key in self.names:
                problems.append(
                    {
                        "line": line,
                        "field": "name",
                        "code": "duplicate",
                        "params": {"line": self.names[key]},
                    }
                )
            else:
                self.names[key] = line
                # The same institution twice is one error, not two.
                self._check_acronym(row, problems)
        return problems

    def _check_acronym(self, row: dict[str, Any], problems: list[dict[str, Any]]) -> None:
        if not row["acronym"]:
            return
        earlier = self.acronyms.setdefault(acronym_key(row["acronym"]), [])
        same = [n for n, country in earlier if country == row["country"]]
        params = {"value": _short(row["acronym"])}
        if same:
            problems.append(
                {
                    "line": row["line"],
                    "field": "acronym",
                    "code": "duplicate_acronym",
                    "params": {**params, "line": same[0]},
                }
            )
        elif earlier:
            row["warnings"].append(
                {
                    "field": "acronym",
                    "code": "acronym_in_file_elsewhere",
                    "params": {**params, "line": earlier[0][0]},
                }
            )
        earlier.append((row["line"], row["country"]))


def check_rows(
    parsed: ParsedFile, positions: Mapping[str, int]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every row cleaned and checked; an institution, or an acronym in a country, named
    twice within the file is an error on the later row."""
    lookups = Lookups.load()
    today = timezone.localdate()
    rows: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    duplicates = _Duplicates()
    for line, cells in parsed.rows:
        by_key = {key: cells[i] if i < len(cells) else None for key, i in positions.items()}
        row, row_errors = _clean_row(line, by_key, lookups, today)
        row_errors.extend(duplicates.check(row))
        row["valid"] = not row_errors
        rows.append(row)
        errors.extend(row_errors)
    return rows, errors
