"""Agenda and document pages: the Secretariat's agenda page, forms, moves (with and without
htmx), who may download which file, the agenda PDF, and query counts that do not grow."""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from secretariat.conftest import client_for, make_user
from secretariat.core import roles
from secretariat.core.testing import get_document
from secretariat.governance.models import AgendaItem, Document, DocumentFile, Session
from secretariat.governance.services import agenda as services
from secretariat.governance.services import documents as document_services
from secretariat.governance.tests.helpers import agenda_session as make_session
from secretariat.governance.tests.helpers import docx_file, pdf_file
from secretariat.members.models import Representative


def _url(name: str, ui: str = "en", **kwargs) -> str:
    with translation.override(ui):
        return reverse(f"governance:{name}", kwargs=kwargs or None)


def representative_of(institution, email: str):
    user = make_user(email, roles.REPRESENTATIVE)
    Representative.objects.create(
        institution=institution,
        user=user,
        full_name=email.split("@")[0],
        role=Representative.Role.LIAISON,
        valid_from=dt.date(2020, 1, 1),
    )
    return user


@pytest.fixture
def ga(session_world) -> Session:
    return make_session(session_world.assembly, state=Session.State.CONVENED)


@pytest.fixture
def document(ga, officer) -> Document:
    return document_services.document_add(
        actor=officer,
        session=ga,
        title_es="Informe del Secretario General",
        title_en="Report of the Secretary General",
        files={"es": pdf_file("informe.pdf"), "en": pdf_file("report.pdf")},
    )


def _file_of(document: Document, lang: str) -> DocumentFile:
    return document.files.get(language=lang)


# --- Agenda page -------------------------------------------------------------------------------


def test_it_shows_the_agenda_to_the_secretariat_only(ga, officer, comptroller, rep_a):
    # given
    item = services.agenda_item_add(
        actor=officer, session=ga, title_es="Apertura", title_en="Opening"
    )
    services.agenda_item_add(actor=officer, session=ga, title_es="Acta", parent=item)
    url = _url("agenda-manage", pk=ga.pk)
    # when
    staff = client_for(officer).get(url)
    reader = client_for(comptroller).get(url)
    # then
    html = staff.content.decode()
    assert staff.status_code == 200
    assert "Opening" in html and "1.1" in html and "Add a sub-item" in html
    assert reader.status_code == 200 and "Add a sub-item" not in reader.content.decode()
    assert client_for(rep_a).get(url).status_code == 403
    anonymous = client_for(None).get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


def test_it_adds_an_item_through_the_form(ga, officer):
    # when
    response = client_for(officer).post(
        _url("agenda-item-add", pk=ga.pk),
        {
            "title_es": "Informe financiero",
            "title_en": "Financial report",
            "presenter": "Contraloría",
            "outcome": "decision",
        },
    )
    # then
    item = AgendaItem.objects.get(session=ga)
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{item.pk}")
    assert (item.title_en, item.outcome, item.presenter) == (
        "Financial report",
        "decision",
        "Contraloría",
    )


def test_it_asks_for_the_reason_when_adding_to_an_adopted_agenda(ga, officer):
    # given
    services.agenda_item_add(actor=officer, session=ga, title_es="Apertura")
    services.agenda_adopt(actor=officer, session=ga)
    # when
    response = client_for(officer).post(
        _url("agenda-item-add", pk=ga.pk), {"title_es": "Asuntos varios", "outcome": "discussion"}
    )
    # then
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert "recorded as an addition to the adopted agenda" in response.content.decode()
    assert AgendaItem.objects.filter(session=ga).count() == 1


