"""Documents built once per version of their record, in the background (decision 0006).

`document_request` finds the document of a record's version in a language, or records it
as pending and has the worker build it once the caller's transaction commits; the worker's
`document_build` builds it with the kind's registered builder and stores it. A version
never changes once built: a changed record is a new version, built when first asked for.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from functools import partial

from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.utils import timezone

from secretariat.core import documents
from secretariat.core.models import GeneratedDocument

logger = logging.getLogger(__name__)

# A failed document is tried again when asked for, at most this often.
RETRY_AFTER = dt.timedelta(minutes=1)


def _enqueue(document_id: int) -> None:
    from secretariat.core.tasks import build_document

    build_document.enqueue(document_id)


def document_request(
    *, kind: str, target: models.Model, language: str, version: str, file_name: str
) -> GeneratedDocument:
    """The document of this version of `target` in `language`: built, being built, or now
    queued for the worker. Access to `target` is the caller's to check."""
    documents.kind(kind)  # an unknown kind is a programming error, raised here
    lookup = {
        "kind": kind,
        "target_type": target._meta.label_lower,
        "target_id": str(target.pk),
        "language": language,
        "version": version,
    }
    document = GeneratedDocument.objects.filter(**lookup).first()
    if document is None:
        document = _create(lookup, file_name)
    elif document.state == GeneratedDocument.State.FAILED and (
        document.built_at is None or timezone.now() - document.built_at > RETRY_AFTER
    ):
        _retry(document)
    else:
        return document
    if not transaction.get_connection().in_atomic_block:
        # Committed already: a backend that runs tasks at once (no worker) has built it.
        document.refresh_from_db()
    return document


def _create(lookup: dict[str, str], file_name: str) -> GeneratedDocument:
    try:
        with transaction.atomic():
            document = GeneratedDocument.objects.create(**lookup, file_name=file_name)
    except IntegrityError:  # asked for twice at once: the other request created it
        return GeneratedDocument.objects.get(**lookup)
    transaction.on_commit(partial(_enqueue, document.pk))
    return document


def _retry(document: GeneratedDocument, *, state: str = GeneratedDocument.State.FAILED) -> None:
    updated = GeneratedDocument.objects.filter(pk=document.pk, state=state).update(
        state=GeneratedDocument.State.PENDING, requested_at=timezone.now()
    )
    if updated:
        document.state = GeneratedDocument.State.PENDING
        transaction.on_commit(partial(_enqueue, document.pk))


def document_rebuild(*, document: GeneratedDocument) -> GeneratedDocument:
    """A ready document whose file is gone from storage (storage restored from an older
    backup, a volume lost): built again, as if asked for the first time."""
    with transaction.atomic():
        _retry(document, state=GeneratedDocument.State.READY)
    document.refresh_from_db()
    return document


def documents_prune(*, older_than: dt.timedelta) -> int:
    """Delete the files and rows of superseded versions not asked for in `older_than`:
    a version is kept while it is the latest of its document (kind, record, language).
    Built documents are copies of records, never records: the records stay."""
    cutoff = timezone.now() - older_than
    latest = (
        GeneratedDocument.objects.filter(
            kind=models.OuterRef("kind"),
            target_type=models.OuterRef("target_type"),
            target_id=models.OuterRef("target_id"),
            language=models.OuterRef("language"),
        )
        .order_by("-requested_at", "-pk")
        .values("pk")[:1]
    )
    stale = GeneratedDocument.objects.filter(requested_at__lt=cutoff).exclude(
        pk=models.Subquery(latest)
    )
    removed = 0
    for document in stale.iterator():
        if document.file:
            document.file.delete(save=False)
        document.delete()
        removed += 1
    return removed


def document_build(*, document_id: int) -> GeneratedDocument | None:
    """Build and store a pending document (the worker's task); None when there is nothing
    to do (already built, or gone)."""
    document = GeneratedDocument.objects.filter(
        pk=document_id, state=GeneratedDocument.State.PENDING
    ).first()
    if document is None:
        return None
    registered = documents.kind(document.kind)
    document.attempts += 1
    try:
        content = registered.build(document.target_id, document.language)
    except Exception as exc:  # recorded and shown; asked for again, it is tried again
        logger.exception("Building %s %s failed", document.kind, document.pk)
        document.state = GeneratedDocument.State.FAILED
        document.error = f"{type(exc).__name__}: {exc}"[:2000]
        document.built_at = timezone.now()
        document.save(update_fields=["state", "error", "built_at", "attempts"])
        return document
    document.file.save(document.file_name, ContentFile(content), save=False)
    document.content_type = registered.content_type
    document.size = len(content)
    document.sha256 = hashlib.sha256(content).hexdigest()
    document.state = GeneratedDocument.State.READY
    document.built_at = timezone.now()
    document.error = ""
    document.save()
    return document
