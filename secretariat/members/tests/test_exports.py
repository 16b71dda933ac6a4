"""Exports of the public directory (members:directory-export): CSV and XLSX."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from secretariat.conftest import client_for, make_member
from secretariat.members.models import DatePrecision, Institution, Membership, Source

HEADINGS_EN = [
    "Name",
    "Acronym",
    "Country or territory",
    "Sub-region",
    "Category",
    "Member since",
    "Example",
    "Source",
]


def csv_rows(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))


def xlsx_rows(response) -> list[list]:
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    return [list(row) for row in workbook.active.iter_rows(values_only=True)]


def xlsx_sheet(response):
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active


@pytest.fixture
def example(categories, countries) -> Institution:
    inst = make_member("Instituto Demo", countries["CA"], categories["full"], acronym="ID")
    Institution.objects.filter(pk=inst.pk).update(origin=Source.EXAMPLE)
    return inst


def test_it_exports_the_members_as_csv_with_localized_headings(
    as_anonymous, member_a, member_b, example
):
    # when
    response = as_anonymous.get("/en/members/export.csv")
    # then
    today = timezone.localdate().isoformat()
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="ciss-members-{today}.csv"'
    rows = csv_rows(response)
    assert rows[0] == HEADINGS_EN
    assert rows[1] == [
        "Instituto Alfa",
        "IA",
        "Mexico",
        "Not assigned",
        "Full member",
        "2010-01-01",
        "no",
        "test",
    ]
    assert rows[2] == [
        "Instituto Beta",
        "IB",
        "Peru",
        "Not assigned",
        "Associate member",
        "2010-01-01",
        "no",
        "test",
    ]
    assert rows[3] == [
        "Instituto Demo",
        "ID",
        "Canada",
        "IV",
        "Full member",
        "2010-01-01",
        "yes",
        "test",
    ]


def test_it_writes_spanish_headings_and_names_on_the_spanish_site(as_anonymous, member_a):
    # when
    rows = csv_rows(as_anonymous.get("/es/members/export.csv"))
    # then: the Spanish country and category names (headings follow the catalogs)
    assert rows[1][2] == "México"
    assert rows[1][4] == "Miembro titular"


def test_it_exports_the_members_as_xlsx(as_anonymous, member_a, example):
    # when
    response = as_anonymous.get("/en/members/export.xlsx")
    # then
    today = timezone.localdate().isoformat()
    assert response.status_code == 200
    assert (
        response["Content-Type"]
        == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert f'filename="ciss-members-{today}.xlsx"' in response["Content-Disposition"]
    rows = xlsx_rows(response)
    assert rows[0] == HEADINGS_EN
    assert rows[1][:5] == ["Instituto Alfa", "IA", "Mexico", "Not assigned", "Full member"]
    assert rows[1][5] == dt.datetime(2010, 1, 1)  # a real date cell
    assert rows[1][6] == "no"
    assert rows[2][0] == "Instituto Demo" and rows[2][6] == "yes"


def test_it_says_unknown_facts_in_words(as_anonymous, countries, categories):
    # given
    make_member("Instituto Sin Datos", countries["MX"], None, since=None)
    inst = make_member(
        "Instituto Anual", countries["MX"], categories["full"], since=dt.date(1987, 1, 1)
    )
    Membership.objects.filter(institution=inst).update(valid_from_precision=DatePrecision.YEAR)
    # when
    csv_data = csv_rows(as_anonymous.get("/en/members/export.csv"))
    xlsx_data = xlsx_rows(as_anonymous.get("/en/members/export.xlsx"))
    # then
    assert csv_data[1][0] == "Instituto Anual" and csv_data[1][5] == "1987"
    assert csv_data[2][3:6] == ["Not assigned", "Not recorded", "Unknown"]
    assert xlsx_data[1][5] == "1987"
    assert xlsx_data[2][3:6] == ["Not assigned", "Not recorded", "Unknown"]


def test_it_exports_the_same_filtered_list_as_the_page(as_anonymous, member_a, member_b, example):
    # when
    response = as_anonymous.get("/en/members/export.csv", {"category": "full", "sort": "-name"})
    # then
    assert [row[0] for row in csv_rows(response)[1:]] == ["Instituto Demo", "Instituto Alfa"]


def test_it_exports_all_rows_not_one_page(as_anonymous, categories, countries):
    # given
    for i in range(30):
        make_member(f"Institution {i:03d}", countries["MX"], categories["full"])
    # when
    rows = csv_rows(as_anonymous.get("/en/members/export.csv"))
    # then
    assert len(rows) == 31


def test_it_exports_members_as_of_a_date_and_names_the_file_after_it(
    as_anonymous, member_a, categories, countries
):
    # given: a member only since 2020
    make_member("Instituto Nuevo", countries["PE"], categories["full"], since=dt.date(2020, 1, 1))
    # when
    response = as_anonymous.get("/en/members/export.csv", {"as_of": "2015-06-30"})
    # then
    assert 'filename="ciss-members-2015-06-30.csv"' in response["Content-Disposition"]
    assert [row[0] for row in csv_rows(response)[1:]] == ["Instituto Alfa"]


@pytest.mark.parametrize(
    "params", [{"as_of": "31/12/2015"}, {"category": "<script>"}, {"q": "x" * 10_000}]
)
def test_it_ignores_filters_it_does_not_understand(as_anonymous, member_a, params):
    # when
    response = as_anonymous.get("/en/members/export.csv", params)
    # then
    assert response.status_code == 200
    assert [row[0] for row in csv_rows(response)[1:]] == ["Instituto Alfa"]


@pytest.mark.parametrize("name", ['=HYPERLINK("http://evil")', "+1+2", "-2+3", "@SUM(A1)", "\tcmd"])
def test_it_neutralises_formulas_in_csv_cells(as_anonymous, categories, countries, name):
    # given
    make_member(name, countries["MX"], categories["full"], acronym="=1+1")
    # when
    rows = csv_rows(as_anonymous.get("/en/members/export.csv"))
    # then
    assert rows[1][0] == f"'{name}"
    assert rows[1][1] == "'=1+1"


def test_it_keeps_formulas_as_plain_text_in_xlsx(as_anonymous, categories, countries):
    # given
    make_member(
        '=HYPERLINK("http://evil","x")', countries["MX"], categories["full"], acronym="@SUM(A1)"
    )
    # when
    sheet = xlsx_sheet(as_anonymous.get("/en/members/export.xlsx"))
    # then: stored as text (never as a formula), marked quote-prefixed for Excel
    name, acronym = sheet["A2"], sheet["B2"]
    assert name.data_type == "s" and name.value == '=HYPERLINK("http://evil","x")'
    assert name.quotePrefix is True
    assert acronym.data_type == "s" and acronym.value == "@SUM(A1)"


def test_it_answers_404_for_an_unknown_format(as_anonymous, member_a):
    # when
    response = as_anonymous.get("/en/members/export.json")
    # then
    assert response.status_code == 404


def test_it_serves_the_exports_to_logged_in_users_too(rep_a, member_b):
    # when
    response = client_for(rep_a).get("/en/members/export.csv")
    # then: the same public list
    assert [row[0] for row in csv_rows(response)[1:]] == ["Instituto Alfa", "Instituto Beta"]


def _export_queries(client, fmt, django_assert_num_queries) -> None:
    # 1 categories (filter choices), 2 countries with members (filter choices), 3 the rows
    with django_assert_num_queries(3):
        response = client.get(f"/en/members/export.{fmt}")
        b"".join(response.streaming_content)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("n", [3, 30])
def test_it_runs_three_queries_whatever_the_number_of_members(
    as_anonymous, categories, countries, django_assert_num_queries, fmt, n
):
    # given
    for i in range(n):
        make_member(f"Institution {i:03d}", countries["MX"], categories["full"])
    # then
    _export_queries(as_anonymous, fmt, django_assert_num_queries)
