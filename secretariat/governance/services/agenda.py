"""Every write to a session's agenda and documents: atomic, permission-checked, audited.

Rules enforced here (issue #4, "Agenda" and "Documents"):
- items are numbered by their order; sub-items go one level deep ("2.1"); a withdrawn item
  keeps its row (never deleted) and loses its number;
- the agenda can be reordered until the body adopts it; afterwards an item added to it needs
  a reason and is recorded as an addition to the adopted agenda, and texts may still be
  corrected (with a reason);
- documents are versioned, one file per language per version; a file is never replaced (a
  new upload is a new version or a missing language of the latest one);
- documents go to seat holders only until the session publishes them; then they are public
  unless restricted.
A closed or cancelled session's agenda and documents do not change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from secretariat.core.audit import diff, record_action, snapshot
from secretariat.core.languages import session_languages
from secretariat.core.models import User
from secretariat.governance.models import (
    LANGUAGE_CHOICES,
    AgendaItem,
    Document,
    DocumentFile,
    Session,
)
from secretariat.governance.services.common import (
    locked,
    require,
    require_reason,
    touch_session,
    with_reason,
)
from secretariat.governance.uploads import validate_document_file

MANAGE = "governance.manage_sessions"
LANGUAGE_CODES = [code for code, _label in LANGUAGE_CHOICES]
TEXT_FIELDS = [f"{name}_{lang}" for name in ("title", "description") for lang in LANGUAGE_CODES]
ITEM_FIELDS = ["parent", "position", *TEXT_FIELDS, "presenter", "outcome", "withdrawn"]
ITEM_EDITABLE = [*TEXT_FIELDS, "presenter", "outcome"]
DOCUMENT_FIELDS = [
    "agenda_item",
    "symbol",
    *[f"title_{lang}" for lang in LANGUAGE_CODES],
    "restricted",
    "withdrawn_at",
]
EDITABLE_STATES = (Session.State.DRAFT, Session.State.CONVENED, Session.State.OPEN)


# --- Helpers -------------------------------------------------------------------------------


def _when(moment: Any) -> str:
    """A date in the active language, for messages."""
    return formats.date_format(timezone.localtime(moment), "DATE_FORMAT")


def _open_session(session: Session) -> Session:
    """The session row again, locked (it serializes every change of its agenda), refused once
    the session is closed or cancelled."""
    session = locked(session)
    if session.state not in EDITABLE_STATES:
        raise ValidationError(
            _("The session is “%(state)s”: its agenda and documents can no longer change.")
            % {"state": session.get_state_display()}
        )
    return session


def _texts(values: Mapping[str, Any]) -> dict[str, str]:
    return {name: (values.get(name) or "").strip() for name in TEXT_FIELDS if name in values}


def _siblings(item: AgendaItem) -> list[AgendaItem]:
    return list(
        AgendaItem.objects.select_for_update()
        .filter(session_id=item.session_id, parent_id=item.parent_id)
        .order_by("position", "pk")
    )


def _renumber(ordered: list[AgendaItem], reason: str | None) -> None:
    """Give siblings the positions 1..n in the given order, saving only those that moved."""
    for index, sibling in enumerate(ordered, start=1):
        if sibling.position != index:
            sibling.position = index
            with_reason(sibling, reason)
            sibling.save(update_fields=["position"])


def _agenda_number(item: AgendaItem) -> str:
    """The item's current number ("2", "2.1"), as the action log records it."""

    def rank(node: AgendaItem) -> int:
        active = [
            s.pk
            for s in AgendaItem.objects.filter(
                session_id=node.session_id, parent_id=node.parent_id, withdrawn=False
            ).order_by("position", "pk")
        ]
        return active.index(node.pk) + 1 if node.pk in active else 0

    own = rank(item)
    if item.parent_id is None:
        return str(own)
    parent = AgendaItem.objects.get(pk=item.parent_id)
    return f"{rank(parent)}.{own}"


# --- Agenda items --------------------------------------------------------------------------


