"""The representative's portal: their institution's page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from secretariat.conftest import client_for, make_user
from secretariat.core import roles
from secretariat.members.models import (
    ContactCorrection,
    Institution,
    Membership,
    MembershipRequest,
    Representative,
    Source,
)
from secretariat.members.tests.conftest import count_queries, my_institution_url, propose_url

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    # Pages in English (/en/...) so the assertions do not depend on the catalogs.
    with translation.override("en"):
        yield


# --- My institution -------------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_the_login(as_anonymous, member_a):
    # when
    response = as_anonymous.get(my_institution_url(member_a))
    # then
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_shows_the_representative_their_institution(as_rep_a, member_a, rep_a, officer):
    # given
    req = MembershipRequest.objects.create(
        reference="SOL-2026-0007",
        kind=MembershipRequest.Kind.DISAFFILIATION,
        channel=MembershipRequest.Channel.MEMBER,
        institution=member_a,
        submitted_by=rep_a,
    )
    ContactCorrection.objects.create(
        institution=member_a,
        proposed_by=rep_a,
        changes={"phone": "+52 77"},
        previous={"phone": ""},
        state=ContactCorrection.State.REJECTED,
        decision_reason="Not official",
    )
    Representative.objects.create(
        institution=member_a,
        full_name="Pedro Pasado",
        role=Representative.Role.HEAD,
        valid_from=dt.date(2010, 1, 1),
        valid_to=dt.date(2019, 1, 1),
    )
    # when
    response = as_rep_a.get(my_institution_url(member_a))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "Instituto Alfa" in body and "Full member" in body and "In force" in body
    assert "Ana Alfa" in body
    assert "Pedro Pasado" not in body  # only current representatives
    assert req.reference in body
    assert "+52 77" in body and "Rejected" in body and "Not official" in body
    assert propose_url(member_a) in body
    assert "History" not in body  # the staff history is not shown to members
    assert "rep.a@example.org" not in body  # accounts are a staff matter


def test_it_links_to_the_disaffiliation_request_when_that_page_exists(as_rep_a, member_a, rep_a):
    # given
    try:
        url = reverse("members:request-disaffiliation", args=[member_a.slug])
    except NoReverseMatch:
        pytest.skip("the disaffiliation page is not written yet")
    # when
    body = as_rep_a.get(my_institution_url(member_a)).content.decode()
    # then
    assert url in body


def test_it_offers_no_disaffiliation_to_a_former_member(as_rep_a, member_a, rep_a):
    # given
    Membership.objects.filter(institution=member_a).update(valid_to=dt.date(2020, 6, 1))
    # when
    body = as_rep_a.get(my_institution_url(member_a)).content.decode()
    # then
    assert "Request disaffiliation" not in body
    assert "Former member" in body


def test_it_answers_404_for_another_institution(as_rep_a, member_a, member_b):
    # when
    response = as_rep_a.get(my_institution_url(member_b))
    # then
    assert response.status_code == 404


def test_it_answers_404_once_the_representation_has_ended(member_a, rep_a):
    # given
    Representative.objects.filter(user=rep_a).update(valid_to=dt.date(2021, 1, 1))
    # when
    response = client_for(rep_a).get(my_institution_url(member_a))
    # then
    assert response.status_code == 404


def test_it_answers_404_for_a_missing_institution(as_rep_a):
    assert as_rep_a.get(reverse("members:my-institution", args=["no-such-slug"])).status_code == 404


def test_it_lets_staff_read_the_page_without_proposing(as_officer, member_a):
    # when
    body = as_officer.get(my_institution_url(member_a)).content.decode()
    # then
    assert "Instituto Alfa" in body
    assert propose_url(member_a) not in body


def test_it_marks_an_example_institution(countries, categories):
    # given
    inst = Institution.objects.create(
        name="Demo", slug="demo", country=countries["MX"], origin=Source.EXAMPLE
    )
    Membership.objects.create(institution=inst, category=None, valid_from=None)
    person = make_user("demo.rep@example.org", roles.REPRESENTATIVE)
    Representative.objects.create(
        institution=inst,
        user=person,
        full_name="Demo Rep",
        role="liaison",
        valid_from=dt.date(2020, 1, 1),
    )
    # when
    body = client_for(person).get(my_institution_url(inst)).content.decode()
    # then
    assert 'badge--example">Example<' in body
    assert "Not recorded" in body and "Unknown" in body  # category and start date


def _fill(inst: Institution, user, n: int, start: int = 0) -> None:  # type: ignore[no-untyped-def]
    Membership.objects.filter(institution=inst).delete()
    for i in range(start, start + n):
        Membership.objects.create(
            institution=inst,
            valid_from=dt.date(1950, 1, 1) + dt.timedelta(days=10 * i),
            valid_to=dt.date(1950, 1, 6) + dt.timedelta(days=10 * i),
        )
        Representative.objects.create(
            institution=inst, full_name=f"P{i}", role="alternate", valid_from=dt.date(2020, 1, 1)
        )
        MembershipRequest.objects.create(
            reference=f"SOL-{inst.pk}-{i:04d}",
            kind="affiliation",
            channel="secretariat",
            institution=inst,
        )
        ContactCorrection.objects.create(
            institution=inst, proposed_by=user, changes={"phone": str(i)}, previous={}
        )


@pytest.mark.parametrize("n", [3, 30])
def test_it_shows_the_page_in_a_fixed_number_of_queries(
    as_rep_a, member_a, rep_a, django_assert_max_num_queries, n
):
    # given
    _fill(member_a, rep_a, n)
    as_rep_a.get(my_institution_url(member_a))
    # when / then
    # session, user, user's groups, institution (+country, sub-region), memberships
    # (+category), representatives (+account), represented institutions, the user's and the
    # groups' model permissions (asked once: a representative has no staff rule), requests,
    # corrections
    with django_assert_max_num_queries(11):
        assert as_rep_a.get(my_institution_url(member_a)).status_code == 200


def test_it_shows_3_or_30_rows_in_the_same_number_of_queries(as_rep_a, member_a, rep_a):
    # given
    _fill(member_a, rep_a, 3)
    few = count_queries(as_rep_a, my_institution_url(member_a))
    _fill(member_a, rep_a, 27, start=3)
    # when
    many = count_queries(as_rep_a, my_institution_url(member_a))
    # then
    assert few == many
