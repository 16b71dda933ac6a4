"""The Call pages: each without permission, with it, and with the wrong scope; bad input
shown with nothing changed; the list and page at two sizes of data; the PDF in es and en."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from secretariat.conftest import client_for
from secretariat.core.models import ActionLog
from secretariat.core.testing import get_document
from secretariat.elections.models import Call, CallOffice, Requirement
from secretariat.elections.services import call_parts
from secretariat.elections.services import calls as calls_services
from secretariat.elections.tests.calls_world import (
    approved_call,
    closed_call,
    draft_call,
    local_naive,
    organs_fixture,  # noqa: F401  (the `organs` fixture)
    published_call,
)
from secretariat.governance.models import Resolution

pytestmark = pytest.mark.django_db


def _url(name: str, language: str = "en", **kwargs) -> str:
    with translation.override(language):
        return reverse(f"elections:{name}", kwargs=kwargs or None)


def _form(**over) -> dict:
    data = {
        "title_es": "Convocatoria 2028",
        "text_es": "Texto de la convocatoria.",
        "title_en": "Call 2028",
        "text_en": "",
        "title_pt": "",
        "text_pt": "",
        "title_fr": "",
        "text_fr": "",
        "reference": "SG/1",
        "session": "",
        "opens_at": local_naive(1, 9, 0, 0).strftime("%Y-%m-%dT%H:%M:%S"),
        "deadline": local_naive(40).strftime("%Y-%m-%dT%H:%M:%S"),
        "time_zone": "America/Mexico_City",
        "languages": ["en", "pt"],
        "correction_days": "10",
    }
    data.update(over)
    return data


# --- The list ----------------------------------------------------------------------------------


def test_the_public_sees_published_and_closed_calls_only(officer, organs):
    draft_call(officer, organs, title_es="Borrador secreto", title_en="Secret draft")
    published_call(officer, organs, title_es="Publicada", title_en="Published one")
    closed_call(officer, organs)
    response = client_for(None).get(_url("call-list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert "Published one" in body
    assert "Secret draft" not in body
    assert "Draft a Call" not in body


def test_the_staff_see_drafts_and_may_draft(officer, finance_officer, organs):
    draft_call(officer, organs, title_es="Borrador", title_en="A draft")
    body = client_for(officer).get(_url("call-list")).content.decode()
    assert "A draft" in body and "Draft a Call" in body
    body = client_for(finance_officer).get(_url("call-list")).content.decode()
    assert "A draft" in body and "Draft a Call" not in body


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_with_3_or_30_calls(officer, organs):
    client = client_for(officer)
    for _ in range(3):
        published_call(officer, organs)
    client.get(_url("call-list"))  # warm the session and MFA flag
    small = _count(client, _url("call-list"))
    for _ in range(27):
        published_call(officer, organs)
    client.get(_url("call-list"))  # warm again: the staff session's checks expire with time
    # session, user, groups (permission), count, the page of calls with their office count
    assert _count(client, _url("call-list")) == small
    assert small == 5


# --- The page ----------------------------------------------------------------------------------


def test_a_published_call_shows_its_deadline_in_its_zone_and_utc(officer, organs):
    call = published_call(officer, organs, deadline=dt.datetime(2099, 3, 31, 23, 59, 59))
    response = client_for(None).get(_url("call-detail", pk=call.pk))
    body = response.content.decode()
    assert response.status_code == 200
    assert "America/Mexico_City (UTC−06:00)" in body
    assert "23:59:59" in body and "05:59:59" in body
    assert '<time datetime="2099-04-01T05:59:59+00:00">' in body
    assert "closes in" in body
    assert "Secretary General" in body and "Comptroller" in body
    assert "Publish and send" not in body


def test_the_page_is_in_the_readers_language_with_spanish_marked(officer, organs):
    call = published_call(officer, organs)
    body = client_for(None).get(_url("call-detail", "pt", pk=call.pk)).content.decode()
    assert 'lang="es"' in body
    assert "Convocatoria a candidaturas 2028–2030" in body
    body = client_for(None).get(_url("call-detail", "en", pk=call.pk)).content.decode()
    assert "Call for Candidates 2028–2030" in body


@pytest.mark.parametrize("persona", [None, "rep_a", "rep_b"])
def test_a_draft_is_not_found_outside_the_staff(request, officer, organs, persona):
    call = draft_call(officer, organs)
    user = request.getfixturevalue(persona) if persona else None
    assert client_for(user).get(_url("call-detail", pk=call.pk)).status_code == 404
    assert client_for(user).get(_url("call-pdf", pk=call.pk, lang="es")).status_code == 404


def test_the_staff_see_a_draft_with_its_actions(officer, comptroller, organs):
    call = draft_call(officer, organs)
    body = client_for(officer).get(_url("call-detail", pk=call.pk)).content.decode()
    assert "Record the approval" in body and "Add an office" in body
    body = client_for(comptroller).get(_url("call-detail", pk=call.pk)).content.decode()
    assert "Draft:" in body and "Add an office" not in body


def test_the_page_costs_the_same_queries_with_few_or_many_requirements(officer, organs):
    small = published_call(officer, organs)
    large = draft_call(officer, organs)
    for n in range(25):
        call_parts.requirement_add(
            actor=officer, call=large, data={"kind": "other", "label_es": f"Requisito {n}"}
        )
    client = client_for(officer)
    client.get(_url("call-detail", pk=small.pk))
    client.get(_url("call-detail", pk=large.pk))
    # session, user, groups, the call (+session, resolution, approver), offices (+office),
    # requirements (+their office and the other office)
    assert _count(client, _url("call-detail", pk=small.pk)) == _count(
        client, _url("call-detail", pk=large.pk)
    )
    assert _count(client, _url("call-detail", pk=large.pk)) == 6


# --- Drafting ----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_log_in(organs):
    response = client_for(None).get(_url("call-add"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["rep_a", "finance_officer", "comptroller"])
def test_others_than_the_secretariat_may_not_draft(request, organs, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(_url("call-add")).status_code == 403
    assert client.post(_url("call-add"), _form()).status_code == 403
    assert not Call.objects.exists()


def test_an_officer_drafts_a_call(officer, organs):
    client = client_for(officer)
    assert client.get(_url("call-add")).status_code == 200
    response = client.post(_url("call-add"), _form(session=organs.ga_session.pk))
    call = Call.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"/calls/{call.pk}/")
    assert call.languages == ["es", "en", "pt"]
    assert call.requirements.count() == 6
    assert call.deadline.astimezone(dt.UTC).time() == dt.time(5, 59, 59)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"title_es": ""}, "This field is required"),
        ({"deadline": "not a date"}, "Enter a valid date/time"),
        ({"time_zone": "Mars/Olympus"}, "Select a valid choice"),
        ({"deadline": local_naive(-3).strftime("%Y-%m-%dT%H:%M:%S")}, "must come after"),
        ({"title_es": "x" * 400}, "at most 300"),
    ],
)
def test_bad_input_is_shown_and_nothing_is_drafted(officer, organs, change, message):
    response = client_for(officer).post(_url("call-add"), _form(**change))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Call.objects.exists()


def test_hostile_text_is_kept_as_text(officer, organs):
    client = client_for(officer)
    client.post(_url("call-add"), _form(title_en="<script>alert(1)</script>' OR 1=1 --"))
    call = Call.objects.get()
    body = client.get(_url("call-detail", pk=call.pk)).content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;" in body


def test_an_officer_edits_a_draft_but_not_an_approved_call(officer, organs, rep_a):
    call = draft_call(officer, organs)
    client = client_for(officer)
    assert client.get(_url("call-edit", pk=call.pk)).status_code == 200
    response = client.post(_url("call-edit", pk=call.pk), _form(title_es="Nuevo título"))
    assert response.status_code == 302
    assert Call.objects.get(pk=call.pk).title_es == "Nuevo título"
    approved = approved_call(officer, organs)
    response = client.get(_url("call-edit", pk=approved.pk))
    assert response.status_code == 302
    assert client_for(rep_a).get(_url("call-edit", pk=call.pk)).status_code == 403


def test_an_officer_adds_edits_and_removes_an_office(officer, organs):
    call = draft_call(officer, organs, offices=False)
    client = client_for(officer)
    assert client.get(_url("call-office-add", pk=call.pk)).status_code == 200
    client.post(
        _url("call-office-add", pk=call.pk),
        {"office": organs.president.pk, "term_start": "2028-01-01"},
    )
    row = CallOffice.objects.get(call=call)
    assert row.term_end == dt.date(2031, 1, 1)
    assert client.get(_url("call-office-edit", office_pk=row.pk)).status_code == 200
    client.post(
        _url("call-office-edit", office_pk=row.pk),
        {"term_start": "2028-01-01", "term_end": "2030-01-01", "places": "1"},
    )
    assert CallOffice.objects.get(pk=row.pk).term_end == dt.date(2030, 1, 1)
    client.post(_url("call-office-remove", office_pk=row.pk), {"reason": ""})
    assert CallOffice.objects.filter(pk=row.pk).exists()  # a reason is required
    client.post(_url("call-office-remove", office_pk=row.pk), {"reason": "No se elige"})
    assert not CallOffice.objects.filter(pk=row.pk).exists()


def test_an_office_of_a_call_is_staff_only(officer, organs, rep_a):
    call = draft_call(officer, organs)
    row = call.offices.first()
    assert client_for(rep_a).get(_url("call-office-edit", office_pk=row.pk)).status_code == 403
    assert client_for(officer).get(_url("call-office-edit", office_pk=99999)).status_code == 404


def test_an_officer_adds_edits_and_removes_a_requirement(officer, organs):
    call = draft_call(officer, organs)
    client = client_for(officer)
    assert client.get(_url("requirement-add", pk=call.pk)).status_code == 200
    response = client.post(
        _url("requirement-add", pk=call.pk),
        {"kind": "nationality_differs", "label_es": "Nacionalidad"},
    )
    assert response.status_code == 200  # the other office is missing
    assert "Name the office" in response.content.decode()
    client.post(_url("requirement-add", pk=call.pk), {"kind": "other", "label_es": "Experiencia"})
    req = Requirement.objects.get(label_es="Experiencia")
    assert client.get(_url("requirement-edit", requirement_pk=req.pk)).status_code == 200
    client.post(
        _url("requirement-edit", requirement_pk=req.pk),
        {"kind": "other", "label_es": "Experiencia de diez años"},
    )
    assert Requirement.objects.get(pk=req.pk).label_es == "Experiencia de diez años"
    client.post(_url("requirement-remove", requirement_pk=req.pk), {"reason": "Duplicado"})
    assert not Requirement.objects.filter(pk=req.pk).exists()


# --- Approval, publication, closing -------------------------------------------------------------


def test_an_officer_records_the_approval(officer, organs):
    call = draft_call(officer, organs)
    Resolution.objects.create(number=700, title_es="Aprueba la convocatoria", kind="resolution")
    client = client_for(officer)
    assert client.get(_url("call-approve", pk=call.pk)).status_code == 200
    response = client.post(_url("call-approve", pk=call.pk), {"decision": ""})
    assert response.status_code == 200
    response = client.post(
        _url("call-approve", pk=call.pk), {"decision": "Acuerdo", "resolution_number": "701"}
    )
    assert "No resolution with number 701" in response.content.decode()
    assert Call.objects.get(pk=call.pk).state == Call.State.DRAFT
    response = client.post(
        _url("call-approve", pk=call.pk), {"decision": "Acuerdo", "resolution_number": "700"}
    )
    assert response.status_code == 302
    call = Call.objects.get(pk=call.pk)
    assert call.state == Call.State.APPROVED
    assert call.approval_resolution.number == 700


def test_the_approval_of_a_call_without_offices_is_refused_on_the_form(officer, organs):
    call = draft_call(officer, organs, offices=False)
    response = client_for(officer).post(_url("call-approve", pk=call.pk), {"decision": "Acuerdo"})
    assert response.status_code == 200
    assert "no office" in response.content.decode()


def test_an_officer_publishes_an_approved_call(officer, organs, rep_a, rep_b):
    call = approved_call(officer, organs)
    client = client_for(officer)
    assert client.get(_url("call-publish", pk=call.pk)).status_code == 405
    assert client_for(rep_a).post(_url("call-publish", pk=call.pk)).status_code == 403
    response = client.post(_url("call-publish", pk=call.pk))
    assert response.status_code == 302
    assert Call.objects.get(pk=call.pk).state == Call.State.PUBLISHED
    assert ActionLog.objects.get(event="call.published").new_values["sent"] == 1


def test_publishing_a_draft_is_refused_with_a_message(officer, organs):
    call = draft_call(officer, organs)
    response = client_for(officer).post(_url("call-publish", pk=call.pk), follow=True)
    assert "Only an approved Call is published" in response.content.decode()


def test_closing_before_the_deadline_is_refused_then_done(officer, organs, monkeypatch):
    call = published_call(officer, organs)
    client = client_for(officer)
    response = client.post(_url("call-close", pk=call.pk), follow=True)
    assert "The deadline has not passed" in response.content.decode()
    assert Call.objects.get(pk=call.pk).state == Call.State.PUBLISHED
    # the service's clock only (the session's own would expire a month later)
    after = call.deadline + dt.timedelta(seconds=1)
    monkeypatch.setattr(calls_services, "timezone", SimpleNamespace(now=lambda: after))
    client.post(_url("call-close", pk=call.pk))
    assert Call.objects.get(pk=call.pk).state == Call.State.CLOSED


# --- The PDF -----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["es", "en"])
def test_the_pdf_is_built_in_each_language_of_the_call(officer, organs, lang):
    call = published_call(officer, organs)
    response = get_document(client_for(None), _url("call-pdf", pk=call.pk, lang=lang))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")


def test_the_pdf_is_refused_in_a_language_the_call_is_not_in(officer, organs):
    call = published_call(officer, organs)  # es and en
    assert client_for(None).get(_url("call-pdf", pk=call.pk, lang="fr")).status_code == 404


def test_the_staff_get_a_drafts_pdf(officer, organs):
    call = draft_call(officer, organs)
    response = get_document(client_for(officer), _url("call-pdf", pk=call.pk, lang="es"))
    assert response.content.startswith(b"%PDF")


def test_a_changed_call_is_a_new_pdf_version(officer, organs):
    from secretariat.core.models import GeneratedDocument

    call = draft_call(officer, organs)
    client = client_for(officer)
    get_document(client, _url("call-pdf", pk=call.pk, lang="es"))
    get_document(client, _url("call-pdf", pk=call.pk, lang="es"))
    assert GeneratedDocument.objects.count() == 1
    approved = approved_call(officer, organs)
    del approved
    call_parts.requirement_add(actor=officer, call=call, data={"kind": "other", "label_es": "Más"})
    get_document(client, _url("call-pdf", pk=call.pk, lang="es"))
    assert GeneratedDocument.objects.filter(target_id=str(call.pk)).count() == 2
