"""Statement sets prepared, approved (frozen) and filed; their outputs built by the worker."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from openpyxl import load_workbook

from secretariat.core.models import ActionLog, GeneratedDocument
from secretariat.finance.models import StatementSet
from secretariat.finance.selectors.statements import set_figures, statement_figures
from secretariat.finance.services.ledger import LineSpec
from secretariat.finance.services.statements import (
    statement_set_approve,
    statement_set_create,
    statement_set_file,
    statements_pdf,
    statements_xlsx,
)
from secretariat.finance.tests.statements_world import (  # noqa: F401
    assembly_item_fixture,
    post,
    statements_world_fixture,
)
from secretariat.governance.models import Document


@pytest.mark.django_db
def test_it_prepares_a_draft_for_one_year(statements_world, finance_officer):
    # when
    statement_set = statement_set_create(actor=finance_officer, first_year=2026, last_year=2026)
    # then
    assert statement_set.state == StatementSet.State.DRAFT and statement_set.frozen is None
    assert ActionLog.objects.filter(event="statement_set.created").count() == 1


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("first", "last", "message"),
    [
        (2026, 2025, "cannot come before"),
        (2025, 2026, "one fiscal year or a three-year period"),
        (2024, 2026, "no fiscal year 2024"),
    ],
)
def test_it_refuses_a_period_it_cannot_state(
    statements_world, finance_officer, first, last, message
):
    with pytest.raises(ValidationError, match=message):
        statement_set_create(actor=finance_officer, first_year=first, last_year=last)
    assert not StatementSet.objects.exists()


@pytest.mark.django_db
def test_it_refuses_preparation_to_the_comptroller(statements_world, comptroller):
    with pytest.raises(PermissionDenied):
        statement_set_create(actor=comptroller, first_year=2026, last_year=2026)


@pytest.mark.django_db
def test_it_freezes_the_figures_on_approval(statements_world, finance_officer, secretary_general):
    # given
    statement_set = statement_set_create(actor=finance_officer, first_year=2026, last_year=2026)
    # when
    statement_set = statement_set_approve(
        actor=secretary_general, statement_set=statement_set, reason="Reviewed"
    )
    a = statements_world.books["accounts"]
    post(
        statements_world.books,
        finance_officer,
        dt.date(2026, 11, 1),
        "Late entry",
        [LineSpec(a["5310"], "debit", 1_000_00), LineSpec(a["1110"], "credit", 1_000_00)],
    )
    # then: the approved figures stay as they were; the ledger moved on
    assert statement_set.state == StatementSet.State.APPROVED and statement_set.version == 2
    assert set_figures(statement_set) == statement_set.frozen
    assert set_figures(statement_set) != statement_figures(first_year=2026, last_year=2026)
    assert ActionLog.objects.filter(event="statement_set.approved").count() == 1
    with pytest.raises(ValidationError, match="already approved"):
        statement_set_approve(actor=secretary_general, statement_set=statement_set, reason="x")


@pytest.mark.django_db
def test_it_leaves_approval_to_the_secretary_general(statements_world, finance_officer):
    statement_set = statement_set_create(actor=finance_officer, first_year=2026, last_year=2026)
    with pytest.raises(PermissionDenied):
        statement_set_approve(actor=finance_officer, statement_set=statement_set, reason="x")
    statement_set.refresh_from_db()
    assert statement_set.state == StatementSet.State.DRAFT


@pytest.mark.django_db
def test_it_files_approved_statements_on_the_assembly_item(
    statements_world, finance_officer, secretary_general, assembly_item
):
    # given
    statement_set = statement_set_create(actor=finance_officer, first_year=2026, last_year=2026)
    with pytest.raises(ValidationError, match="Only approved"):
        statement_set_file(
            actor=secretary_general, statement_set=statement_set, agenda_item=assembly_item
        )
    statement_set_approve(actor=secretary_general, statement_set=statement_set, reason="ok")
    # when
    statement_set = statement_set_file(
        actor=secretary_general, statement_set=statement_set, agenda_item=assembly_item
    )
    # then
    document = Document.objects.get(agenda_item=assembly_item)
    assert document.title_en == "Financial statements 2026"
    assert statement_set.agenda_item == assembly_item
    assert ActionLog.objects.filter(event="statement_set.filed").count() == 1
    with pytest.raises(ValidationError, match="already filed"):
        statement_set_file(
            actor=secretary_general, statement_set=statement_set, agenda_item=assembly_item
        )


@pytest.mark.django_db
def test_it_builds_the_pdf_and_the_workbook(
    statements_world, finance_officer, django_capture_on_commit_callbacks
):
    # given
    statement_set = statement_set_create(actor=finance_officer, first_year=2026, last_year=2026)
    # when
    with django_capture_on_commit_callbacks(execute=True):
        pdf = statements_pdf(statement_set=statement_set, language="es")
        xlsx = statements_xlsx(statement_set=statement_set, language="en")
    # then (the test suite's worker builds after the commit)
    pdf.refresh_from_db()
    xlsx.refresh_from_db()
    assert pdf.state == xlsx.state == GeneratedDocument.State.READY
    assert pdf.file.read().startswith(b"%PDF-")
    workbook = load_workbook(io.BytesIO(xlsx.file.read()))
    assert workbook.sheetnames == [
        "Financial position",
        "Financial performance",
        "Changes in net assets",
        "Cash flow",
        "Dues receivable",
    ]
    sheet = workbook["Financial position"]
    values = {row[0]: row[1] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert float(values["Total assets"]) == 183_500.00
    assert sheet.cell(4, 2).number_format.startswith("#,##0.00")
