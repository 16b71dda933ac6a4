"""A secret ballot's chain of receipts, verified with the action log (decision 0012): through
`manage.py verify_action_log`, after someone with the database edited, deleted, inserted or
re-sealed receipts behind the application's back."""

from __future__ import annotations

import dataclasses
import io

import pytest
from django.core.management import CommandError, call_command
from django.db.models import F
from django.utils import timezone

from secretariat.core.anchoring import EMPTY_HASH, keyring, new_key_text
from secretariat.core.models import ActionLog
from secretariat.governance.models import BallotReceipt, Participant, SecretTally, Vote
from secretariat.governance.services import votes
from secretariat.governance.tests.services.test_votes import delegate, motion, open_session

pytestmark = pytest.mark.django_db
CHOICES = ["yes", "no", "abstain", "yes", "yes"]


@pytest.fixture
def key(settings) -> str:
    """A signing key configured as the site's (seals the receipts and the log's rows)."""
    text = new_key_text()
    settings.ACTION_LOG_SIGNING_KEY = text
    return text


@dataclasses.dataclass
class Ballot:
    vote: Vote
    receipts: list[BallotReceipt]
    secretary: object


def cast_five(session_world, secretary_general, *, close: bool) -> Ballot:
    session = open_session(session_world.assembly)
    users = [delegate(session, inst, i) for i, inst in enumerate(session_world.full[:5])]
    vote = votes.vote_open(actor=secretary_general, motion=motion(session), method="secret")
    for user, inst, choice in zip(users, session_world.full[:5], CHOICES, strict=True):
        votes.ballot_cast(user=user, vote=vote, unit_key=f"i{inst.pk}", choice=choice)
    if close:
        vote = votes.vote_close(actor=secretary_general, vote=vote)
    receipts = list(BallotReceipt.objects.filter(vote=vote).order_by("position"))
    if keyring().current is not None:  # the log anchored outside the database, as in production
        call_command("checkpoint_action_log", stdout=io.StringIO(), stderr=io.StringIO())
    return Ballot(Vote.objects.get(pk=vote.pk), receipts, secretary_general)