@transaction.atomic
def agenda_item_add(
    *,
    actor: User,
    session: Session,
    title_es: str,
    title_en: str = "",
    title_pt: str = "",
    title_fr: str = "",
    description_es: str = "",
    description_en: str = "",
    description_pt: str = "",
    description_fr: str = "",
    presenter: str = "",
    outcome: str = AgendaItem.Outcome.DISCUSSION,
    parent: AgendaItem | None = None,
    reason: str | None = None,
) -> AgendaItem:
    """Add an item at the end of its level (the agenda, or its parent's sub-items).

    Sub-items go one level deep. Once the agenda is adopted an addition needs a reason and
    is recorded as an addition to the adopted agenda.
    """
    require(actor, MANAGE, session)
    session = _open_session(session)
    adopted = session.agenda_adopted_at is not None
    if adopted:
        if not (reason or "").strip():
            raise ValidationError(
                {
                    "reason": _(
                        "The agenda was adopted on %(date)s: say why this item is added to it."
                    )
                    % {"date": _when(session.agenda_adopted_at)}
                }
            )
        reason = reason.strip()  # type: ignore[union-attr]  # checked just above
    if parent is not None:
        parent = AgendaItem.objects.select_for_update().get(pk=parent.pk)
        if parent.session_id != session.pk:
            raise ValidationError({"parent": _("That item belongs to another session.")})
        if parent.parent_id is not None:
            raise ValidationError(
                {
                    "parent": _(
                        "Sub-items go one level deep only: choose a numbered item, not a sub-item."
                    )
                }
            )
        if parent.withdrawn:
            raise ValidationError(
                {"parent": _("That item was withdrawn; sub-items cannot be added to it.")}
            )
    texts = _texts(
        {
            "title_es": title_es,
            "title_en": title_en,
            "title_pt": title_pt,
            "title_fr": title_fr,
            "description_es": description_es,
            "description_en": description_en,
            "description_pt": description_pt,
            "description_fr": description_fr,
        }
    )
    if not texts.get("title_es"):
        raise ValidationError(
            {"title_es": _("Give the item's title in Spanish (the authoritative language).")}
        )
    last = AgendaItem.objects.filter(session=session, parent=parent).aggregate(top=Max("position"))[
        "top"
    ]
    item = AgendaItem(
        session=session,
        parent=parent,
        position=(last or 0) + 1,
        presenter=presenter.strip(),
        outcome=outcome,
        **texts,
    )
    item.full_clean()
    with_reason(item, reason)
    item.save()
    record_action(
        actor=actor,
        event="agenda.item_added_after_adoption" if adopted else "agenda.item_added",
        target=item,
        new={**snapshot(item, ITEM_FIELDS), "number": _agenda_number(item)},
        reason=reason,
    )
    touch_session(session)
    return item


@transaction.atomic
def agenda_item_update(
    *, actor: User, item: AgendaItem, data: Mapping[str, Any], reason: str | None = None
) -> AgendaItem:
    """Correct an item's texts, translations, presenter or expected outcome.

    Before adoption a reason is optional; once the agenda is adopted every change says why.
    """
    require(actor, MANAGE, item.session)
    session = _open_session(item.session)
    if session.agenda_adopted_at is not None:
        reason = require_reason(reason)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    before = snapshot(item, ITEM_EDITABLE)
    for name, value in _texts(data).items():
        setattr(item, name, value)
    if "presenter" in data:
        item.presenter = (data["presenter"] or "").strip()
    if "outcome" in data:
        item.outcome = data["outcome"]
    if not (getattr(item, "title_es", "") or "").strip():  # modeltranslation's column
        raise ValidationError(
            {"title_es": _("Give the item's title in Spanish (the authoritative language).")}
        )
    item.full_clean()
    old, new = diff(before, snapshot(item, ITEM_EDITABLE))
    if not new:
        return item
    with_reason(item, reason)
    item.save()
    record_action(
        actor=actor, event="agenda.item_updated", target=item, old=old, new=new, reason=reason
    )
    touch_session(session)
    return item


