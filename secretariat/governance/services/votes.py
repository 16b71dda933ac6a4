"""Votes on motions: opening, counting by each method, closing, and the chair's ruling.

Rules (shared/domain.md "Majorities" and "Quorum" [D]; each value a dated setting read when
the vote opens, through `body_rules.majority_rule`):
- no vote is taken without quorum: by any method (a count, a roll-call, a secret ballot,
  or the chair's declaration of consensus or acclamation), a vote opens only when more than
  the body's share of its voting members (rule setting `<body>.quorum`, shared/domain.md
  "Quorum" [D]) are present or represented at that moment; the quorum it was taken with is
  recorded on the vote (present, required, of entitled);
- only the voting members present or represented vote: one vote per full member in the
  General Assembly, one per voting seat elsewhere; a member whose right to vote is
  suspended, a member of a category without vote, a delegate without accepted credentials
  or not present cannot vote (`selectors.composition`);
- the majority comes from the body's rules for the kind of decision (`body_rules.majority_rule`)
  and is fixed, with the number entitled and present, when the vote opens;
- abstentions are not votes cast; a tie does not carry; no casting vote (`arithmetic`);
- secret ballots: `BallotReceipt` records that a member voted, `SecretTally` only counts;
  nothing links a delegate to a choice, and results are shown only when the vote closes;
- the chair may rule against the computed outcome, with a reason that is logged.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F
from django.utils import timezone
from django.utils.translation import gettext as _

from secretariat.core import push
from secretariat.core.access import require, require_reason
from secretariat.core.anchoring import keyring
from secretariat.core.audit import locked, save_audited, set_history_reason, snapshot
from secretariat.core.models import User
from secretariat.governance.arithmetic import MAJORITIES, carried, option_carried
from secretariat.governance.body_rules import majority_rule
from secretariat.governance.models import (
    BallotOption,
    BallotReceipt,
    Choice,
    Motion,
    Participant,
    RollCallEntry,
    SecretTally,
    Session,
    Vote,
)
from secretariat.governance.selectors.composition import (
    Caster,
    SessionRoll,
    caster_for,
    session_roll,
)
from secretariat.governance.selectors.votes import roll_call_units
from secretariat.governance.services.common import touch_session

if TYPE_CHECKING:
    from secretariat.core.selectors.rule_settings import RuleInForce

VOTE_FIELDS = [
    "method",
    "state",
    "majority",
    "entitled",
    "present",
    "quorum_required",
    "yes",
    "no",
    "abstain",
    "carried_computed",
    "override",
    "override_reason",
]
MANAGE = "governance.manage_sessions"
RECORDED_BY_CHAIR = (Vote.Method.ACCLAMATION, Vote.Method.CONSENSUS)


def _session_open(session: Session, remote: bool = False) -> None:
    if remote and session.state in (Session.State.CONVENED, Session.State.OPEN):
        return
    if session.state != Session.State.OPEN:
        raise ValidationError(
            _("The session is not in progress: votes are taken only while it is.")
        )


def _check_options(options: Sequence[tuple[str, str]], method: str) -> list[tuple[str, str]]:
    """The options of a ballot between options: a secret ballot, each key unique, short and
    not "abstain" (the blank ballot every such vote offers)."""
    options = [(str(k).strip(), str(label).strip()) for k, label in options]
    if not options:
        return options
    if method != Vote.Method.SECRET:
        raise ValidationError(_("A vote between options is taken by secret ballot."))
    keys = [k for k, _label in options]
    if (
        len(set(keys)) != len(keys)
        or any(not k or len(k) > 20 or k == Choice.ABSTAIN for k in keys)
        or any(not label for _k, label in options)
    ):
        raise ValidationError(_("Each option needs its own short key and a label."))
    return options


def _check_choice(choice: str) -> None:
    if choice not in Choice.values:
        raise ValidationError({"choice": _("Choose yes, no or abstain.")})


def _check_can_open(motion: Motion, method: str) -> None:
    """The motion is still proposed, its amendments are voted, no other vote is open."""
    if method not in Vote.Method.values:
        raise ValidationError({"method": _("Choose how the vote is taken.")})
    if motion.state != Motion.State.PROPOSED:
        raise ValidationError(
            _("This motion cannot be put to the vote: it is %(state)s.")
            % {"state": motion.get_state_display()}
        )
    pending = Motion.objects.filter(
        amends=motion, state__in=[Motion.State.PROPOSED, Motion.State.VOTING]
    )
    if pending.exists():
        raise ValidationError(_("Vote on the amendments to this motion first."))
    if Vote.objects.filter(motion__session=motion.session_id, state=Vote.State.OPEN).exists():
        raise ValidationError(_("Another vote is open in this session; close it first."))


def _check_quorum(roll: SessionRoll) -> None:
    """No vote without quorum at this moment (shared/domain.md "Quorum" [D])."""
    q = roll.quorum
    if not q.met:
        raise ValidationError(
            _(
                "There is no quorum: %(present)s of %(entitled)s voting members are present "
                "or represented, and %(needed)s are needed. No vote can be taken, nor a "
                "decision declared by consensus or acclamation, without quorum."
            )
            % {"present": q.present, "entitled": q.entitled, "needed": q.needed}
        )


def _save_motion(motion: Motion, reason: str | None) -> None:
    """The motion follows its vote; the vote's log row says so."""
    set_history_reason(motion, reason)
    motion.save()


