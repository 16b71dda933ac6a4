"""The PDFs of a session's records, built in the background (core.documents, decision 0006):
the convocation, the agenda (public, or with the documents only seat holders read) and the
minutes, each in one of the session's languages.

The same function renders a PDF's HTML for the page that asks for it (whose hash names the
version, core.pdf.pdf_version) and for the worker that builds it; registered from
GovernanceConfig.ready.
"""

from __future__ import annotations

from django.utils.text import slugify

from secretariat.core import documents
from secretariat.core.pdf import html_to_pdf, pdf_html
from secretariat.governance.models import Minutes, Session
from secretariat.governance.selectors.agenda import agenda_tree
from secretariat.governance.selectors.convocation import convocation_document
from secretariat.governance.selectors.minutes import approved_errata, minutes_text

CONVOCATION = "governance.convocation"
AGENDA = "governance.agenda"
AGENDA_WITH_RESTRICTED = "governance.agenda_restricted"
MINUTES = "governance.minutes"


def convocation_html(session: Session, language: str) -> str:
    document = convocation_document(session=session, lang=language)
    return pdf_html(
        "governance/pdf/convocation.html", {"session": session, "doc": document}, language=language
    )


def convocation_file_name(session: Session, language: str) -> str:
    document = convocation_document(session=session, lang=language)
    return f"{slugify(f'{document.title}-{language}')}.pdf"


def agenda_html(session: Session, language: str, *, with_restricted: bool) -> str:
    agenda = agenda_tree(
        session, include_restricted=with_restricted, include_withdrawn_documents=False
    )
    return pdf_html(
        "governance/pdf/agenda.html", {"session": session, "agenda": agenda}, language=language
    )


def agenda_file_name(session: Session, language: str) -> str:
    return f"{slugify(f'agenda-{session.roman_number}-{session.body.code}-{language}')}.pdf"


def minutes_html(minutes: Minutes, language: str) -> str:
    text, pending = minutes_text(minutes, language)
    context = {
        "session": minutes.session,
        "minutes": minutes,
        "text": text,
        "text_pending": pending,
        "errata": approved_errata(minutes),
    }
    return pdf_html("governance/pdf/minutes.html", context, language=language)


def minutes_file_name(minutes: Minutes, language: str) -> str:
    return f"minutes-{minutes.session_id}-{language}.pdf"


# --- The worker's builders ---------------------------------------------------------------


def _session(target_id: str) -> Session:
    return Session.objects.select_related("body", "country").get(pk=int(target_id))


def build_convocation(target_id: str, language: str) -> bytes:
    return html_to_pdf(convocation_html(_session(target_id), language))


def build_agenda(target_id: str, language: str) -> bytes:
    return html_to_pdf(agenda_html(_session(target_id), language, with_restricted=False))


def build_agenda_with_restricted(target_id: str, language: str) -> bytes:
    return html_to_pdf(agenda_html(_session(target_id), language, with_restricted=True))


def build_minutes(target_id: str, language: str) -> bytes:
    minutes = Minutes.objects.select_related(
        "session__body", "approved_at_session", "approval_vote"
    ).get(pk=int(target_id))
    return html_to_pdf(minutes_html(minutes, language))


def register_documents() -> None:
    documents.register(CONVOCATION, build_convocation)
    documents.register(AGENDA, build_agenda)
    documents.register(AGENDA_WITH_RESTRICTED, build_agenda_with_restricted)
    documents.register(MINUTES, build_minutes)