@transaction.atomic
def agenda_item_move(
    *,
    actor: User,
    item: AgendaItem,
    direction: str | None = None,
    to: int | None = None,
    reason: str | None = None,
) -> AgendaItem:
    """Move an item up or down among its siblings, or to a number (1 = first), and renumber
    them. Withdrawn siblings keep their place relative to the others but are not counted.

    Refused once the agenda is adopted: the body adopted that order.
    """
    require(actor, MANAGE, item.session)
    session = _open_session(item.session)
    if session.agenda_adopted_at is not None:
        raise ValidationError(
            _("The agenda was adopted on %(date)s; it can no longer be reordered.")
            % {"date": _when(session.agenda_adopted_at)}
        )
    siblings = _siblings(item)
    item = next(s for s in siblings if s.pk == item.pk)
    if item.withdrawn:
        raise ValidationError(_("A withdrawn item cannot be moved."))
    active = [s for s in siblings if not s.withdrawn]
    current = active.index(item)
    if direction == "up":
        target = current - 1
    elif direction == "down":
        target = current + 1
    elif direction is None and to is not None:
        target = to - 1
    else:
        raise ValidationError(_("Say where the item goes: up, down or a number."))
    if not 0 <= target < len(active):
        if direction == "up":
            raise ValidationError(_("The item is already the first of its level."))
        if direction == "down":
            raise ValidationError(_("The item is already the last of its level."))
        raise ValidationError(
            _("Choose a number between 1 and %(count)s.") % {"count": len(active)}
        )
    if target == current:
        return item
    old_number = _agenda_number(item)
    ordered = [s for s in siblings if s.pk != item.pk]
    anchor = active[target]
    at = ordered.index(anchor) + (1 if target > current else 0)
    ordered.insert(at, item)
    _renumber(ordered, reason)
    record_action(
        actor=actor,
        event="agenda.item_moved",
        target=item,
        old={"number": old_number},
        new={"number": _agenda_number(item)},
        reason=reason,
    )
    touch_session(session)
    return item


@transaction.atomic
def agenda_item_withdraw(*, actor: User, item: AgendaItem, reason: str | None) -> AgendaItem:
    """Withdraw an item (and its sub-items): it stays on record, struck and without number."""
    require(actor, MANAGE, item.session)
    reason = require_reason(reason)
    session = _open_session(item.session)
    item = AgendaItem.objects.select_for_update().get(pk=item.pk)
    if item.withdrawn:
        raise ValidationError(_("This item was already withdrawn."))
    number = _agenda_number(item)
    children = list(AgendaItem.objects.select_for_update().filter(parent=item, withdrawn=False))
    for node in [item, *children]:
        node.withdrawn = True
        with_reason(node, reason)
        node.save(update_fields=["withdrawn"])
    record_action(
        actor=actor,
        event="agenda.item_withdrawn",
        target=item,
        old={"number": number, "withdrawn": False},
        new={"withdrawn": True, "sub_items_withdrawn": [c.pk for c in children]},
        reason=reason,
    )
    touch_session(session)
    return item


@transaction.atomic
def agenda_adopt(*, actor: User, session: Session, reason: str | None = "") -> Session:
    """Record that the body adopted its agenda (once): from then on its order is fixed."""
    require(actor, MANAGE, session)
    session = _open_session(session)
    if session.agenda_adopted_at is not None:
        raise ValidationError(
            _("The agenda was already adopted on %(date)s.")
            % {"date": _when(session.agenda_adopted_at)}
        )
    if not AgendaItem.objects.filter(session=session, withdrawn=False).exists():
        raise ValidationError(_("The agenda has no items: add them before adopting it."))
    session.agenda_adopted_at = timezone.now()
    with_reason(session, reason)
    session.save(update_fields=["agenda_adopted_at"])
    record_action(
        actor=actor,
        event="agenda.adopted",
        target=session,
        new={"agenda_adopted_at": session.agenda_adopted_at},
        reason=reason,
    )
    touch_session(session)
    return session