@transaction.atomic
def vote_open(
    *,
    actor: User,
    motion: Motion,
    method: str,
    reason: str = "",
    options: Sequence[tuple[str, str]] = (),
    majority: RuleInForce | None = None,
    remote: bool = False,
) -> Vote:
    """Put a motion to the vote (shared/domain.md "Majorities" [D]: the majority of its kind
    of decision, rule settings `<body>.majority`, `<body>.statute_majority`,
    `members.affiliation.majority`, `elections.majority`), fixed with the numbers entitled
    and present as the vote opens. Acclamation and consensus are recorded as adopted at once.
    Refused without quorum at this moment, whatever the method (shared/domain.md "Quorum"
    [D], rule setting `<body>.quorum`); the quorum is recorded on the vote.

    A secret ballot between `options` (key, label) — an election's round, issue #11 — offers
    each option and a blank ballot ("abstain"); `majority` (a rule in force, e.g.
    `elections.later_rounds_majority`) replaces the kind of decision's and is recorded.
    `remote`: a non-presential vote (exceptional), opened while the session is convened or
    in progress, with every accredited delegate counted as taking part (`session_roll`).
    """
    session = motion.session
    require(actor, MANAGE, session)
    _session_open(session, remote)
    options = _check_options(options, method)
    if remote and method != Vote.Method.SECRET:
        raise ValidationError(_("A non-presential vote is taken by secret ballot."))
    motion = locked(motion)
    _check_can_open(motion, method)
    roll = session_roll(session, remote=remote)
    _check_quorum(roll)
    rule = majority or majority_rule(session.body, motion.decision_kind, roll.day)
    if rule.value not in MAJORITIES:
        raise ValidationError(_("Choose a majority the rules define."))
    now = timezone.now()
    vote = Vote(
        motion=motion,
        method=method,
        majority=rule.value,
        majority_rule=rule.key + ("" if rule.confirmed else " [D]"),
        entitled=roll.entitled,
        present=roll.voting_present,
        quorum_required=roll.quorum.needed,
        opened_at=now,
        opened_by=actor,
    )
    if method in RECORDED_BY_CHAIR:
        # The chair declares the motion adopted without a count; nobody objected.
        vote.state = Vote.State.CLOSED
        vote.carried_computed = True
        vote.closed_at = now
        vote.closed_by = actor
        motion.mark_carried()
    else:
        motion.mark_voting()
    new = snapshot(vote, VOTE_FIELDS)
    if method == Vote.Method.SECRET:
        # Whether its receipts are sealed: from then on, an unsealed one is a forgery.
        new["ballots"] = "sealed" if keyring().current is not None else "unsealed"
    if options:
        new["options"] = dict(options)
    if remote:
        new["remote"] = True
    save_audited(
        vote,
        actor=actor,
        event="vote.opened" if vote.state == Vote.State.OPEN else "vote.recorded",
        new=new,
        reason=reason,
        clean=False,  # built from the motion and the rules just checked; no re-read of each FK
    )
    if options:
        BallotOption.objects.bulk_create(
            [
                BallotOption(vote=vote, key=k, label=label, order=n)
                for n, (k, label) in enumerate(options, start=1)
            ]
        )
        choices = [k for k, _label in options] + [Choice.ABSTAIN]
    else:
        choices = list(Choice.values)
    if method == Vote.Method.SECRET:
        SecretTally.objects.bulk_create(
            [SecretTally(vote=vote, choice=c, count=0) for c in choices]
        )
    _save_motion(motion, reason)
    touch_session(session)
    return vote


