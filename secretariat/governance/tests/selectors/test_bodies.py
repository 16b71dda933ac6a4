"""Governance reads: bodies, and who holds which office on a date."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import Http404

from secretariat.governance import selectors


@pytest.mark.django_db
def test_it_lists_bodies_in_the_organizations_order(organs):
    # when
    codes = [b.code for b in selectors.body_list()]
    top_level = [b.code for b in selectors.body_list(top_level=True)]
    # then: the CIESS board belongs to the CIESS and is not a top-level organ
    assert codes == ["general-assembly", "standing-committee", "ciess-board", "ciess"]
    assert top_level == ["general-assembly", "standing-committee", "ciess"]


@pytest.mark.django_db
def test_it_filters_bodies_by_kind(organs):
    # when
    codes = [b.code for b in selectors.body_list(kind="committee")]
    # then
    assert codes == ["standing-committee", "ciess-board"]


@pytest.mark.django_db
def test_it_raises_404_for_an_unknown_body(organs):
    # when / then
    with pytest.raises(Http404):
        selectors.body_get_for_user(user=AnonymousUser(), code="no-such-body")


@pytest.mark.django_db
def test_it_returns_the_authorities_in_force_in_office_order(organs, today):
    # when: 1 June 2024
    in_force = selectors.authorities_in_force()
    # then: the 2024 Vice-President only; the former Secretary General's mandate has ended;
    # a mandate with an unknown start counts as in force
    assert [(m.office.code, m.holder) for m in in_force] == [
        ("president", "Zoé Robledo Aburto"),
        ("vice-president", "Gino Dávila Herrera"),
        ("secretary-general", "Álvaro Velarca Hernández"),
        ("ciess-director", "Emilio A. Carrasco González"),
    ]


@pytest.mark.django_db
def test_it_answers_who_held_an_office_on_a_past_date(organs):
    # when
    in_force = selectors.authorities_in_force(on=dt.date(2019, 3, 1))
    # then: only the mandates known to cover 2019
    assert [m.holder for m in in_force] == ["Omar de la Torre", "Emilio A. Carrasco González"]


@pytest.mark.django_db
def test_it_splits_a_bodys_other_mandates_into_past_and_upcoming(organs, today):
    # given
    body = selectors.body_get_for_user(user=AnonymousUser(), code="standing-committee")
    # when
    other = selectors.mandates_not_in_force(body=body)
    holders = selectors.office_holders(body=body)
    # then
    assert [m.holder for m in other.past] == ["David A. Matthias", "Omar de la Torre"]
    assert [m.holder for m in other.upcoming] == ["André Rodrigues Veras"]
    assert [(h.office.code, [m.holder for m in h.mandates]) for h in holders] == [
        ("president", ["Zoé Robledo Aburto"]),
        ("vice-president", ["Gino Dávila Herrera"]),
        ("secretary-general", ["Álvaro Velarca Hernández"]),
    ]
