"""The financial statements' writes: a set prepared, approved (frozen) and filed with the
General Assembly's session documents; and their outputs asked of the worker.

Rules (domain.md "Finance"; issue #12 "Statements for the General Assembly"):
- statements cover one fiscal year or a three-year period, with the comparative period;
- they are prepared by the finance officers or the Secretary General and approved by the
  Secretary General alone, who submits them to the General Assembly;
- approving freezes the figures (`frozen`) and bumps the version: the approved PDFs and XLSX
  are built from the frozen figures only, and an approved set never changes;
- an approved set is filed on an agenda item of a General Assembly session, as a session
  document (the PDF in Spanish and English, as the session's languages allow).
"""

from __future__ import annotations

import hashlib
import json

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from secretariat.core.access import require, require_reason
from secretariat.core.audit import locked, save_audited, snapshot
from secretariat.core.languages import session_languages
from secretariat.core.models import GeneratedDocument, User
from secretariat.core.pdf import html_to_pdf, pdf_version
from secretariat.core.services.documents import document_request
from secretariat.finance.models import FiscalYear, StatementSet
from secretariat.finance.selectors.statements import (
    APPROVE,
    PREPARE,
    STATEMENTS_PDF,
    STATEMENTS_XLSX,
    file_name,
    filing_agenda_items,
    set_figures,
    statement_figures,
    statements_title,
)
from secretariat.finance.statement_documents import statements_pdf_html
from secretariat.governance.models import AgendaItem
from secretariat.governance.services.documents import document_add

SET_FIELDS = ["first_year", "last_year", "state", "notes", "version", "agenda_item"]
PERIOD_LENGTHS = (1, 3)  # one fiscal year, or the three-year period
ATTACHED_LANGUAGES = ("es", "en")


def _check_years(first_year: int, last_year: int) -> None:
    if last_year < first_year:
        raise ValidationError({"last_year": _("The last year cannot come before the first.")})
    if last_year - first_year + 1 not in PERIOD_LENGTHS:
        raise ValidationError(
            {"last_year": _("Statements cover one fiscal year or a three-year period.")}
        )
    have = set(
        FiscalYear.objects.filter(year__gte=first_year, year__lte=last_year).values_list(
            "year", flat=True
        )
    )
    missing = [str(y) for y in range(first_year, last_year + 1) if y not in have]
    if missing:
        raise ValidationError(
            {
                "first_year": _("The books have no fiscal year %(years)s.")
                % {"years": ", ".join(missing)}
            }
        )
    if StatementSet.objects.filter(first_year=first_year, last_year=last_year).exists():
        raise ValidationError(_("Statements for these years already exist."))


@transaction.atomic
def statement_set_create(
    *, actor: User, first_year: int, last_year: int, notes: str = "", is_example: bool = False
) -> StatementSet:
    """Prepare the statements of first_year..last_year (a draft: live figures)."""
    require(actor, PREPARE)
    _check_years(first_year, last_year)
    statement_set = StatementSet(
        first_year=first_year,
        last_year=last_year,
        notes=(notes or "").strip(),
        created_by=actor,
        is_example=is_example,
    )
    save_audited(
        statement_set, actor=actor, event="statement_set.created", fields=SET_FIELDS, reason=""
    )
    return statement_set


@transaction.atomic
def statement_set_approve(*, actor: User, statement_set: StatementSet, reason: str) -> StatementSet:
    """The Secretary General approves a draft: its figures are frozen as they are now, its
    version bumped; from then on it never changes and its outputs come from `frozen`."""
    require(actor, APPROVE)
    reason = require_reason(reason)
    statement_set = locked(statement_set)
    if statement_set.state != StatementSet.State.DRAFT:
        raise ValidationError(_("These statements are already approved: they cannot change."))
    before = snapshot(statement_set, SET_FIELDS)
    statement_set.frozen = statement_figures(
        first_year=statement_set.first_year, last_year=statement_set.last_year
    )
    statement_set.state = StatementSet.State.APPROVED
    statement_set.version += 1
    statement_set.approved_by = actor
    statement_set.approved_at = timezone.now()
    save_audited(
        statement_set,
        actor=actor,
        event="statement_set.approved",
        fields=SET_FIELDS,
        before=before,
        reason=reason,
    )
    return statement_set


