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

    return None
