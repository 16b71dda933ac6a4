"""A member's statement of account as a PDF, built once per version by the worker
(decision 0006; selectors.accounts reads it)."""

from __future__ import annotations

from secretariat.core.models import GeneratedDocument
from secretariat.core.pdf import pdf_version
from secretariat.core.services.documents import document_request
from secretariat.finance.selectors.accounts import (
    ACCOUNT_DOCUMENT,
    statement_file_name,
    statement_pdf_html,
)
from secretariat.members.models import Institution


def account_statement_pdf(*, institution: Institution, language: str) -> GeneratedDocument:
    """The statement's PDF in `language`: what it shows today is its version, so a new
    payment or assessment is a new PDF. Access to the member is the caller's to check."""
    html = statement_pdf_html(institution, language)
    return document_request(
        kind=ACCOUNT_DOCUMENT,
        target=institution,
        language=language,
        version=pdf_version(html),
        file_name=statement_file_name(institution, "pdf"),
    )