def _title(statement_set: StatementSet, language: str) -> str:
    with translation.override(language):
        return statements_title(statement_set)


def _files(statement_set: StatementSet, languages: list[str]) -> dict[str, SimpleUploadedFile]:
    """The approved statements' PDFs, laid out now from the frozen figures (the same HTML
    `finance:statement-pdf` serves)."""
    figures = set_figures(statement_set)
    return {
        language: SimpleUploadedFile(
            file_name(statement_set, "pdf", language),
            html_to_pdf(
                statements_pdf_html(
                    figures=figures,
                    statement_set=statement_set,
                    language=language,
                    notes=statement_set.notes,
                )
            ),
            content_type="application/pdf",
        )
        for language in languages
    }


@transaction.atomic
def statement_set_file(
    *, actor: User, statement_set: StatementSet, agenda_item: AgendaItem
) -> StatementSet:
    """File approved statements on an agenda item of a General Assembly session: a session
    document with the PDF in Spanish and English (those the session uses)."""
    require(actor, APPROVE)
    statement_set = locked(statement_set)
    if statement_set.state != StatementSet.State.APPROVED:
        raise ValidationError(_("Only approved statements can be filed with the Assembly."))
    if statement_set.agenda_item_id is not None:
        raise ValidationError(_("These statements are already filed with a session."))
    if not filing_agenda_items().filter(pk=agenda_item.pk).exists():
        raise ValidationError(
            {"agenda_item": _("Choose an item of a General Assembly session in preparation.")}
        )
    session = agenda_item.session
    languages = [
        lang for lang in ATTACHED_LANGUAGES if lang in session_languages(session.languages)
    ]
    document_add(
        actor=actor,
        session=session,
        agenda_item=agenda_item,
        files=_files(statement_set, languages),
        note=_("Approved financial statements, version %(version)s")
        % {"version": statement_set.version},
        title_es=_title(statement_set, "es"),
        title_en=_title(statement_set, "en"),
        title_pt=_title(statement_set, "pt"),
        title_fr=_title(statement_set, "fr"),
    )
    before = snapshot(statement_set, SET_FIELDS)
    statement_set.agenda_item = agenda_item
    save_audited(
        statement_set,
        actor=actor,
        event="statement_set.filed",
        fields=SET_FIELDS,
        before=before,
        reason="",
    )
    return statement_set


def statements_pdf(*, statement_set: StatementSet, language: str) -> GeneratedDocument:
    """The statements as a PDF in one language, built once per content by the worker (a
    draft's live figures change its HTML, so a new PDF). Access is the caller's."""
    html = statements_pdf_html(
        figures=set_figures(statement_set),
        statement_set=statement_set,
        language=language,
        notes=statement_set.notes,
    )
    return document_request(
        kind=STATEMENTS_PDF,
        target=statement_set,
        language=language,
        version=pdf_version(html),
        file_name=file_name(statement_set, "pdf", language),
    )


def statements_xlsx(*, statement_set: StatementSet, language: str) -> GeneratedDocument:
    """The statements as a workbook, built once per content by the worker."""
    figures = set_figures(statement_set)
    key = json.dumps(
        [figures, statement_set.state, statement_set.version, statement_set.notes, "xlsx-1"],
        sort_keys=True,
    )
    return document_request(
        kind=STATEMENTS_XLSX,
        target=statement_set,
        language=language,
        version=hashlib.sha256(key.encode()).hexdigest()[:32],
        file_name=file_name(statement_set, "xlsx", language),
    )
