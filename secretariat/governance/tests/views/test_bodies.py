"""Public pages of the bodies: anyone may read them; the query count does not grow."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from secretariat.governance.models import Body, Mandate, Office


def _url(name: str, lang: str = "en", **kwargs) -> str:
    with translation.override(lang):
        return reverse(name, kwargs=kwargs or None)


@pytest.mark.django_db
def test_it_shows_the_body_list_to_anonymous_visitors(client, organs):
    # when
    response = client.get(_url("governance:body-list"))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "General Assembly" in html and "CIESS Board of Directors" in html
    assert 'href="/en/bodies/ciess-board/"' in html
    # the default order is the organization's own, which is no column: no column claims it
    assert "aria-sort" not in html


@pytest.mark.django_db
def test_it_shows_the_body_list_in_spanish(client, organs):
    # when
    response = client.get(_url("governance:body-list", "es"))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="es">' in html and "Asamblea General" in html


@pytest.mark.django_db
def test_it_sorts_and_filters_the_body_list(client, organs):
    # when
    by_name_desc = client.get(_url("governance:body-list"), {"sort": "-name"})
    committees = client.get(_url("governance:body-list"), {"kind": "committee"})
    # then
    names = [b.name for b in by_name_desc.context["page"].object_list]
    assert names == sorted(names, reverse=True)
    assert 'aria-sort="descending"' in by_name_desc.content.decode()
    assert {b.code for b in committees.context["page"].object_list} == {
        "standing-committee",
        "ciess-board",
    }


@pytest.mark.django_db
def test_it_ignores_an_unknown_kind_filter(client, organs):
    # when
    response = client.get(_url("governance:body-list"), {"kind": "nonsense", "sort": "nonsense"})
    # then
    assert response.status_code == 200 and response.context["page"].paginator.count == 4


@pytest.mark.django_db
def test_it_shows_a_body_with_its_offices_and_mandates(client, organs, today):
    # when
    response = client.get(_url("governance:body-detail", code="standing-committee"))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert "Zoé Robledo Aburto" in html and "Gino Dávila Herrera" in html  # in force
    assert "Omar de la Torre" in html  # past
    assert "André Rodrigues Veras" in html  # not yet begun
    assert "XXX Ordinary General Assembly (September 2022)" in html


@pytest.mark.django_db
def test_it_marks_an_office_without_a_holder(client, organs, today):
    # given
    Office.objects.create(
        code="treasurer", name_es="Tesorería", name_en="Treasurer", body=organs.assembly
    )
    # when
    response = client.get(_url("governance:body-detail", code="general-assembly"))
    # then
    html = response.content.decode()
    assert "Treasurer" in html and "Vacant or not recorded" in html
    assert "Highest organ." in html


@pytest.mark.django_db
def test_it_links_a_sub_body_to_its_parent(client, organs):
    # when
    parent = client.get(_url("governance:body-detail", code="ciess")).content.decode()
    child = client.get(_url("governance:body-detail", code="ciess-board")).content.decode()
    # then
    assert 'href="/en/bodies/ciess-board/"' in parent
    assert 'href="/en/bodies/ciess/"' in child


@pytest.mark.django_db
def test_it_returns_404_for_an_unknown_body(client, organs):
    # when
    response = client.get(_url("governance:body-detail", code="no-such-body"))
    # then
    assert response.status_code == 404


@pytest.mark.django_db
def test_it_lists_bodies_in_a_constant_number_of_queries(
    client, organs, django_assert_max_num_queries
):
    # given: many more bodies, each part of another
    for n in range(30):
        Body.objects.create(
            code=f"extra-{n}", name=f"Extra {n}", kind=Body.Kind.SUBREGION, parent=organs.ciess
        )
    # when / then
    # 1. count of bodies (paginator), 2. the page of bodies joined with their parent
    with django_assert_max_num_queries(2):
        response = client.get(_url("governance:body-list"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_it_shows_a_body_in_a_constant_number_of_queries(
    client, organs, today, django_assert_max_num_queries
):
    # given: many more offices and mandates on the body
    for n in range(20):
        office = Office.objects.create(
            code=f"seat-{n}", name=f"Seat {n}", body=organs.committee, order=10 + n
        )
        Mandate.objects.create(office=office, holder=f"Holder {n}")
        Mandate.objects.create(
            office=office, holder=f"Former {n}", valid_to=today.replace(year=2020)
        )
    Body.objects.create(
        code="working-group",
        name="Working group",
        kind=Body.Kind.COMMITTEE,
        parent=organs.committee,
    )
    # when / then
    # 1. the body with its parent, 2. its sub-bodies, 3. its offices,
    # 4. the mandates in force with their office, 5. the past and upcoming mandates
    with django_assert_max_num_queries(5):
        response = client.get(_url("governance:body-detail", code="standing-committee"))
    assert response.status_code == 200
    assert "Holder 19" in response.content.decode() and "Former 19" in response.content.decode()
