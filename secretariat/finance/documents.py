"""The documents finance builds (core.documents), each built by the worker once per
version. Each part registers its kinds in its marked block."""

from __future__ import annotations


def register_documents() -> None:
    from secretariat.core import documents

    # --- dues: the invoice of an assessment -------------------------------------------
    from secretariat.core.pdf import html_to_pdf
    from secretariat.finance.selectors.assessments import (
        INVOICE_DOCUMENT,
        invoice_html,
        invoice_target,
    )

    def build_invoice(target_id: str, language: str) -> bytes:
        return html_to_pdf(invoice_html(invoice_target(int(target_id)), language))

    documents.register(INVOICE_DOCUMENT, build_invoice)
