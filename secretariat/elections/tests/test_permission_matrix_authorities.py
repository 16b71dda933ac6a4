"""Every route of the authorities × every role: the expected HTTP status.

The roles and the shorthand rows are those of core/testing.py; the site's matrix
(secretariat/tests/test_permission_matrix.py) checks that every route has an entry here or
in another matrix. The world: the offices of authorities_world with their holders.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from secretariat.core.testing import PUBLIC, STAFF_WRITE, log_in, status_failures
from secretariat.elections.tests.authorities_world import (
    assembly_fixture,  # noqa: F401  (the `assembly` fixture)
    mandates_fixture,  # noqa: F401  (the `mandates` fixture)
    offices_fixture,  # noqa: F401  (the `offices` fixture)
    people_fixture,  # noqa: F401  (the `people` fixture)
)
from secretariat.governance.models import Mandate, Office, Person

MATRIX: dict[str, tuple] = {
    "elections:authorities": PUBLIC,
    "elections:person-detail": PUBLIC,
    "elections:person-create": STAFF_WRITE,
    "elections:person-edit": STAFF_WRITE,
    "elections:office-edit": STAFF_WRITE,
    "elections:mandate-record": STAFF_WRITE,
    "elections:mandate-edit": STAFF_WRITE,
}


@pytest.fixture(name="world")
def world_fixture(mandates, rep_a, rep_b, officer, finance_officer, comptroller, secretary_general):
    kwargs = {
        "elections:person-detail": {"slug": "omar-de-la-torre"},
        "elections:person-edit": {"slug": "omar-de-la-torre"},
        "elections:office-edit": {"code": "secretary-general"},
        "elections:mandate-edit": {"pk": mandates["omar"].pk},
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
def test_it_changes_nothing_when_the_wrong_roles_post(world):
    def state():
        return (
            list(Person.objects.order_by("pk").values_list("name", "slug", "source")),
            list(Office.objects.order_by("pk").values_list("places", "term_years")),
            list(Mandate.objects.order_by("pk").values_list("valid_from", "valid_to", "how")),
        )

    before = state()
    data = {
        "name": "Intruso",
        "slug": "intruso",
        "places": "5",
        "term_years": "9",
        "valid_from": "2030-01-01",
        "valid_from_precision": "day",
        "valid_to_precision": "day",
        "source": "x",
        "reason": "x",
    }
    for role in ("anonymous", "rep_a", "rep_b", "finance", "comptroller"):
        client = Client()
        if world["users"][role] is not None:
            log_in(client, world["users"][role])
        for name, row in MATRIX.items():
            if row is PUBLIC:
                continue
            response = client.post(_url(name, world), data)
            assert response.status_code in (302, 403), (role, name, response.status_code)
    assert state() == before
