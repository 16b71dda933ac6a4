"""The admin shows the bodies and the preparation of sessions read-only: writes go through
the services."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

from secretariat.core.testing import log_in

MODELS = [
    "body",
    "office",
    "mandate",
    "seat",
    "session",
    "agendaitem",
    "document",
    "documentfile",
    "participant",
    "proxy",
    "dispatch",
]


@pytest.mark.django_db
@pytest.mark.parametrize("model", MODELS)
def test_it_lists_but_does_not_add(client, django_user_model, session_world, model):
    # given: even a superuser
    root = django_user_model.objects.create_superuser(email="root@example.org", password="x")
    Authenticator.objects.create(user=root, type=Authenticator.Type.TOTP, data={"secret": "X"})
    log_in(client, root)
    # when
    listing = client.get(reverse(f"admin:governance_{model}_changelist"))
    adding = client.get(reverse(f"admin:governance_{model}_add"))
    # then
    assert listing.status_code == 200
    assert adding.status_code == 403
