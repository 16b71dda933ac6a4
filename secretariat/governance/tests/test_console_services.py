"""Holding a session through the services: opening and closing, attendance and the live
quorum it feeds, motions and amendments (services/console.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from secretariat.core.models import ActionLog
from secretariat.governance.models import (
    AttendanceEvent,
    DecisionKind,
    Motion,
    Participant,
    Proxy,
    Session,
    Vote,
)
from secretariat.governance.selectors.composition import session_roll
from secretariat.governance.selectors.console import word_diff
from secretariat.governance.services import console as services
from secretariat.governance.services import votes as vote_services
from secretariat.governance.tests.test_console_world import (
    add_participant,
    fresh,
    live_fixture,  # noqa: F401  (the `live` fixture)
    make_session,
    mark_present,
)
from secretariat.members.models import VotingSuspension

pytestmark = pytest.mark.django_db


# --- Opening and closing -----------------------------------------------------------------


def test_it_opens_a_convened_session_and_logs_it(live, officer):
    # given
    before = fresh(live.session).revision
    # when
    services.session_open(actor=officer, session=live.session, reason="Quorum reached at 10:05")
    # then
    session = fresh(live.session)
    assert session.state == Session.State.OPEN
    assert session.opened_at is not None
    assert session.revision == before + 1
    log = ActionLog.objects.get(event="session.opened")
    assert log.actor == officer and log.reason == "Quorum reached at 10:05"


def test_it_refuses_to_open_a_session_that_is_not_convened(session_world, officer, today):
    # given
    draft = make_session(session_world, state=Session.State.DRAFT)
    # when / then
    with pytest.raises(ValidationError, match="Only a convened session can be opened"):
        services.session_open(actor=officer, session=draft)
    assert fresh(draft).state == Session.State.DRAFT


def test_it_refuses_a_representative_the_chairs_actions(live, rep_a):
    # when / then: only the Secretariat holds the console
    with pytest.raises(PermissionDenied):
        services.session_open(actor=rep_a, session=live.session)
    with pytest.raises(PermissionDenied):
        services.attendance_mark(actor=rep_a, participant=live.pending, present=True)


def test_it_refuses_to_close_while_a_vote_is_open_then_closes(live, officer):
    # given: an open session with a motion put to a secret ballot
    services.session_open(actor=officer, session=live.session)
    motion = services.motion_add(
        actor=officer,
        session=fresh(live.session),
        agenda_item=live.items[0],
        title_es="Aprobar el orden del día",
        text_es="La Asamblea aprueba el orden del día.",
        proposer="Presidencia",
    )
    vote = vote_services.vote_open(actor=officer, motion=motion, method=Vote.Method.SECRET)
    # when / then
    with pytest.raises(ValidationError, match="A vote is still open"):
        services.session_close(actor=officer, session=live.session)
    assert fresh(live.session).state == Session.State.OPEN
    # when the vote is closed, the session can be closed
    vote_services.vote_close(actor=officer, vote=vote)
    services.session_close(actor=officer, session=live.session)
    session = fresh(live.session)
    assert session.state == Session.State.CLOSED and session.closed_at is not None


def test_it_refuses_to_close_a_session_not_in_progress(live, officer):
    with pytest.raises(ValidationError, match="Only a session in progress can be closed"):
        services.session_close(actor=officer, session=live.session)


# --- Attendance --------------------------------------------------------------------------


def test_it_marks_an_accredited_participant_present_and_appends_events(live, officer):
    # given
    head = live.heads[live.full[0].pk]
    revision = fresh(live.session).revision
    # when: arrives, arrives again (no change), leaves
    services.attendance_mark(actor=officer, participant=head, present=True)
    services.attendance_mark(actor=officer, participant=head, present=True)
    services.attendance_mark(actor=officer, participant=head, present=False)
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
        services.attendance_mark(actor=officer, participant=live.pending, present=True)
    with pytest.raises(ValidationError, match="Registration withdrawn"):
        services.attendance_mark(actor=officer, participant=withdrawn, present=True)
    assert not AttendanceEvent.objects.exists()


def test_it_takes_attendance_only_while_convened_or_open(session_world, officer, today):
    # given
    draft = make_session(session_world, state=Session.State.DRAFT, number=40)
    someone = add_participant(draft, session_world.full[0], "Alguien")
    # when / then
    with pytest.raises(ValidationError, match="Attendance is taken while"):
        services.attendance_mark(actor=officer, participant=someone, present=True)


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
    changed = services.attendance_mark_many(actor=officer, session=live.session, marks=marks)
    # then
    assert changed == 4
    assert session_roll(fresh(live.session)).quorum.met
    # when one of them is not accredited, nothing changes
    marks = {live.heads[live.full[4].pk].pk: True, live.pending.pk: True}
    with pytest.raises(ValidationError, match="Asesor Pendiente cannot be marked present"):
        services.attendance_mark_many(actor=officer, session=live.session, marks=marks)
    assert not Participant.objects.get(pk=live.heads[live.full[4].pk].pk).present


# --- Motions and amendments -----------------------------------------------------------------


def _motion(officer, live, **extra):
    data = {
        "actor": officer,
        "session": live.session,
        "agenda_item": live.items[1],
        "title_es": "Programa de actividades",
        "text_es": "La Asamblea aprueba el programa de actividades para 2025-2027.",
        "proposer": "Secretaría General",
        **extra,
    }
    return services.motion_add(**data)


def test_it_numbers_motions_in_the_session_and_logs_them(live, officer):
    # when
    first = _motion(officer, live, title_en="Programme of activities")
    second = _motion(officer, live, decision_kind=DecisionKind.STATUTE)
    # then
    assert (first.number, second.number) == (1, 2)
    assert first.title_en == "Programme of activities"
    assert second.decision_kind == DecisionKind.STATUTE
    assert ActionLog.objects.filter(event="motion.added").count() == 2


def test_it_refuses_a_motion_without_spanish_text_or_on_another_sessions_item(
    live, officer, session_world
):
    other = make_session(session_world, number=32)
    from secretariat.governance.models import AgendaItem

    foreign = AgendaItem.objects.create(session=other, position=1, title_es="Otro")
    with pytest.raises(ValidationError) as exc:
        _motion(officer, live, agenda_item=foreign)
    assert "agenda_item" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        _motion(officer, live, text_es="  ")
    assert "text_es" in exc.value.message_dict
    assert not Motion.objects.exists()


def test_an_amendment_follows_its_motion_and_is_shown_as_a_word_diff(live, officer):
    # given
    motion = _motion(officer, live)
    # when
    amendment = services.amendment_add(
        actor=officer,
        motion=motion,
        title_es="Enmienda de Perú",
        text_es="La Asamblea aprueba el programa de actividades revisado para 2025-2027.",
        proposer="Instituto Asociado 1",
    )
    # then
    assert amendment.amends == motion
    assert amendment.agenda_item == motion.agenda_item
    assert amendment.decision_kind == motion.decision_kind
    assert amendment.number == 2
    parts = word_diff(motion.text_es, amendment.text_es)
    assert [(p.op, p.text) for p in parts if p.op != "equal"] == [("insert", "revisado ")]
    # and an amendment cannot itself be amended
    with pytest.raises(ValidationError, match="cannot itself be amended"):
        services.amendment_add(
            actor=officer, motion=amendment, title_es="x", text_es="y", proposer="z"
        )


def test_word_diff_marks_replaced_and_removed_words():
    parts = word_diff("uno dos tres cuatro", "uno DOS tres")
    assert [(p.op, p.text) for p in parts] == [
        ("equal", "uno "),
        ("delete", "dos"),
        ("insert", "DOS"),
        ("equal", " tres"),
        ("delete", " cuatro"),
    ]


def test_a_motion_changes_only_while_proposed_and_says_why(live, officer):
    # given
    motion = _motion(officer, live)
    # when / then: a reason is required
    with pytest.raises(ValidationError) as exc:
        services.motion_update(actor=officer, motion=motion, data={"title_es": "X"}, reason="")
    assert "reason" in exc.value.message_dict
    updated = services.motion_update(
        actor=officer,
        motion=motion,
        data={"title_es": "Programa revisado", "text_en": "The Assembly approves."},
        reason="Errata",
    )
    assert updated.title_es == "Programa revisado" and updated.text_en == "The Assembly approves."
    log = ActionLog.objects.get(event="motion.updated")
    assert log.old_values == {"title_es": "Programa de actividades", "text_en": None}
    # when it is put to the vote it can no longer change
    services.session_open(actor=officer, session=live.session)
    vote_services.vote_open(actor=officer, motion=updated, method=Vote.Method.SECRET)
    with pytest.raises(ValidationError, match="not yet put to the vote"):
        services.motion_update(actor=officer, motion=updated, data={"title_es": "Y"}, reason="late")


def test_withdrawing_a_motion_withdraws_its_pending_amendments(live, officer):
    # given
    motion = _motion(officer, live)
    amendment = services.amendment_add(
        actor=officer, motion=motion, title_es="E", text_es="Otro texto.", proposer="P"
    )
    # when
    services.motion_withdraw(actor=officer, motion=motion, reason="Retirada por el proponente")
    # then
    assert Motion.objects.get(pk=motion.pk).state == Motion.State.WITHDRAWN
    assert Motion.objects.get(pk=amendment.pk).state == Motion.State.WITHDRAWN
    assert ActionLog.objects.filter(event="motion.withdrawn").count() == 2
