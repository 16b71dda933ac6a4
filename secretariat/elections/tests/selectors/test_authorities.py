"""The rules the Authorities page shows by: dates with their precision, vacancies and what is
not recorded, biographies in the reader's language, mandates not yet begun."""

from __future__ import annotations

import datetime as dt

import pytest

from secretariat.elections.selectors import authorities as selectors
from secretariat.elections.selectors.authorities import PartialDate
from secretariat.elections.tests.authorities_world import (
    assembly_fixture,  # noqa: F401  (the `assembly` fixture)
    make_mandate,
    make_person,
    mandates_fixture,  # noqa: F401  (the `mandates` fixture)
    offices_fixture,  # noqa: F401  (the `offices` fixture)
    people_fixture,  # noqa: F401  (the `people` fixture)
)
from secretariat.governance.models import Mandate

pytestmark = pytest.mark.django_db
d = dt.date


def rows_on(day: dt.date, language: str = "en") -> dict[str, selectors.OfficeRow]:
    return {row.office.code: row for row in selectors.office_rows(day=day, language=language)}


# --- dates and their precision -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "precision", "last"),
    [
        (d(2026, 1, 1), "year", PartialDate(d(2025, 1, 1), "year")),  # "until 2025"
        (d(2026, 3, 1), "month", PartialDate(d(2026, 2, 1), "month")),  # "until February"
        (d(2026, 1, 1), "month", PartialDate(d(2025, 12, 1), "month")),
        (d(2026, 3, 1), "day", PartialDate(d(2026, 2, 28), "day")),  # exclusive end
    ],
)
def test_it_shows_the_last_day_in_office_as_precisely_as_it_is_known(end, precision, last):
    # given
    mandate = Mandate(valid_from=d(2023, 1, 1), valid_to=end, valid_to_precision=precision)

    # when / then
    assert selectors.last_day_of(mandate) == last


def test_it_says_nothing_of_dates_nobody_knows():
    # given
    mandate = Mandate(valid_from=None, valid_to=None)

    # when / then
    assert selectors.starts_of(mandate) is None and selectors.last_day_of(mandate) is None


# --- holders, vacancies, not recorded -----------------------------------------------------------------


def test_it_shows_the_holders_on_a_date(mandates):
    # when
    rows = rows_on(d(2024, 6, 1))

    # then
    assert [h.name for h in rows["secretary-general"].holders] == ["Álvaro Velarca Hernández"]
    assert [h.name for h in rows["vice-president"].holders] == ["Gino Dávila Herrera"]
    assert [h.name for h in rows_on(d(2016, 6, 1))["secretary-general"].holders] == [
        "Omar de la Torre"
    ]


def test_it_shows_the_missing_places_of_an_office_held_as_vacant(mandates):
    # when: one Vice-President of three places
    row = rows_on(d(2024, 6, 1))["vice-president"]

    # then
    assert (row.vacant, row.not_recorded, row.vacancies) == (2, False, [0, 1])


def test_it_says_not_recorded_when_nothing_is_known(mandates):
    # when: after the last recorded term, and before the first
    later = rows_on(d(2026, 6, 1))["president"]
    earlier = rows_on(d(2010, 6, 1))["secretary-general"]

    # then
    assert (later.vacant, later.not_recorded) == (0, True)
    assert (earlier.vacant, earlier.not_recorded) == (0, True)


def test_it_shows_a_gap_between_recorded_terms_as_a_vacancy(mandates, offices, people):
    # given: a successor from 1 March 2026, nobody in January and February
    make_mandate(offices["president"], people["gino"], d(2026, 3, 1), d(2029, 1, 1))

    # when
    row = rows_on(d(2026, 2, 1))["president"]

    # then
    assert (row.vacant, row.not_recorded) == (1, False)
    assert rows_on(d(2026, 3, 1))["president"].holders[0].name == "Gino Dávila Herrera"


def test_it_shows_a_mandate_not_yet_begun_as_upcoming_until_its_first_day(
    mandates, offices, people
):
    # given: elected for 2026-2028
    make_mandate(offices["secretary-general"], people["gino"], d(2026, 1, 1), d(2029, 1, 1))

    # when
    before = rows_on(d(2025, 12, 31))["secretary-general"]
    on_the_day = rows_on(d(2026, 1, 1))["secretary-general"]

    # then
    assert [h.name for h in before.holders] == ["Álvaro Velarca Hernández"]
    assert [h.name for h in before.upcoming] == ["Gino Dávila Herrera"]
    assert [h.name for h in on_the_day.holders] == ["Gino Dávila Herrera"]
    assert on_the_day.upcoming == []
    assert [h.name for h in on_the_day.past] == ["Álvaro Velarca Hernández", "Omar de la Torre"]


def test_it_shows_a_holder_whose_dates_are_unknown_as_holding_the_office(offices):
    # given: the Comptroller as the seed has him (term not stated)
    person = make_person("Nicolas Starck Aguilera", "nicolas-starck-aguilera")
    make_mandate(offices["president"], person, None, None)

    # when
    row = rows_on(d(2026, 12, 7))["president"]

    # then
    assert [h.name for h in row.holders] == ["Nicolas Starck Aguilera"]
    assert row.holders[0].starts is None and row.holders[0].last is None


def test_it_bounds_the_past_holders_shown(offices):
    # given: fifteen past Presidents
    for year in range(2000, 2015):
        person = make_person(f"P {year}", f"p-{year}")
        make_mandate(offices["president"], person, d(year, 1, 1), d(year + 1, 1, 1))

    # when
    row = rows_on(d(2020, 1, 1))["president"]

    # then: the latest ten, and how many more
    assert [h.name for h in row.past][:2] == ["P 2014", "P 2013"]
    assert (len(row.past), row.past_more) == (selectors.PAST_SHOWN, 5)


# --- biographies --------------------------------------------------------------------------------------


def test_it_shows_the_biography_in_the_reader_language_or_the_spanish_one_marked(people):
    # then
    assert selectors.biography_of(people["zoe"], "en") == ("Director of the IMSS.", False)
    assert selectors.biography_of(people["zoe"], "fr") == ("Director del IMSS.", True)
    assert selectors.biography_of(people["alvaro"], "es") == (
        "Secretario General de la CISS.",
        False,
    )
    assert selectors.biography_of(people["omar"], "pt") == ("", False)


# --- the dashboard ---------------------------------------------------------------------------------------


def test_the_panel_lists_the_terms_ending_within_the_period_and_the_gaps(mandates):
    # when: the 2023-2025 terms end on 1 January 2026; the default period is 180 days
    panel = selectors.term_ends_panel(today=d(2025, 9, 1))

    # then
    assert panel.warning_days == 180
    assert [(t.row.name, t.days_left) for t in panel.ending] == [
        ("Zoé Robledo Aburto", 122),
        ("Álvaro Velarca Hernández", 122),
    ]
    assert [(g.office.code, g.vacant, g.not_recorded) for g in panel.gaps] == [
        ("vice-president", 0, True)
    ]
