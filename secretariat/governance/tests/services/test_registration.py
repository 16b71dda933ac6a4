"""Registration rules, tested through the services (services/registration.py):
delegates, credentials, seat holders.

The rules come from shared/domain.md: "Only full members have the right to vote. The other
members have a right to voice." [C]; "One vote per full member; proxies between full members
allowed up to one proxy each." [D] (General Assembly rule `proxies_per_member`, default 1;
other bodies default 0).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from secretariat.conftest import make_member, make_user
from secretariat.core import roles
from secretariat.core.models import ActionLog
from secretariat.governance.models import Participant, Seat, Session
from secretariat.governance.selectors.composition import session_roll
from secretariat.governance.services import registration as services
from secretariat.governance.tests.helpers import letter, represent
from secretariat.governance.tests.helpers import register_delegate as register
from secretariat.governance.tests.helpers import registration_session as make_session


@pytest.fixture
def assembly(session_world) -> Session:  # type: ignore[no-untyped-def]
    return make_session(session_world.assembly)


@pytest.fixture
def committee(session_world) -> Session:  # type: ignore[no-untyped-def]
    return make_session(session_world.committee, number=90)


# --- Delegates -------------------------------------------------------------------------------


def test_it_registers_a_delegate_of_the_representatives_own_member(assembly, member_a, rep_a):
    # when
    p = register(rep_a, assembly, member_a, "Ana Pérez", "head", position="Directora")
    # then
    assert p.institution == member_a and p.seat is None
    assert p.credentials == Participant.Credentials.PENDING
    assert p.registered_by == rep_a
    log = ActionLog.objects.get(event="participant.registered", target_id=str(p.pk))
    assert log.actor == rep_a and log.new_values["full_name"] == "Ana Pérez"
    assert p.history.count() == 1
    assert Session.objects.get(pk=assembly.pk).revision == assembly.revision + 1


def test_it_refuses_a_delegate_of_another_member(assembly, member_a, member_b, rep_a):
    with pytest.raises(PermissionDenied):
        register(rep_a, assembly, member_b)
    assert not Participant.objects.exists()


def test_it_lets_an_associate_member_register_delegates_for_its_voice(assembly, member_b, rep_b):
    # given: an associate member (voice, no vote) of the General Assembly
    # when
    p = register(rep_b, assembly, member_b, "Bruno Beta", "head")
    # then
    assert p.institution == member_b


def test_it_allows_one_head_per_delegation(assembly, member_a, rep_a):
    # given
    head = register(rep_a, assembly, member_a, "Primera", "head")
    # when / then
    with pytest.raises(ValidationError) as exc:
        register(rep_a, assembly, member_a, "Segunda", "head")
    assert "already has a head" in str(exc.value.message_dict["role"])
    # a withdrawn head makes room for another
    services.delegate_withdraw(actor=rep_a, participant=head, reason="Cambio de titular")
    assert register(rep_a, assembly, member_a, "Segunda", "head").role == "head"


@pytest.mark.parametrize("state", ["draft", "closed", "cancelled"])
def test_it_refuses_registration_unless_the_session_is_convened_or_open(
    session_world, member_a, rep_a, state
):
    # given
    session = make_session(session_world.assembly, state=state)
    # when / then
    with pytest.raises(ValidationError, match="Registration is open only"):
        register(rep_a, session, member_a)
    assert not Participant.objects.exists()


def test_it_accepts_registration_while_the_session_is_open(session_world, member_a, rep_a):
    session = make_session(session_world.assembly, state="open")
    assert register(rep_a, session, member_a).pk


def test_it_refuses_roles_a_member_does_not_name(assembly, member_a, rep_a):
    for role in ("observer", "seat", "chair"):
        with pytest.raises(ValidationError) as exc:
            register(rep_a, assembly, member_a, role=role)
        assert "role" in exc.value.message_dict


def test_it_refuses_an_institution_that_does_not_sit_on_the_body(
    committee, assembly, session_world, member_b, secretary_general
):
    # given: member_b holds no seat on the Standing Committee
    # when / then
    with pytest.raises(ValidationError) as exc:
        register(secretary_general, committee, member_b)
    assert "does not sit on" in str(exc.value.message_dict["institution"])
    # a former member does not sit on the Assembly either
    former = make_member(
        "Instituto Antiguo", session_world.full[0].country, None, since=dt.date(2000, 1, 1)
    )
    former.memberships.update(valid_to=dt.date(2005, 1, 1))
    with pytest.raises(ValidationError):
        register(secretary_general, assembly, former)


def test_it_records_a_committee_delegation_against_the_members_seat(committee, session_world):
    # given: Instituto Titular 1 coordinates Sub-region 1 on the Standing Committee
    institution = session_world.full[0]
    rep = represent(institution, "rep.t1@example.org")
    # when
    p = register(rep, committee, institution, "Coordinadora", "head")
    # then: recorded against the seat, so the live roll counts it for that seat
    assert p.seat == session_world.seats[1] and p.institution is None
    services.credentials_decide(
        actor=make_user("o@x.org", roles.OFFICER), participant=p, accept=True
    )
    Participant.objects.filter(pk=p.pk).update(present=True)
    roll = session_roll(committee)
    assert roll.unit(f"s{session_world.seats[1].pk}").present


def test_it_links_the_account_with_the_delegates_email(assembly, member_a, rep_a):
    # given
    person = make_user("Delegado@Example.org", roles.REPRESENTATIVE)
    # when
    p = register(rep_a, assembly, member_a, email="delegado@example.org")
    # then
    assert p.user == person
    with pytest.raises(ValidationError) as exc:
        register(rep_a, assembly, member_a, "Otra vez", email="delegado@example.org")
    assert "already registered" in str(exc.value.message_dict["email"])


def test_it_stores_a_letter_of_credentials_and_refuses_other_files(assembly, member_a, rep_a):
    p = register(rep_a, assembly, member_a, credentials_file=letter())
    assert p.credentials_file.name.startswith("governance/credentials/")
    for bad in (letter("carta.docx", b"PK\x03\x04rest"), letter("carta.pdf", b"not a pdf")):
        with pytest.raises(ValidationError) as exc:
            register(rep_a, assembly, member_a, "Otro", credentials_file=bad)
        assert "credentials_file" in exc.value.message_dict
    assert Participant.objects.count() == 1


def test_it_withdraws_without_deleting_and_needs_a_reason(assembly, member_a, rep_a, rep_b):
    p = register(rep_a, assembly, member_a)
    with pytest.raises(ValidationError):
        services.delegate_withdraw(actor=rep_a, participant=p, reason=" ")
    with pytest.raises(PermissionDenied):
        services.delegate_withdraw(actor=rep_b, participant=p, reason="No")
    services.delegate_withdraw(actor=rep_a, participant=p, reason="No viaja")
    p.refresh_from_db()
    assert p.withdrawn_at is not None
    assert ActionLog.objects.filter(event="participant.withdrawn", reason="No viaja").exists()
    with pytest.raises(ValidationError, match="already been withdrawn"):
        services.delegate_withdraw(actor=rep_a, participant=p, reason="Otra vez")


# --- Credentials -------------------------------------------------------------------------------


def test_it_rejects_credentials_only_with_a_note(assembly, member_a, rep_a, officer):
    # given
    p = register(rep_a, assembly, member_a)
    # when / then
    with pytest.raises(ValidationError) as exc:
        services.credentials_decide(actor=officer, participant=p, accept=False, note="")
    assert "note" in exc.value.message_dict
    p.refresh_from_db()
    assert p.credentials == Participant.Credentials.PENDING
    services.credentials_decide(
        actor=officer, participant=p, accept=False, note="La carta no está firmada."
    )
    p.refresh_from_db()
    assert p.credentials == "rejected" and p.credentials_note == "La carta no está firmada."
    assert p.checked_by == officer
    log = ActionLog.objects.get(event="participant.credentials_rejected")
    assert log.old_values["credentials"] == "pending" and log.reason == "La carta no está firmada."


def test_it_lets_only_the_secretariat_decide_credentials(assembly, member_a, rep_a, comptroller):
    p = register(rep_a, assembly, member_a)
    for actor in (rep_a, comptroller):
        with pytest.raises(PermissionDenied):
            services.credentials_decide(actor=actor, participant=p, accept=True)


def test_it_accepts_pending_credentials_in_bulk(assembly, member_a, rep_a, officer):
    # given
    one = register(rep_a, assembly, member_a, "Uno")
    two = register(rep_a, assembly, member_a, "Dos")
    rejected = register(rep_a, assembly, member_a, "Tres")
    services.credentials_decide(actor=officer, participant=rejected, accept=False, note="Sin carta")
    other_session = make_session(assembly.body, number=32)
    elsewhere = register(rep_a, other_session, member_a, "Cuatro")
    # when
    count = services.credentials_accept_all(
        actor=officer,
        session=assembly,
        participant_ids=[one.pk, two.pk, rejected.pk, elsewhere.pk],
    )
    # then: only this session's pending ones
    assert count == 2
    states = dict(Participant.objects.values_list("full_name", "credentials"))
    assert states == {"Uno": "accepted", "Dos": "accepted", "Tres": "rejected", "Cuatro": "pending"}
    with pytest.raises(ValidationError, match="Select at least one"):
        services.credentials_accept_all(actor=officer, session=assembly, participant_ids=[one.pk])


# --- Seat holders ----------------------------------------------------------------------------


def test_it_registers_the_seat_holders_once(committee, session_world, officer):
    # given: a seat holder with an account
    president = make_user("presidente@example.org", roles.REPRESENTATIVE)
    Seat.objects.filter(pk=session_world.seats[0].pk).update(email="presidente@example.org")
    # when
    first = services.seat_holders_register(actor=officer, session=committee)
    second = services.seat_holders_register(actor=officer, session=committee)
    # then: 5 voting seats and 2 voice seats; the second run adds nothing
    assert (first, second) == (7, 0)
    holders = Participant.objects.filter(session=committee, role=Participant.Role.SEAT_HOLDER)
    assert holders.count() == 7
    assert set(holders.values_list("credentials", flat=True)) == {"pending"}
    chair = holders.get(seat=session_world.seats[0])
    assert chair.full_name == "Presidente de prueba" and chair.user == president


def test_it_registers_the_voice_seats_of_an_assembly_of_all_members(
    assembly, session_world, officer
):
    Seat.objects.create(
        body=session_world.assembly,
        capacity=Seat.Capacity.VOICE,
        title="Contraloría",
        valid_from=dt.date(2020, 1, 1),
    )
    assert services.seat_holders_register(actor=officer, session=assembly) == 1
    p = Participant.objects.get(session=assembly)
    assert p.full_name == "Contraloría" and p.role == "seat"


def test_it_lets_only_the_secretariat_register_seat_holders(committee, rep_a):
    with pytest.raises(PermissionDenied):
        services.seat_holders_register(actor=rep_a, session=committee)
