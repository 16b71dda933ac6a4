"""The documents services (services/documents.py): versioned per-language files,
uploads checked by content, withdrawal, publication, audit."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from secretariat.core.models import ActionLog
from secretariat.governance.models import Document, DocumentFile, Session
from secretariat.governance.selectors.agenda import agenda_tree
from secretariat.governance.services import documents as document_services
from secretariat.governance.tests.helpers import add_item as add
from secretariat.governance.tests.helpers import agenda_session as make_session
from secretariat.governance.tests.helpers import docx_file, pdf_file
from secretariat.governance.uploads import validate_document_file


@pytest.fixture
def ga(session_world) -> Session:
    return make_session(session_world.assembly)


# --- Documents ---------------------------------------------------------------------------------


def test_it_gives_documents_a_symbol_in_the_session_series(ga, officer):
    first = document_services.document_add(actor=officer, session=ga, title_es="Informe")
    second = document_services.document_add(actor=officer, session=ga, title_es="Presupuesto")
    assert (first.symbol, second.symbol) == ("XXXI/GA/DOC/1", "XXXI/GA/DOC/2")
    with pytest.raises(ValidationError) as error:
        document_services.document_add(
            actor=officer, session=ga, title_es="Otro", symbol="xxxi/ga/doc/1"
        )
    assert "symbol" in error.value.message_dict


def test_it_keeps_every_version_and_one_file_per_language(ga, officer):
    # given: version 1 in Spanish and English
    item = add(officer, ga, "Informe")
    document = document_services.document_add(
        actor=officer,
        session=ga,
        title_es="Informe del Secretario General",
        title_en="Report of the Secretary General",
        agenda_item=item,
        files={"es": pdf_file("informe.pdf"), "en": docx_file("report.docx")},
        note="Draft",
    )
    v1 = {f.language: f for f in document.files.all()}
    assert set(v1) == {"es", "en"} and {f.version for f in v1.values()} == {1}
    assert v1["en"].content_type.endswith("wordprocessingml.document")
    # when: version 2 in Spanish only
    document_services.document_upload(
        actor=officer, document=document, files={"es": pdf_file("informe-v2.pdf")}, new_version=True
    )
    # then: English stays current from version 1 until version 2 has its own
    current = agenda_tree(ga).entries[0].documents[0].current_files
    assert [(f.language, f.version) for f in current] == [("es", 2), ("en", 1)]
    # the same language in the same version is refused, nothing replaced
    with pytest.raises(ValidationError) as error:
        document_services.document_upload(
            actor=officer, document=document, files={"es": pdf_file("otra.pdf")}
        )
    assert "Version 2 already has a file in Español" in error.value.message_dict["file_es"][0]
    # the missing language is added to the latest version
    document_services.document_upload(
        actor=officer, document=document, files={"en": pdf_file("report-v2.pdf")}
    )
    rows = sorted(DocumentFile.objects.filter(document=document).values_list("version", "language"))
    assert rows == [(1, "en"), (1, "es"), (2, "en"), (2, "es")]
    for row in DocumentFile.objects.filter(document=document):
        assert row.file.storage.exists(row.file.name)  # version 1 is still there
    events = list(
        ActionLog.objects.filter(target_id=str(document.pk), event__startswith="document.")
        .order_by("pk")
        .values_list("event", flat=True)
    )
    assert events == ["document.added", "document.version_added", "document.files_added"]
    # the agenda shows the current file of each language under the item
    row = agenda_tree(ga).entries[0].documents[0]
    assert row.latest_version == 2 and row.version_count == 2
    assert [f.original_name for f in row.current_files] == ["informe-v2.pdf", "report-v2.pdf"]


def test_it_refuses_a_file_of_the_wrong_type_and_saves_nothing(ga, officer, settings):
    fake = SimpleUploadedFile("informe.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    exe = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", "application/octet-stream")
    with pytest.raises(ValidationError) as error:
        document_services.document_add(
            actor=officer, session=ga, title_es="Informe", files={"es": fake, "en": exe}
        )
    errors = error.value.message_dict
    assert "is not what its name says" in errors["file_es"][0]
    assert "only PDF, Word (.docx)" in errors["file_en"][0]
    assert not Document.objects.exists() and not DocumentFile.objects.exists()
    assert not ActionLog.objects.filter(event__startswith="document.").exists()
    media = settings.MEDIA_ROOT
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


@pytest.mark.parametrize(
    ("name", "content", "ok"),
    [
        ("a.pdf", b"%PDF-1.7 x", True),
        ("a.png", b"\x89PNG\r\n\x1a\n...", True),
        ("a.jpg", b"\xff\xd8\xff\xe0 x", True),
        ("a.docx", b"PK\x03\x04 not really a zip", False),
        ("a.xlsx", b"%PDF-1.7 pretending", False),
        ("a.txt", b"hello", False),
        ("a.pdf", b"", False),
    ],
)
def test_it_checks_uploads_by_content(name, content, ok):
    upload = SimpleUploadedFile(name, content)
    if ok:
        assert validate_document_file(upload)
    else:
        with pytest.raises(ValidationError):
            validate_document_file(upload)


def test_it_tells_office_formats_apart_by_their_content():
    # a Word file renamed .xlsx is refused; the real thing is accepted
    with pytest.raises(ValidationError):
        validate_document_file(docx_file("budget.xlsx"))
    assert validate_document_file(docx_file("report.docx")).endswith("document")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office/>")
    odt = SimpleUploadedFile("acta.odt", buffer.getvalue())
    assert validate_document_file(odt) == "application/vnd.oasis.opendocument.text"


def test_it_refuses_files_in_a_language_the_session_does_not_use(ga, officer):
    with pytest.raises(ValidationError) as error:
        document_services.document_add(
            actor=officer, session=ga, title_es="Informe", files={"fr": pdf_file()}
        )
    assert "file_fr" in error.value.message_dict


def test_it_withdraws_a_document_without_deleting_it(ga, officer):
    document = document_services.document_add(
        actor=officer, session=ga, title_es="Informe", files={"es": pdf_file()}
    )
    with pytest.raises(ValidationError):
        document_services.document_withdraw(actor=officer, document=document, reason="")
    document_services.document_withdraw(actor=officer, document=document, reason="Superseded")
    document.refresh_from_db()
    assert document.withdrawn_at is not None and document.files.count() == 1
    with pytest.raises(ValidationError, match="withdrawn"):
        document_services.document_upload(
            actor=officer, document=document, files={"en": pdf_file()}
        )


def test_it_publishes_documents_of_a_convened_session_once(session_world, officer):
    draft = make_session(session_world.assembly, number=32)
    with pytest.raises(ValidationError, match="Convene the session"):
        document_services.documents_publish(actor=officer, session=draft)
    convened = make_session(session_world.assembly, number=33, state=Session.State.CONVENED)
    document_services.documents_publish(actor=officer, session=convened, reason="Ten days before")
    convened = Session.objects.get(pk=convened.pk)
    assert convened.documents_published_at <= timezone.now()
    assert ActionLog.objects.get(event="documents.published").target_id == str(convened.pk)
    with pytest.raises(ValidationError, match="already published"):
        document_services.documents_publish(actor=officer, session=convened)
