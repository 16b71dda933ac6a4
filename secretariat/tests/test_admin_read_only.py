"""The Django admin is a read-only window for every model of every app, superusers included
(issue #9, "Doors": roles were granted in the admin's user form, outside the audit trail)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.test import Client, RequestFactory
from django.urls import reverse

from secretariat.core import roles
from secretariat.core.models import User
from secretariat.core.testing import log_in


@pytest.fixture
def root(db) -> User:
    from allauth.mfa.models import Authenticator

    user = User.objects.create_superuser(email="root@example.org", password="x-long-pass-42")
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"}
    )
    return user


@pytest.mark.django_db
def test_every_registered_model_is_read_only_even_for_a_superuser(root):
    # given a superuser's request
    request = RequestFactory().get("/es/admin/")
    request.user = root
    # when each registered model admin is asked what it allows
    writable = []
    for model, model_admin in admin.site._registry.items():
        if (
            model_admin.has_add_permission(request)
            or model_admin.has_change_permission(request)
            or model_admin.has_delete_permission(request)
        ):
            writable.append(model._meta.label)
        assert model_admin.has_view_permission(request), model._meta.label
    # then none lets anything be written
    assert writable == []
    assert {"core.User", "auth.Group", "mfa.Authenticator", "members.Institution"} <= {
        m._meta.label for m in admin.site._registry
    }


@pytest.mark.django_db
def test_it_refuses_to_change_a_users_groups_in_the_admin(root, officer):
    # given a signed-in superuser (second factor entered)
    client = log_in(Client(), root)
    sg = Group.objects.get_or_create(name=roles.SECRETARY_GENERAL)[0]
    url = reverse("admin:core_user_change", args=[officer.pk])
    # when the user form is posted with a new group
    page = client.get(url)
    response = client.post(
        url,
        {
            "email": officer.email,
            "username": officer.username,
            "groups": [sg.pk],
            "is_active": "on",
        },
    )
    # then the form only shows, the post is refused and the groups are unchanged
    assert page.status_code == 200
    assert b'name="groups"' not in page.content
    assert response.status_code == 403
    assert not officer.groups.filter(pk=sg.pk).exists()
    assert client.get(reverse("admin:core_user_add")).status_code == 403
    assert client.get(reverse("admin:auth_group_add")).status_code == 403


@pytest.mark.django_db
def test_it_does_not_show_an_authenticators_secret(root):
    from allauth.mfa.models import Authenticator

    client = log_in(Client(), root)
    totp = Authenticator.objects.get(user=root)
    page = client.get(reverse("admin:mfa_authenticator_change", args=[totp.pk]))
    assert page.status_code == 200
    assert b"JBSWY3DPEHPK3PXP" not in page.content


@pytest.mark.django_db
def test_it_refuses_to_set_a_password_in_the_admin(root, officer):
    client = log_in(Client(), root)
    url = reverse("admin:auth_user_password_change", args=[officer.pk])
    response = client.post(url, {"password1": "new-pass-9876!", "password2": "new-pass-9876!"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_it_does_not_show_a_password_hash(root, officer):
    client = log_in(Client(), root)
    page = client.get(reverse("admin:core_user_change", args=[officer.pk]))
    assert page.status_code == 200
    assert "algorithm" not in page.content.decode()  # the password widget is not shown
    assert officer.email in page.content.decode()