def _locked_open_vote(vote: Vote, *methods: str) -> Vote:
    vote = locked(vote)
    if vote.state != Vote.State.OPEN:
        raise ValidationError(_("This vote is closed."))
    if methods and vote.method not in methods:
        raise ValidationError(_("This vote is not taken that way."))
    return vote


def _finish(actor: User, vote: Vote, yes: int, no: int, abstain: int) -> Vote:
    """Close the vote with its counts and say whether it carried (shared/domain.md
    "Majorities" [D]: abstentions are not votes cast, a tie fails, no casting vote)."""
    vote.yes, vote.no, vote.abstain = yes, no, abstain
    vote.carried_computed = carried(
        vote.majority,
        yes=yes,
        no=no,
        abstain=abstain,
        present=vote.present,
        entitled=vote.entitled,
    )
    return _close(actor, vote)


def _close(actor: User, vote: Vote, extra: dict[str, object] | None = None) -> Vote:
    """The vote closed with the counts set on it; the motion follows; logged."""
    vote.state = Vote.State.CLOSED
    vote.closed_at = timezone.now()
    vote.closed_by = actor
    new = snapshot(vote, VOTE_FIELDS)
    if vote.method == Vote.Method.SECRET:
        # The anchor of the vote's chain of receipts in the action log (decision 0012).
        new |= {"ballots": vote.ballots_cast, "ballots_hash": vote.ballots_hash}
    new |= extra or {}
    save_audited(
        vote,
        actor=actor,
        event="vote.closed",
        new=new,
        clean=False,  # counts computed above on a valid row; no re-read of each FK
    )
    motion = locked(vote.motion)
    if vote.carried_computed:
        motion.mark_carried()
    else:
        motion.mark_not_carried()
    _save_motion(motion, None)
    touch_session(motion.session_id)
    return vote


@transaction.atomic
def vote_record_hands(*, actor: User, vote: Vote, yes: int, no: int, abstain: int) -> Vote:
    """The secretary enters the counts of a show of hands; the vote closes with them."""
    require(actor, MANAGE, vote.motion.session)
    vote = _locked_open_vote(vote, Vote.Method.SHOW_OF_HANDS)
    try:
        yes, no, abstain = int(yes), int(no), int(abstain)
    except (TypeError, ValueError) as exc:
        raise ValidationError(_("Enter whole numbers.")) from exc
    if min(yes, no, abstain) < 0:
        raise ValidationError(_("Counts cannot be negative."))
    if yes + no + abstain > vote.present:
        raise ValidationError(
            _(
                "%(total)s votes and abstentions were entered, but only %(present)s voting "
                "members are present or represented."
            )
            % {"total": yes + no + abstain, "present": vote.present}
        )
    return _finish(actor, vote, yes, no, abstain)


@transaction.atomic
def vote_record_roll_call(*, actor: User, vote: Vote, unit_key: str, choice: str) -> RollCallEntry:
    """Record (or correct, before the vote closes) one voting member's answer to the roll-call."""
    require(actor, MANAGE, vote.motion.session)
    vote = _locked_open_vote(vote, Vote.Method.ROLL_CALL)
    _check_choice(choice)
    units = roll_call_units(vote)
    unit = next((u for u in units if u.row.key == unit_key), None)
    if unit is None:
        raise ValidationError(_("This member is not present or represented with a vote."))
    row = unit.row
    entry = RollCallEntry.objects.filter(
        vote=vote, institution=row.institution if row.seat is None else None, seat=row.seat
    ).first()
    now = timezone.now()
    old: dict[str, str] = {}
    event = "vote.roll_call_answer"
    if entry is None:
        entry = RollCallEntry(
            vote=vote,
            position=[u.row.key for u in units].index(unit_key) + 1,
            institution=row.institution if row.seat is None else None,
            seat=row.seat,
            label=row.label,
            by_proxy=unit.represented_by is not None,
        )
    else:
        old, event = {"choice": entry.choice}, "vote.roll_call_corrected"
    entry.choice, entry.recorded_by, entry.recorded_at = choice, actor, now
    # The answer is read on the vote: its log row is the vote's.
    save_audited(
        entry,
        log_on=vote,
        actor=actor,
        event=event,
        old=old,
        new={"member": row.label, "choice": choice},
        clean=False,  # the member and the choice were checked above (one answer per member)
    )
    touch_session(vote.motion.session_id)
    return entry


