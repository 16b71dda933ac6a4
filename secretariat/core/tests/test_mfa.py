"""Staff must use a second factor (TOTP); representatives may log in with a password."""

from __future__ import annotations

import pyotp
import pytest
from django.test import Client
from django.urls import reverse

from secretariat.conftest import PASSWORD, make_user
from secretariat.core import roles


@pytest.mark.django_db
def test_it_sends_staff_without_a_second_factor_to_set_it_up():
    # given an officer with no authenticator
    user = make_user("new.officer@example.org", roles.OFFICER, mfa=False)
    client = Client()
    client.force_login(user)
    # when
    response = client.get("/es/dashboard/")
    # then
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


@pytest.mark.django_db
def test_it_asks_staff_for_the_totp_code_at_login():
    # given an officer with TOTP
    make_user("officer2@example.org", roles.OFFICER)
    client = Client()
    # when the password is right
    response = client.post(
        "/es/accounts/login/", {"login": "officer2@example.org", "password": PASSWORD}
    )
    # then a code is asked before the session is authenticated
    assert response.status_code == 302 and "2fa" in response["Location"]
    assert client.get("/es/dashboard/").status_code == 302
    # when the right code is entered
    code = pyotp.TOTP("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP").now()
    response = client.post(response["Location"], {"code": code})
    # then the officer reaches the dashboard
    assert response.status_code == 302
    assert client.get("/es/dashboard/").status_code == 200


@pytest.mark.django_db
def test_it_refuses_a_wrong_totp_code():
    make_user("officer3@example.org", roles.OFFICER)
    client = Client()
    response = client.post(
        "/es/accounts/login/", {"login": "officer3@example.org", "password": PASSWORD}
    )
    response = client.post(response["Location"], {"code": "000000"})
    assert response.status_code == 200
    assert client.get("/es/dashboard/").status_code == 302


@pytest.mark.django_db
def test_it_lets_a_representative_in_with_a_password(rep_a):
    client = Client()
    response = client.post(
        "/en/accounts/login/", {"login": "rep.a@example.org", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/en/dashboard/").status_code == 200


@pytest.mark.django_db
def test_it_rate_limits_failed_logins(rep_a):
    client = Client()
    for _ in range(6):
        response = client.post(
            "/en/accounts/login/", {"login": "rep.a@example.org", "password": "wrong"}
        )
    assert response.status_code in (200, 429)
    assert b"Too many" in response.content or response.status_code == 429
