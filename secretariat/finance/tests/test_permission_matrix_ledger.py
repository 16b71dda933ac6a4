"""Every route of the ledger's pages × every role: the expected HTTP status.

The roles and the shorthand rows are those of core/testing.py; the site's matrix gathers
this module. The world: the test books with a draft and a posted entry; POST-only actions
answer 405 to a GET and refuse the wrong roles on POST without changing anything.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from secretariat.core.testing import (
    FINANCE_WRITE,
    POST_ONLY,
    STAFF_READ,
    log_in,
    status_failures,
)
from secretariat.finance.models import Account, Entry, ExchangeRate, FiscalYear, Period
from secretariat.finance.services.ledger import LineSpec, entry_draft, entry_record
from secretariat.finance.tests.ledger_world import make_books

MATRIX: dict[str, tuple] = {
    "finance:home": STAFF_READ,
    "finance:account-list": STAFF_READ,
    "finance:account-detail": STAFF_READ,
    "finance:account-add": FINANCE_WRITE,
    "finance:account-edit": FINANCE_WRITE,
    "finance:account-close": POST_ONLY,
    "finance:entry-list": STAFF_READ,
    "finance:entry-add": FINANCE_WRITE,
    "finance:entry-detail": STAFF_READ,
    "finance:entry-post": POST_ONLY,
    "finance:entry-reverse": POST_ONLY,
    "finance:entry-discard": POST_ONLY,
    "finance:year-list": STAFF_READ,
    "finance:year-open": POST_ONLY,
    "finance:period-close": POST_ONLY,
    "finance:period-reopen": POST_ONLY,
    "finance:year-close": POST_ONLY,
    "finance:year-lock": POST_ONLY,
    "finance:rate-list": STAFF_READ,
    "finance:rate-add": FINANCE_WRITE,
    "finance:trial-balance": STAFF_READ,
}


@pytest.fixture(name="world")
def world_fixture(db, rep_a, rep_b, officer, finance_officer, comptroller, secretary_general):
    books = make_books(finance_officer)
    a = books["accounts"]
    lines = [LineSpec(a["5310"], "debit", 10_00), LineSpec(a["1110"], "credit", 10_00)]
    day = dt.date(2026, 3, 2)
    draft = entry_draft(
        actor=finance_officer,
        journal=books["journals"]["GEN"],
        date=day,
        description="Draft",
        lines=lines,
    )
    posted = entry_record(
        actor=finance_officer,
        journal=books["journals"]["GEN"],
        date=day,
        description="Posted",
        lines=lines,
        source_kind="manual",
    )
    period = books["year"].periods.get(number=1)
    kwargs = {
        "finance:account-detail": {"code": "1110"},
        "finance:account-edit": {"code": "5310"},
        "finance:account-close": {"code": "5310"},
        "finance:entry-detail": {"pk": posted.pk},
        "finance:entry-post": {"pk": draft.pk},
        "finance:entry-reverse": {"pk": posted.pk},
        "finance:entry-discard": {"pk": draft.pk},
        "finance:period-close": {"pk": period.pk},
        "finance:period-reopen": {"pk": period.pk},
        "finance:year-close": {"pk": books["year"].pk},
        "finance:year-lock": {"pk": books["year"].pk},
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
            list(Entry.objects.order_by("pk").values_list("state", flat=True)),
            list(Period.objects.order_by("pk").values_list("state", flat=True)),
            list(FiscalYear.objects.values_list("state", flat=True)),
            list(Account.objects.order_by("pk").values_list("is_active", flat=True)),
            ExchangeRate.objects.count(),
        )

    before = state()
    for role in ("rep_a", "rep_b", "officer", "comptroller"):
        client = Client()
        log_in(client, world["users"][role])
        for name, row in MATRIX.items():
            if row is not POST_ONLY and row is not FINANCE_WRITE:
                continue
            response = client.post(
                _url(name, world),
                {"reason": "test", "date": "2026-03-31", "year": "2027", "close-reason": "x"},
            )
            assert response.status_code in (403, 404), (role, name, response.status_code)
    assert state() == before
