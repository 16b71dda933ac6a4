"""Votes through the services: who may vote, the majority fixed at opening, each method,
the chair's ruling, and the secrecy of ballots.

Rules: domain.md — "Only full members have the right to vote" [C]; one vote per full member,
proxies between full members [D]; quorum and majorities [D] (see test_arithmetic.py).
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from secretariat.conftest import make_user
from secretariat.core import roles
from secretariat.core.models import ActionLog
from secretariat.governance.models import (
    BallotReceipt,
    DecisionKind,
    Motion,
    Participant,
    Proxy,
    SecretTally,
    Session,
    Vote,
)
from secretariat.governance.selectors.composition import session_roll, unit_key
from secretariat.governance.selectors.votes import vote_progress
from secretariat.governance.services import votes
from secretariat.members.models import VotingSuspension


def open_session(body, number=31) -> Session:
    session = Session.objects.create(
        body=body,
        kind=Session.Kind.ORDINARY,
        number=number,
        title_es=f"{number} Asamblea",
        starts_at=timezone.now(),
        languages=["es", "en"],
    )
    Session.objects.filter(pk=session.pk).update(state=Session.State.OPEN)
    return Session.objects.get(pk=session.pk)


def delegate(session, institution, n, present=True, role=Participant.Role.HEAD):
    user = make_user(f"delegate{n}@example.org", roles.REPRESENTATIVE)
    Participant.objects.create(
        session=session,
        institution=institution,
        full_name=f"Delegate {n}",
        user=user,
        role=role,
        credentials=Participant.Credentials.ACCEPTED,
        present=present,
    )
    return user


def motion(session, kind=DecisionKind.ORDINARY, number=1) -> Motion:
    return Motion.objects.create(
        session=session,
        number=number,
        proposer="Delegación de México",
        title_es="Aprobar el informe",
        text_es="La Asamblea aprueba el informe.",
        decision_kind=kind,
    )


@pytest.fixture
def assembly(session_world, secretary_general):
    session = open_session(session_world.assembly)
    users = [delegate(session, inst, i) for i, inst in enumerate(session_world.full[:5])]
    assoc = delegate(session, session_world.associate[0], 90)
    return session, users, assoc


def test_only_the_secretariat_opens_a_vote(assembly, rep_a):
    session, _users, _assoc = assembly
    with pytest.raises(PermissionDenied):
        votes.vote_open(actor=rep_a, motion=motion(session), method=Vote.Method.SECRET)


def test_the_majority_and_counts_are_fixed_when_the_vote_opens(assembly, secretary_general):
    session, _users, _assoc = assembly
    vote = votes.vote_open(
        actor=secretary_general,
        motion=motion(session, DecisionKind.STATUTE),
        method=Vote.Method.SHOW_OF_HANDS,
    )
    # 6 full members entitled (domain.md: only full members vote); 5 present.
    assert (vote.entitled, vote.present) == (6, 5)
    assert vote.majority == "two_thirds"  # domain.md [D]: Statute amendments need two-thirds
    assert vote.majority_rule.endswith("[D]")


def test_show_of_hands_two_thirds_boundary(assembly, secretary_general):
    session, _users, _assoc = assembly
    m = motion(session, DecisionKind.ADMISSION)
    vote = votes.vote_open(actor=secretary_general, motion=m, method=Vote.Method.SHOW_OF_HANDS)
    vote = votes.vote_record_hands(actor=secretary_general, vote=vote, yes=2, no=1, abstain=2)
    assert vote.carried is True  # exactly two-thirds of votes cast; abstentions not counted
    assert Motion.objects.get(pk=m.pk).state == Motion.State.CARRIED


def test_show_of_hands_cannot_exceed_the_members_present(assembly, secretary_general):
    session, _users, _assoc = assembly
    vote = votes.vote_open(actor=secretary_general, motion=motion(session), method="hands")
    with pytest.raises(ValidationError, match="only 5 voting members"):
        votes.vote_record_hands(actor=secretary_general, vote=vote, yes=4, no=2, abstain=0)
    assert Vote.objects.get(pk=vote.pk).state == Vote.State.OPEN


def test_a_tie_is_not_carried_and_the_chair_may_rule_with_a_reason(assembly, secretary_general):
    session, _users, _assoc = assembly
    m = motion(session)
    vote = votes.vote_open(actor=secretary_general, motion=m, method="hands")
    vote = votes.vote_record_hands(actor=secretary_general, vote=vote, yes=2, no=2, abstain=1)
    assert vote.carried is False  # domain.md [D]: a tie means the motion is not carried
    with pytest.raises(ValidationError):
        votes.vote_override(actor=secretary_general, vote=vote, carried=True, reason=" ")
    vote = votes.vote_override(
        actor=secretary_general, vote=vote, carried=True, reason="Error de conteo corregido"
    )
    assert (vote.carried_computed, vote.carried) == (False, True)
    assert Motion.objects.get(pk=m.pk).state == Motion.State.CARRIED
    log = ActionLog.objects.filter(event="vote.chair_ruling").get()
    assert log.reason == "Error de conteo corregido"


def test_roll_call_records_each_member_in_order(assembly, secretary_general, session_world):
    session, _users, _assoc = assembly
    vote = votes.vote_open(actor=secretary_general, motion=motion(session), method="roll_call")
    units = votes.roll_call_units(vote)
    assert len(units) == 5  # the associate member present has voice, not vote
    for unit, choice in zip(units, ["yes", "yes", "no", "abstain", "yes"], strict=True):
        votes.vote_record_roll_call(
            actor=secretary_general, vote=vote, unit_key=unit.row.key, choice=choice
        )
    absent = unit_key(institution_id=session_world.full[5].pk)
    with pytest.raises(ValidationError):
        votes.vote_record_roll_call(
            actor=secretary_general, vote=vote, unit_key=absent, choice="yes"
        )
    vote = votes.vote_close(actor=secretary_general, vote=vote)
    assert (vote.yes, vote.no, vote.abstain, vote.carried) == (3, 1, 1, True)
    assert [e.position for e in vote.roll_call.all()] == [1, 2, 3, 4, 5]


def test_acclamation_is_recorded_as_adopted(assembly, secretary_general):
    session, _users, _assoc = assembly
    m = motion(session)
    vote = votes.vote_open(actor=secretary_general, motion=m, method="acclamation")
    assert vote.state == Vote.State.CLOSED and vote.carried is True
    assert Motion.objects.get(pk=m.pk).state == Motion.State.CARRIED


def test_secret_ballot_counts_each_member_once(assembly, secretary_general, session_world):
    session, users, assoc = assembly
    vote = votes.vote_open(actor=secretary_general, motion=motion(session), method="secret")
    for user, inst, choice in zip(
        users, session_world.full[:5], ["yes", "no", "yes", "abstain", "yes"], strict=True
    ):
        votes.ballot_cast(user=user, vote=vote, unit_key=f"i{inst.pk}", choice=choice)
    with pytest.raises(ValidationError, match="already voted"):
        votes.ballot_cast(
            user=users[0], vote=vote, unit_key=f"i{session_world.full[0].pk}", choice="no"
        )
    assert vote_progress(vote) == (5, 5)
    vote = votes.vote_close(actor=secretary_general, vote=vote)
    assert (vote.yes, vote.no, vote.abstain, vote.carried) == (3, 1, 1, True)


def test_who_cannot_cast_a_secret_ballot_is_told_why(assembly, secretary_general, session_world):
    session, users, assoc = assembly
    vote = votes.vote_open(actor=secretary_general, motion=motion(session), method="secret")
    # An associate member: voice, no vote (domain.md: only full members vote).
    with pytest.raises(ValidationError, match="voice, no vote"):
        votes.ballot_cast(
            user=assoc, vote=vote, unit_key=f"i{session_world.associate[0].pk}", choice="yes"
        )
    # A delegate of another member cannot cast someone else's vote.
    with pytest.raises(ValidationError, match="cannot cast"):
        votes.ballot_cast(
            user=users[0], vote=vote, unit_key=f"i{session_world.full[1].pk}", choice="yes"
        )
    # Not present.
    Participant.objects.filter(user=users[1]).update(present=False)
    with pytest.raises(ValidationError, match="not marked present"):
        votes.ballot_cast(
            user=users[1], vote=vote, unit_key=f"i{session_world.full[1].pk}", choice="yes"
        )
    assert BallotReceipt.objects.count() == 0
    assert sum(SecretTally.objects.values_list("count", flat=True)) == 0


def test_a_suspended_member_cannot_vote(assembly, secretary_general, session_world):
    session, users, _assoc = assembly
    VotingSuspension.objects.create(
        institution=session_world.full[0],
        valid_from=timezone.localdate() - dt.timedelta(days=1),
        reason="Cuotas impagas de dos años",
        legal_basis="Regla de atrasos [D]",
    )
    roll = session_roll(session)
    assert (roll.entitled, roll.voting_present) == (5, 4)
    vote = votes.vote_open(actor=secretary_general, motion=motion(session), method="secret")
    with pytest.raises(ValidationError, match="suspended"):
        votes.ballot_cast(
            user=users[0], vote=vote, unit_key=f"i{session_world.full[0].pk}", choice="yes"
        )


def test_a_proxy_holder_casts_the_absent_grantors_vote(assembly, secretary_general, session_world):
    session, users, _assoc = assembly
    absent = session_world.full[5]
    Proxy.objects.create(
        session=session, grantor=absent, holder=session_world.full[0], state="accepted"
    )
    roll = session_roll(session)
    assert roll.voting_present == 6  # represented counts for quorum
    vote = votes.vote_open(actor=secretary_general, motion=motion(session), method="secret")
    votes.ballot_cast(user=users[0], vote=vote, unit_key=f"i{absent.pk}", choice="no")
    votes.ballot_cast(
        user=users[0], vote=vote, unit_key=f"i{session_world.full[0].pk}", choice="yes"
    )
    receipt = BallotReceipt.objects.get(institution=absent)
    assert receipt.by_proxy is True


def test_no_row_links_a_delegate_to_their_choice(assembly, secretary_general, session_world):
    """The secret ballot's guarantee: every table, log and history row is searched for a row
    that holds both a voter (person, participant or institution) and a choice."""
    session, users, _assoc = assembly
    vote = votes.vote_open(actor=secretary_general, motion=motion(session), method="secret")
    for user, inst, choice in zip(
        users, session_world.full[:5], ["yes", "no", "abstain", "no", "no"], strict=True
    ):
        votes.ballot_cast(user=user, vote=vote, unit_key=f"i{inst.pk}", choice=choice)
    votes.vote_close(actor=secretary_general, vote=vote)

    voter_columns = {"user", "cast_by", "participant", "institution", "seat", "author", "actor"}
    for model in apps.get_models():
        fields = {f.name for f in model._meta.concrete_fields}
        has_voter = bool(fields & voter_columns) or model is ActionLog
        has_choice = "choice" in fields
        if model.__name__ == "RollCallEntry":
            continue  # roll-call answers are public by nature; no roll-call in this vote
        if has_voter and has_choice:
            raise AssertionError(f"{model.__name__} holds a voter and a choice")
    assert not model_has_rows("RollCallEntry")
    # The action log says that members voted, never how.
    for row in ActionLog.objects.filter(event="vote.ballot_cast"):
        text = f"{row.old_values} {row.new_values} {row.reason}"
        assert "yes" not in text and "no'" not in text and "abstain" not in text
        assert set(row.new_values) == {"member"}
    # Tallies have no history and no time stamp.
    assert not hasattr(SecretTally, "history")
    assert {f.name for f in SecretTally._meta.concrete_fields} == {"id", "vote", "choice", "count"}
    assert not hasattr(BallotReceipt, "history")
    assert "choice" not in {f.name for f in BallotReceipt._meta.concrete_fields}
    # The receipts' chain (decision 0012) hashes who and when, never what: recomputing each
    # receipt's hash from its own columns gives its stored hash, so nothing else went in.
    for receipt in BallotReceipt.objects.filter(vote=vote):
        assert receipt.compute_hash() == receipt.hash
    closed = ActionLog.objects.get(event="vote.closed", target_id=str(vote.pk))
    assert closed.new_values["ballots"] == 5


def model_has_rows(name: str) -> bool:
    return apps.get_model("governance", name).objects.exists()


def test_votes_are_taken_only_while_the_session_is_open(session_world, secretary_general):
    session = open_session(session_world.assembly)
    Session.objects.filter(pk=session.pk).update(state=Session.State.CLOSED)
    session = Session.objects.get(pk=session.pk)
    with pytest.raises(ValidationError, match="not in progress"):
        votes.vote_open(actor=secretary_general, motion=motion(session), method="hands")


def test_in_the_standing_committee_seats_vote_and_voice_seats_do_not(
    session_world, secretary_general
):
    """domain.md [C]: the Standing Committee's members vote; the Secretary General, the
    Comptroller and the CIESS Director attend with voice and no vote. [D]: quorum is more
    than half of its voting seats."""
    session = open_session(session_world.committee, number=1)
    president = make_user("president@example.org", roles.REPRESENTATIVE)
    Participant.objects.create(
        session=session,
        seat=session_world.seats[0],
        full_name="Presidente",
        user=president,
        role=Participant.Role.SEAT_HOLDER,
        credentials=Participant.Credentials.ACCEPTED,
        present=True,
    )
    # The coordinator's institution registered its delegate: it sits in that seat.
    coordinator = delegate(session, session_world.full[0], 1)
    sg = make_user("sg-seat@example.org", roles.REPRESENTATIVE)
    Participant.objects.create(
        session=session,
        seat=session_world.voice_seats[0],
        full_name="Secretario General",
        user=sg,
        role=Participant.Role.SEAT_HOLDER,
        credentials=Participant.Credentials.ACCEPTED,
        present=True,
    )
    roll = session_roll(session)
    # 5 voting seats (President + 4 coordinators): 2 present is no quorum, 3 would be.
    assert (roll.entitled, roll.voting_present, roll.quorum.needed) == (5, 2, 3)
    assert roll.quorum.met is False
    with pytest.raises(ValidationError, match="There is no quorum: 2 of 5"):
        votes.vote_open(actor=secretary_general, motion=motion(session), method="secret")
    delegate(session, session_world.full[1], 2)  # a third coordinator: quorum
    vote = votes.vote_open(
        actor=secretary_general, motion=Motion.objects.get(session=session), method="secret"
    )
    votes.ballot_cast(
        user=president, vote=vote, unit_key=f"s{session_world.seats[0].pk}", choice="yes"
    )
    votes.ballot_cast(
        user=coordinator, vote=vote, unit_key=f"s{session_world.seats[1].pk}", choice="yes"
    )
    with pytest.raises(ValidationError, match="Voice only"):
        votes.ballot_cast(
            user=sg, vote=vote, unit_key=f"s{session_world.voice_seats[0].pk}", choice="no"
        )
    vote = votes.vote_close(actor=secretary_general, vote=vote)
    assert (vote.yes, vote.no, vote.carried) == (2, 0, True)


def test_a_refused_ballot_leaves_the_tallies_and_the_chain_as_they_were(
    assembly, secretary_general, session_world
):
    """The tally is incremented before the vote is locked (decision 0012): a ballot refused
    under the lock (already voted, vote closed) must roll its increment back."""
    session, users, _assoc = assembly
    vote = votes.vote_open(actor=secretary_general, motion=motion(session), method="secret")
    votes.ballot_cast(
        user=users[0], vote=vote, unit_key=f"i{session_world.full[0].pk}", choice="yes"
    )

    def state() -> tuple[dict[str, int], tuple[int, str]]:
        tallies = dict(SecretTally.objects.filter(vote=vote).values_list("choice", "count"))
        head = Vote.objects.values_list("ballots_cast", "ballots_hash").get(pk=vote.pk)
        return tallies, head

    before = state()
    # when: the same member again
    with pytest.raises(ValidationError, match="already voted"):
        votes.ballot_cast(
            user=users[0], vote=vote, unit_key=f"i{session_world.full[0].pk}", choice="no"
        )
    # then
    assert state() == before
    # when: the vote is closed, then a member who has not voted tries
    votes.vote_close(actor=secretary_general, vote=vote)
    before = state()
    with pytest.raises(ValidationError, match="closed"):
        votes.ballot_cast(
            user=users[1], vote=vote, unit_key=f"i{session_world.full[1].pk}", choice="no"
        )
    # then
    assert state() == before
    assert BallotReceipt.objects.filter(vote=vote).count() == 1
