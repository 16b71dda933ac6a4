"""The public members API (/api/v1/members, /members/{slug}, /categories, /countries)."""

from __future__ import annotations

import datetime as dt

import pytest

from secretariat.conftest import client_for, make_member
from secretariat.members.models import DatePrecision, Institution, Membership, Source

MEMBERS = "/api/v1/members"


def names(response) -> list[str]:
    return [item["name"] for item in response.json()["items"]]


def many_members(n: int, categories, countries) -> None:
    cats = [categories["full"], categories["associate"], None]
    places = [countries["MX"], countries["PE"], countries["CA"]]
    for i in range(n):
        make_member(f"Institution {i:03d}", places[i % 3], cats[i % 3])


@pytest.fixture
def switched(categories, countries) -> Institution:
    """Full member from 2015, associate from 2019."""
    inst = Institution.objects.create(
        name="Caja Gamma", slug="caja-gamma", country=countries["PE"], origin=Source.REFERENCE
    )
    Membership.objects.create(
        institution=inst,
        category=categories["full"],
        valid_from=dt.date(2015, 1, 1),
        valid_to=dt.date(2019, 1, 1),
    )
    Membership.objects.create(
        institution=inst, category=categories["associate"], valid_from=dt.date(2019, 1, 1)
    )
    return inst


# --- /members ---------------------------------------------------------------------------


def test_it_lists_the_members_without_login(as_anonymous, member_a, member_b):
    # when
    response = as_anonymous.get(MEMBERS)
    # then
    assert response.status_code == 200
    data = response.json()
    assert data["count"] == 2
    assert data["items"][0] == {
        "id": member_a.pk,
        "slug": "instituto-alfa",
        "name": "Instituto Alfa",
        "acronym": "IA",
        "country": {"code": "MX", "name": "México"},
        "subregion": None,
        "category": {"code": "full", "name": "Miembro titular", "has_vote": True},
        "member_since": "2010-01-01",
        "member_since_precision": "day",
        "is_example": False,
        "source": "test",
        "url": "http://testserver/es/members/instituto-alfa/",
    }


def test_it_lists_the_same_public_data_to_a_logged_in_user(member_a, rep_b):
    # when
    response = client_for(rep_b).get(MEMBERS)
    # then
    assert names(response) == ["Instituto Alfa", "Instituto Beta"]


def test_it_says_unknown_facts_as_null_and_flags_examples(as_anonymous, countries):
    # given
    inst = make_member("Instituto Demo", countries["CA"], None, since=dt.date(1987, 1, 1))
    Institution.objects.filter(pk=inst.pk).update(origin=Source.EXAMPLE)
    Membership.objects.filter(institution=inst).update(valid_from_precision=DatePrecision.YEAR)
    make_member("Instituto Sin Fecha", countries["MX"], None, since=None)
    # when
    items = as_anonymous.get(MEMBERS).json()["items"]
    # then
    demo, undated = items
    assert demo["category"] is None and demo["subregion"] == 4 and demo["is_example"] is True
    assert demo["member_since"] == "1987-01-01" and demo["member_since_precision"] == "year"
    assert undated["member_since"] is None and undated["subregion"] is None


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "associate"}, ["Instituto Beta"]),
        ({"category": "unknown"}, ["Instituto Sin Categoria"]),
        ({"country": "pe"}, ["Instituto Beta"]),
        ({"subregion": "4"}, ["Canada Pension"]),
        ({"subregion": "unknown"}, ["Instituto Alfa", "Instituto Beta", "Instituto Sin Categoria"]),
        ({"subregion": "abc"}, []),
        ({"q": "alf"}, ["Instituto Alfa"]),
        ({"q": "IB"}, ["Instituto Beta"]),
        ({"q": "' OR 1=1 --"}, []),
    ],
)
def test_it_filters_the_members(
    as_anonymous, member_a, member_b, categories, countries, params, expected
):
    # given
    make_member("Instituto Sin Categoria", countries["MX"], None)
    make_member("Canada Pension", countries["CA"], categories["full"])
    # when
    response = as_anonymous.get(MEMBERS, params)
    # then
    assert response.status_code == 200
    assert names(response) == expected


