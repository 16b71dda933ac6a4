"""Every write to a session's documents: atomic, permission-checked, audited.

Rules enforced here (issue #4, "Documents"):
- documents are versioned, one file per language per version; a file is never replaced (a
  new upload is a new version or a missing language of the latest one);
- documents go to seat holders only until the session publishes them; then they are public
  unless restricted.
A closed or cancelled session's agenda and documents do not change.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, TypeAlias

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from secretariat.core.access import require, require_reason
from secretariat.core.audit import locked, record_action, save_audited, snapshot
from secretariat.core.languages import AUTONYMS, CONTENT_LANGUAGES, session_languages
from secretariat.core.models import User
from secretariat.governance.models import AgendaItem, Document, DocumentFile, Session
from secretariat.governance.services.agenda import open_session, when
from secretariat.governance.services.common import touch_session
from secretariat.governance.uploads import validate_document_file

MANAGE = "governance.manage_sessions"
DOCUMENT_FIELDS = [
    "agenda_item",
    "symbol",
    *[f"title_{lang}" for lang in CONTENT_LANGUAGES],
    "restricted",
    "withdrawn_at",
]
Uploads: TypeAlias = "Mapping[str, UploadedFile[bytes]]"  # django-stubs' generic, not at run time


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


def _symbol(session: Session, symbol: str) -> str:
    """The symbol given, if no other document of the session has it; else the next one."""
    symbol = symbol.strip()
    if not symbol:
        return _next_symbol(session)
    if Document.objects.filter(session=session, symbol__iexact=symbol).exists():
        raise ValidationError({"symbol": _("Another document of this session has this symbol.")})
    return symbol


def _check_files(session: Session, files: Uploads) -> dict[str, str]:
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


def _stored_name(upload: UploadedFile[bytes]) -> str:
    return (upload.name or "file").replace("/", "_").replace("\\", "_")[-255:]


def _files_summary(files: Uploads) -> dict[str, Any]:
    """What the action log records of the uploads, in the languages' order."""
    return {
        lang: {"name": _stored_name(files[lang]), "size": files[lang].size or 0}
        for lang in CONTENT_LANGUAGES
        if lang in files
    }


def _save_files(
    *,
    actor: User,
    document: Document,
    version: int,
    files: Uploads,
    types: Mapping[str, str],
    note: str,
) -> list[DocumentFile]:
    """One new row per file (files are never replaced, so they carry no history of their own:
    the document's action-log entry lists them)."""
    saved = []
    for lang in CONTENT_LANGUAGES:
        if lang not in files:
            continue
        upload = files[lang]
        name = _stored_name(upload)
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
    files: Uploads | None = None,
    note: str = "",
) -> Document:
    """Register a session document and its first version (one file per language)."""
    require(actor, MANAGE, session)
    session = open_session(session)
    files = dict(files or {})
    types = _check_files(session, files)
    _check_item(session, agenda_item)
    if not title_es.strip():
        raise ValidationError(
            {"title_es": _("Give the document's title in Spanish (the authoritative language).")}
        )
    document = Document(
        session=session,
        agenda_item=agenda_item,
        symbol=_symbol(session, symbol),
        restricted=restricted,
        created_by=actor,
        title_es=title_es.strip(),
        title_en=title_en.strip(),
        title_pt=title_pt.strip(),
        title_fr=title_fr.strip(),
    )
    document.full_clean()
    save_audited(
        document,
        actor=actor,
        event="document.added",
        reason=note.strip(),
        new={
            **snapshot(document, DOCUMENT_FIELDS),
            "version": 1,
            "files": _files_summary(files),
        },
        clean=False,
    )
    _save_files(
        actor=actor, document=document, version=1, files=files, types=types, note=note.strip()
    )
    touch_session(session)
    return document


def _upload_version(document: Document, files: Uploads, new_version: bool) -> tuple[int, int]:
    """(the version the files go to, the latest before): a new one, or the latest when the
    files are languages it does not have yet (a file is never replaced)."""
    latest = DocumentFile.objects.filter(document=document).aggregate(top=Max("version"))["top"]
    if new_version or not latest:
        return (latest or 0) + 1, latest or 0
    present = set(
        DocumentFile.objects.filter(document=document, version=latest).values_list(
            "language", flat=True
        )
    )
    clashes = {
        f"file_{lang}": _(
            "Version %(version)s already has a file in %(language)s: upload it as a new version."
        )
        % {"version": latest, "language": AUTONYMS[lang]}
        for lang in files
        if lang in present
    }
    if clashes:
        raise ValidationError(clashes)
    return latest, latest


@transaction.atomic
def document_upload(
    *,
    actor: User,
    document: Document,
    files: Uploads,
    note: str = "",
    new_version: bool = False,
) -> list[DocumentFile]:
    """Upload files of a document: a new version (the previous ones stay downloadable), or the
    languages still missing from the latest version. A file is never replaced."""
    require(actor, MANAGE, document.session)
    session = open_session(document.session)
    document = locked(document)
    if document.withdrawn_at is not None:
        raise ValidationError(_("This document was withdrawn; no file can be added to it."))
    files = dict(files or {})
    if not files:
        raise ValidationError({"files": _("Choose at least one file to upload.")})
    types = _check_files(session, files)
    version, latest = _upload_version(document, files, new_version)
    rows = _save_files(
        actor=actor, document=document, version=version, files=files, types=types, note=note.strip()
    )
    record_action(  # the document itself does not change: its new files are the record
        actor=actor,
        event="document.version_added" if version > latest else "document.files_added",
        target=document,
        new={"version": version, "files": _files_summary(files)},
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
    session = open_session(document.session)
    document = locked(document)
    if document.withdrawn_at is not None:
        raise ValidationError(_("This document was already withdrawn."))
    document.withdrawn_at = timezone.now()
    save_audited(
        document,
        actor=actor,
        event="document.withdrawn",
        reason=reason,
        new={"withdrawn_at": document.withdrawn_at},
        clean=False,  # only the withdrawal is recorded
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
            % {"date": when(session.documents_published_at)}
        )
    session.documents_published_at = timezone.now()
    save_audited(
        session,
        actor=actor,
        event="documents.published",
        reason=reason,
        new={"documents_published_at": session.documents_published_at},
        clean=False,  # only the publication is recorded
    )
    touch_session(session)
    return session
