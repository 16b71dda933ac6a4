"""The public member directory (members:directory) and a member's page (members:member-detail)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from secretariat.conftest import client_for, make_member
from secretariat.members.models import DatePrecision, Institution, Membership, Source
from secretariat.members.services import registry as services

DIRECTORY = "/es/members/"


def names_in(response) -> list[str]:
    return [m.institution.name for m in response.context["page"].object_list]


@pytest.fixture
def switched(categories, countries) -> Institution:
    """Full member from 2015, associate from 2019 (the category change closes one period)."""
    inst = Institution.objects.create(
        name="Caja Gamma",
        acronym="CG",
        slug="caja-gamma",
        country=countries["PE"],
        origin=Source.REFERENCE,
    )
    Membership.objects.create(
        institution=inst,
        category=categories["full"],
        valid_from=dt.date(2015, 1, 1),
        valid_to=dt.date(2019, 1, 1),
        decision="Resolución GA 2014/1",
        end_decision="Resolución GA 2018/7",
        source="Acta XXVIII",
    )
    Membership.objects.create(
        institution=inst,
        category=categories["associate"],
        valid_from=dt.date(2019, 1, 1),
        decision="Resolución GA 2018/7",
        source="Acta XXVIII",
    )
    return inst


def many_members(n: int, categories, countries) -> None:
    cats = [categories["full"], categories["associate"], None]
    places = [countries["MX"], countries["PE"], countries["CA"]]
    for i in range(n):
        make_member(f"Institution {i:03d}", places[i % 3], cats[i % 3], acronym=f"I{i}")


# --- Access --------------------------------------------------------------------------


def test_it_shows_the_directory_to_anonymous_visitors(as_anonymous, member_a, member_b):
    # when
    response = as_anonymous.get(DIRECTORY)
    # then
    assert response.status_code == 200
    assert names_in(response) == ["Instituto Alfa", "Instituto Beta"]
    assert "Instituto Alfa" in response.content.decode()


def test_it_shows_the_same_directory_to_a_logged_in_representative(as_rep_a, member_b):
    # when
    response = as_rep_a.get(DIRECTORY)
    # then: public data only, every member (not just their own)
    assert response.status_code == 200
    assert names_in(response) == ["Instituto Alfa", "Instituto Beta"]


def test_it_leaves_out_former_members_and_non_members(
    as_anonymous, member_a, categories, countries
):
    # given
    former = make_member(
        "Instituto Viejo", countries["MX"], categories["full"], since=dt.date(2000, 1, 1)
    )
    Membership.objects.filter(institution=former).update(valid_to=dt.date(2010, 1, 1))
    Institution.objects.create(name="Solo Registrado", slug="solo", country=countries["MX"])
    # when
    response = as_anonymous.get(DIRECTORY)
    # then
    assert names_in(response) == ["Instituto Alfa"]


# --- Filters ---------------------------------------------------------------------------


def test_it_searches_by_name_and_by_acronym(as_anonymous, member_a, member_b):
    # when
    by_name = as_anonymous.get(DIRECTORY, {"q": "beta"})
    by_acronym = as_anonymous.get(DIRECTORY, {"q": "IA"})
    # then
    assert names_in(by_name) == ["Instituto Beta"]
    assert names_in(by_acronym) == ["Instituto Alfa"]


def test_it_filters_by_category(as_anonymous, member_a, member_b):
    # when
    response = as_anonymous.get(DIRECTORY, {"category": "associate"})
    # then
    assert names_in(response) == ["Instituto Beta"]


def test_it_filters_members_whose_category_is_not_recorded(as_anonymous, member_a, countries):
    # given
    make_member("Instituto Sin Categoria", countries["MX"], None)
    # when
    response = as_anonymous.get("/en/members/", {"category": "unknown"})
    # then: listed, and the unknown category is said in words
    assert names_in(response) == ["Instituto Sin Categoria"]
    assert '<span class="badge badge--unknown">Not recorded</span>' in response.content.decode()


def test_it_filters_by_country(as_anonymous, member_a, member_b):
    # when
    response = as_anonymous.get(DIRECTORY, {"country": "PE"})
    # then
    assert names_in(response) == ["Instituto Beta"]


def test_it_filters_by_subregion_and_by_unassigned_subregion(
    as_anonymous, member_a, categories, countries
):
    # given: Canada is in sub-region IV; Mexico is not assigned yet
    make_member("Canada Pension", countries["CA"], categories["full"])
    # when
    four = as_anonymous.get(DIRECTORY, {"subregion": "4"})
    unassigned = as_anonymous.get(DIRECTORY, {"subregion": "unknown"})
    # then
    assert names_in(four) == ["Canada Pension"]
    assert names_in(unassigned) == ["Instituto Alfa"]
    assert "badge--unknown" in unassigned.content.decode()


def test_it_shows_the_members_as_of_a_past_date_in_their_category_then(as_anonymous, switched):
    # when
    in_2016 = as_anonymous.get(DIRECTORY, {"as_of": "2016-06-01", "category": "full"})
    today = as_anonymous.get(DIRECTORY, {"category": "full"})
    today_associate = as_anonymous.get(DIRECTORY, {"category": "associate"})
    # then
    assert names_in(in_2016) == ["Caja Gamma"]
    assert in_2016.context["page"].object_list[0].category.code == "full"
    assert names_in(today) == []
    assert names_in(today_associate) == ["Caja Gamma"]


def test_it_counts_members_per_category_ignoring_the_category_filter(
    as_anonymous, member_a, member_b, countries
):
    # given
    make_member("Instituto Sin Categoria", countries["MX"], None)
    # when
    response = as_anonymous.get(DIRECTORY, {"category": "full"})
    # then
    counts = {row.code: row.count for row in response.context["counts"].by_category}
    assert counts == {"full": 1, "associate": 1, "affiliate": 0, "linked": 0, "unknown": 1}
    assert response.context["counts"].total == 3
    body = response.content.decode()
    assert 'href="/es/members/?category=associate"' in body
    assert 'href="/es/members/?category=unknown"' in body


def test_it_counts_within_the_other_filters_and_the_date(as_anonymous, switched, member_a):
    # when
    response = as_anonymous.get(DIRECTORY, {"as_of": "2016-06-01", "country": "PE"})
    # then
    counts = {row.code: row.count for row in response.context["counts"].by_category}
    assert counts["full"] == 1 and counts["associate"] == 0
    assert (
        'href="/es/members/?category=associate&amp;country=PE&amp;as_of=2016-06-01"'
        in response.content.decode()
    )


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"as_of": "2016-13-45"}, "as_of"),
        ({"as_of": "yesterday"}, "as_of"),
        ({"category": "honorary"}, "category"),
        ({"country": "ZZ"}, "country"),
        ({"subregion": "9"}, "subregion"),
        ({"q": "x" * 10_000}, "q"),
        ({"q": "a" * 101}, "q"),
    ],
)
def test_it_ignores_a_filter_it_does_not_understand_and_says_so(
    as_anonymous, member_a, member_b, params, field
):
    # when
    response = as_anonymous.get("/en/members/", params)
    # then: a message, and the list without that filter
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert len(response.context["problems"]) == 1
    assert names_in(response) == ["Instituto Alfa", "Instituto Beta"]
    assert "Some filters were not understood and were ignored" in response.content.decode()


def test_it_keeps_the_valid_filters_when_another_is_invalid(as_anonymous, member_a, member_b):
    # when
    response = as_anonymous.get(DIRECTORY, {"country": "PE", "as_of": "not-a-date"})
    # then
    assert names_in(response) == ["Instituto Beta"]


@pytest.mark.parametrize("q", ["<script>alert(1)</script>", "' OR 1=1 --", "%", "_", "\\"])
def test_it_treats_hostile_search_text_as_plain_text(as_anonymous, member_a, q):
    # when
    response = as_anonymous.get(DIRECTORY, {"q": q})
    # then: no match, no error, nothing injected (the text comes back escaped)
    assert response.status_code == 200
    assert names_in(response) == []
    assert "<script>alert(1)</script>" not in response.content.decode()
    assert Institution.objects.count() == 1


# --- Table ------------------------------------------------------------------------------


def test_it_shows_the_example_badge_for_example_institutions(as_anonymous, categories, countries):
    # given
    make_member("Instituto Demo", countries["MX"], categories["full"])
    Institution.objects.filter(name="Instituto Demo").update(origin=Source.EXAMPLE)
    # when
    response = as_anonymous.get(DIRECTORY)
    # then
    assert 'class="badge badge--example"' in response.content.decode()


def test_it_shows_only_the_year_when_the_start_is_known_to_the_year(
    as_anonymous, categories, countries
):
    # given
    inst = make_member(
        "Instituto Anual", countries["MX"], categories["full"], since=dt.date(1987, 1, 1)
    )
    Membership.objects.filter(institution=inst).update(valid_from_precision=DatePrecision.YEAR)
    make_member("Instituto Sin Fecha", countries["MX"], categories["full"], since=None)
    # when
    response = as_anonymous.get("/en/members/")
    # then
    body = response.content.decode()
    assert '<time datetime="1987-01-01">1987</time>' in body
    assert "January 1, 1987" not in body
    assert 'badge--unknown">Unknown' in body


def test_it_sorts_by_country_category_and_date(as_anonymous, member_a, member_b, switched):
    # when
    by_country_desc = as_anonymous.get(DIRECTORY, {"sort": "-country"})
    by_since = as_anonymous.get(DIRECTORY, {"sort": "since"})
    by_category = as_anonymous.get(DIRECTORY, {"sort": "category"})
    bogus = as_anonymous.get(DIRECTORY, {"sort": "password"})
    # then
    assert names_in(by_country_desc)[-1] == "Instituto Alfa"  # Perú, Perú, México
    assert names_in(by_since) == ["Instituto Alfa", "Instituto Beta", "Caja Gamma"]
    assert names_in(by_category)[0] == "Instituto Alfa"  # full before associate
    assert names_in(bogus) == ["Caja Gamma", "Instituto Alfa", "Instituto Beta"]


def test_it_paginates_by_25(as_anonymous, categories, countries):
    # given
    many_members(30, categories, countries)
    # when
    first = as_anonymous.get(DIRECTORY)
    second = as_anonymous.get(DIRECTORY, {"page": "2"})
    # then
    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5


def test_it_links_the_exports_with_the_current_filters(as_anonymous, member_a):
    # when
    response = as_anonymous.get(
        DIRECTORY, {"country": "MX", "sort": "-name", "category": "nonsense"}
    )
    # then: valid filters only
    body = response.content.decode()
    assert 'href="/es/members/export.csv?country=MX&amp;sort=-name"' in body
    assert 'href="/es/members/export.xlsx?country=MX&amp;sort=-name"' in body


def test_it_returns_only_the_results_to_htmx(as_anonymous, member_a, member_b):
    # when
    response = as_anonymous.get(DIRECTORY, {"q": "alfa"}, HTTP_HX_REQUEST="true")
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in body
    assert "Instituto Alfa" in body and "Instituto Beta" not in body
    assert "HX-Request" in response["Vary"]


def test_it_returns_the_full_page_when_htmx_restores_history(as_anonymous, member_a):
    # when
    response = as_anonymous.get(
        DIRECTORY, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true"
    )
    # then
    assert "<html" in response.content.decode()


def test_it_refuses_to_write_to_the_directory(as_anonymous, member_a):
    # when
    response = as_anonymous.post(DIRECTORY)
    # then
    assert response.status_code == 405


# --- Query counts ---------------------------------------------------------------------


def _directory_queries(client, django_assert_num_queries) -> None:
    # Not cached yet: 1 categories (filter choices), 2 countries with members (filter
    # choices), 3 the data's latest change (the cache key), 4 counts per category,
    # 5 categories (counts), 6 count (paginator), 7 the page's rows
    with django_assert_num_queries(7):
        response = client.get(DIRECTORY, {"sort": "country"})
    assert response.status_code == 200
    # Cached: the filters' choices (2) and the data's latest change (1), no results query
    with django_assert_num_queries(3):
        cached = client.get(DIRECTORY, {"sort": "country"})
    assert cached.content == response.content


def test_it_runs_seven_queries_then_three_with_3_members(
    as_anonymous, categories, countries, django_assert_num_queries
):
    # given
    many_members(3, categories, countries)
    # then
    _directory_queries(as_anonymous, django_assert_num_queries)


def test_it_runs_seven_queries_then_three_with_30_members(
    as_anonymous, categories, countries, django_assert_num_queries
):
    # given
    many_members(30, categories, countries)
    # then
    _directory_queries(as_anonymous, django_assert_num_queries)


# --- Kept results ---------------------------------------------------------------------


def test_it_shows_a_change_made_through_the_registry_at_once(
    as_anonymous, officer, member_a, member_b
):
    # given the directory shown once (its results and filters kept)
    assert "Caja Alfa Renombrada" not in as_anonymous.get(DIRECTORY).content.decode()
    # when an officer renames a member and ends another's membership
    services.institution_update(
        actor=officer,
        institution=member_a,
        data={"name": "Caja Alfa Renombrada"},
        reason="Its new legal name.",
    )
    services.membership_end(
        actor=officer,
        membership=Membership.objects.get(institution=member_b, valid_to=None),
        on=dt.date.today() - dt.timedelta(days=1),
        decision="Resolución GA 2026/1",
    )
    # then the next visitor sees both
    html = as_anonymous.get(DIRECTORY).content.decode()
    assert "Caja Alfa Renombrada" in html
    assert member_b.name not in html


def test_it_keeps_results_apart_by_filters_sort_page_and_language(
    as_anonymous, categories, countries
):
    # given 30 members, the first page shown
    many_members(30, categories, countries)
    first = as_anonymous.get(DIRECTORY).content.decode()
    # then each other query string and language has its own results
    second = as_anonymous.get(DIRECTORY, {"page": "2"}).content.decode()
    reversed_ = as_anonymous.get(DIRECTORY, {"sort": "-name"}).content.decode()
    mexico = as_anonymous.get(DIRECTORY, {"country": "MX"}).content.decode()
    assert "Institution 000" in first and "Institution 000" not in second
    assert "Institution 029" in reversed_ and "Institution 029" not in first
    assert "Institution 001" not in mexico and "Institution 003" in mexico
    english = as_anonymous.get("/en/members/").content.decode()
    assert 'lang="en"' in english and "Members in force on" in english


# --- A member's page ------------------------------------------------------------------


def test_it_shows_a_members_page_with_its_history(as_anonymous, switched):
    # when
    response = as_anonymous.get("/en/members/caja-gamma/")
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "Caja Gamma" in body and "(<bdi>CG</bdi>)" in body
    assert "Associate member" in body and "Voice only" in body
    assert "Full member" in body  # the earlier period
    assert "Resolución GA 2014/1" in body and "Resolución GA 2018/7" in body
    assert '<time datetime="2019-01-01">' in body
    assert "Acta XXVIII" in body


def test_it_says_a_full_member_has_the_vote(as_anonymous, member_a):
    # when
    response = as_anonymous.get("/en/members/instituto-alfa/")
    # then
    assert "Has vote" in response.content.decode()


def test_it_shows_the_description_in_the_page_language(as_anonymous, member_a):
    # given
    Institution.objects.filter(pk=member_a.pk).update(
        description_es="Seguro social de prueba", description_en="Test social insurer"
    )
    # when
    es = as_anonymous.get("/es/members/instituto-alfa/")
    en = as_anonymous.get("/en/members/instituto-alfa/")
    # then
    assert "Seguro social de prueba" in es.content.decode()
    assert "Test social insurer" in en.content.decode()


def test_it_shows_no_personal_data_of_representatives(as_anonymous, rep_a, member_a):
    # when
    response = as_anonymous.get(reverse("members:member-detail", kwargs={"slug": member_a.slug}))
    # then
    body = response.content.decode()
    assert "Ana Alfa" not in body
    assert "rep.a@example.org" not in body


def test_it_shows_the_example_badge_on_a_members_page(as_anonymous, categories, countries):
    # given
    inst = make_member("Instituto Demo", countries["MX"], categories["full"])
    Institution.objects.filter(pk=inst.pk).update(origin=Source.EXAMPLE)
    # when
    response = as_anonymous.get(f"/en/members/{inst.slug}/")
    # then
    assert 'class="badge badge--example">Example' in response.content.decode()


def test_it_says_when_a_former_member_is_no_longer_a_member(as_anonymous, categories, countries):
    # given
    inst = make_member(
        "Instituto Viejo", countries["MX"], categories["full"], since=dt.date(2000, 1, 1)
    )
    Membership.objects.filter(institution=inst).update(valid_to=dt.date(2010, 1, 1))
    # when
    response = as_anonymous.get(f"/en/members/{inst.slug}/")
    # then
    assert response.status_code == 200
    assert "Not a member at present" in response.content.decode()


def test_it_answers_404_for_an_institution_that_never_was_a_member(as_anonymous, countries, rep_a):
    # given
    Institution.objects.create(name="Solo Registrado", slug="solo", country=countries["MX"])
    # when
    anonymous = as_anonymous.get("/es/members/solo/")
    missing = as_anonymous.get("/es/members/no-such-member/")
    representative = client_for(rep_a).get("/es/members/solo/")
    # then
    assert anonymous.status_code == 404
    assert missing.status_code == 404
    assert representative.status_code == 404


def _detail_queries(client, django_assert_num_queries) -> None:
    # 1 the institution with country and sub-region, 2 its memberships with categories
    with django_assert_num_queries(2):
        response = client.get("/es/members/caja-gamma/")
    assert response.status_code == 200


def test_it_runs_two_queries_for_a_member_with_3_periods(
    as_anonymous, switched, categories, django_assert_num_queries
):
    # given: a third (earlier) period
    Membership.objects.create(
        institution=switched,
        category=categories["linked"],
        valid_from=dt.date(2010, 1, 1),
        valid_to=dt.date(2015, 1, 1),
    )
    # then
    _detail_queries(as_anonymous, django_assert_num_queries)


def test_it_runs_two_queries_for_a_member_with_30_periods(
    as_anonymous, switched, categories, django_assert_num_queries
):
    # given: 28 earlier yearly periods
    for year in range(1987, 2015):
        Membership.objects.create(
            institution=switched,
            category=categories["linked"],
            valid_from=dt.date(year - 28, 1, 1),
            valid_to=dt.date(year - 27, 1, 1),
        )
    # then
    _detail_queries(as_anonymous, django_assert_num_queries)


def test_it_keeps_member_since_through_a_change_of_category(as_anonymous, switched):
    # given: Caja Gamma, a member since 2015, an associate member since 2019
    # when
    directory = as_anonymous.get("/en/members/").content.decode()
    page = as_anonymous.get(f"/en/members/{switched.slug}/").content.decode()
    response = as_anonymous.get("/en/members/export.csv")
    export = b"".join(response.streaming_content).decode("utf-8-sig")
    # then: the directory, the member's page and the export say 2015, not 2019
    assert '<time datetime="2015-01-01">' in directory
    assert '<time datetime="2019-01-01">' not in directory
    since = re.search(r"Member since</dt>\s*<dd>(.*?)</dd>", page, re.S)
    assert since is not None and 'datetime="2015-01-01"' in since.group(1)
    assert "2015-01-01" in next(line for line in export.splitlines() if "Caja Gamma" in line)


def test_it_isolates_a_stored_name_with_bidi_controls(as_anonymous, categories, countries):
    # given: a record written to the database before names were checked
    inst = make_member("Caja", countries["MX"], categories["full"])
    Institution.objects.filter(pk=inst.pk).update(name="Caja \u202eOrtsiger", acronym="\u202eAC")
    # when
    directory = as_anonymous.get("/en/members/").content.decode()
    page = as_anonymous.get(f"/en/members/{inst.slug}/").content.decode()
    # then: the text cannot reorder what follows it, in the list, the page and its title
    assert "<bdi>Caja \u202eOrtsiger</bdi></a> <span" in directory
    assert "(<bdi>\u202eAC</bdi>)" in directory
    assert "<bdi>Caja \u202eOrtsiger</bdi>" in page and "(<bdi>\u202eAC</bdi>)" in page
    title = page.split("<title>")[1].split("</title>")[0]
    assert "\u202e" not in title and "Caja Ortsiger" in title


def test_it_shows_the_last_day_of_an_ended_membership_not_its_exclusive_end(as_anonymous, switched):
    # given: the full membership of Caja Gamma ran to 1 January 2019, exclusive
    # when
    page = as_anonymous.get(f"/en/members/{switched.slug}/").content.decode()
    # then: its last day, 31 December 2018, under "Last day"
    history = page.split('id="history-heading"')[1]
    assert "Last day" in history and ">Until<" not in history
    assert '<time datetime="2018-12-31">Dec. 31, 2018</time>' in history
    assert history.count("Jan. 1, 2019") == 1  # the associate membership's start only
