"""Seat services: who sits on a body, from when, in what capacity (governance.services.seats).

Rules and their sources: shared/domain.md — the General Assembly is made up of all members
and only full members vote (CISS General Assembly page), so its seats are voice or observer
seats; the Standing Committee's members are the President, three Vice-Presidents and the
five Sub-region coordinators, with the Secretary General, the Comptroller and the CIESS
Director attending with voice and no vote (CISS Standing Committee page); history is never
rewritten (design.md: dated validity, end instead of delete).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from secretariat.conftest import make_member
from secretariat.core.models import ActionLog
from secretariat.governance.models import Body, Seat, Session
from secretariat.governance.services.seats import seat_add, seat_end, seat_update
from secretariat.members.models import Institution

pytestmark = pytest.mark.django_db

D = dt.date


def _add(actor, body, **kw):  # type: ignore[no-untyped-def]
    """seat_add with defaults for what a test does not care about."""
    args = {
        "capacity": Seat.Capacity.MEMBER,
        "title": "Vicepresidencia 1",
        "valid_from": D(2023, 1, 1),
        "reason": "Elected by the XXX General Assembly",
    }
    args.update(kw)
    return seat_add(actor=actor, body=body, **args)


def _messages(exc: ValidationError) -> str:
    return " ".join(str(m) for m in exc.messages)


# --- Adding ---------------------------------------------------------------------------


def test_it_adds_a_voting_seat_to_the_standing_committee_with_history_and_log(
    session_world, officer, today
):
    # given the Standing Committee (CISS SC page: three Vice-Presidents sit with vote)
    committee = session_world.committee
    # when
    seat = _add(officer, committee, holder="", valid_to=D(2026, 1, 1), order=3)
    # then
    seat.refresh_from_db()
    assert seat.capacity == Seat.Capacity.MEMBER and seat.has_vote
    assert seat.valid_to == D(2026, 1, 1)
    log = ActionLog.objects.get(event="seat.added", target_id=str(seat.pk))
    assert log.actor == officer
    assert log.reason == "Elected by the XXX General Assembly"
    assert log.new_values["title"] == "Vicepresidencia 1"
    assert seat.history.latest().history_change_reason == "Elected by the XXX General Assembly"


@pytest.mark.parametrize("capacity", [Seat.Capacity.MEMBER, Seat.Capacity.OFFICER])
def test_only_voice_or_observer_seats_in_the_general_assembly_members_vote_through_membership__domain_md_ciss_ga_page(
    session_world, officer, capacity
):
    # given the GA, a body of all members (only full members vote, CISS GA page)
    with pytest.raises(ValidationError) as exc:
        _add(officer, session_world.assembly, capacity=capacity, title="Observador")
    # then the message says why, on the capacity field
    assert "capacity" in exc.value.error_dict
    assert "only voice or observer seats" in _messages(exc.value)
    assert not Seat.objects.filter(body=session_world.assembly).exists()


def test_the_general_assembly_takes_voice_seats_for_the_comptroller__domain_md_ga_also_attend(
    session_world, officer
):
    seat = _add(officer, session_world.assembly, capacity=Seat.Capacity.VOICE, title="Contraloría")
    assert seat.body == session_world.assembly and not seat.has_vote


def test_a_body_that_holds_no_sessions_has_no_seats(session_world, officer):
    office = Body.objects.create(code="presidency", name="Presidencia", kind=Body.Kind.OFFICE)
    with pytest.raises(ValidationError) as exc:
        _add(officer, office)
    assert "does not hold sessions" in _messages(exc.value)
    assert not Seat.objects.filter(body=office).exists()


def test_a_seats_institution_must_be_a_member_when_the_seat_starts(
    session_world, officer, countries
):
    member = session_world.full[0]  # member since 2010-01-01 (make_member)
    # before its membership began
    with pytest.raises(ValidationError) as exc:
        _add(officer, session_world.committee, institution=member, valid_from=D(2005, 1, 1))
    assert "institution" in exc.value.error_dict
    assert "is not a member on" in _messages(exc.value)
    # an institution that never was a member
    outsider = Institution.objects.create(name="Externa", slug="externa", country=countries["MX"])
    with pytest.raises(ValidationError):
        _add(officer, session_world.committee, institution=outsider)
    # a member on the day: accepted
    seat = _add(officer, session_world.committee, institution=member, valid_from=D(2023, 1, 1))
    assert seat.institution == member


def test_a_seat_must_end_after_it_starts(session_world, officer):
    with pytest.raises(ValidationError) as exc:
        _add(officer, session_world.committee, valid_to=D(2023, 1, 1))
    assert "valid_to" in exc.value.error_dict
    assert "must end after it starts" in _messages(exc.value)


def test_two_seats_of_a_body_with_the_same_title_cannot_overlap_in_time(session_world, officer):
    committee = session_world.committee
    _add(officer, committee, valid_to=D(2024, 1, 1))
    # overlapping (also when the title differs only by case)
    with pytest.raises(ValidationError) as exc:
        _add(officer, committee, title="VICEPRESIDENCIA 1", valid_from=D(2023, 6, 1))
    assert "title" in exc.value.error_dict
    assert "already recorded" in _messages(exc.value)
    # an open seat starting before and running into the period also overlaps
    with pytest.raises(ValidationError):
        _add(officer, committee, valid_from=D(2022, 1, 1))
    # starting the day the first ends (ends are exclusive): no overlap
    nxt = _add(officer, committee, valid_from=D(2024, 1, 1))
    assert nxt.pk
    # the same title on another body is another seat
    other = _add(officer, session_world.assembly, capacity=Seat.Capacity.VOICE)
    assert other.pk


@pytest.mark.parametrize("persona", ["rep_a", "finance_officer", "comptroller"])
def test_only_the_secretariat_manages_seats(session_world, persona, request):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        _add(actor, session_world.committee)
    assert not Seat.objects.filter(title="Vicepresidencia 1").exists()
    assert not ActionLog.objects.filter(event="seat.added").exists()


def test_adding_a_seat_needs_a_reason(session_world, officer):
    with pytest.raises(ValidationError) as exc:
        _add(officer, session_world.committee, reason="  ")
    assert "reason" in exc.value.error_dict


def test_a_change_of_seats_refreshes_the_pages_of_the_bodys_sessions_not_yet_closed(
    session_world, officer
):
    # given a session of the committee in preparation
    session = Session.objects.create(
        body=session_world.committee,
        kind=Session.Kind.ORDINARY,
        number=1,
        title="Sesión ordinaria",
        starts_at=timezone.now(),
    )
    # when a seat is added
    _add(officer, session_world.committee)
    # then its revision moved (the pages' ETag changes)
    assert Session.objects.get(pk=session.pk).revision == 1


# --- Ending ---------------------------------------------------------------------------


def test_it_ends_a_seat_keeping_the_record_and_logging_why(session_world, officer):
    seat = session_world.voice_seats[0]
    seat_end(actor=officer, seat=seat, valid_to=D(2024, 1, 1), reason="End of the term")
    seat.refresh_from_db()
    assert seat.valid_to == D(2024, 1, 1)
    log = ActionLog.objects.get(event="seat.ended", target_id=str(seat.pk))
    assert log.old_values == {"valid_to": None}
    assert log.new_values == {"valid_to": "2024-01-01"}
    assert log.reason == "End of the term"


def test_a_seat_cannot_end_before_it_starts_nor_have_its_end_pushed_back(session_world, officer):
    seat = session_world.voice_seats[0]  # from 2020-01-01
    with pytest.raises(ValidationError) as exc:
        seat_end(actor=officer, seat=seat, valid_to=D(2020, 1, 1), reason="x")
    assert "valid_to" in exc.value.error_dict
    seat_end(actor=officer, seat=seat, valid_to=D(2024, 1, 1), reason="End of the term")
    with pytest.raises(ValidationError) as exc:
        seat_end(actor=officer, seat=seat, valid_to=D(2025, 1, 1), reason="Later")
    assert "can only be brought forward" in _messages(exc.value)
    # brought forward: accepted
    seat_end(actor=officer, seat=seat, valid_to=D(2023, 1, 1), reason="Resigned earlier")
    seat.refresh_from_db()
    assert seat.valid_to == D(2023, 1, 1)


@pytest.mark.parametrize("persona", ["rep_a", "finance_officer", "comptroller"])
def test_only_the_secretariat_ends_seats(session_world, persona, request):
    seat = session_world.voice_seats[0]
    with pytest.raises(PermissionDenied):
        seat_end(
            actor=request.getfixturevalue(persona), seat=seat, valid_to=D(2024, 1, 1), reason="x"
        )
    seat.refresh_from_db()
    assert seat.valid_to is None


# --- Correcting -----------------------------------------------------------------------


def test_it_corrects_a_holder_recorded_wrongly_with_old_and_new_in_the_log(
    session_world, officer, secretary_general
):
    seat = session_world.seats[0]
    seat_update(
        actor=officer,
        seat=seat,
        data={"holder": "Nombre corregido", "user": secretary_general},
        reason="Misspelt",
    )
    seat.refresh_from_db()
    assert seat.holder == "Nombre corregido" and seat.user == secretary_general
    assert seat.email == secretary_general.email
    log = ActionLog.objects.get(event="seat.updated", target_id=str(seat.pk))
    assert log.old_values["holder"] == "Presidente de prueba"
    assert log.new_values["holder"] == "Nombre corregido"
    assert log.reason == "Misspelt"


def test_a_correction_cannot_change_dates_or_capacity_and_needs_a_reason(session_world, officer):
    seat = session_world.seats[0]
    with pytest.raises(ValueError):
        seat_update(actor=officer, seat=seat, data={"capacity": "voice"}, reason="x")
    with pytest.raises(ValidationError) as exc:
        seat_update(actor=officer, seat=seat, data={"holder": "X"}, reason="")
    assert "reason" in exc.value.error_dict


def test_a_corrected_title_may_not_collide_with_another_seat_in_force(session_world, officer):
    seat = session_world.seats[1]
    with pytest.raises(ValidationError) as exc:
        seat_update(actor=officer, seat=seat, data={"title": "presidencia"}, reason="x")
    assert "title" in exc.value.error_dict


def test_a_correction_that_changes_nothing_writes_nothing(session_world, officer):
    seat = session_world.seats[0]
    seat_update(actor=officer, seat=seat, data={"holder": seat.holder}, reason="x")
    assert not ActionLog.objects.filter(event="seat.updated").exists()


def test_seat_holder_member_of_a_later_category_counts_from_its_own_start(
    session_world, officer, categories, countries
):
    # A member admitted in 2024 cannot hold a seat that starts in 2023 (membership on valid_from).
    late = make_member("Instituto Nuevo", countries["PE"], categories["full"], since=D(2024, 3, 1))
    with pytest.raises(ValidationError):
        _add(officer, session_world.committee, institution=late, valid_from=D(2023, 1, 1))
    assert _add(officer, session_world.committee, institution=late, valid_from=D(2024, 3, 1)).pk