# --- Documents -----------------------------------------------------------------------------


def _initials(code: str) -> str:
    return "".join(part[0] for part in re.split(r"[-_\s]+", code) if part).upper() or "X"


def _next_symbol(session: Session) -> str:
    """ "XXXI/GA/DOC/3": the session's number, the body's initials and the next free number."""
    prefix = f"{session.roman_number}/{_initials(session.body.code)}/DOC/"
    taken = {
        s.upper() for s in Document.objects.filter(session=session).values_list("symbol", flat=True)
    }
    n = Document.objects.filter(session=session).count() + 1
    while f"{prefix}{n}".upper() in taken:
        n += 1
    return f"{prefix}{n}"


def _check_files(session: Session, files: Mapping[str, UploadedFile[bytes]]) -> dict[str, str]:
    """Validate every upload before anything is written; content types by language."""
    languages = session_languages(session.languages)
    errors: dict[str, list[ValidationError]] = {}
    types: dict[str, str] = {}
    for lang, upload in files.items():
        if lang not in languages:
            errors.setdefault(f"file_{lang}", []).append(
                ValidationError(_("This session does not work in that language."))
            )
            continue
        try:
            types[lang] = validate_document_file(upload)
        except ValidationError as exc:
            errors.setdefault(f"file_{lang}", []).append(exc)
    if errors:
        raise ValidationError(errors)
    return types


def _save_files(
    *,
    actor: User,
    document: Document,
    version: int,
    files: Mapping[str, UploadedFile[bytes]],
    types: Mapping[str, str],
    note: str,
) -> list[DocumentFile]:
    saved = []
    for lang in LANGUAGE_CODES:
        if lang not in files:
            continue
        upload = files[lang]
        name = (upload.name or "file").replace("/", "_").replace("\\", "_")[-255:]
        row = DocumentFile(
            document=document,
            version=version,
            language=lang,
            original_name=name,
            size=upload.size or 0,
            content_type=types[lang],
            note=note[:300],
            uploaded_by=actor,
        )
        row.full_clean(exclude=["file"])  # the one-file-per-version-and-language constraint
        row.file.save(name, upload, save=False)
        row.save()
        saved.append(row)
    return saved


def _files_summary(rows: list[DocumentFile]) -> dict[str, Any]:
    return {row.language: {"name": row.original_name, "size": row.size} for row in rows}


def _check_item(session: Session, agenda_item: AgendaItem | None) -> None:
    if agenda_item is None:
        return
    if agenda_item.session_id != session.pk:
        raise ValidationError({"agenda_item": _("That item belongs to another session.")})
    if agenda_item.withdrawn:
        raise ValidationError({"agenda_item": _("That item was withdrawn.")})


@transaction.atomic
def document_add(
    *,
    actor: User,
    session: Session,
    title_es: str,
    title_en: str = "",
    title_pt: str = "",
    title_fr: str = "",
    agenda_item: AgendaItem | None = None,
    symbol: str = "",
    restricted: bool = False,
    files: Mapping[str, UploadedFile[bytes]] | None = None,
    note: str = "",
) -> Document:
    """Register a session document and its first version (one file per language)."""
    require(actor, MANAGE, session)
    session = _open_session(session)
    files = dict(files or {})
    types = _check_files(session, files)
    _check_item(session, agenda_item)
    titles = {
        "title_es": title_es.strip(),
        "title_en": title_en.strip(),
        "title_pt": title_pt.strip(),
        "title_fr": title_fr.strip(),
    }
    if not titles["title_es"]:
        raise ValidationError(
            {"title_es": _("Give the document's title in Spanish (the authoritative language).")}
        )
    symbol = symbol.strip()
    if symbol:
        if Document.objects.filter(session=session, symbol__iexact=symbol).exists():
            raise ValidationError(
                {"symbol": _("Another document of this session has this symbol.")}
            )
    else:
        symbol = _next_symbol(session)
    document = Document(
        session=session,
        agenda_item=agenda_item,
        symbol=symbol,
        restricted=restricted,
        created_by=actor,
        **titles,
    )
    document.full_clean()
    with_reason(document, note)
    document.save()
    rows = _save_files(
        actor=actor, document=document, version=1, files=files, types=types, note=note.strip()
    )
    record_action(
        actor=actor,
        event="document.added",
        target=document,
        new={**snapshot(document, DOCUMENT_FIELDS), "version": 1, "files": _files_summary(rows)},
        reason=note.strip(),
    )
    touch_session(session)
    return document


