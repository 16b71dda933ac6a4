"""views/reviews.py: the review page and the request for a correction; without permission,
with it, and with the wrong scope; the page's queries at two sizes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from secretariat.conftest import client_for
from secretariat.core.models import EmailDelivery
from secretariat.elections.models import CorrectionRequest, Finding, Nomination
from secretariat.elections.tests.nominations_world import make_nomination, nom_world

__all__ = ["nom_world"]


def _nomination(world):
    return make_nomination(
        world["co_president"], world["member_a"], "María Pérez", world["countries"]["MX"]
    )


@pytest.mark.django_db
def test_the_review_page_shows_what_the_data_say_for_each_requirement(nom_world, officer):
    nomination = _nomination(nom_world)
    url = reverse("elections:nomination-review", kwargs={"pk": nomination.pk})
    response = client_for(officer).get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "was a full member in good standing" in body
    assert "No document was sent for it in this version." in body
    assert "No person record matched the candidate" in body
    assert "The data do not decide this requirement" in body  # "other"
    assert body.count('name="result"') == 6


@pytest.mark.django_db
def test_an_officer_confirms_a_finding(nom_world, officer):
    nomination = _nomination(nom_world)
    url = reverse("elections:nomination-review", kwargs={"pk": nomination.pk})
    standing = nom_world["reqs"]["standing"]
    response = client_for(officer).post(
        url, {"requirement": standing.pk, "result": "met", "note": "", "evidence": "Registro"}
    )
    assert response.status_code == 302
    finding = Finding.objects.get()
    assert finding.confirmed and finding.requirement == standing and finding.suggested == "met"


@pytest.mark.django_db
def test_a_finding_against_the_data_without_a_note_is_shown_again_with_the_error(
    nom_world, officer
):
    nomination = _nomination(nom_world)
    url = reverse("elections:nomination-review", kwargs={"pk": nomination.pk})
    cv = nom_world["reqs"]["cv"]
    response = client_for(officer).post(
        url, {"requirement": cv.pk, "result": "met", "note": "", "evidence": ""}
    )
    assert response.status_code == 200
    assert "Say why the finding differs" in response.content.decode()
    assert not Finding.objects.exists()


@pytest.mark.django_db
def test_the_review_is_closed_to_members_and_readers(nom_world, rep_a, finance_officer):
    nomination = _nomination(nom_world)
    url = reverse("elections:nomination-review", kwargs={"pk": nomination.pk})
    assert client_for(rep_a).get(url).status_code == 403
    assert client_for(finance_officer).get(url).status_code == 403
    missing = reverse("elections:nomination-review", kwargs={"pk": nomination.pk + 100})
    assert client_for(finance_officer).get(missing).status_code == 403


@pytest.mark.django_db
def test_an_officer_asks_for_a_correction(nom_world, officer, rep_a):
    nomination = _nomination(nom_world)
    url = reverse("elections:correction-request", kwargs={"pk": nomination.pk})
    response = client_for(officer).post(
        url, {"requirement": nom_world["reqs"]["cv"].pk, "message": "Envíe el CV."}
    )
    assert response.status_code == 302
    assert CorrectionRequest.objects.get().message == "Envíe el CV."
    nomination.refresh_from_db()
    assert nomination.state == Nomination.State.CORRECTION_REQUESTED
    assert EmailDelivery.objects.filter(purpose="elections.correction_request").exists()
    assert client_for(rep_a).post(url, {"message": "x"}).status_code == 403
    missing = reverse("elections:correction-request", kwargs={"pk": nomination.pk + 100})
    assert client_for(officer).post(missing, {"message": "x"}).status_code == 404


@pytest.mark.django_db
def test_the_review_page_reads_the_same_queries_with_more_findings(nom_world, officer):
    nomination = _nomination(nom_world)
    client = client_for(officer)
    url = reverse("elections:nomination-review", kwargs={"pk": nomination.pk})
    client.get(url)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for key in ("standing", "nationality", "other"):
        client.post(
            url,
            {"requirement": nom_world["reqs"][key].pk, "result": "met", "note": "Visto"},
        )
    client.get(url)
    assert count() == small
