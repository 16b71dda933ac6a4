"""Contact corrections: a representative proposes, an officer accepts or rejects."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from secretariat.core.models import ActionLog
from secretariat.members.models import ContactCorrection
from secretariat.members.services import corrections as services
from secretariat.members.tests.conftest import logged

pytestmark = pytest.mark.django_db


# --- Contact corrections --------------------------------------------------------------


def test_it_records_a_proposal_with_only_what_differs(rep_a, member_a):
    # when
    correction = services.correction_propose(
        actor=rep_a,
        institution=member_a,
        changes={"phone": " +52 3 ", "website": "", "name": "hijack"},
        comment="New",
    )
    # then
    assert correction.changes == {"phone": "+52 3"}
    assert correction.previous == {"phone": ""}
    entry = logged("correction.proposed")
    assert entry.actor == rep_a and entry.new_values == {"phone": "+52 3"} and entry.reason == "New"


def test_it_refuses_proposals_from_others(rep_b, officer, member_a):
    # when / then
    for actor in (rep_b, officer):
        with pytest.raises(PermissionDenied):
            services.correction_propose(actor=actor, institution=member_a, changes={"phone": "1"})
    assert not ContactCorrection.objects.exists()


def test_it_refuses_invalid_or_empty_proposals(rep_a, member_a):
    # when / then
    with pytest.raises(ValidationError) as invalid:
        services.correction_propose(
            actor=rep_a, institution=member_a, changes={"email": "not-an-email"}
        )
    with pytest.raises(ValidationError):
        services.correction_propose(actor=rep_a, institution=member_a, changes={"phone": ""})
    assert "email" in invalid.value.message_dict
    assert not ActionLog.objects.exists()


def test_it_applies_an_accepted_correction(officer, rep_a, member_a):
    # given
    correction = services.correction_propose(
        actor=rep_a, institution=member_a, changes={"phone": "+52 3"}
    )
    # when
    services.correction_decide(actor=officer, correction=correction, accept=True)
    # then
    member_a.refresh_from_db()
    correction.refresh_from_db()
    assert member_a.phone == "+52 3"
    assert correction.state == ContactCorrection.State.ACCEPTED and correction.decided_by == officer
    assert logged("correction.accepted").actor == officer
    assert logged("institution.updated").new_values == {"phone": "+52 3"}


def test_it_rejects_a_correction_only_with_a_reason(officer, rep_a, member_a):
    # given
    correction = services.correction_propose(
        actor=rep_a, institution=member_a, changes={"phone": "+52 3"}
    )
    # when / then
    with pytest.raises(ValidationError):
        services.correction_decide(actor=officer, correction=correction, accept=False, reason="")
    services.correction_decide(
        actor=officer, correction=correction, accept=False, reason="Not official"
    )
    member_a.refresh_from_db()
    assert member_a.phone == ""
    assert logged("correction.rejected").reason == "Not official"


def test_it_lets_only_managers_decide(comptroller, rep_a, member_a):
    # given
    correction = services.correction_propose(
        actor=rep_a, institution=member_a, changes={"phone": "+52 3"}
    )
    # when / then
    for actor in (comptroller, rep_a):
        with pytest.raises(PermissionDenied):
            services.correction_decide(actor=actor, correction=correction, accept=True)
    correction.refresh_from_db()
    assert correction.state == ContactCorrection.State.PROPOSED
