"""Documents built once per version of their record, in the background, stored and served
from storage (decision 0006)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from secretariat.core import documents
from secretariat.core.models import GeneratedDocument
from secretariat.core.services.documents import document_request

pytestmark = pytest.mark.django_db

BUILT: list[tuple[str, str]] = []


def _build(target_id: str, language: str) -> bytes:
    BUILT.append((target_id, language))
    if language == "fr":
        raise RuntimeError("no French template")
    return f"%PDF-1.4 record {target_id} in {language}".encode()


@pytest.fixture(autouse=True)
def kind():
    documents.register("core.test", _build)
    BUILT.clear()


def ask(target, *, language="es", version="r1"):
    return document_request(
        kind="core.test", target=target, language=language, version=version, file_name="doc.pdf"
    )


def test_it_is_pending_until_the_worker_builds_it(officer, django_capture_on_commit_callbacks):
    # when
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = ask(officer)
    # then
    assert document.state == GeneratedDocument.State.PENDING and BUILT == []
    # when: the transaction commits, the (immediate) worker builds it
    for callback in callbacks:
        callback()
    document.refresh_from_db()
    content = f"%PDF-1.4 record {officer.pk} in es".encode()
    assert document.state == GeneratedDocument.State.READY
    assert document.file.read() == content and document.size == len(content)
    assert document.sha256 == hashlib.sha256(content).hexdigest()


def test_a_version_is_built_once(officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = ask(officer)
    with django_capture_on_commit_callbacks(execute=True):
        again = ask(officer)
    assert again.pk == first.pk and [(str(officer.pk), "es")] == BUILT
    # a new version of the record, or another language, is another document
    with django_capture_on_commit_callbacks(execute=True):
        ask(officer, version="r2")
        ask(officer, language="en")
    assert GeneratedDocument.objects.count() == 3 and len(BUILT) == 3


def test_a_failure_is_recorded_and_tried_again_when_asked_after_a_minute(
    officer, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        document = ask(officer, language="fr")
    document.refresh_from_db()
    # then
    assert document.state == GeneratedDocument.State.FAILED
    assert "RuntimeError: no French template" in document.error
    # asked again at once: not rebuilt
    with django_capture_on_commit_callbacks(execute=True):
        assert ask(officer, language="fr").state == GeneratedDocument.State.FAILED
    assert len(BUILT) == 1
    # a minute later: tried again
    GeneratedDocument.objects.filter(pk=document.pk).update(
        built_at=timezone.now() - dt.timedelta(minutes=2)
    )
    with django_capture_on_commit_callbacks(execute=True):
        ask(officer, language="fr")
    assert len(BUILT) == 2


def test_an_unknown_kind_is_a_programming_error(officer):
    with pytest.raises(LookupError):
        document_request(kind="nope", target=officer, language="es", version="1", file_name="x")


@pytest.mark.django_db(transaction=True)
def test_the_database_worker_builds_a_requested_document(settings, officer):
    # given: the production queue
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    with transaction.atomic():
        document = ask(officer)
    assert BUILT == []
    # when
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
    # then
    document.refresh_from_db()
    assert document.state == GeneratedDocument.State.READY and [(str(officer.pk), "es")] == BUILT


# --- The answer a page gives -------------------------------------------------------------


def respond(document, **headers):
    request = RequestFactory().get("/es/x.pdf", headers=headers)
    request.user = None
    return documents.document_response(request, document, title="Acta")


def test_a_pending_document_says_so_and_follows_itself(officer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        document = ask(officer)
    # a page (202) that htmx keeps asking about
    page = respond(document)
    html = page.content.decode()
    assert page.status_code == 202 and page["Cache-Control"] == "no-store"
    assert "is being prepared" in html and 'hx-get="/es/x.pdf"' in html and 'role="status"' in html
    # htmx's follow-up gets the fragment only
    fragment = respond(document, HX_Request="true")
    assert fragment.status_code == 200 and b"<html" not in fragment.content
    # long pending: the page says the worker may be stopped
    GeneratedDocument.objects.filter(pk=document.pk).update(
        requested_at=timezone.now() - dt.timedelta(minutes=5)
    )
    document.refresh_from_db()
    assert "background worker may be stopped" in respond(document).content.decode()


def test_a_ready_document_is_served_from_storage_with_its_etag(
    officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = ask(officer)
    document.refresh_from_db()
    response = respond(document)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert response["ETag"] == f'"{document.sha256}"'
    # the same version again: not modified
    assert respond(document, If_None_Match=response["ETag"]).status_code == 304
    # htmx following a pending page: sent on to the file
    followed = respond(document, HX_Request="true")
    assert followed.status_code == 204 and followed["HX-Redirect"] == "/es/x.pdf"


def test_a_failed_document_says_it_could_not_be_prepared(
    officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = ask(officer, language="fr")
    document.refresh_from_db()
    html = respond(document).content.decode()
    assert "could not be prepared" in html and "hx-get" not in html


def test_a_lost_file_is_built_again_when_asked_for(officer, django_capture_on_commit_callbacks):
    # given: a ready document whose file has gone from storage
    with django_capture_on_commit_callbacks(execute=True):
        document = ask(officer)
    document.refresh_from_db()
    document.file.storage.delete(document.file.name)
    # when: asked for, the reader gets the "being prepared" page and the build is queued
    with django_capture_on_commit_callbacks(execute=True):
        response = respond(document)
    # then
    assert response.status_code == 202
    document.refresh_from_db()
    assert document.state == GeneratedDocument.State.READY and document.file.read().startswith(
        b"%PDF"
    )
    assert len(BUILT) == 2


def test_superseded_versions_are_pruned_and_the_latest_kept(
    officer, django_capture_on_commit_callbacks
):
    # given: three versions in Spanish, one in English, asked for 40 days ago
    with django_capture_on_commit_callbacks(execute=True):
        for version in ("r1", "r2", "r3"):
            ask(officer, version=version)
        ask(officer, language="en")
    GeneratedDocument.objects.update(requested_at=timezone.now() - dt.timedelta(days=40))
    GeneratedDocument.objects.filter(version="r3").update(
        requested_at=timezone.now() - dt.timedelta(days=39)
    )
    old_file = GeneratedDocument.objects.get(version="r1", language="es").file.name
    # when
    out = io.StringIO()
    call_command("prune_documents", "--days", "30", stdout=out)
    # then: r1 and r2 go (files too); the latest Spanish and the English stay
    assert "2 superseded" in out.getvalue()
    assert sorted(GeneratedDocument.objects.values_list("language", "version")) == [
        ("en", "r1"),
        ("es", "r3"),
    ]
    assert not GeneratedDocument.file.field.storage.exists(old_file)