def test_it_edits_an_item(ga, officer):
    item = services.agenda_item_add(actor=officer, session=ga, title_es="Apertura")
    response = client_for(officer).post(
        _url("agenda-item-edit", item_pk=item.pk),
        {"title_es": "Apertura de la sesión", "title_en": "Opening", "outcome": "information"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.title_es, item.title_en, item.outcome) == (
        "Apertura de la sesión",
        "Opening",
        "information",
    )


def test_it_moves_an_item_with_a_plain_form(ga, officer):
    # given
    services.agenda_item_add(actor=officer, session=ga, title_es="A")
    b = services.agenda_item_add(actor=officer, session=ga, title_es="B")
    client = client_for(officer)
    # when
    response = client.post(_url("agenda-item-move", item_pk=b.pk), {"direction": "up"})
    # then
    assert response.status_code == 302 and response["Location"].endswith(f"#item-{b.pk}")
    page = client.get(response["Location"]).content.decode()
    assert page.index(">B<") < page.index(">A<")


def test_it_moves_an_item_with_htmx_and_answers_with_the_tree(ga, officer):
    services.agenda_item_add(actor=officer, session=ga, title_es="A")
    b = services.agenda_item_add(actor=officer, session=ga, title_es="B")
    response = client_for(officer).post(
        _url("agenda-item-move", item_pk=b.pk), {"direction": "up"}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<div id="agenda-tree"') and "<html" not in html
    assert html.index(">B<") < html.index(">A<")


def test_it_says_why_a_move_is_refused_after_adoption(ga, officer):
    services.agenda_item_add(actor=officer, session=ga, title_es="A")
    b = services.agenda_item_add(actor=officer, session=ga, title_es="B")
    services.agenda_adopt(actor=officer, session=ga)
    client = client_for(officer)
    response = client.post(_url("agenda-item-move", item_pk=b.pk), {"direction": "up"}, follow=True)
    html = response.content.decode()
    assert "it can no longer be reordered" in html
    assert html.index(">A<") < html.index(">B<")
    # and the page no longer offers the buttons
    assert 'name="direction"' not in html


def test_it_adopts_the_agenda_and_publishes_documents_from_the_page(ga, officer, rep_a):
    services.agenda_item_add(actor=officer, session=ga, title_es="A")
    client = client_for(officer)
    assert client_for(rep_a).post(_url("agenda-adopt", pk=ga.pk)).status_code == 403
    client.post(_url("agenda-adopt", pk=ga.pk))
    client.post(_url("documents-publish", pk=ga.pk))
    ga = Session.objects.get(pk=ga.pk)
    assert ga.agenda_adopted_at is not None and ga.documents_published_at is not None
    html = client.get(_url("agenda-manage", pk=ga.pk)).content.decode()
    assert "The agenda was adopted on" in html and "Published" in html


def test_it_withdraws_an_item_with_a_reason(ga, officer):
    item = services.agenda_item_add(actor=officer, session=ga, title_es="Apertura")
    client = client_for(officer)
    empty = client.post(_url("agenda-item-withdraw", item_pk=item.pk), {"reason": ""})
    assert empty.status_code == 200 and not AgendaItem.objects.get(pk=item.pk).withdrawn
    client.post(_url("agenda-item-withdraw", item_pk=item.pk), {"reason": "Postponed"})
    assert AgendaItem.objects.get(pk=item.pk).withdrawn
    html = client.get(_url("agenda-manage", pk=ga.pk)).content.decode()
    assert "<del>Apertura</del>" in html and "Withdrawn" in html


# --- Document forms ----------------------------------------------------------------------------


def test_it_adds_a_document_with_files_per_language(ga, officer):
    item = services.agenda_item_add(actor=officer, session=ga, title_es="Informe")
    client = client_for(officer)
    form = client.get(_url("document-add", pk=ga.pk) + f"?item={item.pk}").content.decode()
    assert 'name="file_es"' in form and 'name="file_en"' in form and 'name="file_pt"' not in form
    response = client.post(
        _url("document-add", pk=ga.pk),
        {
            "title_es": "Informe",
            "title_en": "Report",
            "agenda_item": item.pk,
            "file_es": pdf_file("informe.pdf"),
            "file_en": docx_file("report.docx"),
        },
    )
    document = Document.objects.get(session=ga)
    assert response.status_code == 302
    assert response["Location"] == _url("document-detail", doc_pk=document.pk)
    assert document.agenda_item == item and document.symbol == "XXXI/GA/DOC/1"
    assert sorted(document.files.values_list("language", flat=True)) == ["en", "es"]


def test_it_rejects_a_bad_upload_with_a_clear_message_and_saves_nothing(ga, officer, settings):
    response = client_for(officer).post(
        _url("document-add", pk=ga.pk),
        {
            "title_es": "Informe",
            "file_es": pdf_file("informe.pdf"),
            "file_en": pdf_file("virus.exe"),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "“virus.exe” cannot be accepted" in html
    assert "error-summary" in html
    assert not Document.objects.exists() and not DocumentFile.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_it_offers_only_this_sessions_items(ga, session_world, officer):
    other = make_session(session_world.committee, number=90)
    foreign = services.agenda_item_add(actor=officer, session=other, title_es="Ajeno")
    mine = services.agenda_item_add(actor=officer, session=ga, title_es="Propio")
    html = client_for(officer).get(_url("document-add", pk=ga.pk)).content.decode()
    assert f'value="{mine.pk}"' in html and f'value="{foreign.pk}"' not in html
    response = client_for(officer).post(
        _url("document-add", pk=ga.pk), {"title_es": "Doc", "agenda_item": foreign.pk}
    )
    assert response.status_code == 200 and not Document.objects.exists()


def test_it_uploads_a_new_version_and_shows_both(ga, officer, document):
    client = client_for(officer)
    response = client.post(
        _url("document-upload", doc_pk=document.pk),
        {"new_version": "1", "file_es": pdf_file("informe-rev1.pdf"), "note": "Revised"},
    )
    assert response.status_code == 302
    clash = client.post(
        _url("document-upload", doc_pk=document.pk),
        {"new_version": "0", "file_es": pdf_file("otra.pdf")},
    )
    assert "Version 2 already has a file in Español" in clash.content.decode()
    page = client.get(_url("document-detail", doc_pk=document.pk))
    html = page.content.decode()
    assert "Version 2" in html and "Version 1" in html
    assert "informe-rev1.pdf" in html and "informe.pdf" in html and "report.pdf" in html
    assert "Revised" in html and str(officer) in html
    # version 1 stays downloadable
    old = document.files.get(version=1, language="es")
    assert client.get(_url("document-file", file_pk=old.pk)).status_code == 200


# --- Access to documents -----------------------------------------------------------------------


def test_it_serves_files_with_their_name_type_and_nosniff(officer, document):
    response = client_for(officer).get(_url("document-file", file_pk=_file_of(document, "es").pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="informe.pdf"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_it_shows_documents_to_anyone_only_once_published(ga, officer, document):
    anonymous = client_for(None)
    file_url = _url("document-file", file_pk=_file_of(document, "es").pk)
    detail_url = _url("document-detail", doc_pk=document.pk)
    # before publication: as if it did not exist
    assert anonymous.get(file_url).status_code == 404
    assert anonymous.get(detail_url).status_code == 404
    # after
    document_services.documents_publish(actor=officer, session=ga)
    assert anonymous.get(file_url).status_code == 200
    detail = anonymous.get(detail_url).content.decode()
    assert "Public" in detail and str(officer) not in detail  # uploaders for insiders only


def test_it_keeps_restricted_documents_private_after_publication(ga, officer, session_world):
    restricted = document_services.document_add(
        actor=officer,
        session=ga,
        title_es="Nota reservada",
        restricted=True,
        files={"es": pdf_file("reservada.pdf")},
    )
    document_services.documents_publish(actor=officer, session=ga)
    url = _url("document-file", file_pk=_file_of(restricted, "es").pk)
    assert client_for(None).get(url).status_code == 404
    member_rep = representative_of(session_world.full[0], "rep.full1@example.org")
    assert client_for(member_rep).get(url).status_code == 200  # sits on the Assembly


def test_it_lets_those_who_sit_in_the_session_read_before_publication(
    ga, session_world, officer, comptroller, document
):
    url = _url("document-file", file_pk=_file_of(document, "en").pk)
    # a representative of a member: every member sits on the General Assembly
    member_rep = representative_of(session_world.full[0], "rep.full1@example.org")
    assert client_for(member_rep).get(url).status_code == 200
    assert client_for(comptroller).get(url).status_code == 200
    assert client_for(officer).get(url).status_code == 200


def test_it_hides_a_committee_document_from_a_member_not_on_the_committee(session_world, officer):
    # given: a Standing Committee session; full[5] holds no seat on it, full[0] does
    committee = make_session(session_world.committee, number=90, state=Session.State.CONVENED)
    document = document_services.document_add(
        actor=officer, session=committee, title_es="Presupuesto", files={"es": pdf_file()}
    )
    url = _url("document-file", file_pk=_file_of(document, "es").pk)
    outsider = representative_of(session_world.full[5], "rep.full6@example.org")
    seated = representative_of(session_world.full[0], "rep.full1@example.org")
    # then
    assert client_for(outsider).get(url).status_code == 404
    assert client_for(outsider).get(_url("document-detail", doc_pk=document.pk)).status_code == 404
    assert client_for(seated).get(url).status_code == 200


def test_it_answers_404_for_a_missing_file(officer):
    assert client_for(officer).get(_url("document-file", file_pk=999)).status_code == 404


# --- Query counts ------------------------------------------------------------------------------


def _fill(session: Session, officer, count: int) -> None:
    for n in range(count):
        parent = None
        if n % 4 == 3:
            parent = AgendaItem.objects.filter(session=session, parent=None).order_by("pk").last()
        item = services.agenda_item_add(
            actor=officer, session=session, title_es=f"Punto {n}", parent=parent
        )
        document_services.document_add(
            actor=officer,
            session=session,
            title_es=f"Documento {n}",
            agenda_item=item,
            files={"es": pdf_file(f"d{n}.pdf"), "en": pdf_file(f"d{n}-en.pdf")},
        )
    document_services.document_add(
        actor=officer, session=session, title_es="Suelto", files={"es": pdf_file()}
    )


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_it_keeps_the_agenda_page_query_count_constant(session_world, officer):
    # given
    small = make_session(session_world.assembly, number=40)
    large = make_session(session_world.assembly, number=41)
    _fill(small, officer, 5)
    _fill(large, officer, 40)
    client = client_for(officer)
    _count(client, _url("agenda-manage", pk=small.pk))  # warm the session and MFA flag
    # when / then: session, user, session row, items, documents, files, + auth bookkeeping
    assert _count(client, _url("agenda-manage", pk=small.pk)) == _count(
        client, _url("agenda-manage", pk=large.pk)
    )
    with CaptureQueriesContext(connection) as queries:
        client.get(_url("agenda-manage", pk=large.pk))
    assert len(queries) <= 10, [q["sql"] for q in queries]


def test_it_keeps_the_document_page_query_count_constant(ga, officer, document):
    for n in range(6):
        document_services.document_upload(
            actor=officer, document=document, files={"es": pdf_file(f"v{n}.pdf")}, new_version=True
        )
    client = client_for(officer)
    url = _url("document-detail", doc_pk=document.pk)
    client.get(url)
    # session, user, document+session+body+item+creator, files+uploaders
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    assert len(queries) <= 6, [q["sql"] for q in queries]


# --- Agenda PDF --------------------------------------------------------------------------------


def _pdf_text(content: bytes) -> str:
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(content)
        handle.flush()
        try:
            out = subprocess.run(
                ["pdftotext", "-layout", handle.name, "-"], capture_output=True, check=True
            )
        except FileNotFoundError:
            pytest.skip("pdftotext is not installed")
    return out.stdout.decode()


def test_it_prints_the_provisional_then_the_adopted_agenda(ga, officer, document):
    # given
    report = services.agenda_item_add(
        actor=officer,
        session=ga,
        title_es="Informe del Secretario General",
        title_en="Report of the Secretary General",
        presenter="Secretaría General",
        outcome="information",
    )
    services.agenda_item_add(
        actor=officer,
        session=ga,
        title_es="Estados financieros",
        title_en="Financial statements",
        parent=report,
    )
    Document.objects.filter(pk=document.pk).update(agenda_item=report)
    client = client_for(officer)
    # when
    response = get_document(client, _url("agenda-pdf", pk=ga.pk, lang="en"))
    # then
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    text = _pdf_text(response.content)
    assert "Provisional agenda" in text
    assert "Report of the Secretary General" in text and "1.1" in text
    assert "XXXI/GA/DOC/1" in text and "Information" in text
    # in Spanish, once adopted
    services.agenda_adopt(actor=officer, session=ga)
    spanish = _pdf_text(get_document(client, _url("agenda-pdf", "es", pk=ga.pk, lang="es")).content)
    assert "Orden del día aprobado" in spanish or "Agenda adopted" in spanish
    assert "Informe del Secretario General" in spanish and "Estados financieros" in spanish


def test_it_keeps_a_draft_sessions_agenda_from_the_public(session_world, officer):
    draft = make_session(session_world.assembly, number=50)
    services.agenda_item_add(actor=officer, session=draft, title_es="Apertura")
    assert (
        get_document(client_for(None), _url("agenda-pdf", pk=draft.pk, lang="es")).status_code
        == 404
    )
    assert (
        get_document(client_for(officer), _url("agenda-pdf", pk=draft.pk, lang="es")).status_code
        == 200
    )
    assert client_for(officer).get(_url("agenda-pdf", pk=draft.pk, lang="xx")).status_code == 404


def test_it_leaves_restricted_symbols_out_of_the_public_agenda(ga, officer):
    item = services.agenda_item_add(actor=officer, session=ga, title_es="Apertura")
    document_services.document_add(
        actor=officer,
        session=ga,
        title_es="Reservado",
        symbol="SECRET/1",
        agenda_item=item,
        restricted=True,
    )
    public = _pdf_text(
        get_document(client_for(None), _url("agenda-pdf", pk=ga.pk, lang="es")).content
    )
    staff = _pdf_text(
        get_document(client_for(officer), _url("agenda-pdf", pk=ga.pk, lang="es")).content
    )
    assert "SECRET/1" not in public and "SECRET/1" in staff


# --- Every route of this part × every role -----------------------------------------------------

L = "login"
STAFF_READ = (L, 403, 403, 200, 200, 200, 200)
STAFF_WRITE = (L, 403, 403, 200, 403, 403, 200)
POST_ONLY = (L, 405, 405, 405, 405, 405, 405)
# An unpublished document of a General Assembly (every member sits on it): rep_a (full) and
# rep_b (associate) read it, anonymous does not see it exists.
SITTING = (404, 200, 200, 200, 200, 200, 200)
ROLES = ["anonymous", "rep_a", "rep_b", "officer", "finance", "comptroller", "sg"]
MATRIX = {
    "agenda-manage": STAFF_READ,
    "agenda-item-add": STAFF_WRITE,
    "agenda-item-edit": STAFF_WRITE,
    "agenda-item-withdraw": STAFF_WRITE,
    "agenda-item-move": POST_ONLY,
    "agenda-adopt": POST_ONLY,
    "agenda-pdf": (200, 200, 200, 200, 200, 200, 200),
    "document-add": STAFF_WRITE,
    "document-upload": STAFF_WRITE,
    "document-withdraw": STAFF_WRITE,
    "document-detail": SITTING,
    "document-file": SITTING,
    "documents-publish": POST_ONLY,
}


def test_it_gives_each_role_the_expected_status_on_every_agenda_route(
    session_world,
    officer,
    finance_officer,
    comptroller,
    secretary_general,
    rep_a,
    rep_b,
):
    # given: member A and B of the conftest are members too, so they sit on the Assembly
    ga = make_session(session_world.assembly, state=Session.State.CONVENED)
    item = services.agenda_item_add(actor=officer, session=ga, title_es="Apertura")
    document = document_services.document_add(
        actor=officer, session=ga, title_es="Informe", agenda_item=item, files={"es": pdf_file()}
    )
    kwargs = {
        "agenda-item-edit": {"item_pk": item.pk},
        "agenda-item-withdraw": {"item_pk": item.pk},
        "agenda-item-move": {"item_pk": item.pk},
        "agenda-pdf": {"pk": ga.pk, "lang": "es"},
        "document-upload": {"doc_pk": document.pk},
        "document-withdraw": {"doc_pk": document.pk},
        "document-detail": {"doc_pk": document.pk},
        "document-file": {"file_pk": document.files.get().pk},
    }
    users = [None, rep_a, rep_b, officer, finance_officer, comptroller, secretary_general]
    failures = []
    # when
    for role, user in zip(ROLES, users, strict=True):
        client = client_for(user)
        for name, expected_row in MATRIX.items():
            expected = expected_row[ROLES.index(role)]
            response = get_document(client, _url(name, **kwargs.get(name, {"pk": ga.pk})))
            got = response.status_code
            ok = (
                got == 302 and "/accounts/login/" in response["Location"]
                if expected == L
                else got == expected
            )
            if not ok:
                failures.append(f"{role:12} {name:24} expected {expected} got {got}")
    # then
    assert failures == [], "\n" + "\n".join(failures)
