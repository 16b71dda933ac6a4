"""Every route of nominations and their review × every role: the expected HTTP status.

The roles and the shorthand rows are those of core/testing.py; the site's matrix
(secretariat/tests/test_permission_matrix.py) checks that every route has an entry here or
there. The world (nominations_world.py): a published, open Call with its list of candidates
published; member A's nomination with a CV and a pending request for a correction. Member B is
an associate: its representative nominates nothing and sees none of member A's.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from secretariat.core.testing import (
    POST_ONLY,
    PUBLIC,
    REP_A_ONLY,
    SCOPED_A,
    STAFF_READ,
    STAFF_WRITE,
    L,
    log_in,
    status_failures,
)
from secretariat.elections.models import (
    Call,
    CorrectionRequest,
    Finding,
    Nomination,
    NominationDocument,
)
from secretariat.elections.tests.nominations_world import make_nomination, nom_world

__all__ = ["nom_world"]

REPRESENTATIVES = (L, 200, 200, 403, 403, 403, 403)  # any representative; staff do not nominate

MATRIX: dict[str, tuple] = {
    "elections:nomination-mine": REPRESENTATIVES,
    "elections:nomination-add": REPRESENTATIVES,
    "elections:nomination-detail": SCOPED_A,
    "elections:nomination-file": SCOPED_A,
    "elections:nomination-withdraw": POST_ONLY,
    "elections:nomination-correct": REP_A_ONLY,
    "elections:nomination-paper": STAFF_WRITE,
    "elections:nomination-list": STAFF_READ,
    "elections:candidates-publish": POST_ONLY,
    "elections:candidate-list": PUBLIC,
    "elections:nomination-review": STAFF_WRITE,
    "elections:correction-request": POST_ONLY,
}


@pytest.fixture
def world(nom_world, rep_a, rep_b, officer, finance_officer, comptroller, secretary_general):
    call = nom_world["call"]
    Call.objects.filter(pk=call.pk).update(candidates_published_at=timezone.now())
    nomination = make_nomination(
        nom_world["co_president"],
        nom_world["member_a"],
        "María Pérez",
        nom_world["countries"]["MX"],
        user=rep_a,
    )
    doc = NominationDocument(
        version=nomination.versions.get(),
        requirement=nom_world["reqs"]["cv"],
        file_name="cv.pdf",
        content_type="application/pdf",
        size=8,
        sha256="0" * 64,
        uploaded_at=timezone.now(),
    )
    doc.file.save("x", ContentFile(b"%PDF-1.4"), save=True)
    CorrectionRequest.objects.create(
        nomination=nomination,
        message="Falta la firma",
        due=timezone.now() + dt.timedelta(days=5),
        requested_by=officer,
        requested_at=timezone.now(),
    )
    Nomination.objects.filter(pk=nomination.pk).update(state=Nomination.State.CORRECTION_REQUESTED)
    c, n = call.pk, nomination.pk
    kwargs = {
        "elections:nomination-add": {"pk": c},
        "elections:nomination-detail": {"pk": n},
        "elections:nomination-file": {"file_pk": doc.pk},
        "elections:nomination-withdraw": {"pk": n},
        "elections:nomination-correct": {"pk": n},
        "elections:nomination-paper": {"pk": c},
        "elections:nomination-list": {"pk": c},
        "elections:candidates-publish": {"pk": c},
        "elections:candidate-list": {"pk": c},
        "elections:nomination-review": {"pk": n},
        "elections:correction-request": {"pk": n},
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
    return {"kwargs": kwargs, "users": users, "nomination": nomination}


def _url(name: str, world) -> str:
    return reverse(name, kwargs=world["kwargs"].get(name))


@pytest.mark.django_db
def test_it_gives_each_role_the_expected_status(world):
    failures = status_failures(MATRIX, world["users"], lambda name: _url(name, world))
    assert failures == [], "\n" + "\n".join(failures)


@pytest.mark.django_db
def test_it_refuses_post_actions_to_the_wrong_roles(world):
    def state():
        return {
            "nominations": list(Nomination.objects.values_list("state", "withdrawn_at")),
            "corrections": CorrectionRequest.objects.count(),
            "findings": Finding.objects.count(),
            "published": list(Call.objects.values_list("candidates_published_at")),
        }

    Call.objects.update(candidates_published_at=None)
    before = state()
    for role in ("rep_b", "finance", "comptroller"):
        client = Client()
        log_in(client, world["users"][role])
        for name, row in MATRIX.items():
            if row is not POST_ONLY:
                continue
            response = client.post(_url(name, world), {"reason": "test", "message": "test"})
            assert response.status_code in (403, 404), (role, name, response.status_code)
    assert state() == before
