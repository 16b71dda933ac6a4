"""Reads of a session's agenda and documents: the numbered tree, and who may read which file.

Numbers are computed, never stored: items in their order, "1", "2", sub-items "2.1"; a
withdrawn item keeps its row and place but has no number. Every read here runs a fixed
number of queries whatever the size of the agenda.

Who reads a session document (issue #4, "Documents"): the Secretariat and those who sit in the
session (`governance.view_session_documents` on the session) always; anyone once the session
published its documents, unless the document is restricted or withdrawn. For everyone else a
document does not exist (404), so its existence is not revealed.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.db.models import Prefetch, QuerySet
from django.http import Http404

from secretariat.core.models import User
from secretariat.governance.models import (
    LANGUAGE_CHOICES,
    AgendaItem,
    Document,
    DocumentFile,
    Session,
)

VIEW_DOCUMENTS = "governance.view_session_documents"
LANGUAGE_ORDER = {code: index for index, (code, _label) in enumerate(LANGUAGE_CHOICES)}
VIEW_SESSIONS = "governance.view_sessions"


@dataclass
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


@dataclass
class AgendaEntry:
    """One item of the agenda with its computed number ("" when withdrawn)."""

    item: AgendaItem
    number: str
    depth: int
    documents: list[DocumentRow] = field(default_factory=list)
    children: list[AgendaEntry] = field(default_factory=list)
    is_first: bool = False  # first of the items still on the agenda at its level
    is_last: bool = False
    added_after_adoption: bool = False


@dataclass
class Agenda:
    session: Session
    entries: list[AgendaEntry]
    loose_documents: list[DocumentRow]

    @property
    def adopted(self) -> bool:
        return self.session.agenda_adopted_at is not None

    def flat(self) -> list[AgendaEntry]:
        """Items and sub-items in reading order."""
        out: list[AgendaEntry] = []
        for entry in self.entries:
            out.append(entry)
            out.extend(entry.children)
        return out

    @property
    def active_count(self) -> int:
        return sum(1 for entry in self.flat() if not entry.item.withdrawn)

    @property
    def documents(self) -> list[DocumentRow]:
        rows = [row for entry in self.flat() for row in entry.documents]
        return rows + self.loose_documents


def _document_rows(documents: list[Document]) -> list[DocumentRow]:
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


def _files_prefetch() -> Prefetch[Any, Any, Any]:
    return Prefetch("files", queryset=DocumentFile.objects.order_by("-version", "language"))


def agenda_tree(
    session: Session,
    *,
    include_restricted: bool = True,
    include_withdrawn_documents: bool = True,
) -> Agenda:
    """The session's agenda, numbered, with each item's documents and their latest files.

    Queries: items (1), documents (1), their files (1), and once adopted the items added
    afterwards (1, from the items' history).
    """
    items = list(AgendaItem.objects.filter(session=session).order_by("position", "pk"))
    documents = Document.objects.filter(session=session).prefetch_related(_files_prefetch())
    if not include_restricted:
        documents = documents.filter(restricted=False)
    if not include_withdrawn_documents:
        documents = documents.filter(withdrawn_at__isnull=True)
    by_item: dict[int | None, list[Document]] = defaultdict(list)
    for document in documents.order_by("pk"):
        by_item[document.agenda_item_id].append(document)
    added_later: set[int] = set()
    if session.agenda_adopted_at is not None:
        added_later = set(
            AgendaItem.history.filter(  # type: ignore[attr-defined]  # simple_history manager
                session_id=session.pk,
                history_type="+",
                history_date__gt=session.agenda_adopted_at,
            ).values_list("id", flat=True)
        )
    children: dict[int | None, list[AgendaItem]] = defaultdict(list)
    for item in items:
        children[item.parent_id].append(item)

    def level(parent: AgendaItem | None, prefix: str, depth: int) -> list[AgendaEntry]:
        nodes = children[parent.pk if parent else None]
        entries = []
        n = 0
        for item in nodes:
            if item.withdrawn or (parent is not None and parent.withdrawn):
                number = ""
            else:
                n += 1
                number = f"{prefix}{n}"
            entry = AgendaEntry(
                item=item,
                number=number,
                depth=depth,
                documents=_document_rows(by_item.get(item.pk, [])),
                added_after_adoption=item.pk in added_later,
            )
            if depth == 0:
                entry.children = level(item, f"{number}.", 1)
            entries.append(entry)
        active = [e for e in entries if e.number]
        if active:
            active[0].is_first = True
            active[-1].is_last = True
        return entries

    return Agenda(
        session=session,
        entries=level(None, "", 0),
        loose_documents=_document_rows(by_item.get(None, [])),
    )


def item_choices(agenda: Agenda, *, top_level_only: bool = False) -> list[tuple[int, str]]:
    """(pk, "2.1 Title") of the items still on the agenda, for select boxes."""
    return [
        (entry.item.pk, f"{entry.number} {entry.item.title}")
        for entry in agenda.flat()
        if entry.number and (entry.depth == 0 or not top_level_only)
    ]


# --- Lookups -------------------------------------------------------------------------------


def agenda_session_get(*, pk: int) -> Session:
    """A session for the agenda pages (staff); 404 when missing."""
    session = Session.objects.select_related("body", "country").filter(pk=pk).first()
    if session is None:
        raise Http404
    return session


def agenda_session_for_user(*, user: User | AnonymousUser, pk: int) -> Session:
    """A session whose agenda the user may read: any session but those in preparation, which
    only the Secretariat sees."""
    session = agenda_session_get(pk=pk)
    if session.state == Session.State.DRAFT and not user.has_perm(VIEW_SESSIONS):
        raise Http404
    return session


def agenda_item_get(*, pk: int) -> AgendaItem:
    item = AgendaItem.objects.select_related("session__body", "parent").filter(pk=pk).first()
    if item is None:
        raise Http404
    return item


def session_items(session: Session) -> QuerySet[AgendaItem]:
    """The items still on the agenda (for validating a choice made in a form)."""
    return AgendaItem.objects.filter(session=session, withdrawn=False)


def may_read_session_documents(user: User | AnonymousUser, session: Session) -> bool:
    """Secretariat staff and those who sit in the session: every document, published or not."""
    return bool(user and user.is_authenticated and user.has_perm(VIEW_DOCUMENTS, session))


def document_is_public(document: Document) -> bool:
    session = document.session
    return (
        session.documents_published_at is not None
        and session.state != Session.State.DRAFT
        and not document.restricted
        and document.withdrawn_at is None
    )


def _may_read(user: User | AnonymousUser, document: Document) -> bool:
    return document_is_public(document) or may_read_session_documents(user, document.session)


@dataclass
class DocumentVersion:
    number: int
    files: list[DocumentFile]


@dataclass
class DocumentDetail:
    document: Document
    versions: list[DocumentVersion]
    can_read_all: bool  # sits in the session or Secretariat (sees restricted/unpublished)

    @property
    def latest(self) -> DocumentVersion | None:
        return self.versions[0] if self.versions else None


def document_get_for_user(*, user: User | AnonymousUser, pk: int) -> DocumentDetail:
    """A document with every version and language (uploader, date); 404 for those who may
    not read it, as for a missing one.

    Queries: document with session, body and item (1), files with uploaders (1), plus the
    permission check for those who sit in the session.
    """
    document = (
        Document.objects.select_related("session__body", "agenda_item", "created_by")
        .prefetch_related(
            Prefetch(
                "files",
                queryset=DocumentFile.objects.select_related("uploaded_by").order_by(
                    "-version", "language"
                ),
            )
        )
        .filter(pk=pk)
        .first()
    )
    if document is None or not _may_read(user, document):
        raise Http404
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
    )


def document_get(*, pk: int) -> Document:
    """A document for the Secretariat's forms; 404 when missing."""
    document = Document.objects.select_related("session__body", "agenda_item").filter(pk=pk).first()
    if document is None:
        raise Http404
    return document


def document_file_get_for_user(*, user: User | AnonymousUser, pk: int) -> DocumentFile:
    """One file for download, or 404 (missing and not yours alike)."""
    row = DocumentFile.objects.select_related("document__session").filter(pk=pk).first()
    if row is None or not _may_read(user, row.document):
        raise Http404
    return row
