"""The documents finance builds (core.documents), each by the worker once per version:

- `finance.invoice`: an assessment's invoice, in the member's language;
- `finance.account_statement`: a member's statement of account, in the reader's language;
- `finance.statements` and `finance.statements_xlsx`: the financial statements as a PDF in
  one language and as a workbook (laid out in statement_documents);
- `finance.audit_package`: a fiscal year's audit package as one zip.
"""

from __future__ import annotations

from typing import Any


def register_documents() -> None:
    from secretariat.core import documents
    from secretariat.core.pdf import html_to_pdf
    from secretariat.finance.models import FiscalYear, StatementSet
    from secretariat.finance.selectors import audit, statements
    from secretariat.finance.selectors.accounts import ACCOUNT_DOCUMENT, statement_pdf_html
    from secretariat.finance.selectors.assessments import (
        INVOICE_DOCUMENT,
        invoice_html,
        invoice_target,
    )
    from secretariat.finance.statement_documents import (
        ZIP_TYPE,
        audit_package_zip,
        statements_pdf_html,
        statements_xlsx,
    )
    from secretariat.members.models import Institution

    def build_invoice(target_id: str, language: str) -> bytes:
        return html_to_pdf(invoice_html(invoice_target(int(target_id)), language))

    def build_account_statement(target_id: str, language: str) -> bytes:
        institution = Institution.objects.get(pk=int(target_id))
        return html_to_pdf(statement_pdf_html(institution, language))

    def _set(target_id: str) -> tuple[StatementSet, dict[str, Any]]:
        statement_set = StatementSet.objects.get(pk=int(target_id))
        return statement_set, statements.set_figures(statement_set)

    def build_pdf(target_id: str, language: str) -> bytes:
        statement_set, figures = _set(target_id)
        html = statements_pdf_html(
            figures=figures,
            statement_set=statement_set,
            language=language,
            notes=statement_set.notes,
        )
        return html_to_pdf(html)

    def build_xlsx(target_id: str, language: str) -> bytes:
        statement_set, figures = _set(target_id)
        return statements_xlsx(
            figures=figures,
            statement_set=statement_set,
            language=language,
            notes=statement_set.notes,
        )

    def build_package(target_id: str, language: str) -> bytes:
        return audit_package_zip(FiscalYear.objects.get(pk=int(target_id)))

    documents.register(INVOICE_DOCUMENT, build_invoice)
    documents.register(ACCOUNT_DOCUMENT, build_account_statement)
    documents.register(statements.STATEMENTS_PDF, build_pdf)
    documents.register(statements.STATEMENTS_XLSX, build_xlsx, content_type=statements.XLSX_TYPE)
    documents.register(audit.AUDIT_PACKAGE, build_package, content_type=ZIP_TYPE)
