"""Staff registry pages: institutions, memberships, representatives and contact corrections.

Each page is tested without permission (anonymous, a representative, a read-only role for
writes), with permission, and with bad input; list and detail pages pin their query counts.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from django.utils import translation

from secretariat.conftest import client_for, make_member, make_user
from secretariat.core import roles
from secretariat.core.audit import record_action
from secretariat.core.models import ActionLog
from secretariat.members.models import (
    ContactCorrection,
    Institution,
    Membership,
    MembershipRequest,
    Representative,
    Source,
)
from secretariat.members.tests.conftest import count_queries

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():  # type: ignore[no-untyped-def]
    # Pages in English (/en/...) so the assertions do not depend on the catalogs.
    with translation.override("en"):
        yield


HOSTILE = "<script>alert('x')</script>"
SQLISH = "'; DROP TABLE members_institution; --"
LONG = "x" * 10_000


def _list_url() -> str:
    return reverse("members:institution-list")


def _detail_url(inst: Institution) -> str:
    return reverse("members:institution-detail", args=[inst.slug])


def _non_member(name: str, country, **extra) -> Institution:  # type: ignore[no-untyped-def]
    return Institution.objects.create(
        name=name, country=country, slug=name.lower().replace(" ", "-"), **extra
    )


# --- Institution list -----------------------------------------------------------------


def test_it_sends_anonymous_visitors_of_the_list_to_the_login(as_anonymous):
    # when
    response = as_anonymous.get(_list_url())
    # then
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_it_refuses_the_list_to_a_representative(as_rep_a):
    # when
    response = as_rep_a.get(_list_url())
    # then
    assert response.status_code == 403


def test_it_lists_members_former_members_and_non_members(
    as_officer, member_a, countries, categories
):
    # given
    former = make_member(
        "Caja Antigua", countries["PE"], categories["linked"], since=dt.date(2000, 1, 1)
    )
    Membership.objects.filter(institution=former).update(valid_to=dt.date(2015, 1, 1))
    _non_member("Fondo Nuevo", countries["CA"])
    unknown = make_member("Instituto Gamma", countries["MX"], None, since=None)
    # when
    response = as_officer.get(_list_url())
    # then
    body = response.content.decode()
    assert response.status_code == 200
    for name in ("Instituto Alfa", "Caja Antigua", "Fondo Nuevo", unknown.name):
        assert name in body
    assert "Former member" in body
    assert "Not a member" in body
    assert "Not recorded" in body  # Gamma's category
    assert "Unknown" in body  # Gamma's start date
    assert "Full member" in body


def test_it_marks_example_institutions_in_the_list(as_officer, countries):
    # given
    _non_member("Demo Institute", countries["MX"], origin=Source.EXAMPLE)
    # when
    response = as_officer.get(_list_url())
    # then
    assert 'badge--example">Example<' in response.content.decode()


@pytest.mark.parametrize(
    ("status", "shown", "hidden"),
    [
        ("member", "Instituto Alfa", "Caja Antigua"),
        ("former", "Caja Antigua", "Instituto Alfa"),
        ("none", "Fondo Nuevo", "Instituto Alfa"),
    ],
)
def test_it_filters_the_list_by_status(
    as_officer, member_a, countries, categories, status, shown, hidden
):
    # given
    former = make_member(
        "Caja Antigua", countries["PE"], categories["linked"], since=dt.date(2000, 1, 1)
    )
    Membership.objects.filter(institution=former).update(valid_to=dt.date(2015, 1, 1))
    _non_member("Fondo Nuevo", countries["CA"])
    # when
    response = as_officer.get(_list_url(), {"status": status})
    # then
    body = response.content.decode()
    assert shown in body
    assert hidden not in body


def test_it_filters_the_list_by_country_and_text(as_officer, member_a, member_b):
    # when
    by_country = as_officer.get(_list_url(), {"country": "PE"}).content.decode()
    by_text = as_officer.get(_list_url(), {"q": "alfa"}).content.decode()
    # then
    assert "Instituto Beta" in by_country and "Instituto Alfa" not in by_country
    assert "Instituto Alfa" in by_text and "Instituto Beta" not in by_text


@pytest.mark.parametrize("q", [HOSTILE, SQLISH, LONG])
def test_it_survives_hostile_filters(as_officer, member_a, q):
    # when
    response = as_officer.get(
        _list_url(), {"q": q, "status": "bogus", "country": "ZZ", "sort": "-password"}
    )
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in body
    assert Institution.objects.count() == 1


def test_it_sorts_the_list_by_country(as_officer, member_a, member_b):
    # when
    body = as_officer.get(_list_url(), {"sort": "-country"}).content.decode()
    # then: Peru (Beta) before Mexico (Alfa)
    assert body.index("Instituto Beta") < body.index("Instituto Alfa")


def test_it_shows_the_register_button_only_to_managers(as_officer, as_comptroller, member_a):
    # when
    officer_page = as_officer.get(_list_url()).content.decode()
    comptroller_page = as_comptroller.get(_list_url())
    # then
    create_url = reverse("members:institution-create")
    assert create_url in officer_page
    assert comptroller_page.status_code == 200
    assert create_url not in comptroller_page.content.decode()


def _make_institutions(n: int, countries, categories, start: int = 0) -> None:  # type: ignore[no-untyped-def]
    for i in range(start, start + n):
        make_member(f"Institution {i:03d}", countries["MX"], categories["full"] if i % 2 else None)


@pytest.mark.parametrize("n", [3, 30])
def test_it_lists_institutions_in_a_fixed_number_of_queries(
    as_officer, countries, categories, django_assert_max_num_queries, n
):
    # given
    _make_institutions(n, countries, categories)
    as_officer.get(_list_url())
    # when / then
    # session, user, user's groups, count, page of institutions (+country, sub-region),
    # their memberships (+category), countries for the filter
    with django_assert_max_num_queries(7):
        response = as_officer.get(_list_url())
    assert response.status_code == 200


def test_it_lists_3_or_30_institutions_in_the_same_number_of_queries(
    as_officer, countries, categories
):
    # given
    _make_institutions(3, countries, categories)
    few = count_queries(as_officer, _list_url())
    _make_institutions(27, countries, categories, start=3)
    # when
    many = count_queries(as_officer, _list_url() + "?sort=-country")
    # then
    assert few == many


# --- Institution create / edit --------------------------------------------------------


def _institution_post(countries, **over) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {
        "name": "Instituto Nuevo",
        "acronym": "IN",
        "country": str(countries["MX"].pk),
        "website": "https://nuevo.example.org",
        "email": "info@nuevo.example.org",
        "phone": "+52 55 0000 0000",
        "address": "Calle 1, Ciudad de México",
        "description_es": "Una institución.",
        "description_en": "An institution.",
        "reason": "",
    }
    data.update(over)
    return data


def test_it_registers_an_institution(as_officer, officer, countries):
    # when
    response = as_officer.post(reverse("members:institution-create"), _institution_post(countries))
    # then
    institution = Institution.objects.get(name="Instituto Nuevo")
    assert response.status_code == 302
    assert response["Location"] == _detail_url(institution)
    assert institution.memberships.count() == 0  # registering is not admitting
    entry = ActionLog.objects.get(event="institution.created")
    assert entry.actor == officer
    assert entry.target_id == str(institution.pk)
    assert entry.new_values["name"] == "Instituto Nuevo"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "This field is required."),
        ("name", LONG, "Ensure this value has at most 300 characters"),
        ("website", "javascript:alert(1)", "Enter a valid URL."),
        ("email", HOSTILE, "Enter a valid email address."),
        ("country", "999999", "Select a valid choice."),
        ("phone", SQLISH * 5, "Ensure this value has at most 60 characters"),
        ("name", "Caja \u202eABC", "change the direction of the text"),
        ("acronym", "\u2067CA\u2069", "change the direction of the text"),
    ],
)
def test_it_rejects_bad_institution_data(as_officer, countries, field, value, message):
    # when
    response = as_officer.post(
        reverse("members:institution-create"), _institution_post(countries, **{field: value})
    )
    # then
    assert response.status_code == 200
    assert message in response.content.decode()
    assert Institution.objects.count() == 0
    assert ActionLog.objects.count() == 0


def test_it_escapes_a_hostile_name(as_officer, countries):
    # given
    as_officer.post(
        reverse("members:institution-create"), _institution_post(countries, name=HOSTILE)
    )
    # when
    body = as_officer.get(_list_url()).content.decode()
    # then
    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body


def test_it_refuses_a_duplicate_institution_with_the_reason_on_the_name(
    as_officer, member_a, countries
):
    # when
    response = as_officer.post(
        reverse("members:institution-create"), _institution_post(countries, name="instituto alfa")
    )
    # then
    assert response.status_code == 200
    assert "already exists in this country" in response.content.decode()
    assert Institution.objects.count() == 1


def test_it_refuses_registration_to_the_comptroller(as_comptroller, countries):
    # when
    get = as_comptroller.get(reverse("members:institution-create"))
    post = as_comptroller.post(reverse("members:institution-create"), _institution_post(countries))
    # then
    assert get.status_code == 403
    assert post.status_code == 403
    assert Institution.objects.count() == 0


def test_it_edits_an_institution_with_a_reason(as_officer, officer, member_a, countries):
    # given
    url = reverse("members:institution-edit", args=[member_a.slug])
    # when
    response = as_officer.post(
        url,
        _institution_post(
            countries, name="Instituto Alfa", phone="+52 1", reason="Letter of 3 March"
        ),
    )
    # then
    assert response.status_code == 302
    member_a.refresh_from_db()
    assert member_a.phone == "+52 1"
    entry = ActionLog.objects.get(event="institution.updated")
    assert entry.actor == officer
    assert entry.old_values["phone"] == ""
    assert entry.new_values["phone"] == "+52 1"
    assert entry.reason == "Letter of 3 March"


def test_it_prefills_the_edit_form(as_officer, member_a):
    # when
    response = as_officer.get(reverse("members:institution-edit", args=[member_a.slug]))
    # then
    assert response.status_code == 200
    assert 'value="Instituto Alfa"' in response.content.decode()


def test_it_requires_a_reason_to_edit(as_officer, member_a, countries):
    # when
    response = as_officer.post(
        reverse("members:institution-edit", args=[member_a.slug]),
        _institution_post(countries, name="Instituto Alfa", phone="+52 1", reason="   "),
    )
    # then
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    member_a.refresh_from_db()
    assert member_a.phone == ""
    assert not ActionLog.objects.filter(event="institution.updated").exists()


def test_it_refuses_edits_to_the_comptroller_and_representatives(
    as_comptroller, as_rep_a, member_a, countries
):
    # given
    url = reverse("members:institution-edit", args=[member_a.slug])
    data = _institution_post(countries, name="Hijacked", reason="why not")
    # when
    by_comptroller = as_comptroller.post(url, data)
    by_rep = as_rep_a.post(url, data)
    # then
    assert by_comptroller.status_code == 403
    assert by_rep.status_code == 403
    member_a.refresh_from_db()
    assert member_a.name == "Instituto Alfa"


def test_it_answers_404_for_an_unknown_institution(as_officer):
    # when
    response = as_officer.get(reverse("members:institution-edit", args=["no-such-thing"]))
    # then
    assert response.status_code == 404


# --- Institution record ---------------------------------------------------------------


def test_it_shows_the_full_record(as_officer, officer, member_a, rep_a, categories):
    # given
    Representative.objects.create(
        institution=member_a,
        full_name="Pedro Pasado",
        role=Representative.Role.HEAD,
        valid_from=dt.date(2010, 1, 1),
        valid_to=dt.date(2019, 1, 1),
    )
    req = MembershipRequest.objects.create(
        reference="SOL-2026-0001",
        kind=MembershipRequest.Kind.DISAFFILIATION,
        channel=MembershipRequest.Channel.MEMBER,
        institution=member_a,
    )
    ContactCorrection.objects.create(
        institution=member_a, proposed_by=rep_a, changes={"phone": "+52 9"}, previous={"phone": ""}
    )
    with transaction.atomic():
        record_action(
            actor=officer,
            event="institution.updated",
            target=member_a,
            new={"phone": "1"},
            reason="Test why",
        )
    # when
    response = as_officer.get(_detail_url(member_a))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "Full member" in body and "In force" in body
    assert "Ana Alfa" in body and "rep.a@example.org" in body  # current, with linked account
    assert "Pedro Pasado" in body  # past
    assert req.reference in body
    assert "+52 9" in body  # open correction
    assert "Test why" in body and "officer@example.org" in body  # history: who and why
    assert reverse("members:membership-change", args=[member_a.slug]) in body
    assert reverse("members:membership-admit", args=[member_a.slug]) not in body


def test_it_offers_admission_only_without_a_membership_in_force(as_officer, countries):
    # given
    institution = _non_member("Fondo Nuevo", countries["CA"])
    # when
    body = as_officer.get(_detail_url(institution)).content.decode()
    # then
    assert reverse("members:membership-admit", args=[institution.slug]) in body
    assert reverse("members:membership-end", args=[institution.slug]) not in body
    assert "Not assigned yet" not in body  # Canada is in sub-region IV
    assert "Not a member" in body


def test_it_shows_the_record_to_the_comptroller_without_write_buttons(as_comptroller, member_a):
    # when
    response = as_comptroller.get(_detail_url(member_a))
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert reverse("members:institution-edit", args=[member_a.slug]) not in body
    assert reverse("members:membership-change", args=[member_a.slug]) not in body


def test_it_refuses_the_staff_record_to_a_representative_and_anonymous(
    as_rep_a, as_anonymous, member_a
):
    # when
    by_rep = as_rep_a.get(_detail_url(member_a))
    by_anonymous = as_anonymous.get(_detail_url(member_a))
    # then
    assert by_rep.status_code == 403
    assert by_anonymous.status_code == 302


def test_it_answers_404_for_an_unknown_record(as_officer):
    assert as_officer.get(reverse("members:institution-detail", args=["nope"])).status_code == 404


def _fill_record(institution: Institution, n: int, officer, rep_user) -> None:  # type: ignore[no-untyped-def]
    Membership.objects.filter(institution=institution).delete()
    start = dt.date(1950, 1, 1)
    for i in range(n):
        Membership.objects.create(
            institution=institution,
            category=None,
            valid_from=start + dt.timedelta(days=10 * i),
            valid_to=start + dt.timedelta(days=10 * i + 5),
        )
        Representative.objects.create(
            institution=institution,
            full_name=f"Person {i}",
            role=Representative.Role.LIAISON,
            valid_from=dt.date(2000, 1, 1),
            valid_to=None if i % 2 else dt.date(2001, 1, 1),
            user=rep_user if i == 0 else None,
        )
        MembershipRequest.objects.create(
            reference=f"SOL-{institution.pk}-{i:04d}",
            kind=MembershipRequest.Kind.AFFILIATION,
            channel=MembershipRequest.Channel.SECRETARIAT,
            institution=institution,
        )
        ContactCorrection.objects.create(
            institution=institution,
            proposed_by=rep_user,
            changes={"phone": str(i)},
            previous={"phone": ""},
        )
        with transaction.atomic():
            record_action(
                actor=officer, event="institution.updated", target=institution, new={"i": i}
            )


@pytest.mark.parametrize("n", [3, 30])
def test_it_shows_a_record_in_a_fixed_number_of_queries(
    as_officer, officer, member_a, rep_a, django_assert_max_num_queries, n
):
    # given
    _fill_record(member_a, n, officer, rep_a)
    as_officer.get(_detail_url(member_a))
    # when / then
    # session, user, user's groups, institution (+country, sub-region), memberships (+category),
    # representatives (+account), requests, corrections, history (+actor), suspensions of the vote
    with django_assert_max_num_queries(10):
        response = as_officer.get(_detail_url(member_a))
    assert response.status_code == 200


def test_it_shows_a_record_with_3_or_30_rows_in_the_same_number_of_queries(
    as_officer, officer, member_a, rep_a, member_b
):
    # given
    _fill_record(member_a, 3, officer, rep_a)
    _fill_record(member_b, 30, officer, rep_a)
    # when
    few = count_queries(as_officer, _detail_url(member_a))
    many = count_queries(as_officer, _detail_url(member_b))
    # then
    assert few == many


# --- Memberships ----------------------------------------------------------------------


def test_it_admits_an_institution(as_officer, officer, countries, categories):
    # given
    institution = _non_member("Fondo Nuevo", countries["CA"])
    # when
    response = as_officer.post(
        reverse("members:membership-admit", args=[institution.slug]),
        {
            "category": categories["associate"].pk,
            "valid_from": "2024-01-01",
            "decision": "XXXI GA, Resolution 5",
            "reason": "Approved",
        },
    )
    # then
    assert response.status_code == 302
    membership = Membership.objects.get(institution=institution)
    assert membership.category == categories["associate"]
    assert membership.valid_from == dt.date(2024, 1, 1)
    entry = ActionLog.objects.get(event="membership.opened")
    assert (
        entry.actor == officer
        and entry.target_id == str(membership.pk)
        and entry.reason == "Approved"
    )


def test_it_refuses_to_admit_a_member_twice(as_officer, member_a, categories):
    # when
    response = as_officer.post(
        reverse("members:membership-admit", args=[member_a.slug]),
        {
            "category": categories["full"].pk,
            "valid_from": "2024-01-01",
            "decision": "X",
            "reason": "Y",
        },
    )
    # then
    assert response.status_code == 200
    assert "already has a membership in force" in response.content.decode()
    assert Membership.objects.filter(institution=member_a).count() == 1
    assert ActionLog.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"valid_from": "2024-01-01", "decision": "X", "reason": "Y"}, "This field is required."),
        (
            {"category": "1", "valid_from": "not a date", "decision": "X", "reason": "Y"},
            "Enter a valid date.",
        ),
        (
            {"category": "1", "valid_from": "2024-01-01", "decision": LONG, "reason": "Y"},
            "at most 300 characters",
        ),
        (
            {"category": "1", "valid_from": "2024-01-01", "decision": "X", "reason": ""},
            "This field is required.",
        ),
        (
            {"category": HOSTILE, "valid_from": "2024-01-01", "decision": "X", "reason": "Y"},
            "Select a valid choice.",
        ),
    ],
)
def test_it_rejects_bad_admission_data(as_officer, countries, categories, data, message):
    # given
    institution = _non_member("Fondo Nuevo", countries["CA"])
    if data.get("category") == "1":
        data = {**data, "category": str(categories["full"].pk)}
    # when
    response = as_officer.post(reverse("members:membership-admit", args=[institution.slug]), data)
    # then
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Membership.objects.filter(institution=institution).exists()
    assert ActionLog.objects.count() == 0


def test_it_changes_a_members_category(as_officer, officer, member_a, categories):
    # when
    response = as_officer.post(
        reverse("members:membership-change", args=[member_a.slug]),
        {
            "category": categories["associate"].pk,
            "on": "2024-06-01",
            "decision": "SC 2024/3",
            "reason": "Asked",
        },
    )
    # then
    assert response.status_code == 302
    old, new = Membership.objects.filter(institution=member_a).order_by("valid_from")
    assert old.valid_to == dt.date(2024, 6, 1) and old.category == categories["full"]
    assert new.valid_from == dt.date(2024, 6, 1) and new.category == categories["associate"]
    assert ActionLog.objects.filter(
        event="membership.ended", target_id=str(old.pk), actor=officer
    ).exists()
    assert ActionLog.objects.filter(
        event="membership.opened", target_id=str(new.pk), actor=officer
    ).exists()


def test_it_refuses_a_change_to_the_same_category_or_before_the_start(
    as_officer, member_a, categories
):
    # given
    url = reverse("members:membership-change", args=[member_a.slug])
    # when
    same = as_officer.post(
        url, {"category": categories["full"].pk, "on": "2024-06-01", "decision": "X", "reason": "Y"}
    )
    early = as_officer.post(
        url,
        {"category": categories["linked"].pk, "on": "2001-01-01", "decision": "X", "reason": "Y"},
    )
    # then
    assert same.status_code == 200 and "already in this category" in same.content.decode()
    assert early.status_code == 200 and "must end after it starts" in early.content.decode()
    assert Membership.objects.filter(institution=member_a).count() == 1
    assert ActionLog.objects.count() == 0


def test_it_ends_a_membership(as_officer, officer, member_a):
    # when
    response = as_officer.post(
        reverse("members:membership-end", args=[member_a.slug]),
        {
            "on": "2025-01-01",
            "decision": "XXXI GA, Resolution 9",
            "reason": "Disaffiliation approved",
        },
    )
    # then
    assert response.status_code == 302
    membership = Membership.objects.get(institution=member_a)
    assert membership.valid_to == dt.date(2025, 1, 1)
    assert membership.end_decision == "XXXI GA, Resolution 9"
    entry = ActionLog.objects.get(event="membership.ended")
    assert entry.actor == officer and entry.new_values["valid_to"] == "2025-01-01"


def test_it_explains_that_there_is_nothing_to_end(as_officer, countries):
    # given
    institution = _non_member("Fondo Nuevo", countries["CA"])
    url = reverse("members:membership-end", args=[institution.slug])
    # when
    page = as_officer.get(url)
    post = as_officer.post(url, {"on": "2025-01-01", "decision": "X", "reason": "Y"})
    # then
    assert "no membership in force" in page.content.decode()
    assert post.status_code == 200 and "no membership in force" in post.content.decode()
    assert ActionLog.objects.count() == 0


@pytest.mark.parametrize("name", ["membership-admit", "membership-change", "membership-end"])
def test_it_refuses_membership_changes_to_the_comptroller(
    as_comptroller, member_a, categories, name
):
    # when
    response = as_comptroller.post(
        reverse(f"members:{name}", args=[member_a.slug]),
        {
            "category": categories["linked"].pk,
            "valid_from": "2024-01-01",
            "on": "2024-01-01",
            "decision": "X",
            "reason": "Y",
        },
    )
    # then
    assert response.status_code == 403
    assert Membership.objects.filter(institution=member_a).count() == 1
    assert ActionLog.objects.count() == 0


# --- Representatives ------------------------------------------------------------------


def _rep_post(**over) -> dict[str, str]:  # type: ignore[no-untyped-def]
    data = {
        "full_name": "Rosa Ríos",
        "title": "Directora",
        "role": Representative.Role.HEAD,
        "email": "rosa@alfa.example.org",
        "phone": "",
        "valid_from": "2024-01-01",
        "valid_to": "",
        "account_email": "",
        "reason": "",
    }
    data.update(over)
    return data


def test_it_adds_a_representative_without_an_account(as_officer, officer, member_a):
    # when
    response = as_officer.post(
        reverse("members:representative-add", args=[member_a.slug]), _rep_post()
    )
    # then
    assert response.status_code == 302
    rep = Representative.objects.get(full_name="Rosa Ríos")
    assert rep.user is None
    entry = ActionLog.objects.get(event="representative.added")
    assert entry.actor == officer and entry.target_id == str(rep.pk)
    assert not ActionLog.objects.filter(event="representative.account_linked").exists()


def test_it_adds_a_representative_linked_to_an_account_and_grants_the_role(
    as_officer, officer, member_a
):
    # given
    person = make_user("rosa@alfa.example.org")
    # when
    response = as_officer.post(
        reverse("members:representative-add", args=[member_a.slug]),
        _rep_post(account_email="ROSA@alfa.example.org"),
    )
    # then
    assert response.status_code == 302
    rep = Representative.objects.get(full_name="Rosa Ríos")
    assert rep.user == person
    assert person.groups.filter(name=roles.REPRESENTATIVE).exists()
    entry = ActionLog.objects.get(event="representative.account_linked")
    assert entry.actor == officer
    assert entry.new_values == {"user": person.pk, "account": person.email, "role_granted": True}


@pytest.mark.parametrize(
    ("over", "message"),
    [
        ({"account_email": "nobody@example.org"}, "No active account has this e-mail address."),
        ({"account_email": "officer@example.org"}, "belongs to Secretariat staff"),
        ({"valid_to": "2023-01-01"}, "must end after it starts"),
        ({"full_name": ""}, "This field is required."),
        ({"full_name": LONG}, "at most 200 characters"),
        ({"role": "emperor"}, "Select a valid choice."),
        ({"email": HOSTILE}, "Enter a valid email address."),
        ({"valid_from": SQLISH}, "Enter a valid date."),
    ],
)
def test_it_rejects_bad_representative_data(as_officer, member_a, over, message):
    # when
    response = as_officer.post(
        reverse("members:representative-add", args=[member_a.slug]), _rep_post(**over)
    )
    # then
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Representative.objects.filter(institution=member_a).exists()
    assert ActionLog.objects.count() == 0


def test_it_refuses_a_second_head_representative_for_the_same_period(as_officer, member_a):
    # given
    as_officer.post(reverse("members:representative-add", args=[member_a.slug]), _rep_post())
    # when
    response = as_officer.post(
        reverse("members:representative-add", args=[member_a.slug]),
        _rep_post(full_name="Otro", valid_from="2024-05-01"),
    )
    # then
    assert response.status_code == 200
    assert "already has a head representative" in response.content.decode()
    assert Representative.objects.filter(institution=member_a).count() == 1


def test_it_ends_a_representation_with_a_reason(as_officer, officer, rep_a, member_a):
    # given
    rep = Representative.objects.get(user=rep_a)
    url = reverse("members:representative-edit", args=[rep.pk])
    # when
    response = as_officer.post(
        url,
        _rep_post(
            full_name=rep.full_name,
            title="",
            role=rep.role,
            email="",
            valid_from="2020-01-01",
            valid_to="2025-01-01",
            account_email=rep_a.email,
            reason="Left the institution",
        ),
    )
    # then
    assert response.status_code == 302
    rep.refresh_from_db()
    assert rep.valid_to == dt.date(2025, 1, 1)
    assert rep.user == rep_a
    entry = ActionLog.objects.get(event="representative.updated")
    assert entry.actor == officer
    assert entry.new_values == {"valid_to": "2025-01-01"}
    assert entry.reason == "Left the institution"


def test_it_requires_a_reason_to_edit_a_representative(as_officer, rep_a):
    # given
    rep = Representative.objects.get(user=rep_a)
    # when
    response = as_officer.post(
        reverse("members:representative-edit", args=[rep.pk]),
        _rep_post(
            full_name="Changed", role=rep.role, valid_from="2020-01-01", account_email=rep_a.email
        ),
    )
    # then
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    rep.refresh_from_db()
    assert rep.full_name == "Ana Alfa"


def test_it_unlinks_an_account(as_officer, officer, rep_a):
    # given
    rep = Representative.objects.get(user=rep_a)
    # when
    response = as_officer.post(
        reverse("members:representative-edit", args=[rep.pk]),
        _rep_post(
            full_name=rep.full_name,
            title="",
            role=rep.role,
            email="",
            valid_from="2020-01-01",
            reason="Wrong account",
        ),
    )
    # then
    assert response.status_code == 302
    rep.refresh_from_db()
    assert rep.user is None
    entry = ActionLog.objects.get(event="representative.account_unlinked")
    assert entry.old_values == {"user": rep_a.pk}


def test_it_prefills_the_representative_form_with_the_account(as_officer, rep_a):
    # given
    rep = Representative.objects.get(user=rep_a)
    # when
    body = as_officer.get(reverse("members:representative-edit", args=[rep.pk])).content.decode()
    # then
    assert 'value="rep.a@example.org"' in body
    assert 'value="Ana Alfa"' in body


def test_it_refuses_representative_writes_to_the_comptroller_and_representatives(
    as_comptroller, as_rep_a, rep_a, member_a
):
    # given
    rep = Representative.objects.get(user=rep_a)
    edit = reverse("members:representative-edit", args=[rep.pk])
    add = reverse("members:representative-add", args=[member_a.slug])
    # when
    responses = [
        as_comptroller.post(add, _rep_post()),
        as_comptroller.post(edit, _rep_post(reason="x")),
        as_rep_a.post(add, _rep_post()),
        as_rep_a.get(edit),
    ]
    # then
    assert [r.status_code for r in responses] == [403, 403, 403, 403]
    assert Representative.objects.count() == 1


def test_it_answers_404_for_an_unknown_representative(as_officer):
    assert as_officer.get(reverse("members:representative-edit", args=[999999])).status_code == 404


def test_it_lets_the_secretary_general_manage(as_sg, member_a):
    # when
    response = as_sg.get(reverse("members:membership-end", args=[member_a.slug]))
    # then
    assert response.status_code == 200


def test_it_lets_finance_read_the_registry_but_not_write(finance_officer, member_a):
    # given
    client = client_for(finance_officer)
    # when
    read = client.get(_detail_url(member_a))
    write = client.get(reverse("members:institution-edit", args=[member_a.slug]))
    # then
    assert read.status_code == 200
    assert write.status_code == 403


def test_it_refuses_the_list_to_a_representative_who_represents_no_one(as_officer, member_a):
    # given: an account in the representative group without any representation
    person = make_user("someone@example.org", roles.REPRESENTATIVE)
    # when
    response = client_for(person).get(_list_url())
    # then
    assert response.status_code == 403


def test_it_isolates_a_stored_name_with_bidi_controls_on_the_staff_pages(
    as_officer, categories, countries
):
    # given: a record written to the database before names were checked
    inst = make_member("Caja", countries["MX"], categories["full"])
    Institution.objects.filter(pk=inst.pk).update(name="Caja \u202eOrtsiger", acronym="\u202eAC")
    # when
    detail = as_officer.get(_detail_url(inst)).content.decode()
    listing = as_officer.get(reverse("members:institution-list")).content.decode()
    # then
    assert "<bdi>Caja \u202eOrtsiger</bdi>" in detail and "<bdi>\u202eAC</bdi>" in detail
    assert "<bdi>Caja \u202eOrtsiger</bdi>" in listing
    title = detail.split("<title>")[1].split("</title>")[0]
    assert "\u202e" not in title and "Caja Ortsiger" in title


def test_it_shows_the_last_day_of_a_representation_not_its_exclusive_end(as_officer, member_a):
    # given: a representation whose exclusive end is 31 March 2026
    Representative.objects.create(
        institution=member_a,
        full_name="Ana Torres",
        role=Representative.Role.HEAD,
        valid_from=dt.date(2020, 1, 1),
        valid_to=dt.date(2026, 3, 31),
    )
    # when
    body = as_officer.get(_detail_url(member_a)).content.decode()
    # then: it applies through 30 March
    assert "Last day" in body
    assert "March 30, 2026" in body and "March 31, 2026" not in body