@transaction.atomic
def document_upload(
    *,
    actor: User,
    document: Document,
    files: Mapping[str, UploadedFile[bytes]],
    note: str = "",
    new_version: bool = False,
) -> list[DocumentFile]:
    """Upload files of a document: a new version (the previous ones stay downloadable), or the
    languages still missing from the latest version. A file is never replaced."""
    require(actor, MANAGE, document.session)
    session = _open_session(document.session)
    document = locked(document)
    if document.withdrawn_at is not None:
        raise ValidationError(_("This document was withdrawn; no file can be added to it."))
    files = dict(files or {})
    if not files:
        raise ValidationError({"files": _("Choose at least one file to upload.")})
    types = _check_files(session, files)
    latest = DocumentFile.objects.filter(document=document).aggregate(top=Max("version"))["top"]
    if new_version or not latest:
        version = (latest or 0) + 1
    else:
        version = latest
        present = set(
            DocumentFile.objects.filter(document=document, version=version).values_list(
                "language", flat=True
            )
        )
        clashes = {
            f"file_{lang}": _(
                "Version %(version)s already has a file in %(language)s: "
                "upload it as a new version."
            )
            % {"version": version, "language": dict(LANGUAGE_CHOICES)[lang]}
            for lang in files
            if lang in present
        }
        if clashes:
            raise ValidationError(clashes)
    rows = _save_files(
        actor=actor,
        document=document,
        version=version,
        files=files,
        types=types,
        note=note.strip(),
    )
    record_action(
        actor=actor,
        event="document.version_added" if version > (latest or 0) else "document.files_added",
        target=document,
        new={"version": version, "files": _files_summary(rows)},
        reason=note.strip(),
    )
    touch_session(session)
    return rows


@transaction.atomic
def document_withdraw(*, actor: User, document: Document, reason: str | None) -> Document:
    """Withdraw a document: it stays on record (and its files for those who may read it), no
    longer offered for the session, never public."""
    require(actor, MANAGE, document.session)
    reason = require_reason(reason)
    session = _open_session(document.session)
    document = locked(document)
    if document.withdrawn_at is not None:
        raise ValidationError(_("This document was already withdrawn."))
    document.withdrawn_at = timezone.now()
    with_reason(document, reason)
    document.save(update_fields=["withdrawn_at"])
    record_action(
        actor=actor,
        event="document.withdrawn",
        target=document,
        new={"withdrawn_at": document.withdrawn_at},
        reason=reason,
    )
    touch_session(session)
    return document


@transaction.atomic
def documents_publish(*, actor: User, session: Session, reason: str | None = "") -> Session:
    """Publish the session's documents: from now on anyone may read those not restricted.

    A session still in preparation is not public, so neither are its documents; a closed
    session may still publish them (documents are often published afterwards).
    """
    require(actor, MANAGE, session)
    session = locked(session)
    if session.state == Session.State.CANCELLED:
        raise ValidationError(_("The session was cancelled; its documents are not published."))
    if session.state == Session.State.DRAFT:
        raise ValidationError(_("Convene the session before publishing its documents."))
    if session.documents_published_at is not None:
        raise ValidationError(
            _("The documents were already published on %(date)s.")
            % {"date": _when(session.documents_published_at)}
        )
    session.documents_published_at = timezone.now()
    with_reason(session, reason)
    session.save(update_fields=["documents_published_at"])
    record_action(
        actor=actor,
        event="documents.published",
        target=session,
        new={"documents_published_at": session.documents_published_at},
        reason=reason,
    )
    touch_session(session)
    return session
