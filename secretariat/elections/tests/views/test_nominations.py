"""views/nominations.py: the member portal, the paper record, the lists; each view without
permission, with it, and with the wrong scope; lists and details at two sizes of data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from secretariat.conftest import client_for
from secretariat.elections.models import Call, CorrectionRequest, Nomination, NominationDocument
from secretariat.elections.tests.nominations_world import (
    make_nomination,
    nom_world,
    pdf,
)

__all__ = ["nom_world"]


def _form(world, **extra):
    data = {
        "institution": world["member_a"].pk,
        "call_office": world["co_president"].pk,
        "candidate_name": "María Pérez",
        "candidate_nationality": world["countries"]["MX"].pk,
        "candidate_email": "maria@example.org",
        "candidate_biography": "Actuaria.",
        "note": "",
    }
    data.update(extra)
    return data


def _nominate(world, name, institution=None, office="co_president"):
    return make_nomination(
        world[office], institution or world["member_a"], name, world["countries"]["MX"]
    )


def _queries(client, url) -> int:
    """Queries of a page once the session is settled (the first request may save it)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


# --- submitting ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_form_shows_the_deadline_in_the_calls_zone_and_utc(nom_world, rep_a):
    response = client_for(rep_a).get(
        reverse("elections:nomination-add", kwargs={"pk": nom_world["call"].pk})
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "America/Mexico_City" in body and "UTC:" in body
    assert 'enctype="multipart/form-data"' in body


@pytest.mark.django_db
def test_a_representative_nominates_with_a_document(nom_world, rep_a):
    cv = nom_world["reqs"]["cv"]
    url = reverse("elections:nomination-add", kwargs={"pk": nom_world["call"].pk})
    response = client_for(rep_a).post(url, {**_form(nom_world), f"doc_{cv.pk}": pdf()})
    nomination = Nomination.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "elections:nomination-detail", kwargs={"pk": nomination.pk}
    )
    assert NominationDocument.objects.get().file_name == "cv.pdf"


@pytest.mark.django_db
def test_a_file_that_is_not_what_it_says_is_refused_on_the_form(nom_world, rep_a):
    cv = nom_world["reqs"]["cv"]
    url = reverse("elections:nomination-add", kwargs={"pk": nom_world["call"].pk})
    response = client_for(rep_a).post(
        url, {**_form(nom_world), f"doc_{cv.pk}": pdf("cv.pdf", b"GIF89a not a pdf")}
    )
    assert response.status_code == 200
    assert "is not what its name says" in response.content.decode()
    assert not Nomination.objects.exists()


@pytest.mark.django_db
def test_an_associates_representative_is_told_it_cannot_nominate(nom_world, rep_b):
    url = reverse("elections:nomination-add", kwargs={"pk": nom_world["call"].pk})
    response = client_for(rep_b).get(url)
    assert response.status_code == 200
    assert "only full members nominate" in response.content.decode()
    response = client_for(rep_b).post(url, _form(nom_world, institution=nom_world["member_b"].pk))
    assert response.status_code == 200 and not Nomination.objects.exists()


@pytest.mark.django_db
def test_staff_cannot_use_the_member_portal(nom_world, officer):
    url = reverse("elections:nomination-add", kwargs={"pk": nom_world["call"].pk})
    assert client_for(officer).get(url).status_code == 403


# --- frozen; visibility ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_nomination_has_no_edit_route_and_shows_its_versions(nom_world, rep_a):
    nomination = _nominate(nom_world, "María Pérez")
    for name in ("elections:nomination-edit", "elections:nomination-update"):
        with pytest.raises(NoReverseMatch):
            reverse(name, kwargs={"pk": nomination.pk})
    response = client_for(rep_a).get(
        reverse("elections:nomination-detail", kwargs={"pk": nomination.pk})
    )
    body = response.content.decode()
    assert "Version 1" in body and "María Pérez" in body
    assert "/correct/" not in body  # no correction asked for


@pytest.mark.django_db
def test_a_member_sees_only_its_own_nominations(nom_world, rep_a, rep_b):
    nomination = _nominate(nom_world, "María Pérez")
    detail = reverse("elections:nomination-detail", kwargs={"pk": nomination.pk})
    assert client_for(rep_b).get(detail).status_code == 404
    mine = client_for(rep_b).get(reverse("elections:nomination-mine"))
    assert "María Pérez" not in mine.content.decode()
    mine = client_for(rep_a).get(reverse("elections:nomination-mine"))
    assert "María Pérez" in mine.content.decode()


@pytest.mark.django_db
def test_the_list_of_candidates_is_public_only_once_published(nom_world, officer, as_anonymous):
    nomination = _nominate(nom_world, "María Pérez")
    url = reverse("elections:candidate-list", kwargs={"pk": nom_world["call"].pk})
    assert as_anonymous.get(url).status_code == 404
    response = client_for(officer).post(
        reverse("elections:candidates-publish", kwargs={"pk": nom_world["call"].pk})
    )
    assert response.status_code == 302
    response = as_anonymous.get(url)
    body = response.content.decode()
    assert response.status_code == 200
    assert "María Pérez" in body and nom_world["member_a"].name in body
    assert "/nominations/files/" not in body
    assert str(nomination.pk) not in reverse("elections:candidate-list", kwargs={"pk": 999})


