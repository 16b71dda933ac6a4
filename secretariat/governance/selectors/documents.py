"""Reads of a session's documents: their current files, one document with every version, and
who may read which file.

Who reads a session document (issue #4, "Documents"; permission `governance.view_document`):
the Secretariat and those who sit in the session always; anyone once the session published
its documents, unless the document is restricted or withdrawn (`Document.is_public`). For
everyone else a document does not exist (404), so its existence is not revealed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Prefetch

from secretariat.core.access import can, get_for_user_or_404, permission_for
from secretariat.core.languages import CONTENT_LANGUAGES
from secretariat.governance.models import Document, DocumentFile

VIEW_DOCUMENTS = "governance.view_session_documents"
MANAGE = "governance.manage_sessions"
LANGUAGE_ORDER = {code: index for index, code in enumerate(CONTENT_LANGUAGES)}

DocumentAction = Literal["view", "manage"]
DOCUMENT_ACTIONS: dict[str, str | None] = {
    "view": "governance.view_document",
    "manage": MANAGE,
}


@dataclass(frozen=True)
class DocumentRow:
    """A document with its current files: per language, the file of the highest version that
    has one (a new version in Spanish only leaves the English of the previous one current)."""

    document: Document
    latest_version: int
    current_files: list[DocumentFile]
    version_count: int

    @property
    def withdrawn(self) -> bool:
        return self.document.withdrawn_at is not None


def document_rows(documents: list[Document]) -> list[DocumentRow]:
    """The rows of documents whose files were prefetched newest version first."""
    rows = []
    for document in documents:
        files = list(document.files.all())  # prefetched, newest version first
        current: dict[str, DocumentFile] = {}
        for row in files:
            current.setdefault(row.language, row)
        rows.append(
            DocumentRow(
                document=document,
                latest_version=files[0].version if files else 0,
                current_files=sorted(current.values(), key=lambda f: LANGUAGE_ORDER[f.language]),
                version_count=len({f.version for f in files}),
            )
        )
    return rows


def files_prefetch() -> Prefetch[Any, Any, Any]:
    return Prefetch("files", queryset=DocumentFile.objects.order_by("-version", "language"))


def may_read_session_documents(user: Any, session: Any) -> bool:
    """Secretariat staff and those who sit in the session: every document, published or not."""
    return bool(user and user.is_authenticated and can(user, VIEW_DOCUMENTS, session))


# --- One document ------------------------------------------------------------------------------


def document_get_for_user(*, user: Any, pk: int, action: DocumentAction = "view") -> Document:
    """The one way to a document: 404 for those who may not read it, as for a missing one.

    To read it ("view"): with its session, body, item and creator, and its files with their
    uploaders (2 queries, plus the permission check for those who sit in the session). To
    manage it: with its session, body and item (1 query).
    """
    queryset = Document.objects.select_related("session__body", "agenda_item")
    if action == "view":
        queryset = queryset.select_related("created_by").prefetch_related(
            Prefetch(
                "files",
                queryset=DocumentFile.objects.select_related("uploaded_by").order_by(
                    "-version", "language"
                ),
            )
        )
    return get_for_user_or_404(
        queryset, user=user, perm=permission_for(DOCUMENT_ACTIONS, action), pk=pk
    )


@dataclass(frozen=True)
class DocumentVersion:
    number: int
    files: list[DocumentFile]


@dataclass(frozen=True)
class DocumentDetail:
    """A document page: every version and language (uploader, date), and what the user may do."""

    document: Document
    versions: list[DocumentVersion]
    can_read_all: bool  # sits in the session or Secretariat (sees restricted/unpublished)
    can_manage: bool
    can_view_agenda: bool  # the Secretariat's agenda page (breadcrumbs)

    @property
    def latest(self) -> DocumentVersion | None:
        return self.versions[0] if self.versions else None


def document_page(*, user: Any, document: Document) -> DocumentDetail:
    """The versions of a document fetched by `document_get_for_user` (files prefetched)."""
    versions: dict[int, list[DocumentFile]] = {}
    for row in document.files.all():
        versions.setdefault(row.version, []).append(row)
    return DocumentDetail(
        document=document,
        versions=[
            DocumentVersion(number=n, files=sorted(files, key=lambda f: LANGUAGE_ORDER[f.language]))
            for n, files in versions.items()
        ],
        can_read_all=may_read_session_documents(user, document.session),
        can_manage=can(user, MANAGE),
        can_view_agenda=can(user, "governance.view_sessions"),
    )


def document_file_get_for_user(*, user: Any, pk: int) -> DocumentFile:
    """One file for download, or 404 (missing and not yours alike)."""
    return get_for_user_or_404(
        DocumentFile.objects.select_related("document__session"),
        user=user,
        perm="governance.view_document",
        pk=pk,
    )


def document_is_public(document: Document) -> bool:
    """Anyone may read it (the file may be cached publicly)."""
    return document.is_public
