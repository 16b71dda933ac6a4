"""Asking for a session's PDFs: the version of what the reader would get now, built once by
the worker and then served from storage (decision 0006). Access to the session, its agenda
or its minutes is the caller's to check first (its `_get_for_user` selector)."""

from __future__ import annotations

from secretariat.core.models import GeneratedDocument
from secretariat.core.pdf import pdf_version
from secretariat.core.services.documents import document_request
from secretariat.governance import documents
from secretariat.governance.models import Minutes, Session


def convocation_pdf(*, session: Session, language: str) -> GeneratedDocument:
    """The convocation in one of the session's languages (a draft's: as it would be sent)."""
    html = documents.convocation_html(session, language)
    return document_request(
        kind=documents.CONVOCATION,
        target=session,
        language=language,
        version=pdf_version(html),
        file_name=documents.convocation_file_name(session, language),
    )


def agenda_pdf(*, session: Session, language: str, with_restricted: bool) -> GeneratedDocument:
    """The agenda: with the restricted documents for those who read all of the session's
    documents, without them for everyone else (two documents, never mixed)."""
    html = documents.agenda_html(session, language, with_restricted=with_restricted)
    return document_request(
        kind=documents.AGENDA_WITH_RESTRICTED if with_restricted else documents.AGENDA,
        target=session,
        language=language,
        version=pdf_version(html),
        file_name=documents.agenda_file_name(session, language),
    )


def minutes_pdf(*, minutes: Minutes, language: str) -> GeneratedDocument:
    """The minutes in one language (Spanish, marked, where the translation is pending)."""
    html = documents.minutes_html(minutes, language)
    return document_request(
        kind=documents.MINUTES,
        target=minutes,
        language=language,
        version=pdf_version(html),
        file_name=documents.minutes_file_name(minutes, language),
    )
