"""The documents elections builds (core.documents): each part registers its kinds here."""

from __future__ import annotations


def register_documents() -> None:
    # --- calls for candidates: the Call's PDF per language ---
    from secretariat.core import documents
    from secretariat.core.pdf import html_to_pdf
    from secretariat.elections.models import Call
    from secretariat.elections.selectors.calls import CALL_DOCUMENT, call_pdf_html

    def build_call(target_id: str, language: str) -> bytes:
        call = Call.objects.select_related("session", "approval_resolution").get(pk=int(target_id))
        return html_to_pdf(call_pdf_html(call, language))

    documents.register(CALL_DOCUMENT, build_call)

    # --- the eligibility report's PDF ---
    from secretariat.core import documents as core_documents
    from secretariat.core.pdf import html_to_pdf  # noqa: F811  (each block imports what it uses)
    from secretariat.elections.selectors import reports

    def build_report(target_id: str, language: str) -> bytes:
        report = reports.report_for_pdf(int(target_id))
        return html_to_pdf(reports.report_pdf_html(report, language))

    core_documents.register(reports.REPORT_PDF, build_report)

    return None
