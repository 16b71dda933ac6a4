"""Every route of the dues pages × every role: the expected HTTP status.

The roles and rows are core/testing.py's. The world: the books and a scale, member A
assessed for 2026 (its invoice is also its representative's), a payment, a run."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from secretariat.core.testing import (
    FINANCE_WRITE,
    SCOPED_A,
    STAFF_READ,
    log_in,
    status_failures,
)
from secretariat.finance.models import AssessmentRun, Payment
from secretariat.finance.tests.dues_world import assess, make_dues, pay

# Reading the dues: the staff (officers, finance, the Comptroller, the SG).
MATRIX: dict[str, tuple] = {
    "finance:scale-list": STAFF_READ,
    "finance:scale-add": FINANCE_WRITE,
    "finance:scale-detail": STAFF_READ,
    "finance:assessment-list": STAFF_READ,
    "finance:assessment-run": FINANCE_WRITE,
    "finance:assessment-run-progress": STAFF_READ,
    "finance:assessment-detail": STAFF_READ,
    "finance:assessment-invoice": SCOPED_A,
    "finance:payment-list": STAFF_READ,
    "finance:payment-add": FINANCE_WRITE,
    "finance:payment-detail": STAFF_READ,
    "finance:payment-reverse": FINANCE_WRITE,
    "finance:adjustment-add": FINANCE_WRITE,
    "finance:arrears": STAFF_READ,
}


@pytest.fixture(name="world")
def world_fixture(
    db, categories, member_a, rep_a, rep_b, officer, finance_officer, comptroller, secretary_general
):
    dues = make_dues(finance_officer, categories, years=(2026,))
    assessment = assess(dues, 2026, member_a)
    payment = pay(dues, member_a, 100_00, on=dt.date(2026, 3, 1), ref="TRF-1")
    run = AssessmentRun.objects.create(fiscal_year=dues.years[2026], started_by=finance_officer)
    kwargs = {
        "finance:scale-detail": {"pk": dues.scale.pk},
        "finance:assessment-run-progress": {"pk": run.pk},
        "finance:assessment-detail": {"pk": assessment.pk},
        "finance:assessment-invoice": {"pk": assessment.pk, "lang": "es"},
        "finance:payment-detail": {"pk": payment.pk},
        "finance:payment-reverse": {"pk": payment.pk},
        "finance:adjustment-add": {"pk": assessment.pk},
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
    return {"kwargs": kwargs, "users": users, "payment": payment}


def _url(name: str, world) -> str:  # type: ignore[no-untyped-def]
    return reverse(name, kwargs=world["kwargs"].get(name))


@pytest.mark.django_db
def test_it_gives_each_role_the_expected_status(world):
    failures = status_failures(MATRIX, world["users"], lambda name: _url(name, world))
    assert failures == [], "\n" + "\n".join(failures)


@pytest.mark.django_db
def test_it_refuses_changes_to_the_wrong_roles(world):
    before = Payment.objects.count(), world["payment"].entry.state
    for role in ("rep_a", "rep_b", "officer", "comptroller"):
        client = Client()
        log_in(client, world["users"][role])
        for name, row in MATRIX.items():
            if row is not FINANCE_WRITE:
                continue
            response = client.post(_url(name, world), {"reason": "test", "year": "2026"})
            assert response.status_code in (403, 404), (role, name, response.status_code)
    world["payment"].entry.refresh_from_db()
    assert (Payment.objects.count(), world["payment"].entry.state) == before
