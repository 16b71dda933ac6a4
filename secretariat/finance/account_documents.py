"""The member's statement of account as a PDF (core.documents), built in the background in
the reader's language, once per version."""

from __future__ import annotations


def register_account_documents() -> None:
    from secretariat.core import documents
    from secretariat.core.pdf import html_to_pdf
    from secretariat.finance.selectors.accounts import ACCOUNT_DOCUMENT, statement_pdf_html
    from secretariat.members.models import Institution

    def build_statement(target_id: str, language: str) -> bytes:
        institution = Institution.objects.get(pk=int(target_id))
        return html_to_pdf(statement_pdf_html(institution, language))

    documents.register(ACCOUNT_DOCUMENT, build_statement)