def verify() -> tuple[bool, str]:
    """(intact, what the command wrote)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("verify_action_log", stdout=out, stderr=err)
    except CommandError as exc:
        return False, f"{out.getvalue()}{err.getvalue()}{exc}"
    return True, out.getvalue() + err.getvalue()


def rechain(vote: Vote, *, with_key: bool = False) -> None:
    """What someone with the database does to hide a change: renumber, relink and rehash the
    vote's receipts (re-seal them when they hold the key), and move the vote's head."""
    prev, n = EMPTY_HASH, 0
    for receipt in BallotReceipt.objects.filter(vote=vote).order_by("position", "pk"):
        n += 1
        receipt.position, receipt.prev_hash = n, prev
        receipt.hash = receipt.compute_hash()
        receipt.seal = keyring().seal(receipt.hash) if with_key else receipt.seal
        BallotReceipt.objects.filter(pk=receipt.pk).update(
            position=n, prev_hash=prev, hash=receipt.hash, seal=receipt.seal
        )
        prev = receipt.hash
    Vote.objects.filter(pk=vote.pk).update(ballots_cast=n, ballots_hash=prev)


def test_ballots_are_chained_sealed_and_anchored_by_the_closing(
    session_world, secretary_general, key
):
    # when
    ballot = cast_five(session_world, secretary_general, close=True)
    # then: five receipts, each after the one before, sealed; the vote's head is the last
    prev = EMPTY_HASH
    for n, receipt in enumerate(ballot.receipts, start=1):
        assert (receipt.position, receipt.prev_hash) == (n, prev)
        assert receipt.hash == receipt.compute_hash()
        assert keyring().seal_problem(receipt.hash, receipt.seal) is None
        prev = receipt.hash
    assert (ballot.vote.ballots_cast, ballot.vote.ballots_hash) == (5, prev)
    # no action-log entry per ballot: the closing entry anchors the count and the head
    assert not ActionLog.objects.filter(event="vote.ballot_cast").exists()
    opened = ActionLog.objects.get(event="vote.opened", target_id=str(ballot.vote.pk))
    assert opened.new_values["ballots"] == "sealed"
    closed = ActionLog.objects.get(event="vote.closed", target_id=str(ballot.vote.pk))
    assert (closed.new_values["ballots"], closed.new_values["ballots_hash"]) == (5, prev)
    assert verify()[0]


def test_an_edited_receipt_is_found(session_world, secretary_general, key):
    # given
    ballot = cast_five(session_world, secretary_general, close=True)
    third = ballot.receipts[2]
    other = Participant.objects.exclude(pk=third.cast_by_id).first()
    # when: who cast the third ballot is changed
    BallotReceipt.objects.filter(pk=third.pk).update(cast_by=other)
    # then
    intact, text = verify()
    assert not intact
    assert f"vote {ballot.vote.pk}, receipt {third.pk}: content" in text


def test_an_edited_receipt_is_found_even_with_the_chain_recomputed(
    session_world, secretary_general, key
):
    # given: an open vote (nothing anchors it yet), a receipt's time changed, the chain
    # relinked and rehashed, the vote's head moved; no key to re-seal
    ballot = cast_five(session_world, secretary_general, close=False)
    second = ballot.receipts[1]
    BallotReceipt.objects.filter(pk=second.pk).update(cast_at=timezone.now())
    rechain(ballot.vote)
    # then: the seals of the rehashed receipts fail
    intact, text = verify()
    assert not intact
    assert f"vote {ballot.vote.pk}, receipt {second.pk}: seal" in text


def test_a_deleted_receipt_is_found(session_world, secretary_general, key):
    # given
    ballot = cast_five(session_world, secretary_general, close=True)
    # when: a receipt in the middle is deleted
    BallotReceipt.objects.filter(pk=ballot.receipts[2].pk).delete()
    # then: the next one no longer follows, and the head and the anchor count five
    intact, text = verify()
    assert not intact
    fourth = ballot.receipts[3]
    assert f"vote {ballot.vote.pk}, receipt {fourth.pk}: order" in text
    assert f"vote {ballot.vote.pk}, receipt {fourth.pk}: link" in text
    assert f"vote {ballot.vote.pk}: anchor" in text


def test_a_deleted_last_receipt_is_found_by_the_anchor_even_with_the_head_moved(
    session_world, secretary_general, key
):
    # given
    ballot = cast_five(session_world, secretary_general, close=True)
    # when: the last receipt is deleted and the vote's head rolled back to the one before
    BallotReceipt.objects.filter(pk=ballot.receipts[-1].pk).delete()
    rechain(ballot.vote)
    # then: only the closing entry (in the sealed log) still says five
    intact, text = verify()
    assert not intact
    assert f"vote {ballot.vote.pk}: anchor: the vote's closing entry recorded 5 receipts" in text


def test_an_inserted_receipt_is_found(session_world, secretary_general, key):
    # given: an open vote; a sixth member's ballot forged: a receipt appended with the right
    # link and hash, the head moved, a tally bumped — but no key to seal it
    ballot = cast_five(session_world, secretary_general, close=False)
    last = ballot.receipts[-1]
    forged = BallotReceipt(
        vote=ballot.vote,
        institution=session_world.full[5],
        cast_by=last.cast_by,
        cast_at=timezone.now(),
        position=6,
        prev_hash=last.hash,
    )
    forged.hash = forged.compute_hash()
    BallotReceipt.objects.bulk_create([forged])
    Vote.objects.filter(pk=ballot.vote.pk).update(ballots_cast=6, ballots_hash=forged.hash)
    SecretTally.objects.filter(vote=ballot.vote, choice="yes").update(count=F("count") + 1)
    # then: unsealed in a vote whose receipts are sealed
    intact, text = verify()
    assert not intact
    forged = BallotReceipt.objects.get(vote=ballot.vote, position=6)
    assert f"vote {ballot.vote.pk}, receipt {forged.pk}: unsealed" in text


def test_a_receipt_inserted_and_sealed_with_the_key_is_found_once_the_vote_is_closed(
    session_world, secretary_general, key
):
    # given: a closed vote; someone who also holds the key inserts a receipt in the middle,
    # renumbers, relinks and re-seals the chain and moves the head
    ballot = cast_five(session_world, secretary_general, close=True)
    BallotReceipt.objects.filter(pk=ballot.receipts[2].pk).update(position=99)
    BallotReceipt.objects.bulk_create(
        [
            BallotReceipt(
                vote=ballot.vote,
                institution=session_world.full[5],
                cast_by=ballot.receipts[0].cast_by,
                cast_at=ballot.receipts[1].cast_at,
                position=3,
                hash="x",
            )
        ]
    )
    rechain(ballot.vote, with_key=True)
    # then: the chain holds together, but the closing entry anchored five receipts
    intact, text = verify()
    assert not intact
    assert f"vote {ballot.vote.pk}: anchor: the vote's closing entry recorded 5 receipts" in text


def test_seals_stripped_from_a_sealed_vote_are_found(session_world, secretary_general, key):
    # given
    ballot = cast_five(session_world, secretary_general, close=False)
    # when: every seal is removed (the seal is not part of the hash)
    BallotReceipt.objects.filter(vote=ballot.vote).update(seal="")
    # then: the opening entry said its receipts are sealed
    intact, text = verify()
    assert not intact
    assert f"vote {ballot.vote.pk}, receipt {ballot.receipts[0].pk}: unsealed" in text


def test_without_a_key_the_chain_and_its_anchor_are_still_checked(session_world, secretary_general):
    # given: no key (development): receipts unsealed, the chain and the anchor still hold
    ballot = cast_five(session_world, secretary_general, close=True)
    assert {r.seal for r in ballot.receipts} == {""}
    assert verify()[0]
    # when: the last receipt is deleted and the chain's head rolled back
    BallotReceipt.objects.filter(pk=ballot.receipts[-1].pk).delete()
    rechain(ballot.vote)
    # then
    intact, text = verify()
    assert not intact
    assert f"vote {ballot.vote.pk}: anchor" in text
