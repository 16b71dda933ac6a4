"""Attendance through the services, and the live quorum it feeds (services/attendance.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from secretariat.core.models import ActionLog
from secretariat.governance.models import (
    AttendanceEvent,
    Participant,
    Proxy,
    Session,
)
from secretariat.governance.selectors.composition import session_roll
from secretariat.governance.services import attendance as attendance_services
from secretariat.governance.tests.live_world import (
    add_participant,
    fresh,
    live_fixture,  # noqa: F401  (the `live` fixture)
    make_session,
    mark_present,
)
from secretariat.members.models import VotingSuspension

pytestmark = pytest.mark.django_db


def test_it_marks_an_accredited_participant_present_and_appends_events(live, officer):
    # given
    head = live.heads[live.full[0].pk]
    revision = fresh(live.session).revision
    # when: arrives, arrives again (no change), leaves
    attendance_services.attendance_mark(actor=officer, participant=head, present=True)
    attendance_services.attendance_mark(actor=officer, participant=head, present=True)
    attendance_services.attendance_mark(actor=officer, participant=head, present=False)
    # then: two events, in order; the participant is absent again; two revisions
    events = list(
        AttendanceEvent.objects.filter(participant=head).values_list("present", flat=True)
    )
    assert events == [True, False]
    head.refresh_from_db()
    assert head.present is False and head.present_since is None
    assert fresh(live.session).revision == revision + 2
    assert [e.event for e in ActionLog.objects.filter(target_id=str(head.pk)).order_by("id")] == [
        "attendance.arrived",
        "attendance.left",
    ]


def test_it_refuses_to_mark_present_someone_not_accredited(live, officer):
    # given: pending credentials; and a withdrawn registration
    withdrawn = add_participant(live.session, live.full[1], "Retirada")
    Participant.objects.filter(pk=withdrawn.pk).update(withdrawn_at=timezone.now())
    withdrawn.refresh_from_db()
    # when / then
    with pytest.raises(ValidationError, match="Credentials not yet accepted"):
        attendance_services.attendance_mark(actor=officer, participant=live.pending, present=True)
    with pytest.raises(ValidationError, match="Registration withdrawn"):
        attendance_services.attendance_mark(actor=officer, participant=withdrawn, present=True)
    assert not AttendanceEvent.objects.exists()


def test_it_takes_attendance_only_while_convened_or_open(session_world, officer, today):
    # given
    draft = make_session(session_world, state=Session.State.DRAFT, number=40)
    someone = add_participant(draft, session_world.full[0], "Alguien")
    # when / then
    with pytest.raises(ValidationError, match="Attendance is taken while"):
        attendance_services.attendance_mark(actor=officer, participant=someone, present=True)


def test_quorum_needs_more_than_half_of_the_full_members(live, officer):
    """domain.md [D]: quorum is more than half of the full members entitled to vote,
    present or represented. 6 full members: 4 are needed; 3 is exactly half, no quorum."""
    # when: three full members present
    mark_present(officer, live, live.full[:3])
    roll = session_roll(fresh(live.session))
    # then
    assert (roll.quorum.entitled, roll.quorum.present, roll.quorum.needed) == (6, 3, 4)
    assert roll.quorum.met is False
    # when: a fourth arrives
    mark_present(officer, live, live.full[3:4])
    roll = session_roll(fresh(live.session))
    # then
    assert roll.quorum.present == 4 and roll.quorum.met is True


def test_associate_members_present_do_not_count_for_quorum(live, officer):
    """domain.md [C]: only full members have the right to vote; the others have voice."""
    # when: three full members and all three associates present
    mark_present(officer, live, live.full[:3] + live.associate)
    roll = session_roll(fresh(live.session))
    # then: still 3 of 6
    assert roll.quorum.present == 3 and roll.quorum.met is False
    assert roll.participants_present == 6


def test_a_suspended_member_present_does_not_count(live, officer):
    """domain.md [D] arrears: a member whose vote is suspended keeps its voice, not its vote."""
    # given: the fourth full member's vote is suspended
    VotingSuspension.objects.create(
        institution=live.full[3],
        valid_from=dt.date(2024, 1, 1),
        reason="Cuotas impagas",
        legal_basis="Estatuto (por defecto)",
    )
    # when: four full members present, one of them suspended
    mark_present(officer, live, live.full[:4])
    roll = session_roll(fresh(live.session))
    # then: 5 entitled, 3 counted; 3 needed (more than half of 5) — met with 3
    assert (roll.quorum.entitled, roll.quorum.present, roll.quorum.needed) == (5, 3, 3)
    assert roll.unit(f"i{live.full[3].pk}").counts_for_quorum is False


def test_a_proxy_holder_present_counts_the_grantor(live, officer):
    """domain.md [D]: proxies between full members; the grantor is represented."""
    # given: full[4] gave its proxy to full[0] (accepted)
    Proxy.objects.create(
        session=live.session,
        grantor=live.full[4],
        holder=live.full[0],
        state=Proxy.State.ACCEPTED,
    )
    # when: three full members present, among them the holder
    mark_present(officer, live, live.full[:3])
    roll = session_roll(fresh(live.session))
    # then: 3 present + 1 represented = 4: quorum
    assert roll.quorum.present == 4 and roll.quorum.met is True
    assert roll.unit(f"i{live.full[4].pk}").represented_by == live.full[0]


def test_the_chairs_roll_marks_many_or_none(live, officer):
    # given
    marks = {live.heads[i.pk].pk: True for i in live.full[:4]}
    # when
    changed = attendance_services.attendance_mark_many(
        actor=officer, session=live.session, marks=marks
    )
    # then
    assert changed == 4
    assert session_roll(fresh(live.session)).quorum.met
    # when one of them is not accredited, nothing changes
    marks = {live.heads[live.full[4].pk].pk: True, live.pending.pk: True}
    with pytest.raises(ValidationError, match="Asesor Pendiente cannot be marked present"):
        attendance_services.attendance_mark_many(actor=officer, session=live.session, marks=marks)
    assert not Participant.objects.get(pk=live.heads[live.full[4].pk].pk).present