@pytest.mark.django_db
def test_the_document_is_served_as_an_attachment_to_its_member_only(nom_world, rep_a, rep_b):
    cv = nom_world["reqs"]["cv"]
    client_for(rep_a).post(
        reverse("elections:nomination-add", kwargs={"pk": nom_world["call"].pk}),
        {**_form(nom_world), f"doc_{cv.pk}": pdf()},
    )
    doc = NominationDocument.objects.get()
    url = reverse("elections:nomination-file", kwargs={"file_pk": doc.pk})
    response = client_for(rep_a).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="cv.pdf"')
    assert client_for(rep_b).get(url).status_code == 404


# --- withdrawing, correcting, paper ------------------------------------------------------------------


@pytest.mark.django_db
def test_the_member_withdraws_its_nomination_and_another_cannot(nom_world, rep_a, rep_b):
    nomination = _nominate(nom_world, "María Pérez")
    url = reverse("elections:nomination-withdraw", kwargs={"pk": nomination.pk})
    assert client_for(rep_b).post(url, {"reason": "No"}).status_code == 404
    response = client_for(rep_a).post(url, {"reason": "Renunció"})
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.state == Nomination.State.WITHDRAWN


@pytest.mark.django_db
def test_the_member_sends_a_corrected_version(nom_world, rep_a, officer):
    nomination = _nominate(nom_world, "María Pérez")
    CorrectionRequest.objects.create(
        nomination=nomination,
        message="Falta el CV",
        due=timezone.now() + dt.timedelta(days=3),
        requested_by=officer,
        requested_at=timezone.now(),
    )
    Nomination.objects.filter(pk=nomination.pk).update(state=Nomination.State.CORRECTION_REQUESTED)
    url = reverse("elections:nomination-correct", kwargs={"pk": nomination.pk})
    page = client_for(rep_a).get(url)
    assert "Falta el CV" in page.content.decode() and 'value="María Pérez"' in page.content.decode()
    cv = nom_world["reqs"]["cv"]
    data = _form(nom_world, candidate_name="María Pérez López")
    response = client_for(rep_a).post(url, {**data, f"doc_{cv.pk}": pdf()})
    assert response.status_code == 302
    assert nomination.versions.get(number=2).candidate_name == "María Pérez López"
    assert client_for(officer).get(url).status_code == 403


@pytest.mark.django_db
def test_a_late_paper_nomination_is_refused_with_the_deadline(nom_world, officer):
    Call.objects.filter(pk=nom_world["call"].pk).update(
        opens_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        deadline=dt.datetime(2026, 3, 16, 5, 59, 59, tzinfo=dt.UTC),  # 23:59:59 in Mexico City
    )
    url = reverse("elections:nomination-paper", kwargs={"pk": nom_world["call"].pk})
    response = client_for(officer).post(url, _form(nom_world, received_at="2026-03-15T23:59:59"))
    assert response.status_code == 200
    assert "It was received late" in response.content.decode()
    assert not Nomination.objects.exists()
    response = client_for(officer).post(url, _form(nom_world, received_at="2026-03-15T23:59:58"))
    assert response.status_code == 302
    nomination = Nomination.objects.get()
    assert nomination.received_at == dt.datetime(2026, 3, 16, 5, 59, 58, tzinfo=dt.UTC)
    assert nomination.channel == Nomination.Channel.PAPER


# --- query counts ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_staff_list_reads_a_fixed_number_of_queries(nom_world, officer, countries, categories):
    from secretariat.conftest import make_member

    client = client_for(officer)
    url = reverse("elections:nomination-list", kwargs={"pk": nom_world["call"].pk})
    _nominate(nom_world, "Uno")
    small = _queries(client, url)
    for i in range(6):
        member = make_member(f"Instituto {i}", countries["PE"], categories["full"])
        _nominate(nom_world, f"Candidato {i}", institution=member, office="co_secretary")
    assert _queries(client, url) == small == 9


@pytest.mark.django_db
def test_my_nominations_read_a_fixed_number_of_queries(nom_world, rep_a):
    client = client_for(rep_a)
    url = reverse("elections:nomination-mine")
    _nominate(nom_world, "Uno")
    small = _queries(client, url)
    _nominate(nom_world, "Dos", office="co_secretary")
    assert _queries(client, url) == small == 6


@pytest.mark.django_db
def test_the_detail_reads_a_fixed_number_of_queries(nom_world, rep_a):
    client = client_for(rep_a)
    nomination = _nominate(nom_world, "Uno")
    url = reverse("elections:nomination-detail", kwargs={"pk": nomination.pk})
    small = _queries(client, url)
    version = nomination.versions.get()
    for n in range(2, 5):
        version.pk = None
        version.number = n
        version.save()
    assert _queries(client, url) == small == 10


@pytest.mark.django_db
def test_the_candidate_list_reads_a_fixed_number_of_queries(
    nom_world, as_anonymous, countries, categories
):
    from secretariat.conftest import make_member

    Call.objects.filter(pk=nom_world["call"].pk).update(candidates_published_at=timezone.now())
    url = reverse("elections:candidate-list", kwargs={"pk": nom_world["call"].pk})
    _nominate(nom_world, "Uno")
    small = _queries(as_anonymous, url)
    for i in range(5):
        member = make_member(f"Instituto {i}", countries["PE"], categories["full"])
        _nominate(nom_world, f"Candidato {i}", institution=member, office="co_secretary")
    assert _queries(as_anonymous, url) == small == 4
