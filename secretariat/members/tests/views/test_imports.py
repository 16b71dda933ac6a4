"""Import pages: the template, upload, preview, commit and discard; permissions and query counts."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from secretariat.conftest import client_for
from secretariat.core.models import ActionLog
from secretariat.members.models import ImportBatch, Institution, Source
from secretariat.members.services.imports import commit as imports
from secretariat.members.tests.conftest import (
    HEADER,
    ROW_ALFA,
    ROW_GAMMA,
    csv_upload,
    registry_counts,
)

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


# --- Rows the preview must report (issue #9) --------------------------------------------


def _preview_through_the_page(client: Client, *lines: str) -> tuple[ImportBatch, str]:
    """Upload a CSV through the upload page and read the preview it leads to."""
    response = client.post("/en/members/import/", {"file": csv_upload(*lines)})
    assert response.status_code == 302
    batch = ImportBatch.objects.latest("pk")
    return batch, client.get(f"/en/members/import/{batch.pk}/").content.decode()


def test_it_reports_an_acronym_used_twice_in_the_file_and_refuses_the_commit(reference, as_officer):
    # given: two different institutions of Mexico, one acronym
    batch, content = _preview_through_the_page(
        as_officer,
        HEADER,
        "Instituto Uno,IDU,MX,full,2015,,,,Lista",
        "Instituto Dos,idu ,MX,full,2016,,,,Lista",
    )
    # then
    assert "The acronym “idu” is already used in this country by line 2." in content
    assert [r["action"] for r in batch.rows] == ["create", "error"]
    before = registry_counts()
    response = as_officer.post(f"/en/members/import/{batch.pk}/commit/", {"reason": "Lista 2022"})
    assert b"rows with errors" in response.content
    assert registry_counts() == before


def test_it_reports_an_acronym_another_registered_institution_uses(reference, as_officer, member_a):
    # given: member_a is "Instituto Alfa", IA, Mexico
    batch, content = _preview_through_the_page(
        as_officer, HEADER, "Instituto Otro,ia,MX,full,2015,,,,Lista"
    )
    # then
    assert (
        "The acronym “ia” is already used in the registry by another institution of this "
        "country: Instituto Alfa." in content
    )
    assert batch.rows[0]["action"] == "error"
    before = registry_counts()
    as_officer.post(f"/en/members/import/{batch.pk}/commit/", {"reason": "Lista 2022"})
    assert registry_counts() == before


def test_it_keeps_a_members_own_acronym_and_only_warns_across_countries(
    reference, officer, as_officer, member_a
):
    # given: the row of member_a itself, and an institution of Peru with the same acronym
    batch, content = _preview_through_the_page(
        as_officer,
        HEADER,
        "Instituto Alfa,IA,MX,,,,,,Lista",
        "Instituto Peruano,IA,PE,,,,,,Lista",
    )
    # then: not an error (INSS is both Brazil's and Nicaragua's), but the preview says so
    assert batch.errors == []
    assert [r["action"] for r in batch.rows] == ["unchanged", "create"]
    assert "The acronym “IA” is also used by Instituto Alfa (Mexico)" in content
    assert "is also used on line 2, for another country" in content


def test_it_reports_a_category_and_a_country_it_had_to_normalise(reference, as_officer):
    # given: case and trailing spaces, as spreadsheets write them
    batch, content = _preview_through_the_page(
        as_officer,
        HEADER,
        "Instituto Uno,IDU,mexico ,Associate Member ,2015,,,,Lista",
        "Instituto Dos,IDD,MX,associate,2015,,,,Lista",
    )
    # then: matched, and said so on the row that needed it only
    assert [r["category"] for r in batch.rows] == ["associate", "associate"]
    assert batch.rows[0]["country"] == "MX"
    assert "Category “Associate Member ” read as “Associate member”." in content
    assert "Country “mexico ” read as “Mexico”." in content
    assert [w["code"] for w in batch.rows[1]["warnings"]] == []
    assert batch.summary["counts"]["warnings"] == 2


def test_it_reports_bidi_controls_in_a_name_or_acronym(reference, as_officer):
    # when
    batch, content = _preview_through_the_page(
        as_officer,
        HEADER,
        "Instituto \u202eUno,IDU,MX,full,2015,,,,Lista",
        "Instituto Dos,\u2067ID\u2069,MX,full,2015,,,,Lista",
    )
    # then
    assert [(e["line"], e["field"], e["code"]) for e in batch.errors] == [
        (2, "name", "bidi_chars"),
        (3, "acronym", "bidi_chars"),
    ]
    assert "Name contains invisible characters that change the direction of the text" in content
    assert "<bdi>Instituto \u202eUno</bdi>" in content