def test_it_lists_the_members_as_of_a_past_date(as_anonymous, switched):
    # when
    then = as_anonymous.get(MEMBERS, {"as_of": "2016-06-01"}).json()["items"]
    now = as_anonymous.get(MEMBERS).json()["items"]
    # then
    assert then[0]["category"]["code"] == "full"
    assert then[0]["member_since"] == "2015-01-01"
    assert now[0]["category"]["code"] == "associate"


@pytest.mark.parametrize(
    "params",
    [
        {"as_of": "2016-13-01"},
        {"as_of": "yesterday"},
        {"limit": "0"},
        {"limit": "501"},
        {"offset": "-1"},
        {"lang": "de"},
        {"q": "x" * 101},
        {"country": "MEX"},
    ],
)
def test_it_refuses_bad_parameters_with_422(as_anonymous, member_a, params):
    # when
    response = as_anonymous.get(MEMBERS, params)
    # then: ninja's validation error, naming the parameter
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"][-1] == next(iter(params))


def test_it_paginates_with_limit_and_offset(as_anonymous, categories, countries):
    # given
    many_members(30, categories, countries)
    # when
    default = as_anonymous.get(MEMBERS).json()
    page = as_anonymous.get(MEMBERS, {"limit": 10, "offset": 25}).json()
    most = as_anonymous.get(MEMBERS, {"limit": 500}).json()
    # then
    assert default["count"] == 30 and len(default["items"]) == 30
    assert page["count"] == 30 and [i["name"] for i in page["items"]] == [
        f"Institution {i:03d}" for i in range(25, 30)
    ]
    assert len(most["items"]) == 30


def test_it_names_things_in_the_language_asked(as_anonymous, member_a):
    # when
    by_header = as_anonymous.get(MEMBERS, HTTP_ACCEPT_LANGUAGE="en").json()["items"][0]
    by_param = as_anonymous.get(MEMBERS, {"lang": "en"}, HTTP_ACCEPT_LANGUAGE="es").json()["items"][
        0
    ]
    default = as_anonymous.get(MEMBERS).json()["items"][0]
    missing_translation = as_anonymous.get(MEMBERS, {"lang": "fr"}).json()["items"][0]
    # then
    assert (
        by_header["country"]["name"] == "Mexico" and by_header["category"]["name"] == "Full member"
    )
    assert by_header["url"] == "http://testserver/en/members/instituto-alfa/"
    assert by_param["country"]["name"] == "Mexico"
    assert default["country"]["name"] == "México" and default["url"].endswith(
        "/es/members/instituto-alfa/"
    )
    assert (
        missing_translation["country"]["name"] == "México"
    )  # falls back to Spanish, the authoritative text


def _list_queries(client, django_assert_num_queries) -> None:
    # 1 count, 2 the page's rows (memberships with institution, country, sub-region, category)
    with django_assert_num_queries(2):
        response = client.get(MEMBERS, {"limit": 500})
    assert response.status_code == 200


def test_it_runs_two_queries_for_3_members(
    as_anonymous, categories, countries, django_assert_num_queries
):
    # given
    many_members(3, categories, countries)
    # then
    _list_queries(as_anonymous, django_assert_num_queries)


def test_it_runs_two_queries_for_30_members(
    as_anonymous, categories, countries, django_assert_num_queries
):
    # given
    many_members(30, categories, countries)
    # then
    _list_queries(as_anonymous, django_assert_num_queries)


# --- /members/{slug} ----------------------------------------------------------------------


def test_it_shows_one_member(as_anonymous, member_b):
    # when
    response = as_anonymous.get(f"{MEMBERS}/instituto-beta", {"lang": "en"})
    # then
    assert response.status_code == 200
    data = response.json()
    assert data["name"] == "Instituto Beta"
    assert data["category"] == {"code": "associate", "name": "Associate member", "has_vote": False}


def test_it_shows_a_member_as_of_a_date(as_anonymous, switched):
    # when
    response = as_anonymous.get(f"{MEMBERS}/caja-gamma", {"as_of": "2016-01-01"})
    # then
    assert response.json()["category"]["code"] == "full"


