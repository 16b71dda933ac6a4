"""Reads of member-spreadsheet imports: past batches, one batch, its preview rows put into
words in the reader's language, and the downloadable template.

Row problems are stored in a batch as codes with parameters (services/imports) and put into
words here, when shown, so the preview reads in the language of whoever looks at it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from secretariat.core.access import get_for_user_or_404, list_for_user
from secretariat.members.models import Category, Country, ImportBatch
from secretariat.members.services.imports.parse import COLUMNS, FIELD_LABELS

PERM = "members.import_members"
SHOW_CHOICES = ("all", "errors", "changes")

ERROR_MESSAGES = {
    "required": gettext_lazy("%(field)s is required."),
    "too_long": gettext_lazy(
        "%(field)s is too long (%(length)s characters; the limit is %(limit)s)."
    ),
    "forbidden_chars": gettext_lazy(
        "%(field)s contains characters that are not allowed (< > or control characters)."
    ),
    "bidi_chars": gettext_lazy(
        "%(field)s contains invisible characters that change the direction of the text (such "
        "as U+202E); remove them."
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
    "duplicate_acronym": gettext_lazy(
        "The acronym “%(value)s” is already used in this country by line %(line)s."
    ),
    "acronym_taken": gettext_lazy(
        "The acronym “%(value)s” is already used in the registry by another institution of this "
        "country: %(name)s."
    ),
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
    "normalised": gettext_lazy("%(field)s “%(value)s” read as “%(read)s”."),
    "acronym_elsewhere": gettext_lazy(
        "The acronym “%(value)s” is also used by %(name)s (%(country)s); check that this is "
        "another institution."
    ),
    "acronym_in_file_elsewhere": gettext_lazy(
        "The acronym “%(value)s” is also used on line %(line)s, for another country; check that "
        "these are different institutions."
    ),
    "formula_text": gettext_lazy(
        "%(field)s starts with “=”: kept as text, not calculated as a formula."
    ),
}
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


def import_batch_list_for_user(*, user: Any) -> QuerySet[ImportBatch]:
    """Past and pending imports, newest first, without their (large) rows; for those who
    import (403 otherwise)."""
    return list_for_user(
        ImportBatch.objects.select_related("uploaded_by")
        .defer("rows", "errors")
        .order_by("-created_at", "-id"),
        user=user,
        perm=PERM,
    )


def import_batch_get_for_user(*, user: Any, pk: int) -> ImportBatch:
    """One batch; 404 when missing or when the user may not import (every action on a
    batch, seeing, committing or discarding it, needs the one permission to import)."""
    return get_for_user_or_404(
        ImportBatch.objects.select_related("uploaded_by"), user=user, perm=PERM, pk=pk
    )


# --- The preview ------------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewRow:
    """One row of a batch as the preview shows it, its problems in words."""

    line: int
    values: Mapping[str, str]  # the cells as read (shortened)
    example: bool
    action: str  # create | update | unchanged | error
    country: Country | None
    category: Category | None
    since: dt.date | None
    precision: str
    change_labels: list[str]
    error_messages: list[str]
    warning_messages: list[str]


def message_for(
    problem: Mapping[str, Any],
    catalogue: Mapping[str, Any],
    categories: Mapping[str, Category],
    countries: Mapping[str, Country] | None = None,
) -> str:
    """A stored problem (code + parameters) put into words in the current language: the
    category and country codes it names become their names."""
    params = dict(problem.get("params") or {})
    countries = countries or {}
    if problem.get("field"):
        params["field"] = str(FIELD_LABELS.get(problem["field"], problem["field"]))
    if problem["code"] == "category_conflict" and params.get("current") in categories:
        params["current"] = str(categories[params["current"]])
    names: Mapping[str, Category] | Mapping[str, Country] = {}
    if problem.get("field") == "category":
        names = categories
    elif problem.get("field") == "country":
        names = countries
    if problem["code"] == "normalised" and params.get("read") in names:
        params["read"] = str(names[params["read"]])
    if params.get("country") in countries:
        params["country"] = str(countries[params["country"]])
    template = catalogue.get(problem["code"])
    return str(template) % params if template is not None else str(problem["code"])


def preview_rows(*, batch: ImportBatch, rows: Iterable[Mapping[str, Any]]) -> list[PreviewRow]:
    """One page of preview rows with country, category, date and messages (two queries)."""
    rows = list(rows)
    codes = {r["country"] for r in rows if r.get("country")}
    codes |= {
        w["params"]["country"]
        for r in rows
        for w in r.get("warnings", [])
        if w.get("code") == "acronym_elsewhere"
    }
    countries = {c.code: c for c in Country.objects.filter(code__in=codes)} if codes else {}
    categories = {c.code: c for c in Category.objects.all()}
    by_line: dict[int, list[Mapping[str, Any]]] = {}
    for problem in batch.errors:
        by_line.setdefault(problem["line"], []).append(problem)
    return [
        PreviewRow(
            line=row["line"],
            values=row.get("values", {}),
            example=bool(row.get("example")),
            action=row["action"],
            country=countries.get(row.get("country") or ""),
            category=categories.get(row.get("category") or ""),
            since=dt.date.fromisoformat(row["since"]) if row.get("since") else None,
            precision=row.get("precision", ""),
            change_labels=[str(FIELD_LABELS.get(c, c)) for c in row.get("changes", [])],
            error_messages=[
                message_for(p, ERROR_MESSAGES, categories) for p in by_line.get(row["line"], [])
            ],
            warning_messages=[
                message_for(w, WARNING_MESSAGES, categories, countries)
                for w in row.get("warnings", [])
            ],
        )
        for row in rows
    ]


def filter_rows(rows: list[dict[str, Any]], show: str) -> list[dict[str, Any]]:
    """The rows a preview shows: all, those with errors, or those that change the registry."""
    if show == "errors":
        return [r for r in rows if r["action"] == "error"]
    if show == "changes":
        return [r for r in rows if r["action"] in ("create", "update")]
    return rows


def can_commit(batch: ImportBatch) -> bool:
    """A preview without errors can be committed."""
    return batch.state == ImportBatch.State.PREVIEW and not batch.errors


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
