"""Reads of a session's agenda: the numbered tree with its documents, one item, the page the
Secretariat manages it on.

Numbers are computed, never stored: items in their order, "1", "2", sub-items "2.1"; a
withdrawn item keeps its row and place but has no number. Every read here runs a fixed
number of queries whatever the size of the agenda. Who reads which document:
`selectors.documents`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, Literal

from django.db.models import QuerySet

from secretariat.core.access import can, get_for_user_or_404, permission_for
from secretariat.core.languages import session_languages
from secretariat.governance.models import AgendaItem, Document, Session
from secretariat.governance.selectors.documents import (
    VIEW_DOCUMENTS,
    DocumentRow,
    document_rows,
    files_prefetch,
)

MANAGE = "governance.manage_sessions"
# The agenda and documents change until the session closes (or is cancelled).
EDITABLE_STATES = (Session.State.DRAFT, Session.State.CONVENED, Session.State.OPEN)


@dataclass(frozen=True)
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


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class _Tree:
    """What numbering the agenda needs: items by parent, documents by item, later additions."""

    children: dict[int | None, list[AgendaItem]]
    documents: dict[int | None, list[Document]]
    added_later: set[int]

    def level(self, parent: AgendaItem | None, prefix: str, depth: int) -> list[AgendaEntry]:
        """The entries under `parent`, numbered; a withdrawn item (or one under a withdrawn
        item) has no number and does not count."""
        nodes = self.children[parent.pk if parent else None]
        numbers: list[str] = []
        count = 0
        for item in nodes:
            if item.withdrawn or (parent is not None and parent.withdrawn):
                numbers.append("")
            else:
                count += 1
                numbers.append(f"{prefix}{count}")
        active = [index for index, number in enumerate(numbers) if number]
        first, last = (active[0], active[-1]) if active else (-1, -1)
        return [
            AgendaEntry(
                item=item,
                number=number,
                depth=depth,
                documents=document_rows(self.documents.get(item.pk, [])),
                children=self.level(item, f"{number}.", 1) if depth == 0 else [],
                is_first=index == first,
                is_last=index == last,
                added_after_adoption=item.pk in self.added_later,
            )
            for index, (item, number) in enumerate(zip(nodes, numbers, strict=True))
        ]


def _documents_by_item(
    session: Session, *, include_restricted: bool, include_withdrawn: bool
) -> dict[int | None, list[Document]]:
    documents = Document.objects.filter(session=session).prefetch_related(files_prefetch())
    if not include_restricted:
        documents = documents.filter(restricted=False)
    if not include_withdrawn:
        documents = documents.filter(withdrawn_at__isnull=True)
    by_item: dict[int | None, list[Document]] = defaultdict(list)
    for document in documents.order_by("pk"):
        by_item[document.agenda_item_id].append(document)
    return by_item


def _added_after_adoption(session: Session) -> set[int]:
    """Items created after the agenda was adopted (from the items' history, one query)."""
    if session.agenda_adopted_at is None:
        return set()
    return set(
        AgendaItem.history.filter(
            session_id=session.pk,
            history_type="+",
            history_date__gt=session.agenda_adopted_at,
        ).values_list("id", flat=True)
    )


def agenda_tree(
    session: Session,
    *,
    include_documents: bool = True,
    include_restricted: bool = True,
    include_withdrawn_documents: bool = True,
) -> Agenda:
    """The session's agenda, numbered, with each item's documents and their latest files.

    Queries: items (1), documents and their files (2, unless `include_documents` is False),
    and once adopted the items added afterwards (1, from the items' history).
    """
    items = list(AgendaItem.objects.filter(session=session).order_by("position", "pk"))
    documents: dict[int | None, list[Document]] = {}
    if include_documents:
        documents = _documents_by_item(
            session,
            include_restricted=include_restricted,
            include_withdrawn=include_withdrawn_documents,
        )
    children: dict[int | None, list[AgendaItem]] = defaultdict(list)
    for item in items:
        children[item.parent_id].append(item)
    tree = _Tree(children, documents, _added_after_adoption(session))
    return Agenda(
        session=session,
        entries=tree.level(None, "", 0),
        loose_documents=document_rows(documents.get(None, [])),
    )


def item_choices(agenda: Agenda, *, top_level_only: bool = False) -> list[tuple[int, str]]:
    """(pk, "2.1 Title") of the items still on the agenda, for select boxes."""
    return [
        (entry.item.pk, f"{entry.number} {entry.item.title}")
        for entry in agenda.flat()
        if entry.number and (entry.depth == 0 or not top_level_only)
    ]


def item_labels(agenda: Agenda, *, top_level_only: bool = False) -> dict[int, str]:
    return dict(item_choices(agenda, top_level_only=top_level_only))


def session_items(session: Session) -> QuerySet[AgendaItem]:
    """The items still on the agenda (for validating a choice made in a form)."""
    return AgendaItem.objects.filter(session=session, withdrawn=False)


# --- Pages -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaPage:
    """The Secretariat's agenda page: the tree and what the user may do with it."""

    session: Session
    agenda: Agenda
    can_manage: bool
    editable: bool
    pdf_languages: list[str]


def agenda_page(*, user: Any, session: Session) -> AgendaPage:
    """The agenda with every document (the Secretariat reads them all)."""
    return AgendaPage(
        session=session,
        agenda=agenda_tree(session),
        can_manage=can(user, MANAGE),
        editable=session.state in EDITABLE_STATES,
        pdf_languages=session_languages(session.languages),
    )


def reads_restricted_documents(*, user: Any, session: Session) -> bool:
    """Whether the user gets the agenda with its restricted documents (the PDF): those who
    may read every document of the session; withdrawn documents are for no one."""
    return bool(user and user.is_authenticated and can(user, VIEW_DOCUMENTS, session))


# --- One item --------------------------------------------------------------------------------

AgendaItemAction = Literal["view", "manage"]
AGENDA_ITEM_ACTIONS: dict[str, str | None] = {
    "view": "governance.view_session",
    "manage": MANAGE,
}


def agenda_item_get_for_user(
    *, user: Any, pk: int, action: AgendaItemAction = "view"
) -> AgendaItem:
    """The one way to an agenda item, with its session, body and parent; 404 when it is
    missing or the user may not do `action` with it."""
    return get_for_user_or_404(
        AgendaItem.objects.select_related("session__body", "parent"),
        user=user,
        perm=permission_for(AGENDA_ITEM_ACTIONS, action),
        pk=pk,
    )