def test_it_answers_404_for_what_is_not_a_member(as_anonymous, member_a, categories, countries):
    # given
    Institution.objects.create(name="Solo Registrado", slug="solo", country=countries["MX"])
    former = make_member(
        "Instituto Viejo", countries["MX"], categories["full"], since=dt.date(2000, 1, 1)
    )
    Membership.objects.filter(institution=former).update(valid_to=dt.date(2010, 1, 1))
    # when / then
    assert as_anonymous.get(f"{MEMBERS}/solo").status_code == 404
    assert as_anonymous.get(f"{MEMBERS}/{former.slug}").status_code == 404
    assert as_anonymous.get(f"{MEMBERS}/no-such-member").status_code == 404
    assert as_anonymous.get(f"{MEMBERS}/{former.slug}", {"as_of": "2005-01-01"}).status_code == 200


def test_it_runs_one_query_for_one_member(as_anonymous, member_a, django_assert_num_queries):
    # 1 the membership in force with institution, country, sub-region and category
    with django_assert_num_queries(1):
        response = as_anonymous.get(f"{MEMBERS}/instituto-alfa")
    assert response.status_code == 200


# --- /categories and /countries ---------------------------------------------------------


def test_it_lists_the_categories_with_their_current_counts(
    as_anonymous, member_a, member_b, switched
):
    # when
    response = as_anonymous.get("/api/v1/categories", {"lang": "en"})
    # then
    assert response.status_code == 200
    data = {c["code"]: c for c in response.json()}
    assert list(data) == ["full", "associate", "affiliate", "linked"]
    assert data["full"]["members"] == 1 and data["full"]["has_vote"] is True
    assert data["associate"]["members"] == 2 and data["associate"]["has_vote"] is False
    assert data["associate"]["name_plural"] == "Associate members"
    in_2016 = {
        c["code"]: c["members"]
        for c in as_anonymous.get("/api/v1/categories", {"as_of": "2016-01-01"}).json()
    }
    assert in_2016["full"] == 2 and in_2016["associate"] == 1


def test_it_lists_the_countries_with_their_subregion(as_anonymous, countries):
    # when
    response = as_anonymous.get("/api/v1/countries", HTTP_ACCEPT_LANGUAGE="en")
    # then
    assert response.status_code == 200
    assert response.json() == [
        {"code": "CA", "name": "Canada", "subregion": 4},
        {"code": "MX", "name": "Mexico", "subregion": None},
        {"code": "PE", "name": "Peru", "subregion": None},
    ]


@pytest.mark.parametrize("n", [3, 30])
def test_it_runs_a_fixed_number_of_queries_for_categories_and_countries(
    as_anonymous, categories, countries, django_assert_num_queries, n
):
    # given
    many_members(n, categories, countries)
    # then: categories = 1 counts + 2 categories; countries = 1 countries with sub-regions
    with django_assert_num_queries(2):
        as_anonymous.get("/api/v1/categories")
    with django_assert_num_queries(1):
        as_anonymous.get("/api/v1/countries")


# --- Documentation -----------------------------------------------------------------------


def test_it_publishes_the_openapi_schema_and_docs(as_anonymous):
    # when
    schema = as_anonymous.get("/api/v1/openapi.json")
    docs = as_anonymous.get("/api/v1/docs")
    # then
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    for path in (
        "/api/v1/members",
        "/api/v1/members/{slug}",
        "/api/v1/categories",
        "/api/v1/countries",
    ):
        assert path in paths
    assert docs.status_code == 200
    assert "swagger" in docs.content.decode().lower()


def test_it_keeps_member_since_through_a_change_of_category(as_anonymous, switched):
    # given: Caja Gamma, a member since 2015, an associate member since 2019
    # when
    member = as_anonymous.get(f"{MEMBERS}/caja-gamma").json()
    # then
    assert member["category"]["code"] == "associate"
    assert member["member_since"] == "2015-01-01"


def test_it_refuses_bidi_controls_in_the_search_with_a_json_422(as_anonymous, member_a):
    # when
    response = as_anonymous.get(MEMBERS, {"q": "Alfa\u202e"})
    # then
    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/json")
    assert "cambian la dirección del texto" in str(response.json())  # Spanish by default
