"""The documents elections builds (core.documents): the Call's PDF and the eligibility
report's, in each language, built in the background once per version."""

from __future__ import annotations


def register_documents() -> None:
    from secretariat.core import documents
    from secretariat.core.pdf import html_to_pdf
    from secretariat.elections.models import Call
    from secretariat.elections.selectors import reports
    from secretariat.elections.selectors.calls import CALL_DOCUMENT, call_pdf_html

    def build_call(target_id: str, language: str) -> bytes:
        call = Call.objects.select_related("session", "approval_resolution").get(pk=int(target_id))
        return html_to_pdf(call_pdf_html(call, language))

    def build_report(target_id: str, language: str) -> bytes:
        report = reports.report_for_pdf(int(target_id))
        return html_to_pdf(reports.report_pdf_html(report, language))

    documents.register(CALL_DOCUMENT, build_call)
    documents.register(reports.REPORT_PDF, build_report)
