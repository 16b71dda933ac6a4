"""Every route of the bank statements × every role: the expected HTTP status (core/testing.py
rows). Reading needs finance.view_ledger (the staff, the Comptroller included); every change
finance.manage_banking (finance officers and the Secretary General). POST-only actions and
the wrong roles' POSTs change nothing.

The world (`banking_world.bank_world`): the books with a receipt and a payment on the USD
bank account, and a statement of both, unmatched.
"""

from __future__ import annotations

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
from secretariat.finance.models import BankStatement, BankStatementLine
from secretariat.finance.tests.banking_world import (  # noqa: F401  (fixtures)
    bank_world_fixture,
    books_fixture,
)

MATRIX: dict[str, tuple] = {
    "finance:bank-list": STAFF_READ,
    "finance:bank-import": FINANCE_WRITE,
    "finance:bank-detail": STAFF_READ,
    "finance:bank-report": STAFF_READ,
    "finance:bank-auto-match": FINANCE_WRITE,
    "finance:bank-line-explain": FINANCE_WRITE,
    "finance:bank-line-find": FINANCE_WRITE,
    "finance:bank-line-unmatch": FINANCE_WRITE,
    "finance:bank-line-match": POST_ONLY,
    "finance:bank-reconcile": POST_ONLY,
}


@pytest.fixture(name="world")
def world_fixture(
    bank_world, rep_a, rep_b, officer, finance_officer, comptroller, secretary_general
):
    statement = {"pk": bank_world["statement"].pk}
    line = {"pk": bank_world["credit"].pk}
    kwargs = {
        "finance:bank-detail": statement,
        "finance:bank-report": statement,
        "finance:bank-auto-match": statement,
        "finance:bank-reconcile": statement,
        "finance:bank-line-explain": line,
        "finance:bank-line-find": line,
        "finance:bank-line-unmatch": line,
        "finance:bank-line-match": line,
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
    return {"kwargs": kwargs, "users": users, "bank": bank_world}


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
            list(BankStatement.objects.order_by("pk").values_list("state", "sha256")),
            list(
                BankStatementLine.objects.order_by("pk").values_list(
                    "state", "matched_line", "explanation"
                )
            ),
        )

    before = state()
    data = {
        "ledger_line": world["bank"]["receipt"].pk,
        "explanation": "Intruder",
        "reason": "Intruder",
        "step": "preview",
    }
    for role in ("anonymous", "rep_a", "rep_b", "officer", "comptroller"):
        client = Client()
        if world["users"][role] is not None:
            log_in(client, world["users"][role])
        for name, row in MATRIX.items():
            if row is STAFF_READ:
                continue  # pages that only read
            response = client.post(_url(name, world), data)
            assert response.status_code in (302, 403), (role, name, response.status_code)
    assert state() == before
