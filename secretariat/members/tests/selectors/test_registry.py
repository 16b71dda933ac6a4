"""Registry reads: who votes on a date (standing: issue #4; domain.md, only full members vote)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import translation

from secretariat.conftest import make_member
from secretariat.members.selectors import registry as selectors
from secretariat.members.services import registry as services
from secretariat.members.tests.conftest import D, suspend

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]


def test_voting_members_on_a_date_leave_out_those_suspended_that_day__issue_4_standing(
    member_a, member_b, officer
):
    suspend(officer, member_a, valid_to=D(2025, 1, 1))
    assert member_a in selectors.voting_members_on(day=D(2023, 12, 31))
    assert member_a not in selectors.voting_members_on(day=D(2024, 1, 1))
    assert member_a not in selectors.voting_members_on(day=D(2024, 12, 31))
    assert member_a in selectors.voting_members_on(day=D(2025, 1, 1))  # ends are exclusive
    # an associate member never votes (CISS GA page)
    assert member_b not in selectors.voting_members_on(day=D(2023, 12, 31))


# --- "Member since" through changes of category (issue #9) -------------------------------


def test_member_since_survives_a_change_of_category(officer, categories, countries, member_a):
    # given: member_a, full member since 2010-01-01, becomes an associate member in 2020
    services.membership_change_category(
        actor=officer,
        institution=member_a,
        category=categories["associate"],
        on=dt.date(2020, 6, 1),
        decision="Resolución CISS No. 150",
    )
    # when
    row = selectors.directory_list().get(institution=member_a)
    page = selectors.member_page(selectors.member_get_for_user(user=None, slug=member_a.slug))
    # then: a member since 2010, an associate since 2020
    assert row.category == categories["associate"]
    assert row.valid_from == dt.date(2020, 6, 1)
    assert row.member_since == dt.date(2010, 1, 1)
    assert page.admitted is not None and page.admitted.valid_from == dt.date(2010, 1, 1)
    assert page.current is not None and page.current.valid_from == dt.date(2020, 6, 1)


def test_member_since_starts_again_after_a_real_gap(officer, categories, countries, member_a):
    # given: member_a left at the end of 2014 and was admitted again in 2018
    services.membership_end(
        actor=officer,
        membership=member_a.memberships.get(),
        on=dt.date(2015, 1, 1),
        decision="Resolución CISS No. 120",
    )
    services.membership_open(
        actor=officer,
        institution=member_a,
        category=categories["full"],
        valid_from=dt.date(2018, 3, 1),
        decision="Resolución CISS No. 130",
    )
    services.membership_change_category(
        actor=officer,
        institution=member_a,
        category=categories["associate"],
        on=dt.date(2021, 1, 1),
        decision="Resolución CISS No. 140",
    )
    # when
    row = selectors.directory_list().get(institution=member_a)
    page = selectors.member_page(selectors.member_get_for_user(user=None, slug=member_a.slug))
    # then: the re-admission is the start; the 2021 change of category is not
    assert row.member_since == dt.date(2018, 3, 1)
    assert page.admitted is not None and page.admitted.valid_from == dt.date(2018, 3, 1)


def test_member_since_is_unknown_when_the_runs_first_start_is(officer, categories, countries):
    # given: a member recorded without its start, then moved to another category
    inst = make_member("Caja Sin Fecha", countries["PE"], categories["full"], since=None)
    services.membership_change_category(
        actor=officer,
        institution=inst,
        category=categories["associate"],
        on=dt.date(2020, 6, 1),
        decision="Resolución CISS No. 150",
    )
    # when / then: not the date of the change of category
    assert selectors.directory_list().get(institution=inst).member_since is None
    page = selectors.member_page(selectors.member_get_for_user(user=None, slug=inst.slug))
    assert page.admitted is not None and page.admitted.valid_from is None


def test_the_cache_key_names_the_data_the_day_the_language_and_the_query(member_a, officer):
    # given
    day = dt.date(2026, 1, 1)
    translation.activate("es")
    key = selectors.directory_cache_key(query="sort=name", day=day)
    # then it changes with each
    assert selectors.directory_cache_key(query="sort=name", day=day) == key
    assert selectors.directory_cache_key(query="sort=name", day=day + dt.timedelta(days=1)) != key
    assert selectors.directory_cache_key(query="sort=-name", day=day) != key
    with translation.override("fr"):
        assert selectors.directory_cache_key(query="sort=name", day=day) != key
    services.institution_update(
        actor=officer, institution=member_a, data={"acronym": "NEW"}, reason="Renamed."
    )
    assert selectors.directory_cache_key(query="sort=name", day=day) != key
    translation.deactivate()