def ballot_cast(
    *,
    user: User,
    vote: Vote,
    unit_key: str,
    choice: str,
    registrations: Sequence[Participant] | None = None,
    remote: bool = False,
) -> BallotReceipt:
    """A delegate casts their member's secret ballot: one per voting member (shared/domain.md
    "One vote per full member" [D]), its choice kept apart from who cast it (decision 0008).

    Who may cast it is checked first, by reads (`caster_for`); then one short transaction
    adds one to the tally of the choice, locks the vote (a ballot and the closing of the vote
    never interleave), appends the receipt to the vote's chain of receipts (this member
    voted, by whom, when: the hash of that and of the previous receipt, sealed) and moves the
    vote's head. The receipt has no choice; the tally has no voter and no time. The
    receipts are the ballots' audit trail: chained per vote instead of one action-log entry
    each, so that ballots do not queue on the action log's head with every other write;
    the vote's closing entry anchors the chain in the log (decision 0012). `registrations`
    are the user's in the session when the caller read them with the vote
    (`selectors.votes.ballot_get_for_user`): one query fewer. The session's
    revision is not bumped: a ballot changes no one's page but the caster's; the console
    follows the count of receipts (decision 0008).

    The choice is one of the vote's tallies: yes, no or abstain; or, on a ballot between
    options, an option's key or abstain (a blank ballot). `remote`: a non-presential vote,
    whose window the caller checked (elections' `round_ballot_cast`): the session may be
    convened, and the delegate need not be marked present (`caster_for`).
    """
    session = vote.motion.session
    if not isinstance(choice, str) or not choice or len(choice) > 20:
        raise ValidationError({"choice": _("Choose one of the ballot's answers.")})
    allowed = (Session.State.CONVENED, Session.State.OPEN) if remote else (Session.State.OPEN,)
    if session.state not in allowed:
        raise ValidationError(_("The session is not in progress."))
    caster = caster_for(session, user, unit_key, registrations=registrations, remote=remote)
    try:
        with transaction.atomic():
            # The tally first, the vote's lock last: every ballot of the vote queues on that
            # lock until it commits, so the less done after taking it, the shorter the queue.
            # The three tallies exist from the opening: no insert race between ballots. A
            # ballot refused below (closed, already voted) rolls its increment back; the
            # closing, which locks the vote, sees only committed tallies.
            counted = SecretTally.objects.filter(vote=vote, choice=choice).update(
                count=F("count") + 1
            )
            if not counted:  # not one of this vote's answers: nothing was written
                raise ValidationError({"choice": _("Choose one of the ballot's answers.")})
            receipt = _append_receipt(vote, caster)
            # The console follows the count of receipts: told after the commit (decision 0011).
            push.publish(push.topic_name("session", session.pk))
    except IntegrityError as exc:
        raise ValidationError(
            _("%(member)s has already voted.") % {"member": caster.label}
        ) from exc
    return receipt


def _append_receipt(vote: Vote, caster: Caster) -> BallotReceipt:
    """Under the vote's lock (the vote row alone: no join, so nothing else is locked): check
    it is an open secret ballot, write the next receipt of its chain and move its head."""
    current = (
        Vote.objects.select_for_update()
        .filter(pk=vote.pk)
        .order_by()
        .values_list("state", "method", "ballots_cast", "ballots_hash")
        .first()
    )
    if current is None or current[0] != Vote.State.OPEN:
        raise ValidationError(_("This vote is closed."))
    state, method, cast, head = current
    if method != Vote.Method.SECRET:
        raise ValidationError(_("This vote is not a secret ballot."))
    receipt = BallotReceipt(
        vote_id=vote.pk,
        institution=caster.institution if caster.seat is None else None,
        seat=caster.seat,
        cast_by=caster.participant,
        by_proxy=caster.by_proxy,
        cast_at=timezone.now(),
        position=cast + 1,
        prev_hash=head,
    )
    receipt.hash = receipt.compute_hash()
    receipt.seal = keyring().seal(receipt.hash)
    receipt.save(force_insert=True)
    # The chain's head: bookkeeping, not a change of the vote (its history would otherwise
    # hold a row per ballot, timed); the closing entry records it.
    Vote.objects.filter(pk=vote.pk).update(ballots_cast=cast + 1, ballots_hash=receipt.hash)
    return receipt


