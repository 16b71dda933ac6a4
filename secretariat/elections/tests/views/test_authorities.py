"""The Authorities pages: the public page on a date and a person's page, with their query
counts pinned; the staff forms without permission, with it, and with the wrong scope; the
dashboard panel."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from secretariat.conftest import client_for
from secretariat.elections.tests.authorities_world import (
    assembly_fixture,  # noqa: F401  (the `assembly` fixture)
    make_mandate,
    make_person,
    mandates_fixture,  # noqa: F401  (the `mandates` fixture)
    offices_fixture,  # noqa: F401  (the `offices` fixture)
    page_url,
    people_fixture,  # noqa: F401  (the `people` fixture)
)
from secretariat.governance.models import Mandate, Office, Person

pytestmark = pytest.mark.django_db
d = dt.date


def holders(response, code: str) -> list[str]:
    rows = {row.office.code: row for row in response.context["page"].offices}
    return [h.name for h in rows[code].holders]


# --- the public page, on the seeded reference data --------------------------------------------------


@pytest.fixture(name="seeded")
def seeded_fixture(db):
    call_command("seed_ciss", stdout=StringIO(), stderr=StringIO())


def test_it_shows_the_2024_authorities_from_the_sources(seeded, client):
    # when
    response = client.get(page_url("authorities", "es") + "?on=2024-06-01")

    # then
    assert response.status_code == 200
    assert holders(response, "vice-president") == ["Gino Dávila Herrera"]
    assert holders(response, "secretary-general") == ["Álvaro Velarca Hernández"]
    assert holders(response, "president") == ["Zoé Robledo Aburto"]
    html = response.content.decode()
    assert "Gino Dávila Herrera" in html and "Álvaro Velarca Hernández" in html
    assert 'href="/es/elections/people/alvaro-velarca-hernandez/"' in html
    assert '<time datetime="2023">2023</time> – <time datetime="2025">2025</time>' in html


def test_it_shows_omar_de_la_torre_as_secretary_general_in_2016(seeded, client):
    # when
    response = client.get(page_url("authorities") + "?on=2016-06-01")

    # then
    assert holders(response, "secretary-general") == ["Omar de la Torre"]
    assert holders(response, "president") == []
    html = response.content.decode()
    assert '<time datetime="2016-01-01">' in html  # known to the day
    assert "Not recorded" in html


def test_it_shows_unknown_terms_as_unknown(seeded, client):
    # when
    response = client.get(page_url("authorities") + "?on=2026-12-07")

    # then: the Comptroller and the CIESS Director are named, their terms not stated
    assert holders(response, "comptroller") == ["Nicolas Starck Aguilera"]
    assert holders(response, "ciess-director") == ["Emilio A. Carrasco González"]
    assert holders(response, "president") == []
    assert "unknown" in response.content.decode()


def test_it_falls_back_to_today_on_a_date_it_does_not_understand(mandates, client):
    # when
    response = client.get(page_url("authorities") + "?on=yesterday")

    # then
    assert response.status_code == 200
    assert response.context["page"].day == timezone.localdate()
    assert "was not understood" in response.content.decode()


def test_it_marks_a_biography_shown_in_spanish(mandates, client):
    # when: Álvaro's biography exists in Spanish only
    response = client.get(page_url("authorities", "fr") + "?on=2024-06-01")

    # then
    html = response.content.decode()
    assert '<div class="biography" lang="es">' in html
    assert "Secretario General de la CISS." in html


def test_it_shows_the_elected_only_from_the_start_of_their_term(mandates, offices, people, client):
    # given: a Secretary General elected for 2026-2028
    make_mandate(offices["secretary-general"], people["gino"], d(2026, 1, 1), d(2029, 1, 1))

    # when
    before = client.get(page_url("authorities") + "?on=2025-12-31")
    after = client.get(page_url("authorities") + "?on=2026-01-01")

    # then
    assert holders(before, "secretary-general") == ["Álvaro Velarca Hernández"]
    assert "Upcoming" in before.content.decode()
    assert holders(after, "secretary-general") == ["Gino Dávila Herrera"]


def _grow(offices, count: int) -> None:
    for i in range(count):
        person = make_person(f"Persona {i}", f"persona-{i}", biography_es="Bio.")
        make_mandate(offices["president"], person, d(1950 + i, 1, 1), d(1951 + i, 1, 1))
    for i in range(3):
        Office.objects.create(code=f"extra-{i}", name_es=f"Cargo {i}", order=60 + i)


def test_the_page_reads_the_same_number_of_queries_whatever_the_data(mandates, offices):
    # given
    client = client_for(None)
    url = page_url("authorities") + "?on=2024-06-01"

    # when
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _grow(offices, 30)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)

    # then: the offices and their electing bodies (1), every mandate with its person, session
    # and resolution (1)
    assert response.status_code == 200
    assert len(small) == len(large) == 2, [q["sql"] for q in large.captured_queries]


def test_the_person_page_reads_the_same_number_of_queries_whatever_the_data(
    mandates, offices, people
):
    # given
    client = client_for(None)
    url = page_url("person-detail", slug="gino-davila-herrera")

    # when
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    for year in range(1990, 2020, 3):
        make_mandate(offices["vice-president"], people["gino"], d(year, 1, 1), d(year + 1, 1, 1))
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)

    # then: the person with their nationality (1), their mandates with office, session and
    # resolution (1)
    assert response.status_code == 200
    assert len(small) == len(large) == 2, [q["sql"] for q in large.captured_queries]
    assert response.content.decode().count("Vice-President") >= 11


# --- a person's page -----------------------------------------------------------------------------------


def test_the_person_page_lists_their_mandates_and_an_unknown_nationality(mandates, client):
    # when
    response = client.get(page_url("person-detail", slug="omar-de-la-torre"))

    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert "Omar de la Torre" in html and "Secretary General" in html
    assert "unknown" in html  # nationality not stated
    assert "No biography recorded." in html


def test_the_person_page_is_a_404_for_someone_unknown(client):
    assert client.get(page_url("person-detail", slug="nadie")).status_code == 404


# --- staff forms -------------------------------------------------------------------------------------


def test_a_representative_may_not_open_the_staff_forms(mandates, rep_a):
    # given
    client = client_for(rep_a)

    # when / then
    for url in (
        page_url("person-create"),
        page_url("mandate-record"),
        page_url("office-edit", code="president"),
        page_url("mandate-edit", pk=mandates["omar"].pk),
    ):
        assert client.get(url).status_code == 403


def test_an_officer_records_a_person(officer):
    # when
    response = client_for(officer).post(
        page_url("person-create"),
        {"name": "Ana Pérez", "slug": "ana-perez", "biography_es": "Actuaria.", "source": "CV"},
    )

    # then
    assert response.status_code == 302
    assert response["Location"] == page_url("person-detail", slug="ana-perez")
    assert Person.objects.get(slug="ana-perez").nationality is None


def test_an_officer_corrects_a_person_with_a_reason(officer, people):
    # when
    client = client_for(officer)
    url = page_url("person-edit", slug="omar-de-la-torre")
    refused = client.post(url, {"name": "Omar de la Torre", "slug": "omar-de-la-torre"})
    response = client.post(
        url,
        {
            "name": "Omar de la Torre",
            "slug": "omar-de-la-torre",
            "biography_en": "Secretary General from 2016.",
            "reason": "Biography received",
        },
    )

    # then
    assert refused.status_code == 200 and "reason" in refused.context["form"].errors
    assert response.status_code == 302
    people["omar"].refresh_from_db()
    assert people["omar"].biography_en == "Secretary General from 2016."


def test_an_officer_changes_an_office(officer, offices, assembly):
    # when
    response = client_for(officer).post(
        page_url("office-edit", code="secretary-general"),
        {
            "term_years": "3",
            "places": "1",
            "reelection_limit": "",
            "reelection_source": "General Secretariat page",
            "electing_body": str(assembly.pk),
            "requirements_es": "Nacional de un país miembro.",
            "reason": "Source found",
        },
    )

    # then
    assert response.status_code == 302
    office = Office.objects.get(code="secretary-general")
    assert office.reelection_source == "General Secretariat page"
    assert office.requirements_es == "Nacional de un país miembro."


def test_an_officer_records_a_mandate_and_sees_it_from_its_date(officer, offices, people):
    # when
    response = client_for(officer).post(
        page_url("mandate-record"),
        {
            "office": str(offices["president"].pk),
            "person": str(people["gino"].pk),
            "valid_from": "2030-01-01",
            "valid_from_precision": "day",
            "valid_to": "2033-01-01",
            "valid_to_precision": "day",
            "how": "elected",
            "source": "Minutes",
        },
    )

    # then
    assert response.status_code == 302
    assert response["Location"] == page_url("authorities") + "?on=2030-01-01"
    assert Mandate.objects.get(person=people["gino"], office=offices["president"]).how == "elected"


def test_the_mandate_form_says_why_an_overlap_is_refused(officer, mandates, people):
    # when: a second Secretary General in 2024
    response = client_for(officer).post(
        page_url("mandate-record") + "?office=secretary-general",
        {
            "office": str(mandates["alvaro"].office_id),
            "person": str(people["gino"].pk),
            "valid_from": "2024-01-01",
            "valid_from_precision": "day",
            "valid_to_precision": "day",
            "source": "x",
        },
    )

    # then
    assert response.status_code == 200
    assert "already held" in response.content.decode()
    assert Mandate.objects.filter(person=people["gino"]).count() == 1


def test_an_officer_corrects_a_mandate_with_a_reason(officer, mandates, people):
    # when
    response = client_for(officer).post(
        page_url("mandate-edit", pk=mandates["omar"].pk),
        {
            "person": str(people["omar"].pk),
            "valid_from": "2016-01-01",
            "valid_from_precision": "day",
            "valid_to": "2023-01-01",
            "valid_to_precision": "year",
            "how": "elected",
            "source": "Minutes of the XXVI GA",
            "reason": "Minutes found",
        },
    )

    # then
    assert response.status_code == 302
    mandates["omar"].refresh_from_db()
    assert mandates["omar"].how == "elected"
    assert mandates["omar"].history.count() == 2


def test_the_staff_forms_are_404_for_what_does_not_exist(officer):
    # given
    client = client_for(officer)

    # when / then: the wrong object is not found, not created
    assert client.get(page_url("mandate-edit", pk=999)).status_code == 404
    assert client.get(page_url("person-edit", slug="nadie")).status_code == 404
    assert client.get(page_url("office-edit", code="nada")).status_code == 404
    assert client.get(page_url("mandate-record") + "?office=nada").status_code == 404


# --- the dashboard ---------------------------------------------------------------------------------------


def test_the_dashboard_shows_terms_ending_and_vacancies_to_the_secretariat(
    mandates, officer, rep_a, finance_officer
):
    # given
    url = "/en/dashboard/"

    # when
    staff = client_for(officer).get(url)
    member = client_for(rep_a).get(url)
    finance = client_for(finance_officer).get(url)

    # then
    assert "Terms ending and vacancies" in staff.content.decode()
    assert "Terms ending and vacancies" not in member.content.decode()
    assert "Terms ending and vacancies" not in finance.content.decode()
