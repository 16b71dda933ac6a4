"""The statements' pages and the Comptroller's: preparing a set through its form (a period it
cannot state refused with nothing saved), approving (the note required), filing on the
Assembly's agenda item, the PDF and the workbook, drawing a sample (bad input refused) and the
audit package, with the query counts of the list, the statements and the audit page pinned
as the books grow."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import translation

from secretariat.conftest import client_for
from secretariat.core.models import ActionLog
from secretariat.core.testing import get_document
from secretariat.finance.models import AuditSample, StatementSet
from secretariat.finance.services.audit import audit_sample_draw
from secretariat.finance.services.ledger import LineSpec
from secretariat.finance.services.statements import statement_set_approve, statement_set_create
from secretariat.finance.tests.statements_world import (  # noqa: F401
    assembly_item_fixture,
    post,
    statements_world_fixture,
)
from secretariat.governance.models import Document

pytestmark = pytest.mark.django_db


def _url(name: str, *args, lang: str = "es") -> str:
    with translation.override(lang):
        return reverse(name, args=args)


def _body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _more_entries(statements_world, actor, count: int) -> None:
    """`count` more expense entries in 2026, so the books grow and the pages must not."""
    a = statements_world.books["accounts"]
    for index in range(count):
        post(
            statements_world.books,
            actor,
            dt.date(2026, 8, 1 + index % 28),
            f"Office supplies {index}",
            [LineSpec(a["5310"], "debit", 10_00), LineSpec(a["1110"], "credit", 10_00)],
        )


# --- Preparing ---------------------------------------------------------------------------


def test_it_prepares_the_statements_from_the_form_and_shows_them(statements_world, finance_officer):
    # given
    client = client_for(finance_officer)
    # when
    response = client.post(
        _url("finance:statement-add"),
        {"first_year": "2026", "last_year": "2026", "notes": "Nota de prueba."},
        follow=True,
    )
    # then
    statement_set = StatementSet.objects.get()
    assert statement_set.state == StatementSet.State.DRAFT
    assert statement_set.notes == "Nota de prueba."
    body = _body(response)
    assert response.redirect_chain[-1][0] == _url("finance:statement-detail", statement_set.pk)
    assert "Los estados financieros se prepararon como borrador." in _messages(response)
    assert "Borrador" in body
    assert "183.500,00" in body  # total assets at the end of 2026, formatted in Spanish
    assert ActionLog.objects.filter(event="statement_set.created").count() == 1


def test_it_shows_the_statements_in_english_with_english_numbers(statements_world, finance_officer):
    # given
    statement_set = statement_set_create(actor=finance_officer, first_year=2026, last_year=2026)
    # when
    body = _body(
        client_for(finance_officer).get(
            _url("finance:statement-detail", statement_set.pk, lang="en")
        )
    )
    # then
    assert "Statement of financial position" in body
    assert "183,500.00" in body
    assert "Instituto Alfa" in body  # the note on dues receivable names the members
    # the cash flow by the direct method: receipts and payments, not the counterpart accounts
    assert "Contributions received" in body
    assert "Payments to and on behalf of employees" in body
    assert "2. Contributions receivable by member" in body  # no other notes: numbered 2


@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        ("2026", "2025", "El último ejercicio no puede ser anterior al primero."),
        ("2025", "2026", "Los estados financieros abarcan un ejercicio o un período de tres años."),
    ],
)
def test_it_refuses_a_period_it_cannot_state_and_saves_nothing(
    statements_world, finance_officer, first, last, message
):
    # when
    response = client_for(finance_officer).post(
        _url("finance:statement-add"), {"first_year": first, "last_year": last}
    )
    # then
    assert message in _body(response)
    assert not StatementSet.objects.exists()


def test_it_refuses_a_second_set_for_the_same_years(statements_world, finance_officer):
    # given
    statement_set_create(actor=finance_officer, first_year=2026, last_year=2026)
    # when
    response = client_for(finance_officer).post(
        _url("finance:statement-add"), {"first_year": "2026", "last_year": "2026"}
    )
    # then
    assert "Ya existen estados financieros para estos ejercicios." in _body(response)
    assert StatementSet.objects.count() == 1


def test_it_offers_only_the_years_the_books_have(statements_world, finance_officer):
    # when
    response = client_for(finance_officer).post(
        _url("finance:statement-add"), {"first_year": "1999", "last_year": "1999"}
    )
    # then
    assert response.status_code == 200
    assert response.context["form"].errors["first_year"]
    assert not StatementSet.objects.exists()


# --- Approving and filing ----------------------------------------------------------------


def test_the_secretary_general_approves_and_the_figures_freeze(
    statements_world, finance_officer, secretary_general
):
    # given
    statement_set = statement_set_create(actor=finance_officer, first_year=2026, last_year=2026)
    client = client_for(secretary_general)
    # when
    response = client.post(
        _url("finance:statement-approve", statement_set.pk),
        {"reason": "Aprobados para la Asamblea."},
        follow=True,
    )
    # then
    statement_set.refresh_from_db()
    assert statement_set.state == StatementSet.State.APPROVED
    assert statement_set.version == 2
    assert "Los estados financieros están aprobados: sus cifras quedan congeladas." in _messages(
        response
    )
    # and a later entry changes the ledger, not the approved page
    _more_entries(statements_world, finance_officer, 1)
    body = _body(client.get(_url("finance:statement-detail", statement_set.pk)))
    assert "183.500,00" in body
    assert "183.490,00" not in body


def test_it_asks_for_the_approval_note_and_changes_nothing_without_it(
    statements_world, finance_officer, secretary_general
):
    # given
    statement_set = statement_set_create(actor=finance_officer, first_year=2026, last_year=2026)
    # when
    response = client_for(secretary_general).post(
        _url("finance:statement-approve", statement_set.pk), {"reason": "  "}, follow=True
    )
    # then
    assert "Escriba la nota que se registra con la aprobación." in _messages(response)
    statement_set.refresh_from_db()
    assert statement_set.state == StatementSet.State.DRAFT
    assert statement_set.frozen is None or statement_set.frozen == {}


def test_it_does_not_let_a_finance_officer_approve(statements_world, finance_officer):
    # given
    statement_set = statement_set_create(actor=finance_officer, first_year=2026, last_year=2026)
    # when
    response = client_for(finance_officer).post(
        _url("finance:statement-approve", statement_set.pk), {"reason": "yo mismo"}
    )
    # then
    assert response.status_code == 403
    statement_set.refresh_from_db()
    assert statement_set.state == StatementSet.State.DRAFT


def test_it_files_approved_statements_with_the_assembly_session(
    statements_world, finance_officer, secretary_general, assembly_item
):
    # given
    statement_set = statement_set_create(actor=finance_officer, first_year=2026, last_year=2026)
    statement_set_approve(actor=secretary_general, statement_set=statement_set, reason="ok")
    client = client_for(secretary_general)
    page = _body(client.get(_url("finance:statement-detail", statement_set.pk)))
    assert "Estados financieros" in page  # the agenda item is offered
    # when
    response = client.post(
        _url("finance:statement-file", statement_set.pk),
        {"agenda_item": assembly_item.pk},
        follow=True,
    )
    # then
    assert "Los estados financieros se presentaron con los documentos de la sesión." in (
        _messages(response)
    )
    statement_set.refresh_from_db()
    assert statement_set.agenda_item == assembly_item
    document = Document.objects.get(agenda_item=assembly_item)
    assert {f.language for f in document.files.all()} == {"es", "en"}


def test_it_refuses_to_file_a_draft(
    statements_world, finance_officer, secretary_general, assembly_item
):
    # given
    statement_set = statement_set_create(actor=finance_officer, first_year=2026, last_year=2026)
    # when
    response = client_for(secretary_general).post(
        _url("finance:statement-file", statement_set.pk),
        {"agenda_item": assembly_item.pk},
        follow=True,
    )
    # then
    assert "Solo los estados financieros aprobados pueden presentarse a la Asamblea." in _messages(
        response
    )
    assert not Document.objects.filter(agenda_item=assembly_item).exists()


# --- Outputs -----------------------------------------------------------------------------


def test_it_serves_the_pdf_and_the_workbook(statements_world, finance_officer, comptroller):
    # given
    statement_set = statement_set_create(actor=finance_officer, first_year=2026, last_year=2026)
    client = client_for(comptroller)
    # when
    pdf = get_document(client, _url("finance:statement-pdf", statement_set.pk, "en"))
    xlsx = get_document(client, _url("finance:statement-xlsx", statement_set.pk))
    # then
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert xlsx.status_code == 200
    assert zipfile.ZipFile(io.BytesIO(xlsx.content)).namelist()  # an OOXML workbook


def test_it_refuses_a_pdf_language_it_does_not_publish(statements_world, finance_officer):
    statement_set = statement_set_create(actor=finance_officer, first_year=2026, last_year=2026)
    response = client_for(finance_officer).get(
        _url("finance:statement-pdf", statement_set.pk, "xx")
    )
    assert response.status_code == 404


# --- The Comptroller's tools -------------------------------------------------------------


def test_the_comptroller_draws_a_sample_and_sees_its_entries(statements_world, comptroller):
    # given
    client = client_for(comptroller)
    # when
    response = client.post(
        _url("finance:audit-sample-draw"),
        {
            "fiscal_year": statements_world.year_2026.pk,
            "size": "3",
            "minimum_amount": "1.000,00",
            "seed": "control-2026",
        },
        follow=True,
    )
    # then
    sample = AuditSample.objects.get()
    assert response.redirect_chain[-1][0] == _url("finance:audit-sample-detail", sample.pk)
    assert len(sample.entry_ids) == 3
    assert sample.minimum_amount == 1_000_00
    body = _body(response)
    assert "control-2026" in body
    assert "Los mismos asientos" in body
    assert ActionLog.objects.filter(event="audit_sample.drawn").count() == 1


@pytest.mark.parametrize(
    ("size", "amount", "expected"),
    [
        ("0", "", "Asegúrese de que este valor es mayor o igual a 1."),
        ("3", "mil", "Escriba un importe, por ejemplo 1.000,00."),
    ],
)
def test_it_refuses_a_bad_sample_request_and_draws_nothing(
    statements_world, comptroller, size, amount, expected
):
    # when
    response = client_for(comptroller).post(
        _url("finance:audit-sample-draw"),
        {"fiscal_year": statements_world.year_2026.pk, "size": size, "minimum_amount": amount},
        follow=True,
    )
    # then
    assert any(expected in message for message in _messages(response)), _messages(response)
    assert not AuditSample.objects.exists()


def test_the_audit_package_holds_the_books_of_the_year(statements_world, comptroller):
    # when
    response = get_document(
        client_for(comptroller), _url("finance:audit-package", statements_world.year_2026.year)
    )
    # then
    assert response.status_code == 200
    names = zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    assert any("trial" in name or "balance" in name for name in names), names
    assert any("ledger" in name or "mayor" in name for name in names), names


# --- Query counts as the books grow ------------------------------------------------------


def _queries(client, url, django_assert_num_queries, expected: int) -> None:
    client.get(url)  # the first request of a staff session writes its last-seen time
    with django_assert_num_queries(expected):
        assert client.get(url).status_code == 200


STATEMENT_PAGE_QUERIES = 10
STATEMENT_LIST_QUERIES = 7
AUDIT_PAGE_QUERIES = 8


@pytest.mark.parametrize("more", [0, 60])
def test_the_statements_page_reads_the_same_queries_as_the_books_grow(
    statements_world, finance_officer, django_assert_num_queries, more
):
    _more_entries(statements_world, finance_officer, more)
    statement_set = statement_set_create(actor=finance_officer, first_year=2026, last_year=2026)
    _queries(
        client_for(finance_officer),
        _url("finance:statement-detail", statement_set.pk),
        django_assert_num_queries,
        STATEMENT_PAGE_QUERIES,
    )


@pytest.mark.parametrize("sets", [1, 3])
def test_the_statements_list_reads_the_same_queries_for_more_sets(
    statements_world, finance_officer, django_assert_num_queries, sets
):
    for year in (2026, 2025)[: min(sets, 2)]:
        statement_set_create(actor=finance_officer, first_year=year, last_year=year)
    if sets == 3:
        from secretariat.finance.services.years import fiscal_year_open

        fiscal_year_open(actor=finance_officer, year=2027, check_permission=False)
        statement_set_create(actor=finance_officer, first_year=2025, last_year=2027)
    _queries(
        client_for(finance_officer),
        _url("finance:statement-list"),
        django_assert_num_queries,
        STATEMENT_LIST_QUERIES,
    )


@pytest.mark.parametrize("samples", [1, 4])
def test_the_audit_page_reads_the_same_queries_for_more_samples(
    statements_world, comptroller, django_assert_num_queries, samples
):
    for index in range(samples):
        audit_sample_draw(
            actor=comptroller, fiscal_year=statements_world.year_2026, size=2, seed=f"s{index}"
        )
    _queries(
        client_for(comptroller),
        _url("finance:audit"),
        django_assert_num_queries,
        AUDIT_PAGE_QUERIES,
    )
