"""The UI shell: base layout, error pages, shared partials and the public home page."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from secretariat.core.forms.rule_settings import RuleSettingForm
from secretariat.core.rule_settings import get_definition
from secretariat.core.tables import sort_from_request
from secretariat.governance.models import Body, Mandate, Office

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style[\s>]|\sstyle=", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"\son[a-z]+=", re.IGNORECASE)


def assert_csp_clean(html: str) -> None:
    """The Content-Security-Policy forbids inline scripts, styles and event handlers."""
    assert not INLINE_SCRIPT.search(html), INLINE_SCRIPT.search(html)
    assert not INLINE_STYLE.search(html), INLINE_STYLE.search(html)
    assert not INLINE_HANDLER.search(html), INLINE_HANDLER.search(html)


def get_request(path: str, params: dict[str, str]):
    request = RequestFactory().get(path, params)
    request.user = AnonymousUser()
    return request


def home_url(lang: str) -> str:
    with translation.override(lang):
        return reverse("core:home")


@pytest.fixture
def authorities(db) -> Mandate:
    assembly = Body.objects.create(
        code="general-assembly",
        name_es="Asamblea General",
        name_en="General Assembly",
        kind=Body.Kind.ASSEMBLY,
    )
    office = Office.objects.create(
        code="president", name_es="Presidencia", name_en="President", body=assembly
    )
    return Mandate.objects.create(
        office=office, holder="Zoé Robledo Aburto", term_label="2023–2025"
    )


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["es", "en"])
def test_it_renders_the_home_page_anonymously(client, lang):
    # when
    response = client.get(home_url(lang))
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html
    assert '<a class="skip-link" href="#main">' in html and '<main id="main"' in html
    assert_csp_clean(html)
    assert "Content-Security-Policy" in response.headers


@pytest.mark.django_db
def test_it_shows_the_home_page_in_english_with_english_strings(client):
    # when
    html = client.get(home_url("en")).content.decode()
    # then
    assert "Inter-American Conference on Social Security" in html
    assert "Skip to main content" in html


@pytest.mark.django_db
def test_it_shows_member_counts_bodies_and_authorities_on_the_home_page(
    client, member_a, member_b, authorities
):
    # when
    response = client.get(home_url("en"))
    # then
    html = response.content.decode()
    assert "2 member institutions recorded." in html
    assert "Full members" in html and "Associate members" in html
    assert 'href="/en/bodies/general-assembly/"' in html
    assert "Zoé Robledo Aburto" in html


@pytest.mark.django_db
def test_it_labels_members_without_a_recorded_category(client, countries):
    # given
    from secretariat.conftest import make_member

    make_member("Instituto Gamma", countries["MX"], None)
    # when
    html = client.get(home_url("en")).content.decode()
    # then
    assert "Category not recorded" in html and ">None<" not in html


@pytest.mark.django_db
def test_it_renders_the_home_page_in_a_constant_number_of_queries(
    client, member_a, member_b, authorities, django_assert_max_num_queries
):
    # when / then
    # 1. members in force per category, 2. the categories, 3. top-level bodies,
    # 4. authorities in force with their office and body, 5. offices with no holder today,
    # 6. sessions convened with their body
    with django_assert_max_num_queries(6):
        response = client.get(home_url("en"))
    assert response.status_code == 200


@pytest.mark.django_db
def test_it_marks_the_current_language_in_the_switcher(client):
    # when
    html = client.get(home_url("en")).content.decode()
    # then
    assert re.search(r'<a href="/es/" lang="es" hreflang="es">', html)
    assert re.search(r'<a href="/en/" lang="en" hreflang="en" aria-current="true">', html)


@pytest.mark.django_db
def test_it_offers_log_in_to_anonymous_visitors_and_no_staff_links(client):
    # when
    html = client.get(home_url("en")).content.decode()
    # then
    assert reverse("account_login") in html
    assert reverse("core:rule-list") not in html and reverse("core:action-log") not in html


@pytest.mark.django_db
def test_it_shows_staff_links_and_a_logout_form_to_an_officer(as_officer):
    # when
    html = as_officer.get(home_url("en")).content.decode()
    # then
    with translation.override("en"):
        assert f'href="{reverse("core:rule-list")}"' in html
        assert f'href="{reverse("core:action-log")}"' in html
        assert f'href="{reverse("core:dashboard")}"' in html
        assert f'action="{reverse("account_logout")}"' in html
    assert 'name="csrfmiddlewaretoken"' in html


@pytest.mark.django_db
def test_it_shows_a_representative_the_dashboard_but_not_staff_links(as_rep_a):
    # when
    html = as_rep_a.get(home_url("en")).content.decode()
    # then
    with translation.override("en"):
        assert f'href="{reverse("core:dashboard")}"' in html
        assert f'href="{reverse("core:rule-list")}"' not in html


@pytest.mark.django_db
def test_it_renders_the_404_page_inside_the_layout(client):
    # when
    response = client.get("/en/no-such-page/")
    # then
    assert response.status_code == 404
    html = response.content.decode()
    assert "Page not found" in html and 'class="skip-link"' in html
    assert_csp_clean(html)


def test_it_renders_the_500_page_without_a_request():
    # when: Django's server_error view renders the template with an empty context
    with translation.override("en"):
        html = render_to_string("500.html")
    # then
    assert '<html lang="en">' in html and "Something went wrong" in html
    assert_csp_clean(html)


@pytest.mark.django_db
def test_it_paginates_keeping_the_other_query_parameters():
    # given
    request = get_request("/en/x/", {"kind": "committee", "sort": "-name", "page": "2"})
    page = Paginator(list(range(60)), 25).get_page(2)
    # when
    html = render_to_string("core/partials/_pagination.html", {"page": page}, request=request)
    # then
    assert '<nav class="pagination" aria-label=' in html
    assert re.search(r'href="\?kind=committee&amp;sort=-name&amp;page=2" aria-current="page"', html)
    assert 'href="?kind=committee&amp;sort=-name&amp;page=3"' in html
    assert "60" in html


@pytest.mark.django_db
def test_it_toggles_the_sort_direction_in_a_sortable_header():
    # given
    request = get_request("/en/x/", {"sort": "name", "page": "3", "kind": "centre"})
    sort = sort_from_request(request, {"name": "name", "kind": "kind"}, "name")
    # when
    active = render_to_string(
        "core/partials/_sort_th.html",
        {"key": "name", "label": "Name", "sort": sort},
        request=request,
    )
    other = render_to_string(
        "core/partials/_sort_th.html",
        {"key": "kind", "label": "Kind", "sort": sort, "num": True},
        request=request,
    )
    # then: the active column offers the reverse order and drops the page number
    assert 'aria-sort="ascending"' in active and 'href="?sort=-name&amp;kind=centre"' in active
    assert (
        'class="num"' in other
        and "aria-sort" not in other
        and 'href="?sort=kind&amp;kind=centre"' in other
    )


@pytest.mark.django_db
def test_it_ties_each_form_error_to_its_field():
    # given
    form = RuleSettingForm(
        {"value": "x"}, definition=get_definition("members.arrears.threshold_years")
    )
    # when
    with translation.override("en"):
        html = str(form)
    # then
    assert 'role="alert"' in html
    assert '<label for="id_value">' in html and "(required)" in html
    assert 'id="id_value_error"' in html and 'aria-invalid="true"' in html
    assert 'id="id_confirmed_helptext"' in html


@pytest.mark.django_db
def test_it_renders_the_403_page_inside_the_layout(as_rep_a):
    # when: a representative asks for the staff-only rules page
    with translation.override("en"):
        url = reverse("core:rule-list")
    response = as_rep_a.get(url)
    # then
    assert response.status_code == 403
    html = response.content.decode()
    assert "Not allowed" in html and 'class="skip-link"' in html
    assert_csp_clean(html)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("core:dashboard", {}),
        ("core:action-log", {}),
        ("core:rule-list", {}),
        ("core:rule-detail", {"key": "members.arrears.threshold_years"}),
    ],
)
def test_it_renders_the_core_staff_pages_for_an_officer(as_officer, name, kwargs):
    # when
    with translation.override("en"):
        url = reverse(name, kwargs=kwargs or None)
    response = as_officer.get(url, {"event": "rule."} if name == "core:action-log" else {})
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="page-title">' in html and 'aria-current="page"' in html
    assert_csp_clean(html)


@pytest.mark.django_db
def test_it_shows_the_rule_form_with_its_errors_to_an_officer(as_officer):
    # when
    with translation.override("en"):
        url = reverse("core:rule-detail", kwargs={"key": "members.arrears.threshold_years"})
    response = as_officer.post(url, {"value": "x"})
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in html and 'id="id_reason_error"' in html
    assert "Default, to be confirmed" in html


@pytest.mark.django_db
def test_it_shows_a_representative_their_institutions_on_the_dashboard(as_rep_a, member_a):
    # when
    with translation.override("en"):
        url = reverse("core:dashboard")
    response = as_rep_a.get(url)
    # then
    html = response.content.decode()
    assert response.status_code == 200
    assert member_a.name in html and "Your requests" in html
    assert "Open membership requests" not in html


@pytest.mark.django_db
def test_it_shows_offices_without_a_recorded_holder_as_unknown(client, authorities):
    # given a Secretary General office whose last recorded mandate has ended
    import datetime as dt

    office = Office.objects.create(
        code="secretary-general", name_es="Secretaría General", name_en="Secretary General"
    )
    Mandate.objects.create(
        office=office,
        holder="Álvaro Velarca Hernández",
        valid_from=dt.date(2023, 1, 1),
        valid_to=dt.date(2026, 1, 1),
        term_label="2023–2025",
    )
    # when
    html = client.get(home_url("en")).content.decode()
    # then the holder in force shows, and the ended office says it is not recorded
    assert "Zoé Robledo Aburto" in html
    assert "Secretary General" in html and "Not recorded for today" in html
    assert "Álvaro Velarca Hernández" not in html