def _secret_tallies(vote: Vote) -> dict[str, int]:
    """Every tally of the secret ballot, checked against its receipts and its chain's head."""
    counts = dict(SecretTally.objects.filter(vote=vote).values_list("choice", "count"))
    total = sum(counts.values())
    receipts = BallotReceipt.objects.filter(vote=vote).count()
    # every ballot counted exactly once, none lost, and the chain's head names them all
    if not total == receipts == vote.ballots_cast:
        raise RuntimeError(
            f"vote {vote.pk}: {total} ballots counted for {receipts} receipts "
            f"({vote.ballots_cast} in the chain's head)"
        )
    return counts


def _is_between_options(counts: dict[str, int]) -> bool:
    return bool(set(counts) - set(Choice.values))


def _finish_options(actor: User, vote: Vote, counts: dict[str, int]) -> Vote:
    """Close a ballot between options (issue #11): `abstain` is the blank ballots, `yes` the
    most voted option's votes, `no` the other options' votes; it carried when that option,
    alone at the top, reached the vote's majority (`arithmetic.option_carried`). The closing
    entry of the action log records every option's count."""
    blank = counts.get(Choice.ABSTAIN, 0)
    options = {k: v for k, v in counts.items() if k != Choice.ABSTAIN}
    ranked = sorted(options.values(), reverse=True)
    top = ranked[0] if ranked else 0
    second = ranked[1] if len(ranked) > 1 else 0
    valid = sum(options.values())
    vote.yes, vote.no, vote.abstain = top, valid - top, blank
    vote.carried_computed = top > second and option_carried(
        vote.majority,
        votes=top,
        best_other=second,
        valid=valid,
        present=vote.present,
        entitled=vote.entitled,
    )
    return _close(actor, vote, {"tallies": counts})


@transaction.atomic
def vote_close(*, actor: User, vote: Vote) -> Vote:
    """Close a roll-call or secret vote, count it and say whether the motion carried."""
    require(actor, MANAGE, vote.motion.session)
    vote = _locked_open_vote(vote, Vote.Method.ROLL_CALL, Vote.Method.SECRET)
    if vote.method == Vote.Method.ROLL_CALL:
        entries = RollCallEntry.objects.filter(vote=vote)
        counts = {c: 0 for c in Choice.values}
        for choice, total in entries.values_list("choice").annotate(n=Count("id")).order_by():
            counts[choice] = total
        if not entries.exists():
            raise ValidationError(_("No answer has been recorded yet."))
        return _finish(actor, vote, counts["yes"], counts["no"], counts["abstain"])
    counts = _secret_tallies(vote)
    if _is_between_options(counts):
        return _finish_options(actor, vote, counts)
    return _finish(
        actor,
        vote,
        counts.get(Choice.YES, 0),
        counts.get(Choice.NO, 0),
        counts.get(Choice.ABSTAIN, 0),
    )


@transaction.atomic
def vote_override(*, actor: User, vote: Vote, carried: bool, reason: str) -> Vote:
    """The chair's ruling on a closed vote, with the reason (shared/domain.md "Majorities":
    the computed outcome stands unless the chair rules, and says why); the motion follows."""
    require(actor, MANAGE, vote.motion.session)
    text = require_reason(reason)
    vote = locked(vote)
    if vote.state != Vote.State.CLOSED:
        raise ValidationError(_("The chair rules on a vote once it is closed."))
    old = snapshot(vote, VOTE_FIELDS)
    vote.override = bool(carried)
    vote.override_reason = text
    vote.override_by = actor
    save_audited(
        vote,
        actor=actor,
        event="vote.chair_ruling",
        old=old,
        new=snapshot(vote, VOTE_FIELDS),
        reason=text,
        clean=False,  # the ruling on a valid row, checked above; no re-read of each FK
    )
    motion = locked(vote.motion)
    if vote.carried and motion.state == Motion.State.NOT_CARRIED:
        motion.rule_carried()
        _save_motion(motion, text)
    elif not vote.carried and motion.state == Motion.State.CARRIED:
        motion.rule_not_carried()
        _save_motion(motion, text)
    touch_session(motion.session_id)
    return vote
