"""The re-election requirement against the seeded history of the Secretaries General
(data/ciss/officers.yaml: Omar de la Torre from 1 January 2016; Álvaro Velarca Hernández for
2023–2025). The CISS states no limit ("re-electable", General Secretariat page): the limits
set here are hypothetical, to test the count at its edges."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from secretariat.elections.models import CallOffice, Finding, Requirement
from secretariat.elections.services import reviews
from secretariat.elections.tests.nominations_world import make_call, make_nomination
from secretariat.governance.models import Office
from secretariat.members.models import Country, Institution

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    call_command("seed_ciss", stdout=StringIO(), stderr=StringIO())


def _suggest(candidate: str, term_start: dt.date, limit: int) -> reviews.Suggestion:
    Office.objects.filter(code="secretary-general").update(reelection_limit=limit)
    office = Office.objects.get(code="secretary-general")
    call = make_call()
    call_office = CallOffice.objects.create(
        call=call,
        office=office,
        term_start=term_start,
        term_end=term_start.replace(year=term_start.year + 3),
    )
    requirement = Requirement.objects.create(
        call=call, kind=Requirement.Kind.REELECTION_LIMIT, label_es="Reelección", order=1
    )
    nomination = make_nomination(
        call_office,
        Institution.objects.order_by("pk").first(),
        candidate,
        Country.objects.get(code="MX"),
    )
    return reviews.suggestion_for(nomination.versions.get(), requirement)


def test_the_secretary_general_of_2023_2025_has_served_one_term_when_the_next_begins(seeded):
    # when: a limit of one term, the next term from 1 January 2026
    suggestion = _suggest("Álvaro Velarca Hernández", dt.date(2026, 1, 1), limit=1)
    # then: the 2023–2025 mandate ends on 1 January 2026 (exclusive): one consecutive term
    assert suggestion.result == Finding.Result.NOT_MET
    assert "1 consecutive term" in suggestion.basis


def test_a_limit_of_two_terms_lets_the_secretary_general_of_2023_2025_stand_again(seeded):
    assert _suggest("Álvaro Velarca Hernández", dt.date(2026, 1, 1), limit=2).result == (
        Finding.Result.MET
    )


def test_omar_de_la_torre_had_served_a_term_when_the_2023_term_began(seeded):
    # his mandate from 1 January 2016 ends when his successor's begins (1 January 2023)
    suggestion = _suggest("Omar de la Torre", dt.date(2023, 1, 1), limit=1)
    assert suggestion.result == Finding.Result.NOT_MET


def test_a_term_held_by_someone_else_in_between_breaks_the_count(seeded):
    # 2023–2025 was Velarca Hernández's: Omar de la Torre's 2016 term is not consecutive
    suggestion = _suggest("Omar de la Torre", dt.date(2026, 1, 1), limit=1)
    assert suggestion.result == Finding.Result.MET
    assert "0 consecutive term" in suggestion.basis
