"""Request pages: list, recording, the record page and its steps, attachments and the member's
own disaffiliation request. Each tested without permission, with it, and with the wrong scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from secretariat.conftest import client_for, make_member
from secretariat.core.models import ActionLog
from secretariat.members.models import (
    Institution,
    Membership,
    MembershipRequest,
    RequestAttachment,
    Source,
)
from secretariat.members.services import requests as services

State = MembershipRequest.State
DECISION = "Resolución CISS No. 140, XXXI Asamblea General Ordinaria"
HOSTILE = "<script>alert('x')</script>"
SQLISH = "'; DROP TABLE members_membershiprequest; --"


def pdf(name: str = "carta.pdf", body: bytes = b"%PDF-1.4 test letter") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def fresh(req: MembershipRequest) -> MembershipRequest:
    # refresh_from_db() cannot reset a protected FSM field; read the row again instead.
    return MembershipRequest.objects.get(pk=req.pk)


def url(name: str, req: MembershipRequest | None = None, **kwargs) -> str:
    if req is not None:
        kwargs["pk"] = req.pk
    # English pages: the assertions below read the interface's English text.
    with translation.override("en"):
        return reverse(f"members:{name}", kwargs=kwargs or None)


def applicant(
    officer, countries, categories, name: str = "Caja Nueva de Previsión", **extra
) -> MembershipRequest:
    return services.request_record(
        actor=officer,
        kind=MembershipRequest.Kind.AFFILIATION,
        applicant_name=name,
        applicant_acronym="CNP",
        applicant_country=countries["PE"],
        requested_category=categories["associate"],
        received_on=dt.date(2025, 3, 1),
        **extra,
    )


def disaffiliation_of(rep, member) -> MembershipRequest:
    return services.request_disaffiliation_by_member(
        actor=rep, institution=member, statement="Nos retiramos"
    )


def under_review(officer, req: MembershipRequest, complete: bool = True) -> MembershipRequest:
    req = services.request_start_review(actor=officer, request=req)
    if complete:
        req = services.request_update_checklist(
            actor=officer, request=req, checks={name: True for name, _l, _d in req.checklist}
        )
    return req


def forwarded(officer, req: MembershipRequest) -> MembershipRequest:
    return services.request_forward(actor=officer, request=under_review(officer, req))


def assert_login_redirect(response) -> None:
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


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


# --- Workflow steps -----------------------------------------------------------------------


def test_it_keeps_the_steps_from_anonymous_and_representatives(
    as_anonymous, rep_a, member_a, officer
):
    # given
    req = disaffiliation_of(rep_a, member_a)
    as_rep = client_for(rep_a)

    # when / then
    for step in (
        "request-review",
        "request-checklist",
        "request-forward",
        "request-approve",
        "request-reject",
        "request-attach",
    ):
        assert_login_redirect(as_anonymous.post(url(step, req)))
        assert as_rep.post(url(step, req), {"reason": "x"}).status_code == 403
    assert fresh(req).state == State.SUBMITTED
    assert client_for(officer).get(url("request-review", req)).status_code == 405


def test_it_takes_a_request_through_review_forwarding_and_approval(
    as_officer, officer, countries, categories
):
    # given
    req = applicant(officer, countries, categories)

    # when: start the review
    response = as_officer.post(url("request-review", req), {"reason": "Expediente abierto"})
    # then
    assert response.status_code == 302
    assert fresh(req).state == State.UNDER_REVIEW
    assert ActionLog.objects.get(event="request.review_started").reason == "Expediente abierto"

    # when: tick the checklist
    checks = {
        "check_letter": "on",
        "check_legal": "on",
        "check_representative": "on",
        "check_dues": "on",
    }
    response = as_officer.post(url("request-checklist", req), {**checks, "note": "Todo recibido"})
    # then
    assert response.status_code == 302
    assert fresh(req).checklist_complete
    body = as_officer.get(url("request-detail", req)).content.decode()
    assert url("request-forward", req) in body

    # when: forward to the Standing Committee
    response = as_officer.post(
        url("request-forward", req),
        {"deciding_body": "standing_committee", "reason": "Entre Asambleas"},
    )
    # then
    assert response.status_code == 302
    assert (fresh(req).state, fresh(req).deciding_body) == (State.FORWARDED, "standing_committee")

    # when: record the approval
    response = as_officer.post(
        url("request-approve", req),
        {
            "decision_reference": DECISION,
            "decided_on": "2025-09-20",
            "effective_on": "2026-01-01",
            "granted_category": categories["full"].pk,
            "reason": "Unanimidad",
        },
    )

    # then
    req = fresh(req)
    assert response.status_code == 302
    assert req.state == State.APPROVED
    membership = Membership.objects.get(institution__name="Caja Nueva de Previsión")
    assert (membership.valid_from, membership.category, membership.decision) == (
        dt.date(2026, 1, 1),
        categories["full"],
        DECISION,
    )
    assert ActionLog.objects.get(event="request.approved").reason == "Unanimidad"
    body = as_officer.get(url("request-detail", req)).content.decode()
    assert DECISION in body
    try:
        member_url = reverse("members:member-detail", kwargs={"slug": req.institution.slug})
    except NoReverseMatch:  # the public member page is written elsewhere
        member_url = None
    if member_url:
        assert member_url in body
    assert url("request-approve", req) not in body and url("request-withdraw", req) not in body


def test_it_shows_why_forwarding_is_blocked_and_changes_nothing(
    as_officer, officer, countries, categories
):
    # given: under review, checklist incomplete
    req = under_review(officer, applicant(officer, countries, categories), complete=False)
    logs = ActionLog.objects.count()

    # when
    response = as_officer.post(url("request-forward", req), {"deciding_body": "general_assembly"})

    # then
    assert response.status_code == 200
    assert "checklist" in response.content.decode()
    assert fresh(req).state == State.UNDER_REVIEW
    assert ActionLog.objects.count() == logs


def test_it_refuses_an_unknown_body(as_officer, officer, countries, categories):
    # given
    req = under_review(officer, applicant(officer, countries, categories))

    # when
    response = as_officer.post(url("request-forward", req), {"deciding_body": SQLISH})

    # then
    assert response.status_code == 200
    assert 'id="forward_deciding_body_error"' in response.content.decode()
    assert fresh(req).state == State.UNDER_REVIEW


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {"decision_reference": "", "decided_on": "2025-09-20", "effective_on": "2025-09-20"},
            "decision_reference",
        ),
        (
            {
                "decision_reference": "x" * 10_000,
                "decided_on": "2025-09-20",
                "effective_on": "2025-09-20",
            },
            "decision_reference",
        ),
        (
            {
                "decision_reference": DECISION,
                "decided_on": "2025-09-20",
                "effective_on": "2025-09-01",
            },
            "effective_on",
        ),
        (
            {
                "decision_reference": DECISION,
                "decided_on": "2999-09-20",
                "effective_on": "2999-09-20",
            },
            "decided_on",
        ),
        (
            {"decision_reference": DECISION, "decided_on": HOSTILE, "effective_on": "2025-09-20"},
            "decided_on",
        ),
    ],
)
def test_it_shows_approval_errors_in_the_approval_form_and_changes_nothing(
    data, field, as_officer, officer, countries, categories
):
    # given
    req = forwarded(officer, applicant(officer, countries, categories))
    counts = (ActionLog.objects.count(), Institution.objects.count(), Membership.objects.count())

    # when
    response = as_officer.post(
        url("request-approve", req), {**data, "granted_category": categories["associate"].pk}
    )

    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert f'id="approve_{field}_error"' in body
    assert "<script>alert" not in body
    assert fresh(req).state == State.FORWARDED
    assert (
        ActionLog.objects.count(),
        Institution.objects.count(),
        Membership.objects.count(),
    ) == counts


def test_it_refuses_a_step_no_longer_possible(as_officer, officer, countries, categories):
    # given: still submitted
    req = applicant(officer, countries, categories)

    # when
    response = as_officer.post(
        url("request-approve", req),
        {
            "decision_reference": DECISION,
            "decided_on": "2025-09-20",
            "effective_on": "2025-09-20",
            "granted_category": categories["associate"].pk,
        },
    )

    # then
    assert response.status_code == 200
    assert "The step was not recorded" in response.content.decode()
    assert fresh(req).state == State.SUBMITTED
    assert Membership.objects.count() == 0


def test_it_approves_a_disaffiliation_and_keeps_the_membership(
    as_officer, officer, rep_a, member_a
):
    # given
    req = forwarded(officer, disaffiliation_of(rep_a, member_a))

    # when
    response = as_officer.post(
        url("request-approve", req),
        {
            "decision_reference": DECISION,
            "decided_on": "2025-09-20",
            "effective_on": "2026-01-01",
            "reason": "Retiro",
        },
    )

    # then
    assert response.status_code == 302
    membership = Membership.objects.get(institution=member_a)
    assert membership.valid_to == dt.date(2026, 1, 1)
    assert fresh(req).state == State.APPROVED
    assert ActionLog.objects.get(event="request.approved").reason == "Retiro"


def test_it_rejects_with_a_reason_only(as_officer, officer, countries, categories):
    # given
    req = forwarded(officer, applicant(officer, countries, categories))

    # when: no reason
    response = as_officer.post(
        url("request-reject", req), {"decision_reference": DECISION, "decided_on": "2025-09-20"}
    )
    # then
    assert response.status_code == 200
    assert 'id="reject_reason_error"' in response.content.decode()
    assert fresh(req).state == State.FORWARDED

    # when
    response = as_officer.post(
        url("request-reject", req),
        {"decision_reference": DECISION, "decided_on": "2025-09-20", "reason": "Requisitos"},
    )
    # then
    assert response.status_code == 302
    assert (fresh(req).state, fresh(req).outcome_reason) == (State.REJECTED, "Requisitos")
    assert ActionLog.objects.get(event="request.rejected").reason == "Requisitos"


def test_it_lets_the_representative_withdraw_their_disaffiliation(rep_a, rep_b, member_a):
    # given
    req = disaffiliation_of(rep_a, member_a)

    # when / then: another member's representative does not even see it
    assert client_for(rep_b).post(url("request-withdraw", req), {"reason": "x"}).status_code == 404
    # when / then: no reason
    response = client_for(rep_a).post(url("request-withdraw", req), {"reason": "   "})
    assert response.status_code == 200
    assert 'id="withdraw_reason_error"' in response.content.decode()
    assert fresh(req).state == State.SUBMITTED

    # when
    response = client_for(rep_a).post(
        url("request-withdraw", req), {"reason": "Cambio de gobierno"}
    )

    # then
    assert response.status_code == 302
    assert fresh(req).state == State.WITHDRAWN
    entry = ActionLog.objects.get(event="request.withdrawn")
    assert (entry.actor, entry.reason) == (rep_a, "Cambio de gobierno")


def test_it_lets_no_representative_withdraw_an_applicants_request(
    as_rep_a, officer, countries, categories
):
    # given: not the representative's institution
    req = applicant(officer, countries, categories)

    # when / then
    assert as_rep_a.post(url("request-withdraw", req), {"reason": "x"}).status_code == 404
    assert fresh(req).state == State.SUBMITTED


def test_it_adds_documents_and_refuses_bad_ones(as_officer, officer, countries, categories):
    # given
    req = applicant(officer, countries, categories)

    # when: a disguised file
    response = as_officer.post(
        url("request-attach", req), {"documents": [pdf("acta.pdf", HOSTILE.encode())]}
    )
    # then
    assert response.status_code == 200
    assert 'id="attach_documents_error"' in response.content.decode()
    assert RequestAttachment.objects.count() == 0

    # when: nothing chosen
    response = as_officer.post(url("request-attach", req), {"reason": "x"})
    # then
    assert response.status_code == 200
    assert 'id="attach_documents_error"' in response.content.decode()
    assert RequestAttachment.objects.count() == 0

    # when
    response = as_officer.post(
        url("request-attach", req), {"documents": [pdf("acta.pdf")], "reason": "Por correo"}
    )
    # then
    assert response.status_code == 302
    assert RequestAttachment.objects.get().original_name == "acta.pdf"
    assert ActionLog.objects.get(event="request.documents_added").reason == "Por correo"


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


# --- The member's own disaffiliation request ------------------------------------------


def test_it_offers_the_disaffiliation_form_only_to_the_members_representative(
    as_anonymous, rep_a, rep_b, member_a, officer
):
    # given
    target = url("request-disaffiliation", slug=member_a.slug)

    # when / then
    assert_login_redirect(as_anonymous.get(target))
    assert client_for(rep_b).get(target).status_code == 404
    assert client_for(officer).get(target).status_code == 403
    assert client_for(rep_a).get(target).status_code == 200
    assert client_for(rep_b).post(target, {"statement": "x"}).status_code == 404
    assert MembershipRequest.objects.count() == 0


def test_it_sends_a_disaffiliation_request(as_rep_a, rep_a, member_a):
    # when
    response = as_rep_a.post(
        url("request-disaffiliation", slug=member_a.slug),
        {"statement": "Nos retiramos", "documents": [pdf()]},
    )

    # then
    req = MembershipRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("request-detail", req)
    assert (req.kind, req.institution, req.submitted_by, req.attachments.count()) == (
        "disaffiliation",
        member_a,
        rep_a,
        1,
    )
    assert ActionLog.objects.get(event="request.submitted").actor == rep_a


@pytest.mark.parametrize("statement", ["", "   ", "x" * 10_000])
def test_it_refuses_an_empty_or_oversized_statement(statement, as_rep_a, member_a):
    # when
    response = as_rep_a.post(
        url("request-disaffiliation", slug=member_a.slug), {"statement": statement}
    )

    # then
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert MembershipRequest.objects.count() == 0


def test_it_refuses_a_second_open_disaffiliation_request(as_rep_a, rep_a, member_a):
    # given
    disaffiliation_of(rep_a, member_a)

    # when
    response = as_rep_a.post(
        url("request-disaffiliation", slug=member_a.slug), {"statement": "Otra vez"}
    )

    # then
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert MembershipRequest.objects.count() == 1


def test_it_shows_only_the_steps_a_withdrawn_request_went_through(
    as_officer, officer, countries, categories
):
    # given: withdrawn while under review
    req = under_review(officer, applicant(officer, countries, categories), complete=False)
    services.request_withdraw(actor=officer, request=req, reason="Desistió")

    # when
    body = as_officer.get(url("request-detail", req)).content.decode()

    # then
    steps = body[body.index('class="timeline request-steps"') :]
    steps = steps[: steps.index("</ol>")]
    assert "Under review" in steps and "Withdrawn" in steps
    assert "Forwarded to the deciding body" not in steps
    assert steps.count('aria-current="step"') == 1
    assert "Desistió" in body


@pytest.mark.django_db
def test_it_keeps_the_internal_history_from_representatives(rep_a, member_a, officer):
    # given a disaffiliation request of member A, reviewed by an officer with an internal note
    from secretariat.conftest import client_for
    from secretariat.members.services import requests as svc

    req = svc.request_disaffiliation_by_member(
        actor=rep_a, institution=member_a, statement="We leave"
    )
    svc.request_start_review(
        actor=officer, request=req, reason="internal: check the letter's signature"
    )
    # when the representative opens it
    html = client_for(rep_a).get(f"/en/members/staff/requests/{req.pk}/").content.decode()
    # then they follow the steps but see neither the officer nor the internal note
    assert "Under review" in html
    assert "officer@example.org" not in html and "internal: check" not in html
    # and the officer sees the history
    staff_html = client_for(officer).get(f"/en/members/staff/requests/{req.pk}/").content.decode()
    assert "internal: check" in staff_html
