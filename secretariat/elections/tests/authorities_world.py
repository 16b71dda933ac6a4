"""The authorities' world, shared by their services', selectors', views' and permission
tests: a General Assembly that elects, a Presidency body, three offices (President, 1 place;
Vice-President, 3 places; Secretary General, 1 place) and people holding them in 2023-2025
(dates known to the year, as the sources give them), and one earlier Secretary General.

Built with the ORM (the tests of the services build their own records through them).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import translation

from secretariat.governance.models import Body, Mandate, Office, Person, RulesProfile
from secretariat.members.models import DatePrecision

Y = DatePrecision.YEAR


def page_url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"elections:{name}", kwargs=kwargs or None)


def make_person(name: str, slug: str, **extra) -> Person:
    return Person.objects.create(name=name, slug=slug, source="Test source", **extra)


def make_mandate(office: Office, person: Person, start, end, **extra) -> Mandate:
    return Mandate.objects.create(
        office=office,
        person=person,
        holder=person.name,
        valid_from=start,
        valid_to=end,
        source="Test source",
        **extra,
    )


@pytest.fixture(name="assembly")
def assembly_fixture(db) -> Body:
    return Body.objects.create(
        code="general-assembly",
        name_es="Asamblea General",
        name_en="General Assembly",
        kind=Body.Kind.ASSEMBLY,
        rules_profile=RulesProfile.GENERAL_ASSEMBLY,
        all_members_sit=True,
        source="GA page",
    )


@pytest.fixture(name="offices")
def offices_fixture(assembly) -> dict[str, Office]:
    presidency = Body.objects.create(
        code="presidency", name_es="Presidencia", kind=Body.Kind.OFFICE, source="GA page"
    )
    spec = [
        ("president", "Presidente", "President", 1, 10),
        ("vice-president", "Vicepresidente", "Vice-President", 3, 20),
        ("secretary-general", "Secretario General", "Secretary General", 1, 30),
    ]
    return {
        code: Office.objects.create(
            code=code,
            name_es=es,
            name_en=en,
            body=presidency,
            electing_body=assembly,
            places=places,
            term_years=3,
            order=order,
            source="GA page",
        )
        for code, es, en, places, order in spec
    }


@pytest.fixture(name="people")
def people_fixture(db) -> dict[str, Person]:
    return {
        "zoe": make_person(
            "Zoé Robledo Aburto",
            "zoe-robledo-aburto",
            biography_es="Director del IMSS.",
            biography_en="Director of the IMSS.",
        ),
        "alvaro": make_person(
            "Álvaro Velarca Hernández",
            "alvaro-velarca-hernandez",
            biography_es="Secretario General de la CISS.",
        ),
        "omar": make_person("Omar de la Torre", "omar-de-la-torre"),
        "gino": make_person("Gino Dávila Herrera", "gino-davila-herrera"),
    }


@pytest.fixture(name="mandates")
def mandates_fixture(offices, people) -> dict[str, Mandate]:
    """President and Secretary General 2023-2025 (ratified), one Vice-President for 2024,
    Omar de la Torre Secretary General from 1 January 2016 until 2023."""
    d = dt.date
    return {
        "zoe": make_mandate(
            offices["president"],
            people["zoe"],
            d(2023, 1, 1),
            d(2026, 1, 1),
            valid_from_precision=Y,
            valid_to_precision=Y,
            term_label="2023–2025",
            how=Mandate.How.RATIFIED,
        ),
        "alvaro": make_mandate(
            offices["secretary-general"],
            people["alvaro"],
            d(2023, 1, 1),
            d(2026, 1, 1),
            valid_from_precision=Y,
            valid_to_precision=Y,
            term_label="2023–2025",
            how=Mandate.How.RATIFIED,
        ),
        "gino": make_mandate(
            offices["vice-president"],
            people["gino"],
            d(2024, 1, 1),
            d(2025, 1, 1),
            valid_from_precision=Y,
            valid_to_precision=Y,
            term_label="2024",
        ),
        "omar": make_mandate(
            offices["secretary-general"],
            people["omar"],
            d(2016, 1, 1),
            d(2023, 1, 1),
            valid_to_precision=Y,
        ),
    }
