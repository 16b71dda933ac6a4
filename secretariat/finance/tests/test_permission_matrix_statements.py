"""Every route of the statements and the Comptroller's tools × every role: the expected HTTP
status (roles and shorthand rows of core/testing.py; the site's matrix gathers this module).

The world (statements_world): the fixed ledger of 2025 and 2026, a draft set of statements
for 2026 (its page, PDF and XLSX asked for; approved and filed by POST), an approved one for
2025, and a sample of 2026's entries.
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from secretariat.core.testing import (
    AUDIT_PACKAGE,
    FINANCE_WRITE,
    POST_ONLY,
    STAFF_READ,
    log_in,
    status_failures,
)
from secretariat.finance.models import AuditSample, StatementSet
from secretariat.finance.services.audit import audit_sample_draw
from secretariat.finance.services.statements import statement_set_approve, statement_set_create
from secretariat.finance.tests.statements_world import statements_world_fixture  # noqa: F401

MATRIX: dict[str, tuple] = {
    "finance:statement-list": STAFF_READ,
    "finance:statement-add": FINANCE_WRITE,
    "finance:statement-detail": STAFF_READ,
    "finance:statement-approve": POST_ONLY,
    "finance:statement-file": POST_ONLY,
    "finance:statement-pdf": STAFF_READ,
    "finance:statement-xlsx": STAFF_READ,
    "finance:audit": AUDIT_PACKAGE,
    "finance:audit-sample-draw": POST_ONLY,
    "finance:audit-sample-detail": AUDIT_PACKAGE,
    "finance:audit-package": AUDIT_PACKAGE,
}


@pytest.fixture
def matrix_world(
    statements_world, rep_a, rep_b, officer, finance_officer, comptroller, secretary_general
):
    draft = statement_set_create(actor=finance_officer, first_year=2026, last_year=2026)
    approved = statement_set_create(actor=finance_officer, first_year=2025, last_year=2025)
    statement_set_approve(actor=secretary_general, statement_set=approved, reason="ok")
    sample = audit_sample_draw(
        actor=comptroller, fiscal_year=statements_world.year_2026, size=2, seed="s"
    )
    kwargs = {
        "finance:statement-detail": {"pk": draft.pk},
        "finance:statement-approve": {"pk": draft.pk},
        "finance:statement-file": {"pk": approved.pk},
        "finance:statement-pdf": {"pk": draft.pk, "lang": "es"},
        "finance:statement-xlsx": {"pk": draft.pk},
        "finance:audit-sample-detail": {"pk": sample.pk},
        "finance:audit-package": {"year": 2026},
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
    return {"kwargs": kwargs, "users": users, "draft": draft}


def _url(name: str, matrix_world) -> str:
    return reverse(name, kwargs=matrix_world["kwargs"].get(name))


@pytest.mark.django_db
def test_it_gives_each_role_the_expected_status(matrix_world):
    failures = status_failures(MATRIX, matrix_world["users"], lambda name: _url(name, matrix_world))
    assert failures == [], "\n" + "\n".join(failures)


@pytest.mark.django_db
def test_it_refuses_post_actions_to_the_wrong_roles(matrix_world):
    def state():
        return (
            list(
                StatementSet.objects.order_by("pk").values_list("state", "version", "agenda_item")
            ),
            AuditSample.objects.count(),
        )

    before = state()
    for role in ("rep_a", "rep_b", "officer", "finance"):
        client = Client()
        log_in(client, matrix_world["users"][role])
        for name, row in MATRIX.items():
            if row is not POST_ONLY:
                continue
            response = client.post(
                _url(name, matrix_world), {"reason": "x", "size": "1", "fiscal_year": "1"}
            )
            assert response.status_code in (403, 404), (role, name, response.status_code)
    client = Client()
    log_in(client, matrix_world["users"]["comptroller"])
    for name in ("finance:statement-approve", "finance:statement-file"):
        assert client.post(_url(name, matrix_world), {"reason": "x"}).status_code == 403
    assert state() == before
