"""The agenda and documents services: numbering, reordering until adoption, sub-item depth,
versioned per-language files, uploads checked by content, publication, audit."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from secretariat.core.models import ActionLog
from secretariat.governance.models import AgendaItem, Document, DocumentFile, Session
from secretariat.governance.selectors.agenda import agenda_tree
from secretariat.governance.services import agenda as services
from secretariat.governance.services import documents as document_services
from secretariat.governance.uploads import validate_document_file

# --- Shapes shared by the agenda tests (imported by test_agenda_views) -----------------------


def make_session(body, *, number: int = 31, state: str | None = None, **extra) -> Session:
    session = Session.objects.create(
        body=body,
        kind=Session.Kind.ORDINARY,
        number=number,
        title_es=f"Sesión {number}",
        title_en=f"Session {number}",
        starts_at=dt.datetime(2024, 9, 10, 9, 0, tzinfo=dt.UTC),
        languages=["es", "en"],
        **extra,
    )
    if state is not None:
        # The FSM field is protected; tests put the row in the state they need.
        Session.objects.filter(pk=session.pk).update(state=state)
        session = Session.objects.get(pk=session.pk)
    return session


def pdf_file(name: str = "informe.pdf", body: bytes = b"report") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n" + body + b"\n%%EOF", "application/pdf")


def docx_file(name: str = "informe.docx") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue(), "application/octet-stream")


def numbers(session: Session) -> list[tuple[str, str]]:
    """(number, Spanish title) of every item in reading order; "" for withdrawn items."""
    return [(e.number, e.item.title_es) for e in agenda_tree(session).flat()]


@pytest.fixture
def ga(session_world) -> Session:
    return make_session(session_world.assembly)


def add(actor, session, title, **kwargs) -> AgendaItem:
    return services.agenda_item_add(actor=actor, session=session, title_es=title, **kwargs)


# --- Numbering ---------------------------------------------------------------------------------


def test_it_numbers_items_and_sub_items_and_skips_withdrawn_ones(ga, officer):
    # given
    opening = add(officer, ga, "Apertura")
    report = add(officer, ga, "Informe")
    add(officer, ga, "Informe financiero", parent=report)
    audit = add(officer, ga, "Auditoría", parent=report)
    add(officer, ga, "Clausura")
    assert numbers(ga) == [
        ("1", "Apertura"),
        ("2", "Informe"),
        ("2.1", "Informe financiero"),
        ("2.2", "Auditoría"),
        ("3", "Clausura"),
    ]
    # when
    services.agenda_item_withdraw(actor=officer, item=opening, reason="Merged into item 2")
    services.agenda_item_withdraw(actor=officer, item=audit, reason="Not ready")
    # then: withdrawn items stay, unnumbered; the others close ranks
    assert numbers(ga) == [
        ("", "Apertura"),
        ("1", "Informe"),
        ("1.1", "Informe financiero"),
        ("", "Auditoría"),
        ("2", "Clausura"),
    ]
    assert AgendaItem.objects.filter(session=ga).count() == 5  # never deleted
    log = ActionLog.objects.filter(event="agenda.item_withdrawn").order_by("pk").first()
    assert log.reason == "Merged into item 2" and log.old_values["number"] == "1"


def test_it_withdraws_the_sub_items_with_their_item(ga, officer):
    report = add(officer, ga, "Informe")
    child = add(officer, ga, "Anexo", parent=report)
    services.agenda_item_withdraw(actor=officer, item=report, reason="Postponed")
    child.refresh_from_db()
    assert child.withdrawn is True
    assert numbers(ga) == [("", "Informe"), ("", "Anexo")]


def test_it_keeps_sub_items_one_level_deep(ga, session_world, officer):
    # given
    report = add(officer, ga, "Informe")
    child = add(officer, ga, "Anexo", parent=report)
    other = make_session(session_world.committee, number=90)
    foreign = add(officer, other, "Otro")
    # when / then
    with pytest.raises(ValidationError) as deep:
        add(officer, ga, "Sub-sub", parent=child)
    assert "one level deep" in str(deep.value.message_dict["parent"])
    with pytest.raises(ValidationError) as elsewhere:
        add(officer, ga, "Ajeno", parent=foreign)
    assert "another session" in str(elsewhere.value.message_dict["parent"])
    assert AgendaItem.objects.filter(session=ga).count() == 2


def test_it_requires_the_spanish_title(ga, officer):
    with pytest.raises(ValidationError) as error:
        services.agenda_item_add(actor=officer, session=ga, title_es=" ", title_en="Opening")
    assert "title_es" in error.value.message_dict
    assert not AgendaItem.objects.exists()


def test_it_refuses_agenda_changes_to_those_who_do_not_manage_sessions(ga, comptroller, rep_a):
    for actor in (comptroller, rep_a):
        with pytest.raises(PermissionDenied):
            add(actor, ga, "Apertura")
    assert not AgendaItem.objects.exists()


def test_it_refuses_changes_once_the_session_is_closed(session_world, officer):
    closed = make_session(session_world.assembly, number=29, state=Session.State.CLOSED)
    with pytest.raises(ValidationError) as error:
        add(officer, closed, "Tarde")
    assert "can no longer change" in error.value.messages[0]


# --- Reordering --------------------------------------------------------------------------------


def test_it_moves_items_up_and_down_and_renumbers_their_level(ga, officer):
    # given
    a = add(officer, ga, "A")
    b = add(officer, ga, "B")
    c = add(officer, ga, "C")
    b1 = add(officer, ga, "B1", parent=b)
    b2 = add(officer, ga, "B2", parent=b)
    # when
    services.agenda_item_move(actor=officer, item=c, direction="up")
    services.agenda_item_move(actor=officer, item=b2, direction="up")
    # then
    assert numbers(ga) == [("1", "A"), ("2", "C"), ("3", "B"), ("3.1", "B2"), ("3.2", "B1")]
    log = ActionLog.objects.filter(event="agenda.item_moved", target_id=str(c.pk)).get()
    assert (log.old_values, log.new_values) == ({"number": "3"}, {"number": "2"})
    # when: down, and to a number
    services.agenda_item_move(actor=officer, item=a, direction="down")
    services.agenda_item_move(actor=officer, item=b1, to=1)
    assert numbers(ga) == [("1", "C"), ("2", "A"), ("3", "B"), ("3.1", "B1"), ("3.2", "B2")]
    # the first cannot go up, the last cannot go down
    with pytest.raises(ValidationError, match="already the first"):
        services.agenda_item_move(actor=officer, item=c, direction="up")
    with pytest.raises(ValidationError, match="already the last"):
        services.agenda_item_move(actor=officer, item=b, direction="down")


def test_it_moves_past_a_withdrawn_item(ga, officer):
    add(officer, ga, "A")
    b = add(officer, ga, "B")
    c = add(officer, ga, "C")
    services.agenda_item_withdraw(actor=officer, item=b, reason="Dropped")
    services.agenda_item_move(actor=officer, item=c, direction="up")
    assert [n for n, _t in numbers(ga) if n] == ["1", "2"]
    assert [t for n, t in numbers(ga) if n] == ["C", "A"]


def test_it_refuses_to_reorder_an_adopted_agenda(ga, officer):
    # given
    add(officer, ga, "A")
    b = add(officer, ga, "B")
    services.agenda_adopt(actor=officer, session=ga)
    # when
    with pytest.raises(ValidationError) as error:
        services.agenda_item_move(actor=officer, item=b, direction="up")
    # then
    assert "it can no longer be reordered" in error.value.messages[0]
    assert "The agenda was adopted on" in error.value.messages[0]
    assert numbers(ga) == [("1", "A"), ("2", "B")]
    assert not ActionLog.objects.filter(event="agenda.item_moved").exists()


def test_it_adopts_the_agenda_once(ga, officer):
    with pytest.raises(ValidationError, match="no items"):
        services.agenda_adopt(actor=officer, session=ga)
    add(officer, ga, "A")
    services.agenda_adopt(actor=officer, session=ga, reason="Adopted at the opening")
    ga = Session.objects.get(pk=ga.pk)
    assert ga.agenda_adopted_at is not None and ga.revision > 0
    assert ActionLog.objects.get(event="agenda.adopted").reason == "Adopted at the opening"
    with pytest.raises(ValidationError, match="already adopted"):
        services.agenda_adopt(actor=officer, session=ga)


def test_it_requires_a_reason_to_add_to_an_adopted_agenda(ga, officer):
    # given
    add(officer, ga, "A")
    services.agenda_adopt(actor=officer, session=ga)
    # when: no reason
    with pytest.raises(ValidationError) as error:
        add(officer, ga, "Asuntos varios")
    assert "say why" in error.value.message_dict["reason"][0]
    assert AgendaItem.objects.filter(session=ga).count() == 1
    # when: with a reason
    item = add(officer, ga, "Asuntos varios", reason="Requested by Mexico at the opening")
    # then
    log = ActionLog.objects.get(event="agenda.item_added_after_adoption")
    assert log.target_id == str(item.pk) and log.reason.startswith("Requested by Mexico")
    entries = agenda_tree(Session.objects.get(pk=ga.pk)).flat()
    assert [(e.number, e.added_after_adoption) for e in entries] == [("1", False), ("2", True)]


def test_it_corrects_texts_of_an_adopted_agenda_with_a_reason(ga, officer):
    item = add(officer, ga, "Informe", title_en="Reprot")
    services.agenda_adopt(actor=officer, session=ga)
    with pytest.raises(ValidationError):
        services.agenda_item_update(actor=officer, item=item, data={"title_en": "Report"})
    services.agenda_item_update(
        actor=officer, item=item, data={"title_en": "Report"}, reason="Typo in the English title"
    )
    item.refresh_from_db()
    assert item.title_en == "Report"
    log = ActionLog.objects.get(event="agenda.item_updated")
    assert log.old_values == {"title_en": "Reprot"} and log.new_values == {"title_en": "Report"}
    assert item.history.first().history_change_reason == "Typo in the English title"


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
