"""Every route of the accounts part × every role: the expected HTTP status.

The roles and the shorthand rows are those of core/testing.py; the site's matrix
(secretariat/tests/test_permission_matrix.py) checks that every route has an entry here or
there. The world: member A assessed and partly paid, with a reminder scheduled.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from secretariat.core.testing import (
    FINANCE_WRITE,
    SCOPED_A,
    STAFF_READ,
    L,
    log_in,
    status_failures,
)
from secretariat.finance.models import Reminder
from secretariat.finance.services.reminders import reminder_schedule
from secretariat.finance.tests.accounts_world import dues_fixture  # noqa: F401

REPRESENTATIVES_ONLY = (L, 200, 200, 403, 403, 403, 403)

MATRIX: dict[str, tuple] = {
    "finance:my-account": REPRESENTATIVES_ONLY,
    "finance:member-account": SCOPED_A,
    "finance:member-account-pdf": SCOPED_A,
    "finance:member-account-csv": SCOPED_A,
    "finance:aging": STAFF_READ,
    "finance:collection": STAFF_READ,
    "finance:reminder-list": STAFF_READ,
    "finance:reminder-schedule": FINANCE_WRITE,
    "finance:reminder-cancel": FINANCE_WRITE,
}


@pytest.fixture(name="world")
def world_fixture(
    dues, member_a, rep_a, rep_b, officer, finance_officer, comptroller, secretary_general
):
    assessment = dues.assess(member_a, 2026, 100_000)
    dues.pay(member_a, dt.date(2026, 2, 1), 40_000, {assessment: 40_000})
    [reminder] = reminder_schedule(
        actor=finance_officer, institutions=[member_a], today=dt.date(2026, 4, 1)
    )
    kwargs = {
        "finance:member-account": {"pk": member_a.pk},
        "finance:member-account-pdf": {"pk": member_a.pk},
        "finance:member-account-csv": {"pk": member_a.pk},
        "finance:reminder-cancel": {"pk": reminder.pk},
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
    return {"kwargs": kwargs, "users": users, "reminder": reminder}


def _url(name: str, world) -> str:
    return reverse(name, kwargs=world["kwargs"].get(name))


@pytest.mark.django_db
def test_it_gives_each_role_the_expected_status(world):
    failures = status_failures(MATRIX, world["users"], lambda name: _url(name, world))
    assert failures == [], "\n" + "\n".join(failures)


@pytest.mark.django_db
def test_it_refuses_the_reminders_writes_to_the_wrong_roles(world):
    def state():
        return list(Reminder.objects.order_by("pk").values_list("cancelled", "sent_at"))

    before, count = state(), Reminder.objects.count()
    for role in ("rep_a", "rep_b", "officer", "comptroller"):
        client = Client()
        log_in(client, world["users"][role])
        for name in ("finance:reminder-schedule", "finance:reminder-cancel"):
            response = client.post(_url(name, world), {"reason": "test", "institutions": ["1"]})
            assert response.status_code in (403, 404), (role, name, response.status_code)
    assert state() == before
    assert Reminder.objects.count() == count
