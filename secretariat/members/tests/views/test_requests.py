"""Request pages: the list, recording a request, the record page and its attachments. Each
tested without permission, with it, and with the wrong scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from secretariat.conftest import client_for, make_member
from secretariat.core.models import ActionLog
from secretariat.members.models import (
    Institution,
    MembershipRequest,
    RequestAttachment,
    Source,
)
from secretariat.members.services import requests as services
from secretariat.members.tests.conftest import (
    State,
    applicant,
    assert_login_redirect,
    disaffiliation_of,
    pdf,
    url,
)

HOSTILE = "<script>alert('x')</script>"
SQLISH = "'; DROP TABLE members_membershiprequest; --"


# --- List -----------------------------------------------------------------------------


def test_it_sends_anonymous_visitors_to_log_in(as_anonymous):
    # when
    response = as_anonymous.get(url("request-list"))

    # then
    assert_login_redirect(response)


def test_it_lists_every_request_for_staff(
    as_officer, officer, rep_a, member_a, countries, categories
):
    # given
    new = applicant(officer, countries, categories)
    leaving = disaffiliation_of(rep_a, member_a)

    # when
    response = as_officer.get(url("request-list"))

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert new.reference in body and leaving.reference in body
    assert "Caja Nueva de Previsión" in body and "Instituto Alfa" in body
    assert url("request-create") in body


def test_it_lists_only_their_institutions_requests_for_a_representative(
    as_rep_a, officer, rep_a, rep_b, member_a, member_b, countries, categories
):
    # given
    own = disaffiliation_of(rep_a, member_a)
    other = disaffiliation_of(rep_b, member_b)
    new = applicant(officer, countries, categories)

    # when
    response = as_rep_a.get(url("request-list"))

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert own.reference in body
    assert other.reference not in body and new.reference not in body
    assert url("request-create") not in body


def test_it_filters_by_state_and_kind(as_officer, officer, rep_a, member_a, countries, categories):
    # given
    open_one = applicant(officer, countries, categories)
    closed = applicant(officer, countries, categories, name="Otra Caja")
    services.request_withdraw(actor=officer, request=closed, reason="Desistió")
    leaving = disaffiliation_of(rep_a, member_a)

    # when
    open_page = as_officer.get(
        url("request-list"), {"state": "open", "kind": "affiliation"}
    ).content.decode()
    withdrawn_page = as_officer.get(url("request-list"), {"state": "withdrawn"}).content.decode()

    # then
    assert open_one.reference in open_page
    assert closed.reference not in open_page and leaving.reference not in open_page
    assert closed.reference in withdrawn_page and open_one.reference not in withdrawn_page


@pytest.mark.parametrize(
    "params", [{"state": HOSTILE}, {"kind": SQLISH}, {"sort": SQLISH}, {"page": "999999"}]
)
def test_it_ignores_hostile_filters(params, as_officer, officer, countries, categories):
    # given
    req = applicant(officer, countries, categories)

    # when
    response = as_officer.get(url("request-list"), params)

    # then
    assert response.status_code == 200
    assert req.reference in response.content.decode()
    assert "<script>alert" not in response.content.decode()


def test_it_sorts_by_institution_or_applicant(
    as_officer, officer, rep_a, member_a, countries, categories
):
    # given: "Caja…" (applicant) sorts before "Instituto Alfa" (institution)
    leaving = disaffiliation_of(rep_a, member_a)
    new = applicant(officer, countries, categories)

    # when
    ascending = as_officer.get(url("request-list"), {"sort": "name"}).content.decode()
    descending = as_officer.get(url("request-list"), {"sort": "-name"}).content.decode()

    # then
    assert ascending.index(new.reference) < ascending.index(leaving.reference)
    assert descending.index(leaving.reference) < descending.index(new.reference)


def test_it_marks_example_institutions(as_officer, officer, countries, categories):
    # given
    demo = make_member("Instituto Demo", countries["MX"], categories["full"])
    Institution.objects.filter(pk=demo.pk).update(origin=Source.EXAMPLE)
    demo.refresh_from_db()
    services.request_record(
        actor=officer, kind=MembershipRequest.Kind.DISAFFILIATION, institution=demo
    )

    # when
    body = as_officer.get(url("request-list")).content.decode()

    # then
    assert "badge--example" in body


def _list_queries(client) -> int:
    client.get(url("request-list"))  # warm up: the first request after login checks MFA
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("request-list")).status_code == 200
    return len(ctx.captured_queries)


def test_it_pins_the_list_query_count(
    as_officer, officer, countries, categories, django_assert_max_num_queries
):
    # given
    for i in range(3):
        applicant(officer, countries, categories, name=f"Caja {i}")

    as_officer.get(
        url("request-list")
    )  # the first request after login also checks MFA and saves the session

    # when / then: 1 session, 2 user, 3 user's groups (role), 4 count, 5 the page of requests
    # with institution, country, applicant country and category (joined)
    with django_assert_max_num_queries(5):
        response = as_officer.get(url("request-list"))
    assert response.status_code == 200


def test_it_pins_the_list_query_count_for_a_representative(
    as_rep_a, rep_a, member_a, django_assert_max_num_queries
):
    # given
    disaffiliation_of(rep_a, member_a)
    as_rep_a.get(url("request-list"))

    # when / then: 1 session, 2 user, 3 groups (role), 4-5 Django's own permissions of the
    # user and of their groups (no role grants view_registry), 6 the institutions they
    # represent, 7 count, 8 the page of requests (joined)
    with django_assert_max_num_queries(8):
        response = as_rep_a.get(url("request-list"))
    assert response.status_code == 200


def test_it_runs_the_same_list_queries_with_3_and_30_requests(
    as_officer, officer, countries, categories
):
    # given
    for i in range(3):
        applicant(officer, countries, categories, name=f"Caja {i}")
    with_3 = _list_queries(as_officer)
    for i in range(3, 30):
        applicant(officer, countries, categories, name=f"Caja {i}")

    # when
    with_30 = _list_queries(as_officer)

    # then
    assert with_3 == with_30


# --- Recording a request ----------------------------------------------------------------


def record_data(countries, categories, **overrides) -> dict:
    data = {
        "kind": "affiliation",
        "applicant_name": "Caja Nueva de Previsión",
        "applicant_acronym": "CNP",
        "applicant_country": countries["PE"].pk,
        "requested_category": categories["associate"].pk,
        "contact_name": "Rosa Ruiz",
        "contact_email": "rosa@example.org",
        "statement": "Solicitamos la afiliación.",
        "received_on": "2025-03-01",
        "reason": "Carta recibida por correo",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_it_keeps_the_record_form_from_anonymous_and_representatives(
    as_anonymous, as_rep_a, comptroller
):
    # when / then
    assert_login_redirect(as_anonymous.get(url("request-create")))
    assert as_rep_a.get(url("request-create")).status_code == 403
    # the Comptroller reads everything but does not manage the registry
    assert client_for(comptroller).get(url("request-create")).status_code == 403


def test_it_records_a_request_with_documents(as_officer, officer, countries, categories):
    # given
    data = record_data(countries, categories, documents=[pdf("carta.pdf"), pdf("ley.pdf")])

    # when
    response = as_officer.post(url("request-create"), data)

    # then
    req = MembershipRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("request-detail", req)
    assert (req.applicant_name, req.state, req.received_on) == (
        "Caja Nueva de Previsión",
        State.SUBMITTED,
        dt.date(2025, 3, 1),
    )
    assert sorted(a.original_name for a in req.attachments.all()) == ["carta.pdf", "ley.pdf"]
    entry = ActionLog.objects.get(event="request.recorded")
    assert (entry.actor, entry.reason, entry.target_id) == (
        officer,
        "Carta recibida por correo",
        str(req.pk),
    )


@pytest.mark.parametrize(
    ("overrides", "error_id"),
    [
        ({"kind": None}, "id_kind_error"),
        ({"kind": SQLISH}, "id_kind_error"),
        ({"applicant_name": "", "applicant_country": None}, "id_applicant_name_error"),
        ({"applicant_name": "x" * 10_000}, "id_applicant_name_error"),
        ({"statement": "x" * 10_000}, "id_statement_error"),
        ({"contact_email": HOSTILE}, "id_contact_email_error"),
        ({"applicant_website": "javascript:alert(1)"}, "id_applicant_website_error"),
        ({"received_on": "2999-01-01"}, "id_received_on_error"),
        ({"received_on": SQLISH}, "id_received_on_error"),
        ({"applicant_country": "999999"}, "id_applicant_country_error"),
        (
            {"kind": "disaffiliation", "applicant_name": "", "applicant_country": None},
            "id_institution_error",
        ),
    ],
)
def test_it_refuses_bad_input_and_records_nothing(
    overrides, error_id, as_officer, countries, categories
):
    # when
    response = as_officer.post(
        url("request-create"), record_data(countries, categories, **overrides)
    )

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "error-summary" in body
    assert f'id="{error_id}"' in body
    assert "<script>alert" not in body
    assert MembershipRequest.objects.count() == 0
    assert ActionLog.objects.filter(event__startswith="request.").count() == 0


def test_it_refuses_a_file_that_is_not_what_it_says(as_officer, countries, categories):
    # given
    fake = SimpleUploadedFile("carta.pdf", HOSTILE.encode(), content_type="application/pdf")
    program = SimpleUploadedFile(
        "virus.exe", b"MZ\x90\x00", content_type="application/octet-stream"
    )

    # when
    response = as_officer.post(
        url("request-create"), record_data(countries, categories, documents=[fake, program])
    )

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert "carta.pdf" in body and "virus.exe" in body
    assert (MembershipRequest.objects.count(), RequestAttachment.objects.count()) == (0, 0)


def test_it_shows_hostile_text_as_text(as_officer, countries, categories):
    # given
    as_officer.post(
        url("request-create"),
        record_data(countries, categories, applicant_name=HOSTILE, statement=SQLISH),
    )
    req = MembershipRequest.objects.get()

    # when
    body = as_officer.get(url("request-detail", req)).content.decode()

    # then
    assert "<script>alert" not in body
    assert "&lt;script&gt;" in body
    assert "DROP TABLE" in body  # stored and shown literally
    assert MembershipRequest.objects.count() == 1


# --- The record page ----------------------------------------------------------------------


def test_it_shows_a_request_only_to_those_who_may_see_it(
    as_anonymous, rep_a, rep_b, member_a, officer
):
    # given
    req = disaffiliation_of(rep_a, member_a)

    # when / then
    assert_login_redirect(as_anonymous.get(url("request-detail", req)))
    assert client_for(rep_b).get(url("request-detail", req)).status_code == 404
    assert client_for(rep_a).get(url("request-detail", req)).status_code == 200
    assert client_for(officer).get(url("request-detail", req)).status_code == 200
    assert (
        client_for(officer)
        .get(reverse("members:request-detail", kwargs={"pk": 999_999}))
        .status_code
        == 404
    )


def test_it_shows_the_data_the_steps_and_the_next_step_to_an_officer(
    as_officer, officer, countries, categories
):
    # given
    req = applicant(officer, countries, categories, files=[pdf()])

    # when
    body = as_officer.get(url("request-detail", req)).content.decode()

    # then
    assert req.reference in body and "Caja Nueva de Previsión" in body
    assert 'aria-current="step"' in body
    assert url("request-review", req) in body
    assert url("request-withdraw", req) in body
    assert url("request-attach", req) in body
    assert url("request-approve", req) not in body  # not possible yet
    assert url("request-attachment", req, att_pk=req.attachments.get().pk) in body
    assert "request.recorded" in body  # history


def test_it_shows_a_representative_only_withdrawal(rep_a, member_a):
    # given
    req = disaffiliation_of(rep_a, member_a)

    # when
    body = client_for(rep_a).get(url("request-detail", req)).content.decode()

    # then
    assert url("request-withdraw", req) in body
    for step in (
        "request-review",
        "request-checklist",
        "request-forward",
        "request-approve",
        "request-reject",
        "request-attach",
    ):
        assert url(step, req) not in body


def test_it_shows_no_action_to_the_comptroller(comptroller, officer, countries, categories):
    # given
    req = applicant(officer, countries, categories)

    # when
    body = client_for(comptroller).get(url("request-detail", req)).content.decode()

    # then
    assert req.reference in body
    assert url("request-review", req) not in body and url("request-withdraw", req) not in body


def _detail_queries(client, req) -> int:
    client.get(url("request-detail", req))  # warm up: the first request after login checks MFA
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url("request-detail", req)).status_code == 200
    return len(ctx.captured_queries)


def test_it_pins_the_detail_query_count(
    as_officer, officer, countries, categories, django_assert_max_num_queries
):
    # given
    req = applicant(officer, countries, categories, files=[pdf(f"d{i}.pdf") for i in range(3)])
    as_officer.get(url("request-detail", req))

    # when / then: 1 session, 2 user, 3 the request with its institution, countries, categories,
    # membership and recorder (joined), 4 its attachments, 5 the user's groups (role), 6 its
    # history with the actors (joined)
    with django_assert_max_num_queries(6):
        response = as_officer.get(url("request-detail", req))
    assert response.status_code == 200


def test_it_runs_the_same_detail_queries_with_3_and_30_documents(
    as_officer, officer, countries, categories
):
    # given
    req = applicant(officer, countries, categories, files=[pdf(f"d{i}.pdf") for i in range(3)])
    with_3 = _detail_queries(as_officer, req)
    for i in range(27):
        services.request_attach(actor=officer, request=req, files=[pdf(f"e{i}.pdf")])

    # when
    with_30 = _detail_queries(as_officer, req)

    # then
    assert RequestAttachment.objects.filter(request=req).count() == 30
    assert with_3 == with_30


# --- Attachments --------------------------------------------------------------------------


def test_it_streams_an_attachment_only_to_those_who_may_see_the_request(
    as_anonymous, rep_a, rep_b, member_a, officer
):
    # given
    req = services.request_disaffiliation_by_member(
        actor=rep_a, institution=member_a, statement="Nos retiramos", files=[pdf("carta.pdf")]
    )
    attachment = req.attachments.get()
    target = url("request-attachment", req, att_pk=attachment.pk)

    # when / then
    assert_login_redirect(as_anonymous.get(target))
    assert client_for(rep_b).get(target).status_code == 404
    for user in (rep_a, officer):
        response = client_for(user).get(target)
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "carta.pdf" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test letter"


def test_it_serves_no_attachment_through_another_request(
    rep_a, member_a, officer, countries, categories
):
    # given: an applicant's document, asked for through the representative's own request
    own = disaffiliation_of(rep_a, member_a)
    other = applicant(officer, countries, categories, files=[pdf("secreto.pdf")])
    foreign = other.attachments.get()

    # when / then
    assert (
        client_for(rep_a).get(url("request-attachment", own, att_pk=foreign.pk)).status_code == 404
    )
    assert (
        client_for(officer).get(url("request-attachment", own, att_pk=foreign.pk)).status_code
        == 404
    )
