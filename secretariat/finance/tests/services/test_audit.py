"""The Comptroller's samples of entries and the audit package."""

from __future__ import annotations

import csv
import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from secretariat.core.models import ActionLog, GeneratedDocument
from secretariat.finance.models import AuditSample
from secretariat.finance.selectors.audit import sample_population, sample_redrawn
from secretariat.finance.services.audit import audit_package, audit_sample_draw
from secretariat.finance.tests.statements_world import statements_world_fixture  # noqa: F401


@pytest.mark.django_db
def test_it_draws_a_sample_that_can_be_drawn_again(statements_world, comptroller):
    # when
    sample = audit_sample_draw(
        actor=comptroller, fiscal_year=statements_world.year_2026, size=3, seed="abc"
    )
    # then
    assert sample.population == 9 and len(sample.entry_ids) == 3
    assert sample_redrawn(sample) == sample.entry_ids
    again = audit_sample_draw(
        actor=comptroller, fiscal_year=statements_world.year_2026, size=3, seed="abc"
    )
    assert again.entry_ids == sample.entry_ids
    assert ActionLog.objects.filter(event="audit_sample.drawn").count() == 2


@pytest.mark.django_db
def test_it_draws_only_entries_above_the_amount(statements_world, comptroller):
    # when
    sample = audit_sample_draw(
        actor=comptroller,
        fiscal_year=statements_world.year_2026,
        size=50,
        minimum_amount=30_000_00,
    )
    # then: the dues (80,000) and the salaries (36,000); a random seed is recorded
    assert sample.population == 2 and sorted(sample.entry_ids) == sample_population(
        fiscal_year=statements_world.year_2026, minimum_amount=30_000_00
    )
    assert len(sample.seed) == 16


@pytest.mark.django_db
def test_it_refuses_an_empty_population_and_bad_sizes(statements_world, comptroller):
    with pytest.raises(ValidationError, match="nothing to draw"):
        audit_sample_draw(
            actor=comptroller,
            fiscal_year=statements_world.year_2026,
            size=1,
            minimum_amount=10**12,
        )
    with pytest.raises(ValidationError):
        audit_sample_draw(actor=comptroller, fiscal_year=statements_world.year_2026, size=0)
    assert not AuditSample.objects.exists()


@pytest.mark.django_db
def test_it_leaves_sampling_to_the_comptroller(statements_world, finance_officer):
    with pytest.raises(PermissionDenied):
        audit_sample_draw(actor=finance_officer, fiscal_year=statements_world.year_2026, size=1)


@pytest.mark.django_db
def test_it_builds_the_audit_package_as_one_zip(
    statements_world, comptroller, django_capture_on_commit_callbacks
):
    # when
    with django_capture_on_commit_callbacks(execute=True):
        document = audit_package(actor=comptroller, fiscal_year=statements_world.year_2026)
    # then
    document.refresh_from_db()
    assert document.state == GeneratedDocument.State.READY
    assert document.content_type == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(document.file.read()))
    assert sorted(archive.namelist()) == [
        "README.txt",
        "bank-reconciliations-2026.csv",
        "general-ledger-2026.csv",
        "statements-2026-es.pdf",
        "statements-2026.xlsx",
        "trial-balance-2026.csv",
    ]
    ledger = list(csv.DictReader(io.StringIO(archive.read("general-ledger-2026.csv").decode())))
    assert len(ledger) == 19  # every line of the year's 9 counted entries
    trial = list(csv.DictReader(io.StringIO(archive.read("trial-balance-2026.csv").decode())))
    assert sum(float(r["debit_usd"]) for r in trial) == sum(float(r["credit_usd"]) for r in trial)
    assert archive.read("statements-2026-es.pdf").startswith(b"%PDF-")
    assert "general-ledger-2026.csv" in archive.read("README.txt").decode()


@pytest.mark.django_db
def test_the_general_ledger_writes_a_description_that_looks_like_a_formula_as_text(
    statements_world, finance_officer
):
    # given an entry whose description is a spreadsheet formula
    import datetime as dt

    from secretariat.finance.selectors.audit import general_ledger_csv
    from secretariat.finance.services.ledger import LineSpec
    from secretariat.finance.tests.statements_world import post

    a = statements_world.books["accounts"]
    post(
        statements_world.books,
        finance_officer,
        dt.date(2026, 8, 3),
        "=cmd|' /C calc'!A0",
        [LineSpec(a["5310"], "debit", 1_00), LineSpec(a["1110"], "credit", 1_00)],
    )
    # when
    rows = list(csv.reader(io.StringIO(general_ledger_csv(statements_world.year_2026))))
    # then the description is text, the amounts numbers
    written = [row for row in rows if "calc" in row[5]]
    assert [row[5] for row in written] == ["'=cmd|' /C calc'!A0"] * 2
    assert {row[12] for row in written} == {"1.00", "0.00"}
