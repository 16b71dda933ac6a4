"""Request pages: the workflow's steps, and the member's own disaffiliation request. Each
tested without permission, with it, and with the wrong scope."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse

from secretariat.conftest import client_for
from secretariat.core.models import ActionLog
from secretariat.core.testing import age_authentication
from secretariat.members.models import (
    Institution,
    Membership,
    MembershipRequest,
    RequestAttachment,
)
from secretariat.members.services import requests as services
from secretariat.members.tests.conftest import (
    DECISION,
    State,
    applicant,
    assert_login_redirect,
    disaffiliation_of,
    forwarded,
    fresh,
    pdf,
    under_review,
    url,
)

HOSTILE = "<script>alert('x')</script>"
SQLISH = "'; DROP TABLE members_membershiprequest; --"


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


def test_approving_asks_for_the_code_again_in_a_session_not_fresh(officer, countries, categories):
    # given a forwarded request, and an officer whose session proved itself 11 minutes ago
    req = forwarded(officer, applicant(officer, countries, categories))
    client = client_for(officer)
    age_authentication(client, minutes=11)
    approval = {
        "decision_reference": DECISION,
        "decided_on": "2025-09-20",
        "effective_on": "2026-01-01",
        "granted_category": categories["full"].pk,
        "reason": "Unanimidad",
    }
    # when the approval is posted
    response = client.post(url("request-approve", req), approval)
    # then the code is asked for and nothing is approved
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("mfa_reauthenticate"))
    assert fresh(req).state == State.FORWARDED
    # when a fresh session posts it, it is recorded
    response = client_for(officer).post(url("request-approve", req), approval)
    assert response.status_code == 302
    assert fresh(req).state == State.APPROVED
