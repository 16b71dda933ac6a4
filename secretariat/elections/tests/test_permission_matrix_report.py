"""Every route of the eligibility report × every role: the expected HTTP status.

The roles and the shorthand rows are those of core/testing.py; the site's matrix
(secretariat/tests/test_permission_matrix.py) checks that every route has an entry here or
there. The world (report_world): a published Call with its reviewed candidates, a signed
version of its report (whose PDF is asked for) and a draft (refreshed and signed by POST).
"""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from secretariat.core.testing import (
    POST_ONLY,
    STAFF_READ,
    log_in,
    status_failures,
)
from secretariat.elections.models import EligibilityReport
from secretariat.elections.selectors.reports import report_content
from secretariat.elections.tests.report_world import review_everyone
from secretariat.elections.tests.report_world import world_fixture as report_world_fixture

MATRIX: dict[str, tuple] = {
    "elections:report": STAFF_READ,
    "elections:report-draft": POST_ONLY,
    "elections:report-refresh": POST_ONLY,
    "elections:report-sign": POST_ONLY,
    "elections:report-pdf": STAFF_READ,
}

world = report_world_fixture  # the report's world, under the name this module's tests use


@pytest.fixture
def matrix_world(world, rep_a, rep_b, finance_officer, comptroller):
    review_everyone(world)
    content = report_content(world.call)
    signed = EligibilityReport.objects.create(
        call=world.call,
        version=1,
        content=content,
        state=EligibilityReport.State.SIGNED,
        signed_by=world.secretary_general,
        signed_at=timezone.now(),
    )
    draft = EligibilityReport.objects.create(call=world.call, version=2, content=content)
    kwargs = {
        "elections:report": {"pk": world.call.pk},
        "elections:report-draft": {"pk": world.call.pk},
        "elections:report-refresh": {"pk": draft.pk},
        "elections:report-sign": {"pk": draft.pk},
        "elections:report-pdf": {"pk": signed.pk, "lang": "es"},
    }
    users = {
        "anonymous": None,
        "rep_a": rep_a,
        "rep_b": rep_b,
        "officer": world.officer,
        "finance": finance_officer,
        "comptroller": comptroller,
        "sg": world.secretary_general,
    }
    return {"kwargs": kwargs, "users": users}


def _url(name: str, matrix_world) -> str:
    return reverse(name, kwargs=matrix_world["kwargs"].get(name))


@pytest.mark.django_db
def test_it_gives_each_role_the_expected_status(matrix_world):
    failures = status_failures(MATRIX, matrix_world["users"], lambda name: _url(name, matrix_world))
    assert failures == [], "\n" + "\n".join(failures)


@pytest.mark.django_db
def test_it_refuses_post_actions_to_the_wrong_roles(matrix_world):
    def state():
        return list(
            EligibilityReport.objects.order_by("pk").values_list("version", "state", "content")
        )

    before = state()
    for role in ("rep_a", "rep_b", "finance", "comptroller"):
        client = Client()
        log_in(client, matrix_world["users"][role])
        for name, row in MATRIX.items():
            if row is not POST_ONLY:
                continue
            response = client.post(_url(name, matrix_world), {"reason": "test"})
            assert response.status_code in (403, 404), (role, name, response.status_code)
    # the officer prepares the report but does not sign it
    client = Client()
    log_in(client, matrix_world["users"]["officer"])
    response = client.post(_url("elections:report-sign", matrix_world), {"reason": "test"})
    assert response.status_code == 403
    assert state() == before
