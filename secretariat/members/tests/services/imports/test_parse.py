"""Import, step one: reading and checking the file (per-row errors, limits against hostile
files); through `import_preview`, which writes nothing to the registry."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from secretariat.members.models import ImportBatch, Institution
from secretariat.members.services.imports import commit as imports
from secretariat.members.services.imports import parse
from secretariat.members.tests.conftest import (
    HEADER,
    ROW_ALFA,
    ROW_BETA,
    ROW_GAMMA,
    csv_upload,
    registry_counts,
    row_errors,
    xlsx_upload,
)

# --- Parsing and checking -------------------------------------------------------------


def test_it_previews_a_valid_csv_without_touching_the_registry(reference, officer):
    # given
    before = registry_counts()
    # when
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, ROW_ALFA, ROW_BETA, ROW_GAMMA)
    )
    # then
    assert batch.state == ImportBatch.State.PREVIEW
    assert batch.errors == []
    assert [r["action"] for r in batch.rows] == ["create", "create", "create"]
    assert batch.summary["counts"]["create"] == 3
    assert registry_counts() == before  # the preview writes no action-log row (documented)
    alfa, beta, gamma = batch.rows
    assert (alfa["country"], alfa["category"], alfa["since"], alfa["precision"]) == (
        "MX",
        "full",
        "2015-03-01",
        "day",
    )
    assert alfa["website"] == "https://www.inu.example.org"
    assert (beta["country"], beta["category"], beta["since"], beta["precision"]) == (
        "PE",
        "associate",
        "2018-01-01",
        "year",
    )
    assert (gamma["country"], gamma["category"], gamma["since"]) == ("CA", None, None)


def test_it_reads_an_xlsx_with_real_dates_and_numbers(reference, officer):
    # given
    upload = xlsx_upload(
        [
            HEADER.split(","),
            [
                "Instituto Nuevo Uno",
                "INU",
                "mx",
                "titular",
                dt.datetime(2015, 3, 1),
                None,
                None,
                5255123456,
                "Acta",
            ],
            ["Caja Nueva Dos", None, "Peru", "Associate member", 2018, None, None, None, "Lista"],
        ]
    )
    # when
    batch = imports.import_preview(actor=officer, upload=upload)
    # then
    assert batch.errors == []
    assert batch.summary["format"] == "xlsx"
    first, second = batch.rows
    assert (first["category"], first["since"], first["precision"], first["phone"]) == (
        "full",
        "2015-03-01",
        "day",
        "5255123456",
    )
    assert (second["category"], second["since"], second["precision"]) == (
        "associate",
        "2018-01-01",
        "year",
    )


def test_it_accepts_spanish_headers_with_accents_in_any_case(reference, officer):
    # given
    header = (
        "NOMBRE;Siglas;País;Categoría;Miembro desde;Sitio web;Correo;Teléfono;Fuente;Notas internas"
    )
    line = "Instituto Nuevo Uno;INU;México;Miembro titular;01/03/2015;;;;Acta;algo"
    # when
    batch = imports.import_preview(actor=officer, upload=csv_upload(header, line))
    # then
    assert batch.errors == []
    assert batch.rows[0]["country"] == "MX"
    assert batch.rows[0]["since"] == "2015-03-01"
    assert batch.summary["ignored_columns"] == ["Notas internas"]


def test_it_reads_a_csv_with_a_byte_order_mark(reference, officer):
    # given
    data = ("\ufeff" + HEADER + "\n" + ROW_BETA).encode("utf-8")
    # when
    batch = imports.import_preview(actor=officer, upload=SimpleUploadedFile("bom.csv", data))
    # then
    assert batch.errors == []
    assert batch.summary["encoding"] == "UTF-8"
    assert batch.rows[0]["name"] == "Caja Nueva Dos"


def test_it_reads_a_latin1_csv(reference, officer):
    # given
    upload = csv_upload(
        "nombre,país,fuente", "Caja Peruana Ñandú,Perú,Acta núm. 3", encoding="latin-1"
    )
    # when
    batch = imports.import_preview(actor=officer, upload=upload)
    # then
    assert batch.errors == []
    assert batch.rows[0]["name"] == "Caja Peruana Ñandú"
    assert batch.rows[0]["country"] == "PE"
    assert "Latin-1" in batch.summary["encoding"]


@pytest.mark.parametrize(
    ("line", "field", "code"),
    [
        (",,MX,full,,,,,Acta", "name", "required"),
        ("Inst X,,Atlantis,full,,,,,Acta", "country", "unknown_country"),
        ("Inst X,,MX,platinum,,,,,Acta", "category", "bad_category"),
        ("Inst X,,MX,full,31/02/2015,,,,Acta", "member_since", "bad_date"),
        ("Inst X,,MX,full,next year,,,,Acta", "member_since", "bad_date"),
        ("Inst X,,MX,full,1900,,,,Acta", "member_since", "too_early"),
        ("Inst X,,MX,full,,,not-an-email,,Acta", "email", "bad_email"),
        ("Inst X,,MX,full,,javascript:alert(1),,,Acta", "website", "bad_url"),
        ("Inst X,,MX,full,,,,,", "source", "required"),
        ("<script>alert(1)</script>,,MX,full,,,,,Acta", "name", "forbidden_chars"),
        ("Inst X,ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOP,MX,,,,,,Acta", "acronym", "too_long"),
        ("Example Institute (delete this row),EX,MX,full,2010,,,,Acta", "name", "example_row"),
    ],
)
def test_it_reports_each_kind_of_row_error(reference, officer, line, field, code):
    # given
    before = registry_counts()
    # when
    batch = imports.import_preview(actor=officer, upload=csv_upload(HEADER, line))
    # then
    assert [(e["field"], e["code"]) for e in batch.errors] == [(field, code)]
    assert batch.rows[0]["action"] == "error"
    assert registry_counts() == before


def test_it_reports_a_future_date(reference, officer):
    # given
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    # when
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, f"Inst X,,MX,full,{tomorrow},,,,Acta")
    )
    # then
    assert row_errors(batch, 2) == ["future_date"]


def test_it_reports_a_duplicate_within_the_file(reference, officer):
    # given
    upload = csv_upload(
        HEADER,
        "Inst X,,MX,,,,,,A",
        "Inst Y,,MX,,,,,,A",
        "INST  x,,México,,,,,,A",
        "Inst X,,PE,,,,,,A",
    )
    # when
    batch = imports.import_preview(actor=officer, upload=upload)
    # then
    assert batch.errors == [
        {"line": 4, "field": "name", "code": "duplicate", "params": {"line": 2}}
    ]


def test_it_reports_oversized_and_hostile_values_without_storing_them_whole(reference, officer):
    # given
    huge = "A" * 10_000
    sql = "x'); DROP TABLE members_institution; --"
    # when
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, f"{huge},,MX,,,,,,{sql}")
    )
    # then
    assert row_errors(batch, 2) == ["too_long"]
    assert len(batch.rows[0]["values"]["name"]) <= parse.DISPLAY_LIMIT + 1
    assert Institution.objects.count() == 0


def test_it_takes_formula_looking_cells_as_text_with_a_warning(reference, officer):
    # given
    upload = xlsx_upload(
        [
            HEADER.split(","),
            ['=HYPERLINK("http://evil")', None, "MX", None, None, None, None, None, "=1+1"],
        ]
    )
    # when
    batch = imports.import_preview(actor=officer, upload=upload)
    # then
    row = batch.rows[0]
    assert batch.errors == []
    assert row["name"] == '=HYPERLINK("http://evil")'
    assert row["source"] == "=1+1"
    assert [w["field"] for w in row["warnings"]] == ["name", "source"]


# --- Refused files --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("members.xlsx", b"%PDF-1.4 not a workbook", "not an Excel workbook"),
        ("members.xlsx", b"PK\x03\x04 broken zip", "not an Excel workbook"),
        ("members.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00binary", "not a CSV text file"),
        ("members.txt", b"name,country,source\nA,MX,B", "Only .csv or .xlsx"),
        ("members.csv", b"", "empty"),
        ("members.csv", b"name,country,source\n", "no rows"),
        ("members.csv", b"nombre,fuente\nA,B", "missing: Country"),
        ("members.csv", b"name,nombre,country,source\nA,A,MX,B", "Two columns mean the same"),
    ],
)
def test_it_refuses_files_that_are_not_member_spreadsheets(reference, officer, name, data, message):
    # given
    before = ImportBatch.objects.count()
    # when
    with pytest.raises(ValidationError) as exc:
        imports.import_preview(actor=officer, upload=SimpleUploadedFile(name, data))
    # then
    assert message in " ".join(exc.value.messages)
    assert ImportBatch.objects.count() == before


def test_it_refuses_a_zip_without_content_types_renamed_xlsx(reference, officer):
    # given
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hello")
    # when / then
    with pytest.raises(ValidationError, match="not an Excel workbook"):
        imports.import_preview(
            actor=officer, upload=SimpleUploadedFile("members.xlsx", out.getvalue())
        )


def test_it_refuses_a_zip_bomb_before_opening_it(reference, officer, monkeypatch):
    # given: 60 MB of zeros compressed to a few tens of kilobytes
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (60 * 1024 * 1024))
    data = out.getvalue()
    assert len(data) < parse.MAX_BYTES
    opened = []
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: opened.append(1))
    # when
    with pytest.raises(ValidationError) as exc:
        imports.import_preview(actor=officer, upload=SimpleUploadedFile("bomb.xlsx", data))
    # then
    assert "more than 50 MB" in exc.value.messages[0]
    assert opened == []


def test_it_refuses_an_xlsx_with_an_xml_entity_declaration(reference, officer):
    # given
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(
            "[Content_Types].xml", '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><Types/>'
        )
    # when / then
    with pytest.raises(ValidationError, match="XML declarations"):
        imports.import_preview(
            actor=officer, upload=SimpleUploadedFile("members.xlsx", out.getvalue())
        )


def test_it_refuses_an_oversized_file(reference, officer):
    # given
    data = (HEADER + "\n").encode() + b"x" * (parse.MAX_BYTES + 1)
    # when / then
    with pytest.raises(ValidationError, match="too large"):
        imports.import_preview(actor=officer, upload=SimpleUploadedFile("big.csv", data))


def test_it_refuses_too_many_rows(reference, officer):
    # given
    lines = [HEADER] + [f"Inst {n},,MX,,,,,,A" for n in range(parse.MAX_ROWS + 1)]
    # when / then
    with pytest.raises(ValidationError, match="too many rows"):
        imports.import_preview(actor=officer, upload=csv_upload(*lines))
    assert ImportBatch.objects.count() == 0


def test_it_accepts_exactly_the_row_limit(reference, officer, monkeypatch):
    # given
    monkeypatch.setattr(parse, "MAX_ROWS", 50)
    lines = [HEADER] + [f"Inst {n},,MX,,,,,,A" for n in range(50)]
    # when
    batch = imports.import_preview(actor=officer, upload=csv_upload(*lines))
    # then
    assert batch.summary["counts"]["rows"] == 50
