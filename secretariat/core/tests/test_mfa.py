"""Staff must use a second factor (TOTP); representatives may log in with a password."""

from __future__ import annotations

import pyotp
import pytest
from django.test import Client, TestCase
from django.urls import reverse

from secretariat.conftest import PASSWORD, make_user
from secretariat.core import roles
from secretariat.core.testing import log_in


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


# --- Every staff session passes the second factor itself (issue #9, "Doors") ----------------

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _code() -> str:
    return pyotp.TOTP(SECRET).now()


def _login(client: Client, email: str) -> object:
    return client.post("/es/accounts/login/", {"login": email, "password": PASSWORD})


@pytest.mark.django_db
def test_it_sends_a_superuser_with_a_password_only_to_set_up_a_second_factor():
    # given a superuser made with createsuperuser: no role group, no authenticator
    from secretariat.core.models import User

    User.objects.create_superuser(email="root@example.org", password=PASSWORD)
    client = Client()
    # when they log in with the password alone
    _login(client, "root@example.org")
    # then neither the dashboard, the action log nor the admin is reached
    for path in ("/es/dashboard/", "/es/action-log/", "/es/admin/", "/es/admin/core/user/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("mfa_activate_totp"), path


@pytest.mark.django_db
def test_it_asks_a_superuser_with_totp_for_the_code_whatever_the_login_path():
    # given a superuser with TOTP whose session was opened by a password alone
    from secretariat.core.models import User

    root = User.objects.create_superuser(email="root2@example.org", password=PASSWORD)
    from allauth.mfa.models import Authenticator

    Authenticator.objects.create(user=root, type=Authenticator.Type.TOTP, data={"secret": SECRET})
    client = log_in(Client(), root, second_factor=False)
    # when
    for path in ("/es/dashboard/", "/es/action-log/", "/es/admin/"):
        response = client.get(path)
        # then the code is asked first
        assert response.status_code == 302, path
        assert response["Location"].startswith(reverse("mfa_reauthenticate")), path


@pytest.mark.django_db
def test_it_does_not_let_the_admin_login_in_without_the_code(officer):
    # given staff with TOTP (is_staff, so the admin is theirs to look at)
    officer.is_staff = True
    officer.save(update_fields=["is_staff"])
    client = Client()
    # when the right password is posted to the admin's login, with no code
    response = client.post(
        "/es/admin/login/?next=/es/admin/",
        {"username": officer.email, "password": PASSWORD, "next": "/es/admin/"},
    )
    # then it is sent to the site's login, and the admin is not reached
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "_auth_user_id" not in client.session
    admin = client.get("/es/admin/")
    assert admin.status_code == 302 and "/accounts/login/" in admin["Location"]


@pytest.mark.django_db
def test_it_asks_staff_signed_in_without_the_code_for_it_then_lets_them_in(officer):
    # given an officer signed in by another path (no code entered in this session)
    client = log_in(Client(), officer, second_factor=False)
    response = client.get("/es/dashboard/")
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('mfa_reauthenticate')}?next=%2Fes%2Fdashboard%2F"
    # when the code is entered
    response = client.post(response["Location"], {"code": _code()})
    # then the officer goes on to the page
    assert response.status_code == 302 and response["Location"] == "/es/dashboard/"
    assert client.get("/es/dashboard/").status_code == 200


@pytest.mark.django_db
def test_it_lets_staff_in_once_they_have_set_up_their_second_factor():
    # given a new officer who logs in with the password and has no authenticator
    make_user("fresh.officer@example.org", roles.OFFICER, mfa=False)
    client = Client()
    _login(client, "fresh.officer@example.org")
    assert client.get("/es/dashboard/")["Location"] == reverse("mfa_activate_totp")
    # when they set up TOTP (allauth asks for the password again first)
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    page = client.get(reverse("mfa_activate_totp"))
    assert page.status_code == 200
    secret = client.session["mfa.totp.secret"]
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": pyotp.TOTP(secret).now()})
    assert response.status_code == 302
    # then the session has entered a code and the dashboard opens
    assert client.get("/es/dashboard/").status_code == 200


@pytest.mark.django_db
def test_the_demo_may_relax_the_second_factor(settings):
    settings.SECRETARIAT_REQUIRE_STAFF_MFA = False
    user = make_user("demo.officer@example.org", roles.OFFICER, mfa=False)
    client = Client()
    client.force_login(user)
    assert client.get("/es/dashboard/").status_code == 200
