"""The resolutions register through its pages: search, the public list and pages with their
statuses in constant queries, the staff pages and their forms."""

from __future__ import annotations

import pytest

from secretariat.conftest import client_for
from secretariat.governance.models import (
    Resolution,
)
from secretariat.governance.services import resolutions as services
from secretariat.governance.tests.resolutions_world import (
    assembly_fixture,  # noqa: F401  (the `assembly` fixture)
    historical,
    make_motion,
    page_url,
    register_fixture,  # noqa: F401  (the `register` fixture)
    session_fixture,  # noqa: F401  (the `session` fixture)
    set_series,
)

pytestmark = pytest.mark.django_db


def test_it_searches_by_number_and_by_words_in_the_language_and_in_spanish(client, register):
    def numbers(lang: str = "en", **params) -> list[int]:
        response = client.get(page_url("resolution-list", lang), params)
        assert response.status_code == 200
        return [row.resolution.number for row in response.context["page"].object_list]

    assert numbers() == [53, 34, 1]
    assert numbers(q="34") == [34]
    assert numbers(q="No. 53") == [53]
    assert numbers(q="declaración") == [53, 1]
    assert numbers(q="Declaration Mexico") == [53]  # the English title
    assert numbers("es", q="Declaration") == []  # Spanish page: Spanish text only
    assert numbers(q="seguridad todos") == [53]  # words in the text
    assert numbers(kind="declaration") == [53]
    assert numbers(year_from="1950", year_to="1955") == [34]
    assert numbers(sort="number") == [1, 34, 53]


def test_the_list_is_public_with_statuses_and_constant_queries(
    client, register, django_assert_max_num_queries
):
    # given
    for n in range(100, 130):
        historical(register, n, f"Resolución {n}")
    # when
    # queries: session/auth (0 for anonymous), body filter choices, count, page
    with django_assert_max_num_queries(4):
        response = client.get(page_url("resolution-list"))
    # then
    html = response.content.decode()
    assert response.status_code == 200
    # entered from earlier records, nothing later linked: the register does not say "in force"
    assert 'href="/en/resolutions/129/"' in html and "Status not recorded" in html
    assert "translation pending" in html  # no English title recorded for most


def test_the_resolution_page_shows_adoption_links_and_pending_translation(
    client, officer, session, django_assert_max_num_queries
):
    # given
    historical(officer, 55, "Resolución sobre el CIESS")
    set_series(officer, 59)
    motion, vote = make_motion(session)
    adopted = services.resolution_adopt(actor=officer, motion=motion, title_es="Programa")
    services.resolution_link(
        actor=officer,
        resolution=adopted,
        target=Resolution.objects.get(number=55),
        relation="amends",
        reason="Texto",
    )
    # when
    # queries: resolution with session, body, item, vote, motion; four link prefetches
    with django_assert_max_num_queries(6):
        page_55 = client.get(page_url("resolution-detail", number=55))
    page_59 = client.get(page_url("resolution-detail", number=59))
    page_59_es = client.get(page_url("resolution-detail", "es", number=59))
    # then
    html_55 = page_55.content.decode()
    assert "Amended by" in html_55 and 'href="/en/resolutions/59/"' in html_55
    assert "Translation pending" in html_55
    html = page_59.content.decode()
    assert "Show of hands" in html and "Yes: 4 · No: 1 · Abstentions: 0" in html
    assert "Carried" in html and session.title_en in html
    assert 'href="/en/resolutions/55/"' in html
    assert page_59_es.status_code == 200 and "La Asamblea aprueba" in page_59_es.content.decode()
    assert client.get(page_url("resolution-detail", number=999)).status_code == 404


def test_the_staff_pages_need_the_permission(client, officer, rep_a, session):
    motion, _ = make_motion(session)
    historical(officer, 5)
    pages = [
        page_url("resolution-series"),
        page_url("resolution-record"),
        page_url("resolution-edit", number=5),
        page_url("resolution-link", number=5),
        page_url("resolution-adopt", motion_pk=motion.pk),
    ]
    for url in pages:
        assert client.get(url).status_code == 302  # to the login page
        assert client_for(rep_a).get(url).status_code == 403
        assert client_for(officer).get(url).status_code == 200


def test_it_adopts_a_resolution_through_the_pages(officer, session):
    # given
    staff = client_for(officer)
    motion, _ = make_motion(session)
    adopt_url = page_url("resolution-adopt", motion_pk=motion.pk)
    # the form is prefilled from the motion and points to the series first
    page = staff.get(adopt_url).content.decode()
    assert "Set the next number of the series first" in page
    assert motion.text_es in page and page_url("resolution-series") in page
    response = staff.post(
        page_url("resolution-series"),
        {"next_number": "59", "basis": "Serie real (prueba)", "reason": "Inicio"},
    )
    assert response.status_code == 302
    # when
    response = staff.post(
        adopt_url,
        {"kind": "resolution", "title_es": "Programa", "text_es": motion.text_es, "source": ""},
    )
    # then
    assert response.status_code == 302 and response["Location"] == page_url(
        "resolution-detail", number=59
    )
    series_page = staff.get(page_url("resolution-series")).content.decode()
    assert "resolution_series.set" in series_page and "Serie real (prueba)" in series_page
    # editing translations cannot reach the Spanish text
    response = staff.post(
        page_url("resolution-edit", number=59),
        {"title_en": "Programme", "text_en": "Text", "reason": "Traducción"},
    )
    assert response.status_code == 302
    assert Resolution.objects.get(number=59).title_en == "Programme"


def test_the_series_page_shows_the_refusal(officer):
    historical(officer, 58)
    response = client_for(officer).post(
        page_url("resolution-series"), {"next_number": "40", "basis": "x", "reason": "y"}
    )
    assert response.status_code == 200
    assert "Resolution No. 58 is already recorded; the next number must be above it." in (
        response.content.decode()
    )


def test_it_links_resolutions_through_the_page(officer):
    historical(officer, 55)
    historical(officer, 58)
    staff = client_for(officer)
    response = staff.post(
        page_url("resolution-link", number=58),
        {"relation": "repeals", "target": "55", "reason": "Art. 1"},
    )
    assert response.status_code == 302
    assert (
        "Repealed"
        in client_for(None).get(page_url("resolution-detail", number=55)).content.decode()
    )
    response = staff.post(
        page_url("resolution-link", number=58),
        {"relation": "amends", "target": "77", "reason": "x"},
    )
    assert "No resolution with number 77 is recorded." in response.content.decode()
