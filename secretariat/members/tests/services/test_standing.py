"""A member's standing: suspending and restoring the right to vote (the services).

Rules and sources: "Only full members have the right to vote. The other members have a
right to voice." (shared/domain.md, CISS General Assembly page) — so only a member whose
category votes can have its vote suspended, and it keeps its voice; issue #4 — a suspension
has a reason, a legal basis and dates, and every quorum and vote uses the standing in force
on its date; [D] arrears suspend the vote (recorded later by finance through the same
service, origin "arrears").
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from secretariat.core.models import ActionLog
from secretariat.members.models import Institution, VotingSuspension
from secretariat.members.selectors import registry as selectors
from secretariat.members.services.standing import voting_suspension_lift
from secretariat.members.tests.conftest import D, suspend

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pinned_today")]


def _messages(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


# --- voting_suspend -------------------------------------------------------------------


def test_it_suspends_a_full_members_vote_with_reason_legal_basis_history_and_log(member_a, officer):
    s = suspend(officer, member_a, valid_to=D(2025, 1, 1))
    s.refresh_from_db()
    assert (s.valid_from, s.valid_to, s.origin) == (
        D(2024, 1, 1),
        D(2025, 1, 1),
        VotingSuspension.Origin.SECRETARIAT,
    )
    assert s.recorded_by == officer
    log = ActionLog.objects.get(event="standing.suspended", target_id=str(s.pk))
    assert log.actor == officer and log.reason == "Dues for 2022 and 2023 unpaid"
    assert log.new_values["legal_basis"].startswith("Statute")
    assert s.history.latest().history_change_reason == "Dues for 2022 and 2023 unpaid"


def test_only_a_member_with_the_right_to_vote_can_have_it_suspended__domain_md_ciss_ga_page(
    member_a, member_b, officer, countries
):
    # an associate member (voice only)
    with pytest.raises(ValidationError) as exc:
        suspend(officer, member_b)
    assert "Only a member with the right to vote can have it suspended" in _messages(exc.value)
    # a full member, but not yet a member on the date (member since 2010)
    with pytest.raises(ValidationError):
        suspend(officer, member_a, valid_from=D(2005, 1, 1))
    # an institution that never was a member
    outsider = Institution.objects.create(name="Externa", slug="externa", country=countries["MX"])
    with pytest.raises(ValidationError):
        suspend(officer, outsider)
    assert not VotingSuspension.objects.exists()
    assert not ActionLog.objects.filter(event="standing.suspended").exists()


def test_suspensions_of_one_member_cannot_overlap(member_a, officer):
    suspend(officer, member_a, valid_to=D(2024, 7, 1))
    with pytest.raises(ValidationError) as exc:
        suspend(officer, member_a, valid_from=D(2024, 6, 30))
    assert "valid_from" in exc.value.error_dict
    assert "already suspended" in _messages(exc.value)
    # an open-ended one starting earlier overlaps as well
    with pytest.raises(ValidationError):
        suspend(officer, member_a, valid_from=D(2023, 1, 1), valid_to=D(2024, 1, 2))
    # from the day the first ends: accepted
    assert suspend(officer, member_a, valid_from=D(2024, 7, 1)).pk


def test_a_suspension_needs_a_reason_a_legal_basis_and_an_end_after_its_start(member_a, officer):
    with pytest.raises(ValidationError) as exc:
        suspend(officer, member_a, reason=" ", legal_basis="", valid_to=D(2024, 1, 1))
    assert set(exc.value.error_dict) == {"reason", "legal_basis", "valid_to"}


def test_the_finance_module_records_arrears_through_the_same_service(member_a, officer):
    s = suspend(officer, member_a, origin=VotingSuspension.Origin.ARREARS)
    assert s.origin == VotingSuspension.Origin.ARREARS


@pytest.mark.parametrize("persona", ["rep_a", "finance_officer", "comptroller"])
def test_only_the_secretariat_suspends_or_lifts(member_a, officer, persona, request):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        suspend(actor, member_a)
    s = suspend(officer, member_a)
    with pytest.raises(PermissionDenied):
        voting_suspension_lift(actor=actor, suspension=s, on=D(2024, 5, 1), reason="Paid")
    s.refresh_from_db()
    assert s.valid_to is None


# --- voting_suspension_lift -------------------------------------------------------------


def test_lifting_sets_the_end_keeps_the_record_and_logs_why(member_a, officer):
    s = suspend(officer, member_a)
    voting_suspension_lift(
        actor=officer, suspension=s, on=D(2024, 5, 15), reason="Dues paid on 14 May"
    )
    s.refresh_from_db()
    assert s.valid_to == D(2024, 5, 15) and s.lift_reason == "Dues paid on 14 May"
    log = ActionLog.objects.get(event="standing.lifted", target_id=str(s.pk))
    assert log.old_values["valid_to"] is None and log.new_values["valid_to"] == "2024-05-15"
    assert member_a in selectors.voting_members_on(day=D(2024, 5, 15))


def test_a_suspension_is_lifted_only_after_it_starts_before_it_ends_and_with_a_reason(
    member_a, officer
):
    s = suspend(officer, member_a, valid_to=D(2024, 12, 1))
    for on in (D(2024, 1, 1), D(2023, 12, 1), D(2024, 12, 1), D(2025, 1, 1)):
        with pytest.raises(ValidationError) as exc:
            voting_suspension_lift(actor=officer, suspension=s, on=on, reason="x")
        assert "on" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        voting_suspension_lift(actor=officer, suspension=s, on=D(2024, 6, 1), reason="")
    assert "reason" in exc.value.error_dict
    s.refresh_from_db()
    assert s.valid_to == D(2024, 12, 1) and s.lift_reason == ""
