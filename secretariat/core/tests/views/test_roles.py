"""The roles page: the Secretary General's list of people and their roles, and granting or
revoking one with a reason (issue #9, "Doors")."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from secretariat.conftest import client_for, make_user
from secretariat.core import roles
from secretariat.core.models import ActionLog
from secretariat.core.testing import age_authentication

pytestmark = pytest.mark.django_db

LIST = "/en/roles/"


def person_url(name: str, person) -> str:
    return reverse(f"core:{name}", kwargs={"pk": person.pk})


def test_it_lists_people_with_their_roles_and_finds_them(secretary_general, officer, rep_a):
    client = client_for(secretary_general)
    page = client.get(LIST).content.decode()
    assert "Officer" in page and "Secretariat officer" in page and "Member representative" in page
    found = client.get(LIST, {"q": "rep.a@"}).content.decode()
    assert "rep.a@example.org" in found and "officer@example.org" not in found
    by_role = client.get(LIST, {"role": roles.OFFICER}).content.decode()
    assert "officer@example.org" in by_role and "rep.a@example.org" not in by_role
    assert '<label for="id_q">Name or e-mail</label>' in page


def test_it_is_the_secretary_generals_alone(officer, comptroller, rep_a, secretary_general):
    target = person_url("role-person", officer)
    for user in (officer, comptroller, rep_a):
        client = client_for(user)
        assert client.get(LIST).status_code == 403
        assert client.get(target).status_code == 403
        response = client.post(
            person_url("role-grant", officer),
            {"grant-role": roles.SECRETARY_GENERAL, "grant-reason": "x"},
        )
        assert response.status_code == 403
    anonymous = Client().get(LIST)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert not officer.groups.filter(name=roles.SECRETARY_GENERAL).exists()
    # the menu offers the page to the Secretary General only
    assert (
        reverse("core:role-list")
        in client_for(secretary_general).get("/en/dashboard/").content.decode()
    )
    assert (
        reverse("core:role-list") not in client_for(officer).get("/en/dashboard/").content.decode()
    )


def test_granting_a_staff_role_makes_the_person_set_up_a_second_factor(secretary_general):
    # given a representative-to-be, signed in with a password, no authenticator
    person = make_user("new.officer@example.org", mfa=False)
    theirs = client_for(person)
    assert theirs.get("/en/dashboard/").status_code == 200
    # when the Secretary General grants them the officer role, with a reason
    response = client_for(secretary_general).post(
        person_url("role-grant", person),
        {"grant-role": roles.OFFICER, "grant-reason": "Nombramiento 12/2026"},
        follow=True,
    )
    # then it is done and said, and logged with the reason
    html = response.content.decode()
    assert "now holds the role Secretariat officer" in html
    assert "asked to set up or enter their second factor" in html
    assert ActionLog.objects.get(event="role.granted").reason == "Nombramiento 12/2026"
    # and the person's next page is the second factor's set-up
    assert theirs.get("/en/dashboard/")["Location"] == reverse("mfa_activate_totp")


def test_it_shows_what_is_wrong_and_changes_nothing(secretary_general, officer):
    client = client_for(secretary_general)
    # no reason
    response = client.post(
        person_url("role-grant", officer), {"grant-role": roles.FINANCE, "grant-reason": ""}
    )
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    # a role that is not one
    response = client.post(
        person_url("role-grant", officer), {"grant-role": "superuser", "grant-reason": "x"}
    )
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    # the last Secretary General giving the role up
    response = client.post(
        person_url("role-revoke", secretary_general),
        {"revoke-role": roles.SECRETARY_GENERAL, "revoke-reason": "Renuncia"},
    )
    assert response.status_code == 200
    assert "must keep one Secretary General" in response.content.decode()
    assert not ActionLog.objects.filter(event__startswith="role.").exists()
    assert list(officer.groups.values_list("name", flat=True)) == [roles.OFFICER]


def test_it_revokes_a_role(secretary_general, officer):
    response = client_for(secretary_general).post(
        person_url("role-revoke", officer),
        {"revoke-role": roles.OFFICER, "revoke-reason": "Fin del encargo"},
        follow=True,
    )
    assert "no longer holds the role Secretariat officer" in response.content.decode()
    assert not officer.groups.exists()


def test_granting_asks_for_the_code_again_in_a_session_not_fresh(secretary_general):
    person = make_user("someone@example.org")
    client = client_for(secretary_general)
    age_authentication(client, minutes=11)
    response = client.post(
        person_url("role-grant", person), {"grant-role": roles.OFFICER, "grant-reason": "x"}
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert not person.groups.exists()


@pytest.mark.parametrize("count", [3, 30])
def test_the_list_runs_constant_queries(secretary_general, django_assert_max_num_queries, count):
    for i in range(count):
        make_user(f"person{i}@example.org", roles.REPRESENTATIVE)
    client = client_for(secretary_general)
    client.get(LIST)  # the session's last-seen time is written once, then every 30 s
    # 1 the login session, 2 the user, 3 the user's roles, 4 the count, 5 the page,
    # 6 the page's roles
    with django_assert_max_num_queries(6):
        response = client.get(LIST)
    assert response.status_code == 200
