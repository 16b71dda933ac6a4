"""Registry reads: who votes on a date (standing: issue #4; domain.md, only full members vote)."""

from __future__ import annotations

import pytest

from secretariat.members.selectors import registry as selectors
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
