"""Import of the member spreadsheet: parsing, per-row errors, all-or-nothing commit,
idempotence, limits against hostile files, and the pages (permissions and query counts)."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from secretariat.conftest import client_for, make_member
from secretariat.core.models import ActionLog
from secretariat.members.models import DatePrecision, ImportBatch, Institution, Membership, Source
from secretariat.members.services.imports import commit as imports
from secretariat.members.services.imports import parse

HEADER = "name,acronym,country,category,member_since,website,email,phone,source"
ROW_ALFA = (
    "Instituto Nuevo Uno,INU,MX,full,2015-03-01,www.inu.example.org,info@inu.example.org,"
    "+52 55 1234 5678,Acta AG 2015"
)
ROW_BETA = "Caja Nueva Dos,CND,Perú,Asociado,2018,,,,Lista de miembros 2022"
ROW_GAMMA = "Fondo Nuevo Tres,,Canada,,,,,,Member list 2022"


def csv_upload(
    *lines: str, name: str = "members.csv", encoding: str = "utf-8"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, "\n".join(lines).encode(encoding), content_type="text/csv")


def xlsx_bytes(rows: list[list[object]]) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_upload(rows: list[list[object]], name: str = "members.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, xlsx_bytes(rows))


def registry_counts() -> dict[str, int]:
    return {
        "institutions": Institution.objects.count(),
        "memberships": Membership.objects.count(),
        "institution_history": Institution.history.count(),
        "membership_history": Membership.history.count(),
        "action_log": ActionLog.objects.count(),
    }


def row_errors(batch: ImportBatch, line: int) -> list[str]:
    return [e["code"] for e in batch.errors if e["line"] == line]


@pytest.fixture
def reference(categories, countries):
    return {"categories": categories, "countries": countries}


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


def test_it_plans_updates_and_unchanged_rows_against_the_registry(reference, officer, member_a):
    # given: member_a is "Instituto Alfa" (MX, full, since 2010-01-01)
    upload = csv_upload(
        HEADER,
        "instituto alfa,IA,MX,full,2010-01-01,,,,Lista 2022",
        "Instituto Alfa,IA,PE,,,,,,Lista 2022",
    )
    Institution.objects.filter(pk=member_a.pk).update(website="")
    # when
    batch = imports.import_preview(actor=officer, upload=upload)
    # then
    assert batch.rows[0]["action"] == "unchanged"
    assert batch.rows[0]["institution_id"] == member_a.pk
    assert batch.rows[1]["action"] == "create"  # same name, other country: another institution


def test_it_refuses_to_change_a_recorded_category(reference, officer, member_a):
    # when
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, "Instituto Alfa,,MX,associate,,,,,L")
    )
    # then
    assert row_errors(batch, 2) == ["category_conflict"]
    assert batch.rows[0]["action"] == "error"


def test_it_refuses_a_since_date_that_contradicts_the_registry(reference, officer, member_a):
    # when
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, "Instituto Alfa,,MX,,2001,,,,L")
    )
    # then
    assert row_errors(batch, 2) == ["since_conflict"]


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


# --- Commit ---------------------------------------------------------------------------


def test_it_commits_new_institutions_and_memberships_with_their_source(reference, officer):
    # given
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, ROW_ALFA, ROW_BETA, ROW_GAMMA)
    )
    # when
    batch = imports.import_commit(actor=officer, batch=batch, reason="Member list 2022")
    # then
    assert batch.state == ImportBatch.State.COMMITTED and batch.committed_at is not None
    alfa = Institution.objects.get(name="Instituto Nuevo Uno")
    assert (alfa.origin, alfa.source, alfa.acronym, alfa.website) == (
        Source.IMPORT,
        "Acta AG 2015",
        "INU",
        "https://www.inu.example.org",
    )
    membership = alfa.memberships.get()
    assert membership.category.code == "full"
    assert (membership.valid_from, membership.valid_from_precision) == (
        dt.date(2015, 3, 1),
        DatePrecision.DAY,
    )
    assert membership.decision == "Imported from members.csv"
    assert membership.source == "Acta AG 2015"
    beta = Membership.objects.get(institution__name="Caja Nueva Dos")
    assert (beta.valid_from, beta.valid_from_precision) == (dt.date(2018, 1, 1), DatePrecision.YEAR)
    gamma = Membership.objects.get(institution__name="Fondo Nuevo Tres")
    assert gamma.category is None and gamma.valid_from is None
    events = list(ActionLog.objects.order_by("id").values_list("event", flat=True))
    assert events == ["institution.created", "membership.opened"] * 3 + ["import.committed"]
    summary = ActionLog.objects.get(event="import.committed")
    assert summary.actor == officer
    assert summary.reason == "Member list 2022"
    assert summary.target_id == str(batch.pk)
    assert summary.new_values["institutions_created"] == 3
    assert summary.new_values["changes"] == 3
    created = ActionLog.objects.filter(event="institution.created").first()
    assert "Member list 2022" in created.reason and "members.csv" in created.reason


def test_it_commits_an_xlsx(reference, officer):
    # given
    upload = xlsx_upload(
        [
            HEADER.split(","),
            ["Instituto Nuevo Uno", "INU", "MX", "full", "2015", None, None, None, "Acta"],
        ]
    )
    batch = imports.import_preview(actor=officer, upload=upload)
    # when
    imports.import_commit(actor=officer, batch=batch, reason="List")
    # then
    assert Membership.objects.get(institution__name="Instituto Nuevo Uno").valid_from == dt.date(
        2015, 1, 1
    )


def test_it_changes_nothing_when_the_same_file_is_imported_again(reference, officer):
    # given
    lines = (HEADER, ROW_ALFA, ROW_BETA, ROW_GAMMA)
    first = imports.import_preview(actor=officer, upload=csv_upload(*lines))
    imports.import_commit(actor=officer, batch=first, reason="First import")
    before = registry_counts()
    # when
    second = imports.import_preview(actor=officer, upload=csv_upload(*lines))
    second = imports.import_commit(actor=officer, batch=second, reason="Second import")
    # then
    assert [r["action"] for r in second.rows] == ["unchanged"] * 3
    assert second.summary["previous_batch"] == first.pk
    after = registry_counts()
    assert after == {**before, "action_log": before["action_log"] + 1}
    last = ActionLog.objects.order_by("-id").first()
    assert last.event == "import.committed"
    assert last.new_values["changes"] == 0
    assert last.new_values["unchanged"] == 3


def test_it_commits_nothing_when_one_row_is_bad(reference, officer):
    # given
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, ROW_ALFA, "Bad,,Atlantis,,,,,,A")
    )
    before = registry_counts()
    # when
    with pytest.raises(ValidationError, match="rows with errors"):
        imports.import_commit(actor=officer, batch=batch, reason="List")
    # then
    assert registry_counts() == before
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.PREVIEW


def test_it_rolls_everything_back_when_a_row_fails_mid_way(reference, officer, monkeypatch):
    # given
    batch = imports.import_preview(actor=officer, upload=csv_upload(HEADER, ROW_ALFA, ROW_BETA))
    before = registry_counts()
    calls = []
    real = imports._membership_open_imported

    def fail_on_second(**kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise ValidationError("boom")
        return real(**kwargs)

    monkeypatch.setattr(imports, "_membership_open_imported", fail_on_second)
    # when
    with pytest.raises(ValidationError):
        imports.import_commit(actor=officer, batch=batch, reason="List")
    # then
    assert registry_counts() == before
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.PREVIEW


def test_it_records_an_unknown_category_and_date_instead_of_opening_a_period(
    reference, officer, countries, categories
):
    # given
    institution = make_member("Caja Sin Datos", countries["PE"], None, since=None)
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, "CAJA SIN DATOS,CSD,PE,linked,1990,,,,Acta")
    )
    assert batch.rows[0]["changes"] == ["acronym", "category", "member_since"]
    # when
    imports.import_commit(actor=officer, batch=batch, reason="Completing the registry")
    # then
    membership = institution.memberships.get()
    assert membership.category == categories["linked"]
    assert (membership.valid_from, membership.valid_from_precision) == (
        dt.date(1990, 1, 1),
        DatePrecision.YEAR,
    )
    institution.refresh_from_db()
    assert institution.acronym == "CSD"
    updated = ActionLog.objects.get(event="membership.updated")
    assert updated.old_values["category"] is None
    assert updated.new_values["category"] == categories["linked"].pk
    assert ActionLog.objects.get(event="institution.updated").new_values == {"acronym": "CSD"}


def test_it_opens_a_membership_for_a_registered_institution_without_one(
    reference, officer, countries
):
    # given
    institution = Institution.objects.create(
        name="Solicitante", country=countries["MX"], slug="solicitante"
    )
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, "Solicitante,,MX,affiliate,2020,,,,Acta")
    )
    assert batch.rows[0]["changes"] == ["membership"]
    # when
    imports.import_commit(actor=officer, batch=batch, reason="List")
    # then
    assert institution.memberships.get().category.code == "affiliate"
    assert Institution.objects.count() == 1


def test_it_refuses_a_commit_without_a_reason_or_twice(reference, officer):
    # given
    batch = imports.import_preview(actor=officer, upload=csv_upload(HEADER, ROW_GAMMA))
    # when / then
    with pytest.raises(ValidationError):
        imports.import_commit(actor=officer, batch=batch, reason="  ")
    imports.import_commit(actor=officer, batch=batch, reason="List")
    with pytest.raises(ValidationError, match="already been committed"):
        imports.import_commit(actor=officer, batch=batch, reason="List")
    assert Institution.objects.count() == 1


def test_it_refuses_a_commit_when_the_registry_changed_since_the_preview(
    reference, officer, countries, categories
):
    # given
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, "Inst X,,MX,full,,,,,A")
    )
    make_member("Inst X", countries["MX"], categories["associate"])
    before = registry_counts()
    # when
    with pytest.raises(ValidationError, match="changed since this preview"):
        imports.import_commit(actor=officer, batch=batch, reason="List")
    # then
    assert registry_counts() == before


def test_it_discards_a_preview_and_audits_it(reference, officer):
    # given
    batch = imports.import_preview(actor=officer, upload=csv_upload(HEADER, ROW_GAMMA))
    # when
    imports.import_discard(actor=officer, batch=batch, reason="Wrong file")
    # then
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DISCARDED
    entry = ActionLog.objects.get()
    assert (entry.event, entry.reason, entry.new_values) == (
        "import.discarded",
        "Wrong file",
        {"state": "discarded"},
    )
    with pytest.raises(ValidationError, match="discarded"):
        imports.import_commit(actor=officer, batch=batch, reason="List")
    assert Institution.objects.count() == 0


@pytest.mark.parametrize("persona", ["comptroller", "finance_officer", "rep_a"])
def test_it_lets_only_the_secretary_general_and_officers_import(reference, request, persona):
    # given
    user = request.getfixturevalue(persona)
    # when / then
    with pytest.raises(PermissionDenied):
        imports.import_preview(actor=user, upload=csv_upload(HEADER, ROW_GAMMA))
    assert ImportBatch.objects.count() == 0


def test_it_lets_the_secretary_general_commit_an_officers_preview(
    reference, officer, secretary_general
):
    # given
    batch = imports.import_preview(actor=officer, upload=csv_upload(HEADER, ROW_GAMMA))
    # when
    imports.import_commit(actor=secretary_general, batch=batch, reason="Approved")
    # then
    assert ActionLog.objects.get(event="import.committed").actor == secretary_general


# --- Template -------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["es", "en"])
def test_it_serves_templates_whose_example_row_cannot_be_imported(reference, officer, language):
    # given
    client = client_for(officer)
    for fmt in ("xlsx", "csv"):
        # when
        response = client.get(f"/{language}/members/import/template.{fmt}/")
        # then
        assert response.status_code == 200
        assert (
            response["Content-Disposition"] == f'attachment; filename="ciss-members-template.{fmt}"'
        )
        batch = imports.import_preview(
            actor=officer, upload=SimpleUploadedFile(f"t.{fmt}", response.content)
        )
        assert [e["code"] for e in batch.errors] == ["example_row"]
        assert batch.rows[0]["country"] == "MX" and batch.rows[0]["category"] == "full"


def test_it_writes_spanish_headers_in_the_spanish_template(officer):
    # when
    response = client_for(officer).get("/es/members/import/template.xlsx/")
    # then
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in sheet[1]][:3] == ["nombre", "siglas", "país"]


def test_it_answers_404_for_an_unknown_template_format(officer):
    assert client_for(officer).get("/en/members/import/template.pdf/").status_code == 404


# --- Pages ----------------------------------------------------------------------------


def upload_url() -> str:
    return reverse("members:import-upload")


def test_it_sends_anonymous_visitors_to_log_in(as_anonymous):
    # when
    response = as_anonymous.get(upload_url())
    # then
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["comptroller", "rep_a", "finance_officer"])
def test_it_forbids_the_import_pages_to_others(reference, officer, request, persona):
    # given
    batch = imports.import_preview(actor=officer, upload=csv_upload(HEADER, ROW_GAMMA))
    client = client_for(request.getfixturevalue(persona))
    before = registry_counts()
    # when / then
    assert client.get(upload_url()).status_code == 403
    assert client.post(upload_url(), {"file": csv_upload(HEADER, ROW_ALFA)}).status_code == 403
    assert client.get(reverse("members:import-preview", args=[batch.pk])).status_code == 403
    assert client.get(reverse("members:import-list")).status_code == 403
    assert (
        client.post(reverse("members:import-commit", args=[batch.pk]), {"reason": "x"}).status_code
        == 403
    )
    assert client.post(reverse("members:import-discard", args=[batch.pk])).status_code == 403
    assert client.get(reverse("members:import-template", args=["csv"])).status_code == 403
    assert registry_counts() == before
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.PREVIEW


def test_it_uploads_and_redirects_to_the_preview(reference, as_officer):
    # when
    response = as_officer.post(upload_url(), {"file": csv_upload(HEADER, ROW_ALFA)})
    # then
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("members:import-preview", args=[batch.pk])


def test_it_shows_the_upload_form(as_officer):
    # when
    response = as_officer.get("/en/members/import/")
    # then
    assert response.status_code == 200
    assert b'enctype="multipart/form-data"' in response.content
    assert b"template.xlsx" in response.content


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("evil.xlsx", b"<script>alert(1)</script>"), b"not an Excel workbook"),
        (SimpleUploadedFile("<script>x</script>.exe", b"MZ"), b"Only .csv or .xlsx"),
        (None, b"This field is required"),
    ],
)
def test_it_shows_a_clear_error_for_a_bad_upload(reference, as_officer, upload, message):
    # when
    response = as_officer.post("/en/members/import/", {"file": upload} if upload else {})
    # then
    assert response.status_code == 200
    assert message in response.content
    assert b"<script>" not in response.content
    assert ImportBatch.objects.count() == 0


def test_it_shows_the_preview_with_errors_and_a_disabled_commit(
    reference, officer, as_officer, member_a
):
    # given
    member_a.origin = Source.EXAMPLE
    member_a.save()
    batch = imports.import_preview(
        actor=officer,
        upload=csv_upload(
            HEADER, "Instituto Alfa,IA,MX,,,,,,A", "<b>x</b>,,Atlantis,,,,,,A", ROW_GAMMA
        ),
    )
    # when
    response = as_officer.get(f"/en/members/import/{batch.pk}/")
    # then
    content = response.content.decode()
    assert response.status_code == 200
    assert "badge--danger" in content and "Error" in content
    assert "Unknown country “Atlantis”" in content
    assert "&lt;b&gt;x&lt;/b&gt;" in content and "<b>x</b>" not in content
    assert "disabled" in content
    assert "badge--example" in content  # the matched example institution says so
    assert "Not recorded" in content and "Unknown" in content
    assert "New institution + membership" in content


def test_it_shows_the_preview_in_spanish(reference, officer, as_officer):
    # given
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, "Inst X,,Atlantis,,,,,,A")
    )
    # when
    response = as_officer.get(f"/es/members/import/{batch.pk}/")
    # then
    assert response.status_code == 200
    assert "Atlantis" in response.content.decode()


def test_it_filters_the_preview_to_rows_with_errors(reference, officer, as_officer):
    # given
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, ROW_ALFA, "Bad Row,,Atlantis,,,,,,A")
    )
    # when
    response = as_officer.get(f"/en/members/import/{batch.pk}/?show=errors")
    # then
    assert b"Bad Row" in response.content
    assert b"Instituto Nuevo Uno" not in response.content


def test_it_answers_404_for_a_missing_batch(as_officer):
    assert as_officer.get(reverse("members:import-preview", args=[999])).status_code == 404
    assert (
        as_officer.post(reverse("members:import-commit", args=[999]), {"reason": "x"}).status_code
        == 404
    )


def test_it_commits_through_the_page(reference, officer, as_officer):
    # given
    batch = imports.import_preview(actor=officer, upload=csv_upload(HEADER, ROW_ALFA))
    # when
    response = as_officer.post(
        reverse("members:import-commit", args=[batch.pk]), {"reason": "List 2022"}, follow=True
    )
    # then
    assert response.status_code == 200
    assert Institution.objects.filter(name="Instituto Nuevo Uno").exists()
    assert ActionLog.objects.filter(event="import.committed", reason="List 2022").exists()


@pytest.mark.parametrize("reason", ["", "x" * 10_000])
def test_it_shows_the_reason_error_and_changes_nothing(reference, officer, as_officer, reason):
    # given
    batch = imports.import_preview(actor=officer, upload=csv_upload(HEADER, ROW_ALFA))
    before = registry_counts()
    # when
    response = as_officer.post(f"/en/members/import/{batch.pk}/commit/", {"reason": reason})
    # then
    assert response.status_code == 200
    assert b"field-error" in response.content
    assert registry_counts() == before


def test_it_shows_the_service_refusal_when_committing_a_file_with_errors(
    reference, officer, as_officer
):
    # given
    batch = imports.import_preview(actor=officer, upload=csv_upload(HEADER, "Bad,,Atlantis,,,,,,A"))
    before = registry_counts()
    # when
    response = as_officer.post(f"/en/members/import/{batch.pk}/commit/", {"reason": "Try anyway"})
    # then
    assert response.status_code == 200
    assert b"rows with errors" in response.content
    assert registry_counts() == before


def test_it_refuses_get_on_commit(reference, officer, as_officer):
    batch = imports.import_preview(actor=officer, upload=csv_upload(HEADER, ROW_ALFA))
    assert as_officer.get(reverse("members:import-commit", args=[batch.pk])).status_code == 405


def test_it_discards_through_the_page(reference, officer, as_officer):
    # given
    batch = imports.import_preview(actor=officer, upload=csv_upload(HEADER, ROW_ALFA))
    # when
    response = as_officer.post(
        reverse("members:import-discard", args=[batch.pk]), {"reason": "Wrong file"}
    )
    # then
    assert response.status_code == 302
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.DISCARDED
    # a second discard is refused with a message, not an error page
    again = as_officer.post(reverse("members:import-discard", args=[batch.pk]), follow=True)
    assert b"discarded" in again.content


# --- Query counts ---------------------------------------------------------------------


def _batch_with(officer, n: int) -> ImportBatch:
    lines = (
        [HEADER]
        + [f"Inst {i},,{'MX' if i % 2 else 'PE'},full,2010,,,,A" for i in range(n - 1)]
        + ["Bad,,Atlantis,,,,,,A"]
    )
    return imports.import_preview(actor=officer, upload=csv_upload(*lines))


@pytest.mark.parametrize("n", [3, 30])
def test_it_shows_the_preview_in_constant_queries(
    reference, officer, django_assert_max_num_queries, n
):
    # given
    batch = _batch_with(officer, n)
    client = client_for(officer)
    client.get(reverse("members:import-list"))  # settle the session and the MFA flag
    # when / then: session, user, user's groups (permission), batch + uploader,
    # countries of the page's rows, categories
    with django_assert_max_num_queries(6):
        response = client.get(reverse("members:import-preview", args=[batch.pk]))
    assert response.status_code == 200


@pytest.mark.parametrize("n", [3, 30])
def test_it_lists_past_imports_in_constant_queries(
    reference, officer, django_assert_max_num_queries, n
):
    # given
    for i in range(n):
        ImportBatch.objects.create(
            file_name=f"f{i}.csv", checksum="0" * 64, rows=[], uploaded_by=officer
        )
    client = client_for(officer)
    client.get(reverse("members:import-upload"))  # settle the session and the MFA flag
    # when / then: session, user, user's groups (permission), count, page of batches + uploaders
    with django_assert_max_num_queries(5):
        response = client.get(reverse("members:import-list"))
    assert response.status_code == 200


def test_it_plans_a_file_in_constant_queries(reference, officer):
    # given: the same file shape with 3 and with 30 rows
    def count(n: int) -> int:
        lines = [HEADER] + [f"Inst {i},,MX,full,2010,,,,A" for i in range(n)]
        with CaptureQueriesContext(connection) as ctx:
            imports.import_preview(actor=officer, upload=csv_upload(*lines))
        return len(ctx.captured_queries)

    count(1)  # the officer's roles are read once, then cached on the user
    # when / then
    assert count(3) == count(30)


def _queries_for(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_it_shows_the_same_number_of_queries_for_3_and_30_preview_rows(reference, officer):
    # given
    small, large = _batch_with(officer, 3), _batch_with(officer, 30)
    client = client_for(officer)
    client.get(reverse("members:import-list"))  # settle the session and the MFA flag
    # when / then
    assert _queries_for(client, reverse("members:import-preview", args=[small.pk])) == _queries_for(
        client, reverse("members:import-preview", args=[large.pk])
    )


def test_it_lists_3_and_30_past_imports_with_the_same_number_of_queries(reference, officer):
    # given
    client = client_for(officer)
    client.get(reverse("members:import-upload"))  # settle the session and the MFA flag
    for i in range(3):
        ImportBatch.objects.create(
            file_name=f"f{i}.csv", checksum="0" * 64, rows=[], uploaded_by=officer
        )
    with_3 = _queries_for(client, reverse("members:import-list"))
    for i in range(27):
        ImportBatch.objects.create(
            file_name=f"g{i}.csv", checksum="0" * 64, rows=[], uploaded_by=officer
        )
    # when / then
    assert _queries_for(client, reverse("members:import-list")) == with_3


def test_it_finds_nothing_to_do_when_the_same_rows_come_in_another_file(reference, officer):
    # given: committed from CSV, then the same rows arrive as XLSX (another checksum)
    first = imports.import_preview(actor=officer, upload=csv_upload(HEADER, ROW_ALFA, ROW_BETA))
    imports.import_commit(actor=officer, batch=first, reason="First")
    rows = [HEADER.split(",")] + [line.split(",") for line in (ROW_ALFA, ROW_BETA)]
    before = registry_counts()
    # when
    second = imports.import_preview(actor=officer, upload=xlsx_upload(rows))
    imports.import_commit(actor=officer, batch=second, reason="Second")
    # then
    assert second.summary["previous_batch"] is None
    assert [r["action"] for r in second.rows] == ["unchanged", "unchanged"]
    assert registry_counts() == {**before, "action_log": before["action_log"] + 1}


def test_it_refines_a_start_date_known_only_by_its_year(reference, officer, countries, categories):
    # given
    institution = make_member(
        "Caja Anual", countries["PE"], categories["full"], since=dt.date(2010, 1, 1)
    )
    Membership.objects.filter(institution=institution).update(
        valid_from_precision=DatePrecision.YEAR
    )
    upload = csv_upload(
        HEADER, "Caja Anual,,PE,full,2010-05-03,,,,Acta", "Caja Anual,,MX,,2009,,,,Acta"
    )
    # when
    batch = imports.import_preview(actor=officer, upload=upload)
    imports.import_commit(actor=officer, batch=batch, reason="Exact date found")
    # then
    assert batch.rows[0]["changes"] == ["member_since"]
    membership = institution.memberships.get()
    assert (membership.valid_from, membership.valid_from_precision) == (dt.date(2010, 5, 3), "day")
    assert ActionLog.objects.filter(event="membership.updated").count() == 1


def test_it_refuses_rows_for_ended_memberships_and_ambiguous_names(
    reference, officer, countries, categories
):
    # given
    former = make_member("Caja Antigua", countries["PE"], categories["full"])
    Membership.objects.filter(institution=former).update(valid_to=dt.date(2015, 1, 1))
    Institution.objects.create(name="Doble", country=countries["MX"], slug="doble-1")
    Institution.objects.create(name="DOBLE", country=countries["MX"], slug="doble-2")
    # when
    batch = imports.import_preview(
        actor=officer, upload=csv_upload(HEADER, "Caja Antigua,,PE,,,,,,A", "doble,,MX,,,,,,A")
    )
    # then
    assert row_errors(batch, 2) == ["membership_ended"]
    assert row_errors(batch, 3) == ["ambiguous"]


def test_it_lets_the_secretary_general_see_an_officers_preview(
    reference, officer, secretary_general
):
    # given
    batch = imports.import_preview(actor=officer, upload=csv_upload(HEADER, ROW_GAMMA))
    # when
    response = client_for(secretary_general).get(reverse("members:import-preview", args=[batch.pk]))
    # then
    assert response.status_code == 200
    assert b"Fondo Nuevo Tres" in response.content
