"""Every route of the Calls for Candidates × every role: the expected HTTP status.

The roles and the shorthand rows are those of core/testing.py; the site's matrix
(secretariat/tests/test_permission_matrix.py) checks that every route has an entry here or
there. The world: a draft Call with two offices and its requirements (the pages that change
it) and a published Call (the public page and PDF, publishing refused as POST-only).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from secretariat.core.testing import (
    POST_ONLY,
    PUBLIC,
    STAFF_WRITE,
    log_in,
    status_failures,
)
from secretariat.elections.models import Call, CallOffice, Requirement
from secretariat.elections.tests.calls_world import (
    draft_call,
    organs_fixture,  # noqa: F401  (the `organs` fixture)
    published_call,
)

MATRIX: dict[str, tuple] = {
    "elections:call-list": PUBLIC,
    "elections:call-detail": PUBLIC,  # a published Call
    "elections:call-pdf": PUBLIC,
    "elections:call-add": STAFF_WRITE,
    "elections:call-edit": STAFF_WRITE,
    "elections:call-office-add": STAFF_WRITE,
    "elections:call-office-edit": STAFF_WRITE,
    "elections:call-office-remove": POST_ONLY,
    "elections:requirement-add": STAFF_WRITE,
    "elections:requirement-edit": STAFF_WRITE,
    "elections:requirement-remove": POST_ONLY,
    "elections:call-approve": STAFF_WRITE,
    "elections:call-publish": POST_ONLY,
    "elections:call-close": POST_ONLY,
}


@pytest.fixture(name="world")
def world_fixture(
    db, organs, rep_a, rep_b, officer, finance_officer, comptroller, secretary_general
):
    draft = draft_call(officer, organs)
    published = published_call(officer, organs)
    row = draft.offices.first()
    req = draft.requirements.first()
    kwargs = {
        "elections:call-detail": {"pk": published.pk},
        "elections:call-pdf": {"pk": published.pk, "lang": "es"},
        "elections:call-edit": {"pk": draft.pk},
        "elections:call-office-add": {"pk": draft.pk},
        "elections:call-office-edit": {"office_pk": row.pk},
        "elections:call-office-remove": {"office_pk": row.pk},
        "elections:requirement-add": {"pk": draft.pk},
        "elections:requirement-edit": {"requirement_pk": req.pk},
        "elections:requirement-remove": {"requirement_pk": req.pk},
        "elections:call-approve": {"pk": draft.pk},
        "elections:call-publish": {"pk": draft.pk},
        "elections:call-close": {"pk": published.pk},
    }
    users = {
        "anonymous": None,
        "rep_a": rep_a,
        "rep_b": rep_b,
        "officer": officer,
        "finance": finance_officer,
        "comptroller": comptroller,
        "sg": secretary_general,
    }
    return {"kwargs": kwargs, "users": users}


def _url(name: str, world) -> str:
    return reverse(name, kwargs=world["kwargs"].get(name))


@pytest.mark.django_db
def test_it_gives_each_role_the_expected_status(world):
    failures = status_failures(MATRIX, world["users"], lambda name: _url(name, world))
    assert failures == [], "\n" + "\n".join(failures)


@pytest.mark.django_db
def test_it_refuses_post_actions_to_the_wrong_roles(world):
    def state():
        return (
            list(Call.objects.order_by("pk").values_list("state", flat=True)),
            CallOffice.objects.count(),
            Requirement.objects.count(),
        )

    before = state()
    for role in ("rep_a", "rep_b", "finance", "comptroller"):
        client = Client()
        log_in(client, world["users"][role])
        for name, row in MATRIX.items():
            if row is not POST_ONLY and name != "elections:call-approve":
                continue
            response = client.post(_url(name, world), {"reason": "test", "decision": "test"})
            assert response.status_code in (403, 404), (role, name, response.status_code)
    assert state() == before
