"""Motions, amendments and votes.

A secret ballot keeps two things apart: `BallotReceipt` records that a voting member cast
its ballot (who, when), `SecretTally` holds only the number of ballots per choice. No row
anywhere holds a voter together with a choice, and neither table has history. The receipts
of a vote form a hash chain of their own, whose head the vote keeps and whose count and head
the vote's closing entry in the action log anchors (decision 0012).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from secretariat.core.subchains import link_hash
from secretariat.governance.models.bodies import Seat
from secretariat.governance.models.sessions import AgendaItem, Participant, Session
from secretariat.members.models import Institution


class DecisionKind(models.TextChoices):
    """The kind of decision a motion asks for; it selects the majority rule that applies."""

    ORDINARY = "ordinary", _("Ordinary decision")
    STATUTE = "statute", _("Statute or regulations amendment")
    ADMISSION = "admission", _("Admission or disaffiliation")
    ELECTION = "election", _("Election")


class Choice(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    ABSTAIN = "abstain", _("Abstain")


class Motion(models.Model):
    """A proposal put to the body; an amendment is a motion that `amends` another."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        VOTING = "voting", _("Being voted")
        CARRIED = "carried", _("Carried")
        NOT_CARRIED = "not_carried", _("Not carried")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="motions"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="motions",
    )
    number = models.PositiveSmallIntegerField(_("number"))
    amends = models.ForeignKey(
        "self",
        verbose_name=_("amends"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="amendments",
    )
    proposer = models.CharField(_("proposed by"), max_length=250)
    proposer_participant = models.ForeignKey(
        Participant,
        verbose_name=_("proposing participant"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="motions",
    )
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text"))
    decision_kind = models.CharField(
        _("kind of decision"),
        max_length=20,
        choices=DecisionKind.choices,
        default=DecisionKind.ORDINARY,
    )
    state = FSMField(_("state"), default=State.PROPOSED, choices=State.choices, protected=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # History is registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("motion")
        verbose_name_plural = _("motions")
        ordering = ["session", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "number"], name="motion_number_unique_per_session"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_amendment(self) -> bool:
        return self.amends_id is not None

    @transition(field=state, source=State.PROPOSED, target=State.VOTING)
    def mark_voting(self) -> None:
        pass

    @transition(field=state, source=[State.PROPOSED, State.VOTING], target=State.CARRIED)
    def mark_carried(self) -> None:
        pass

    @transition(field=state, source=[State.PROPOSED, State.VOTING], target=State.NOT_CARRIED)
    def mark_not_carried(self) -> None:
        pass

    @transition(field=state, source=State.PROPOSED, target=State.WITHDRAWN)
    def mark_withdrawn(self) -> None:
        pass

    # The chair's ruling on a closed vote may reverse the computed outcome (logged, with reason).
    @transition(field=state, source=State.NOT_CARRIED, target=State.CARRIED)
    def rule_carried(self) -> None:
        pass

    @transition(field=state, source=State.CARRIED, target=State.NOT_CARRIED)
    def rule_not_carried(self) -> None:
        pass


class Vote(models.Model):
    """One vote on a motion: how it was taken, who could vote, the result and whether it carried.

    The majority, the number entitled and the number present are fixed when the vote opens
    (from the rules and standing in force at that moment); the result when it closes.
    """

    class Method(models.TextChoices):
        SHOW_OF_HANDS = "hands", _("Show of hands")
        ROLL_CALL = "roll_call", _("Roll-call")
        SECRET = "secret", _("Secret ballot")
        ACCLAMATION = "acclamation", _("Acclamation")
        CONSENSUS = "consensus", _("Consensus")

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    motion = models.ForeignKey(
        Motion, verbose_name=_("motion"), on_delete=models.PROTECT, related_name="votes"
    )
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    majority = models.CharField(_("majority required"), max_length=30)
    majority_rule = models.CharField(_("rule applied"), max_length=120, blank=True)
    entitled = models.PositiveIntegerField(_("members entitled to vote"))
    present = models.PositiveIntegerField(_("voting members present or represented"))
    # The quorum the vote was taken with: `present` of `entitled`, `quorum_required` needed
    # (unknown for votes recorded before it was kept).
    quorum_required = models.PositiveIntegerField(
        _("voting members required for quorum"), null=True, blank=True
    )
    yes = models.PositiveIntegerField(_("yes"), null=True, blank=True)
    no = models.PositiveIntegerField(_("no"), null=True, blank=True)
    abstain = models.PositiveIntegerField(_("abstentions"), null=True, blank=True)
    carried_computed = models.BooleanField(_("carried by the rule"), null=True, blank=True)
    override = models.BooleanField(_("chair's ruling"), null=True, blank=True)
    override_reason = models.TextField(_("reason for the ruling"), blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_at = models.DateTimeField(_("opened at"))
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The head of the secret ballot's chain of receipts (decision 0012): how many, and the last
    # one's hash. Bookkeeping moved by each ballot with `update`, like a session's revision;
    # the closing entry of the action log records both.
    ballots_cast = models.PositiveIntegerField(_("ballots cast"), default=0)
    ballots_hash = models.CharField(
        _("hash of the last ballot receipt"), max_length=64, default="0" * 64
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["motion", "opened_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["motion"],
                condition=Q(state="open"),
                name="vote_one_open_per_motion",
                violation_error_message=_("A vote on this motion is already open."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.motion} — {self.get_method_display()}"

    @property
    def carried(self) -> bool | None:
        return self.override if self.override is not None else self.carried_computed


class RollCallEntry(models.Model):
    """One voting member's answer in a roll-call, in the order called."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="roll_call")
    position = models.PositiveSmallIntegerField(_("order"))
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seat = models.ForeignKey(
        Seat, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    label = models.CharField(_("member"), max_length=250)
    choice = models.CharField(_("answer"), max_length=10, choices=Choice.choices)
    by_proxy = models.BooleanField(_("by proxy"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))

    class Meta:
        verbose_name = _("roll-call answer")
        verbose_name_plural = _("roll-call answers")
        ordering = ["vote", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "institution"],
                condition=Q(institution__isnull=False),
                name="rollcall_once_per_institution",
            ),
            models.UniqueConstraint(
                fields=["vote", "seat"],
                condition=Q(seat__isnull=False),
                name="rollcall_once_per_seat",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.choice}"


class BallotReceipt(models.Model):
    """That a voting member cast its secret ballot: who and when, never what.

    The receipts of a vote are chained (decision 0012): each one's hash covers its content and
    the previous receipt's hash, never a choice; `seal` is the action log's seal of that hash
    (decision 0010), made with a key the database does not hold.
    """

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="receipts")
    institution = models.ForeignKey(
        Institution, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    seat = models.ForeignKey(
        Seat, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cast_by = models.ForeignKey(
        Participant, null=True, on_delete=models.PROTECT, related_name="ballot_receipts"
    )
    by_proxy = models.BooleanField(_("by proxy"), default=False)
    cast_at = models.DateTimeField(_("cast at"))
    position = models.PositiveIntegerField(_("number in the vote's chain"), default=0)
    prev_hash = models.CharField(max_length=64, default="0" * 64)
    hash = models.CharField(max_length=64, default="")
    seal = models.CharField(max_length=100, blank=True, default="")

    class Meta:
        verbose_name = _("ballot receipt")
        verbose_name_plural = _("ballot receipts")
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "institution"],
                condition=Q(institution__isnull=False),
                name="receipt_once_per_institution",
            ),
            models.UniqueConstraint(
                fields=["vote", "seat"],
                condition=Q(seat__isnull=False),
                name="receipt_once_per_seat",
            ),
            # One receipt per place in the vote's chain: the chain cannot fork.
            models.UniqueConstraint(fields=["vote", "position"], name="receipt_one_per_position"),
        ]

    def __str__(self) -> str:
        return f"{self.vote_id}: {self.institution_id or self.seat_id}"

    def compute_hash(self) -> str:
        """SHA-256 of the receipt's content and the previous receipt's hash: the vote, its
        number in the chain, the member or seat, the participant who cast it, whether by proxy,
        when. Never a choice: the receipt has none."""
        payload = {
            "prev": self.prev_hash,
            "vote": self.vote_id,
            "n": self.position,
            "institution": self.institution_id,
            "seat": self.seat_id,
            "cast_by": self.cast_by_id,
            "by_proxy": self.by_proxy,
            "at": self.cast_at.isoformat(),
        }
        return link_hash(payload)


class BallotOption(models.Model):
    """One of the answers a ballot offers besides abstaining (a blank ballot), when the vote is
    between named options (the candidates of an election's round) rather than yes or no."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="options")
    key = models.CharField(_("key"), max_length=20)
    label = models.CharField(_("option"), max_length=300)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("ballot option")
        verbose_name_plural = _("ballot options")
        ordering = ["vote", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "key"], name="ballot_option_key_unique")
        ]

    def __str__(self) -> str:
        return self.label


class SecretTally(models.Model):
    """How many secret ballots chose each answer (yes, no, abstain; or an option's key and
    abstain); incremented with the receipt, atomically."""

    vote = models.ForeignKey(Vote, on_delete=models.PROTECT, related_name="tallies")
    choice = models.CharField(max_length=20)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vote", "choice"], name="tally_one_per_choice")
        ]

    def __str__(self) -> str:
        return f"{self.vote_id}: {self.choice}"
