"""The affiliation/disaffiliation workflow services: every step, its refusals and its audit."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from secretariat.core.models import ActionLog, RuleSetting
from secretariat.core.services.rule_settings import rule_setting_record
from secretariat.members.models import Institution, Membership, MembershipRequest, RequestAttachment
from secretariat.members.selectors import registry as selectors
from secretariat.members.services import requests as services

State = MembershipRequest.State
DECISION = "Resolución CISS No. 140, XXXI Asamblea General Ordinaria"


def pdf(name: str = "carta.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4 test letter", content_type="application/pdf")


def fresh(req: MembershipRequest) -> MembershipRequest:
    # refresh_from_db() cannot reset a protected FSM field; read the row again instead.
    return MembershipRequest.objects.get(pk=req.pk)


def log_for(req: MembershipRequest, event: str) -> ActionLog:
    return ActionLog.objects.get(
        target_type="members.membershiprequest", target_id=str(req.pk), event=event
    )


def new_applicant(officer, countries, categories, **extra) -> MembershipRequest:
    fields = {
        "kind": MembershipRequest.Kind.AFFILIATION,
        "applicant_name": "Caja Nueva de Previsión",
        "applicant_acronym": "CNP",
        "applicant_country": countries["PE"],
        "requested_category": categories["associate"],
        "received_on": dt.date(2025, 3, 1),
        **extra,
    }
    return services.request_record(actor=officer, **fields)


def tick_all(officer, req: MembershipRequest) -> MembershipRequest:
    return services.request_update_checklist(
        actor=officer, request=req, checks={name: True for name, _l, _d in req.checklist}
    )


def forwarded(officer, req: MembershipRequest) -> MembershipRequest:
    req = services.request_start_review(actor=officer, request=req)
    req = tick_all(officer, req)
    return services.request_forward(actor=officer, request=req)


def disaffiliation(officer, member) -> MembershipRequest:
    return services.request_record(
        actor=officer,
        kind=MembershipRequest.Kind.DISAFFILIATION,
        institution=member,
        received_on=dt.date(2025, 3, 1),
    )


# --- Recording ------------------------------------------------------------------------


def test_it_records_a_request_with_its_documents_and_logs_it(officer, countries, categories):
    # given / when
    req = new_applicant(
        officer,
        countries,
        categories,
        files=[pdf("carta.pdf"), pdf("estatuto.pdf")],
        reason="Carta",
    )

    # then
    assert req.state == State.SUBMITTED
    assert req.reference.startswith("SOL-")
    assert req.channel == MembershipRequest.Channel.SECRETARIAT
    assert sorted(a.original_name for a in req.attachments.all()) == ["carta.pdf", "estatuto.pdf"]
    entry = log_for(req, "request.recorded")
    assert entry.actor == officer
    assert entry.reason == "Carta"
    assert entry.new_values["applicant_name"] == "Caja Nueva de Previsión"


def test_it_refuses_a_disguised_file_and_writes_nothing(officer, countries, categories):
    # given
    fake = SimpleUploadedFile(
        "carta.pdf", b"<script>alert(1)</script>", content_type="application/pdf"
    )
    before = (
        MembershipRequest.objects.count(),
        RequestAttachment.objects.count(),
        ActionLog.objects.count(),
    )

    # when / then
    with pytest.raises(ValidationError):
        new_applicant(officer, countries, categories, files=[pdf(), fake])
    assert (
        MembershipRequest.objects.count(),
        RequestAttachment.objects.count(),
        ActionLog.objects.count(),
    ) == before


def test_it_refuses_an_affiliation_of_a_current_member(officer, member_a):
    # when / then
    with pytest.raises(ValidationError) as exc:
        services.request_record(
            actor=officer, kind=MembershipRequest.Kind.AFFILIATION, institution=member_a
        )
    assert "institution" in exc.value.message_dict
    assert MembershipRequest.objects.count() == 0


def test_it_lets_no_representative_record_a_request(rep_a, countries, categories):
    # when / then
    with pytest.raises(PermissionDenied):
        new_applicant(rep_a, countries, categories)
    assert MembershipRequest.objects.count() == 0


def test_it_records_a_members_own_disaffiliation_request(rep_a, member_a):
    # when
    req = services.request_disaffiliation_by_member(
        actor=rep_a, institution=member_a, statement="Nos retiramos"
    )

    # then
    assert (req.kind, req.channel, req.institution, req.submitted_by) == (
        MembershipRequest.Kind.DISAFFILIATION,
        MembershipRequest.Channel.MEMBER,
        member_a,
        rep_a,
    )
    assert log_for(req, "request.submitted").actor == rep_a


def test_it_refuses_a_second_open_disaffiliation_request(rep_a, member_a):
    # given
    services.request_disaffiliation_by_member(
        actor=rep_a, institution=member_a, statement="Nos retiramos"
    )

    # when / then
    with pytest.raises(ValidationError):
        services.request_disaffiliation_by_member(
            actor=rep_a, institution=member_a, statement="Otra vez"
        )
    assert MembershipRequest.objects.count() == 1


def test_it_lets_no_one_ask_to_disaffiliate_another_member(rep_b, member_a, officer):
    # when / then: another member's representative, and an officer, may not speak for member A
    for actor in (rep_b, officer):
        with pytest.raises(PermissionDenied):
            services.request_disaffiliation_by_member(
                actor=actor, institution=member_a, statement="x"
            )
    assert MembershipRequest.objects.count() == 0


# --- Review and checklist -------------------------------------------------------------


def test_it_starts_the_review_and_logs_the_state_change(officer, countries, categories):
    # given
    req = new_applicant(officer, countries, categories)

    # when
    req = services.request_start_review(actor=officer, request=req, reason="Expediente recibido")

    # then
    req = fresh(req)
    assert req.state == State.UNDER_REVIEW
    entry = log_for(req, "request.review_started")
    assert (entry.old_values, entry.new_values, entry.reason) == (
        {"state": "submitted"},
        {"state": "under_review"},
        "Expediente recibido",
    )


def test_it_updates_the_checklist_only_under_review(officer, countries, categories):
    # given
    req = new_applicant(officer, countries, categories)

    # when / then: not yet under review
    with pytest.raises(ValidationError):
        services.request_update_checklist(actor=officer, request=req, checks={"check_letter": True})
    req = fresh(req)
    assert req.check_letter is False

    # when: under review
    services.request_start_review(actor=officer, request=req)
    services.request_update_checklist(
        actor=officer, request=req, checks={"check_letter": True}, note="Carta firmada"
    )

    # then
    req = fresh(req)
    assert req.check_letter is True
    entry = log_for(req, "request.checklist_updated")
    assert (entry.old_values, entry.new_values, entry.reason) == (
        {"check_letter": False},
        {"check_letter": True},
        "Carta firmada",
    )


def test_it_blocks_forwarding_until_the_checklist_is_complete(officer, countries, categories):
    # given: under review, three of four documents
    req = services.request_start_review(
        actor=officer, request=new_applicant(officer, countries, categories)
    )
    services.request_update_checklist(
        actor=officer,
        request=req,
        checks={"check_letter": True, "check_legal": True, "check_representative": True},
    )
    logs = ActionLog.objects.count()

    # when / then
    with pytest.raises(ValidationError) as exc:
        services.request_forward(actor=officer, request=req)
    assert "checklist" in exc.value.messages[0]
    req = fresh(req)
    assert (req.state, req.deciding_body, ActionLog.objects.count()) == (
        State.UNDER_REVIEW,
        "",
        logs,
    )

    # when: the last document arrives
    services.request_update_checklist(actor=officer, request=req, checks={"check_dues": True})
    req = services.request_forward(actor=officer, request=req, reason="Completo")

    # then
    req = fresh(req)
    assert (req.state, req.deciding_body) == (State.FORWARDED, "general_assembly")
    entry = log_for(req, "request.forwarded")
    assert entry.new_values == {"state": "forwarded", "deciding_body": "general_assembly"}
    assert entry.reason == "Completo"


def test_it_needs_only_the_letter_for_a_disaffiliation(officer, member_a):
    # given
    req = services.request_start_review(actor=officer, request=disaffiliation(officer, member_a))

    # when
    services.request_update_checklist(
        actor=officer, request=req, checks={"check_letter": True, "check_dues": True}
    )
    req = services.request_forward(actor=officer, request=req)

    # then: the other checks do not apply and are not set
    req = fresh(req)
    assert req.state == State.FORWARDED
    assert req.check_dues is False


def test_it_forwards_to_the_standing_committee_between_assemblies(officer, countries, categories):
    # given
    req = services.request_start_review(
        actor=officer, request=new_applicant(officer, countries, categories)
    )
    tick_all(officer, req)

    # when
    req = services.request_forward(actor=officer, request=req, deciding_body="standing_committee")

    # then
    req = fresh(req)
    assert req.deciding_body == "standing_committee"


def test_it_refuses_the_standing_committee_when_the_rules_say_only_the_assembly(
    officer, secretary_general, countries, categories
):
    # given: the setting withdraws the interim power
    rule_setting_record(
        actor=secretary_general,
        key="members.affiliation.interim_body_allowed",
        raw_value=False,
        valid_from=dt.date(2000, 1, 1),
        confirmed=False,
        legal_basis="",
        source="",
        reason="test",
    )
    assert RuleSetting.objects.count() == 1
    req = services.request_start_review(
        actor=officer, request=new_applicant(officer, countries, categories)
    )
    tick_all(officer, req)

    # when / then
    with pytest.raises(ValidationError) as exc:
        services.request_forward(actor=officer, request=req, deciding_body="standing_committee")
    assert "deciding_body" in exc.value.message_dict
    req = fresh(req)
    assert req.state == State.UNDER_REVIEW


# --- Illegal transitions ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("step", "kwargs"),
    [
        ("request_forward", {}),
        (
            "request_approve",
            {
                "decision_reference": DECISION,
                "decided_on": dt.date(2025, 9, 1),
                "effective_on": dt.date(2025, 9, 1),
            },
        ),
        (
            "request_reject",
            {"decision_reference": DECISION, "decided_on": dt.date(2025, 9, 1), "reason": "No"},
        ),
    ],
)
def test_it_refuses_a_step_out_of_order_with_a_translated_error_and_changes_nothing(
    step, kwargs, officer, countries, categories
):
    # given: a request just submitted
    req = new_applicant(officer, countries, categories)
    counts = (ActionLog.objects.count(), Institution.objects.count(), Membership.objects.count())

    # when: the message goes through gettext (marked so we can see it)
    with (
        mock.patch("secretariat.members.services.requests._", side_effect=lambda s: f"«{s}»"),
        pytest.raises(ValidationError) as exc,
    ):
        getattr(services, step)(actor=officer, request=req, **kwargs)

    # then
    assert exc.value.messages[0].startswith("«")
    req = fresh(req)
    assert req.state == State.SUBMITTED
    assert (req.decision_reference, req.deciding_body) == ("", "")
    assert (
        ActionLog.objects.count(),
        Institution.objects.count(),
        Membership.objects.count(),
    ) == counts


@pytest.mark.parametrize("final", ["approved", "rejected", "withdrawn"])
def test_it_refuses_every_step_once_the_request_is_closed(final, officer, countries, categories):
    # given
    req = forwarded(officer, new_applicant(officer, countries, categories))
    if final == "approved":
        services.request_approve(
            actor=officer,
            request=req,
            decision_reference=DECISION,
            decided_on=dt.date(2025, 9, 1),
            effective_on=dt.date(2025, 10, 1),
        )
    elif final == "rejected":
        services.request_reject(
            actor=officer,
            request=req,
            decision_reference=DECISION,
            decided_on=dt.date(2025, 9, 1),
            reason="No",
        )
    else:
        services.request_withdraw(actor=officer, request=req, reason="Desistió")
    req = fresh(req)
    logs = ActionLog.objects.count()

    # when / then
    for call in (
        lambda: services.request_start_review(actor=officer, request=req),
        lambda: services.request_forward(actor=officer, request=req),
        lambda: services.request_withdraw(actor=officer, request=req, reason="x"),
        lambda: services.request_reject(
            actor=officer,
            request=req,
            decision_reference=DECISION,
            decided_on=dt.date(2025, 9, 1),
            reason="x",
        ),
        lambda: services.request_attach(actor=officer, request=req, files=[pdf()]),
    ):
        with pytest.raises(ValidationError):
            call()
    req = fresh(req)
    assert req.state == final
    assert ActionLog.objects.count() == logs
    assert RequestAttachment.objects.count() == 0


# --- Approval, rejection, withdrawal ---------------------------------------------------


def test_it_approves_an_affiliation_creating_the_institution_and_the_membership(
    officer, countries, categories
):
    # given
    req = forwarded(officer, new_applicant(officer, countries, categories))

    # when
    req = services.request_approve(
        actor=officer,
        request=req,
        decision_reference=DECISION,
        decided_on=dt.date(2025, 9, 20),
        effective_on=dt.date(2026, 1, 1),
        reason="Aprobada por unanimidad",
    )

    # then: the institution exists, the membership starts on the effective date citing the decision
    req = fresh(req)
    institution = Institution.objects.get(name="Caja Nueva de Previsión")
    membership = Membership.objects.get(institution=institution)
    assert (req.state, req.institution, req.membership, req.granted_category) == (
        State.APPROVED,
        institution,
        membership,
        categories["associate"],
    )
    assert (membership.valid_from, membership.valid_to, membership.category) == (
        dt.date(2026, 1, 1),
        None,
        categories["associate"],
    )
    assert membership.decision == DECISION
    assert institution.country == countries["PE"]
    entry = log_for(req, "request.approved")
    assert entry.new_values["state"] == "approved"
    assert entry.new_values["decision_reference"] == DECISION
    assert entry.reason == "Aprobada por unanimidad"
    assert ActionLog.objects.filter(
        event="membership.opened", target_id=str(membership.pk)
    ).exists()
    assert ActionLog.objects.filter(
        event="institution.created", target_id=str(institution.pk)
    ).exists()


def test_it_grants_another_category_than_requested(officer, countries, categories):
    # given
    req = forwarded(officer, new_applicant(officer, countries, categories))

    # when
    services.request_approve(
        actor=officer,
        request=req,
        decision_reference=DECISION,
        decided_on=dt.date(2025, 9, 20),
        effective_on=dt.date(2025, 9, 20),
        granted_category=categories["full"],
    )

    # then
    req = fresh(req)
    assert req.granted_category == categories["full"]
    assert req.membership.category == categories["full"]


def test_it_counts_the_new_member_only_from_the_effective_date(officer, countries, categories):
    # given
    req = forwarded(officer, new_applicant(officer, countries, categories))

    # when
    services.request_approve(
        actor=officer,
        request=req,
        decision_reference=DECISION,
        decided_on=dt.date(2025, 9, 20),
        effective_on=dt.date(2026, 1, 1),
    )

    # then
    names_before = {i.name for i in selectors.members_on(day=dt.date(2025, 12, 31))}
    names_after = {i.name for i in selectors.members_on(day=dt.date(2026, 1, 1))}
    assert "Caja Nueva de Previsión" not in names_before
    assert "Caja Nueva de Previsión" in names_after


def test_it_refuses_an_effective_date_before_the_decision_and_changes_nothing(
    officer, countries, categories
):
    # given
    req = forwarded(officer, new_applicant(officer, countries, categories))
    counts = (ActionLog.objects.count(), Institution.objects.count(), Membership.objects.count())

    # when / then
    with pytest.raises(ValidationError) as exc:
        services.request_approve(
            actor=officer,
            request=req,
            decision_reference=DECISION,
            decided_on=dt.date(2025, 9, 20),
            effective_on=dt.date(2025, 9, 1),
        )
    assert "effective_on" in exc.value.message_dict
    req = fresh(req)
    assert req.state == State.FORWARDED
    assert (
        ActionLog.objects.count(),
        Institution.objects.count(),
        Membership.objects.count(),
    ) == counts


def test_it_requires_the_decision_to_be_cited(officer, countries, categories):
    # given
    req = forwarded(officer, new_applicant(officer, countries, categories))

    # when / then
    with pytest.raises(ValidationError) as exc:
        services.request_approve(
            actor=officer,
            request=req,
            decision_reference="   ",
            decided_on=dt.date(2025, 9, 20),
            effective_on=dt.date(2025, 9, 20),
        )
    assert "decision_reference" in exc.value.message_dict
    assert Membership.objects.count() == 0


def test_it_approves_a_disaffiliation_ending_the_membership_and_keeping_it(
    officer, member_a, categories
):
    # given: member A since 2010
    req = forwarded(officer, disaffiliation(officer, member_a))
    membership = Membership.objects.get(institution=member_a)

    # when
    services.request_approve(
        actor=officer,
        request=req,
        decision_reference=DECISION,
        decided_on=dt.date(2025, 9, 20),
        effective_on=dt.date(2026, 1, 1),
        reason="Retiro voluntario",
    )

    # then: the same membership, now ended; nothing deleted
    req = fresh(req)
    membership.refresh_from_db()
    assert req.state == State.APPROVED
    assert req.membership == membership
    assert (membership.valid_from, membership.valid_to, membership.end_decision) == (
        dt.date(2010, 1, 1),
        dt.date(2026, 1, 1),
        DECISION,
    )
    assert Membership.objects.filter(institution=member_a).count() == 1
    assert member_a in selectors.members_on(day=dt.date(2025, 12, 31))
    assert member_a not in selectors.members_on(day=dt.date(2026, 1, 1))
    assert member_a in selectors.members_on(day=dt.date(2015, 6, 1))
    entry = log_for(req, "request.approved")
    assert entry.reason == "Retiro voluntario"
    ended = ActionLog.objects.get(event="membership.ended", target_id=str(membership.pk))
    assert ended.new_values["valid_to"] == "2026-01-01"


def test_it_rejects_with_a_reason_and_refuses_without_one(officer, countries, categories):
    # given
    req = forwarded(officer, new_applicant(officer, countries, categories))

    # when / then: no reason
    with pytest.raises(ValidationError) as exc:
        services.request_reject(
            actor=officer,
            request=req,
            decision_reference=DECISION,
            decided_on=dt.date(2025, 9, 20),
            reason="  ",
        )
    assert "reason" in exc.value.message_dict
    req = fresh(req)
    assert req.state == State.FORWARDED

    # when: with a reason
    services.request_reject(
        actor=officer,
        request=req,
        decision_reference=DECISION,
        decided_on=dt.date(2025, 9, 20),
        reason="No cumple los requisitos",
    )

    # then
    req = fresh(req)
    assert (req.state, req.outcome_reason, req.decision_reference) == (
        State.REJECTED,
        "No cumple los requisitos",
        DECISION,
    )
    assert log_for(req, "request.rejected").reason == "No cumple los requisitos"
    assert Institution.objects.filter(name="Caja Nueva de Previsión").count() == 0


@pytest.mark.parametrize("steps", [0, 1, 3])
def test_it_withdraws_an_open_request_with_a_reason(steps, officer, countries, categories):
    # given: submitted (0), under review (1) or forwarded (3)
    req = new_applicant(officer, countries, categories)
    if steps >= 1:
        req = services.request_start_review(actor=officer, request=req)
    if steps >= 3:
        req = services.request_forward(actor=officer, request=tick_all(officer, req))

    # when / then: no reason
    with pytest.raises(ValidationError):
        services.request_withdraw(actor=officer, request=req, reason="")
    # when
    services.request_withdraw(actor=officer, request=req, reason="Carta de desistimiento")

    # then
    req = fresh(req)
    assert (req.state, req.outcome_reason) == (State.WITHDRAWN, "Carta de desistimiento")
    entry = log_for(req, "request.withdrawn")
    assert entry.new_values["state"] == "withdrawn"
    assert entry.reason == "Carta de desistimiento"


def test_it_lets_the_representative_withdraw_their_own_disaffiliation(rep_a, member_a):
    # given
    req = services.request_disaffiliation_by_member(
        actor=rep_a, institution=member_a, statement="Nos retiramos"
    )

    # when
    services.request_withdraw(actor=rep_a, request=req, reason="Cambio de gobierno")

    # then
    req = fresh(req)
    assert req.state == State.WITHDRAWN
    assert log_for(req, "request.withdrawn").actor == rep_a


def test_it_lets_no_other_representative_withdraw(
    rep_a, rep_b, member_a, countries, categories, officer
):
    # given
    own = services.request_disaffiliation_by_member(
        actor=rep_a, institution=member_a, statement="Nos retiramos"
    )
    applicant = new_applicant(officer, countries, categories)

    # when / then
    for req in (own, applicant):
        with pytest.raises(PermissionDenied):
            services.request_withdraw(actor=rep_b, request=req, reason="x")
        req = fresh(req)
        assert req.is_open


def test_it_lets_no_representative_take_the_secretariats_steps(rep_a, member_a, officer):
    # given: the representative's own request, forwarded
    req = services.request_disaffiliation_by_member(
        actor=rep_a, institution=member_a, statement="Nos retiramos"
    )
    req = forwarded(officer, req)
    logs = ActionLog.objects.count()

    # when / then
    with pytest.raises(PermissionDenied):
        services.request_approve(
            actor=rep_a,
            request=req,
            decision_reference=DECISION,
            decided_on=dt.date(2025, 9, 20),
            effective_on=dt.date(2025, 9, 20),
        )
    with pytest.raises(PermissionDenied):
        services.request_reject(
            actor=rep_a,
            request=req,
            decision_reference=DECISION,
            decided_on=dt.date(2025, 9, 20),
            reason="x",
        )
    req = fresh(req)
    assert req.state == State.FORWARDED
    assert Membership.objects.get(institution=member_a).valid_to is None
    assert ActionLog.objects.count() == logs


def test_it_adds_documents_to_an_open_request(officer, countries, categories):
    # given
    req = new_applicant(officer, countries, categories)

    # when
    saved = services.request_attach(
        actor=officer, request=req, files=[pdf("acta.pdf")], reason="Llegó por correo"
    )

    # then
    assert [a.original_name for a in saved] == ["acta.pdf"]
    assert saved[0].uploaded_by == officer
    entry = log_for(req, "request.documents_added")
    assert (entry.new_values, entry.reason) == ({"files": ["acta.pdf"]}, "Llegó por correo")
