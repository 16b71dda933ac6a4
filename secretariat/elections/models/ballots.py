"""The election at the session: each place of an office is a contest, decided in rounds.

A round by secret ballot is a governance vote between options (the eligible candidates): its
receipts and tallies are governance's (decision 0008, 0012), so the secrecy proof is the one
of every secret ballot. Who goes on to the next round, what a tie does and how many rounds
there may be are rule settings (`elections.rule_settings`)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from secretariat.elections.models.calls import CallOffice
from secretariat.elections.models.nominations import Nomination
from secretariat.governance.models import AgendaItem, Mandate, Resolution, Session, Vote


class Contest(models.Model):
    """The election of one place of an office at a session."""

    class State(models.TextChoices):
        OPEN = "open", _("In progress")
        ELECTED = "elected", _("Elected")
        FAILED = "failed", _("No one elected")

    call_office = models.ForeignKey(
        CallOffice, verbose_name=_("office"), on_delete=models.PROTECT, related_name="contests"
    )
    place = models.PositiveSmallIntegerField(_("place"), default=1)
    session = models.ForeignKey(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="contests"
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contests",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    elected = models.ForeignKey(
        Nomination,
        verbose_name=_("elected"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="won_contests",
    )
    mandate = models.ForeignKey(
        Mandate,
        verbose_name=_("mandate"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution = models.ForeignKey(
        Resolution,
        verbose_name=_("resolution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    started_at = models.DateTimeField(_("started at"))
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contest")
        verbose_name_plural = _("contests")
        ordering = ["session", "call_office__order", "place", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call_office", "place"],
                name="contest_once_per_place",
                violation_error_message=_("This place is already being elected."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.call_office.office} ({self.place})"


class Round(models.Model):
    """One round of a contest: by secret ballot (a governance vote, in the hall or remote over
    a set period) or by acclamation, with its candidates and outcome."""

    class Method(models.TextChoices):
        SECRET = "secret", _("Secret ballot")
        ACCLAMATION = "acclamation", _("Acclamation")

    class Outcome(models.TextChoices):
        PENDING = "", _("Being voted")
        ELECTED = "elected", _("A candidate was elected")
        NEXT_ROUND = "next_round", _("No majority: another round")
        TIE = "tie", _("Tie for a place in the next round")
        FAILED = "failed", _("No majority and no further round")

    contest = models.ForeignKey(
        Contest, verbose_name=_("contest"), on_delete=models.PROTECT, related_name="rounds"
    )
    number = models.PositiveSmallIntegerField(_("round"))
    method = models.CharField(_("method"), max_length=20, choices=Method.choices)
    vote = models.OneToOneField(
        Vote,
        verbose_name=_("vote"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="election_round",
    )
    remote = models.BooleanField(
        _("non-presential"),
        default=False,
        help_text=_("Exceptional: delegates vote from their own accounts over a set period."),
    )
    window_start = models.DateTimeField(_("voting opens"), null=True, blank=True)
    window_end = models.DateTimeField(_("voting closes"), null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=Outcome.choices, blank=True, default=Outcome.PENDING
    )
    rules = models.JSONField(_("rules applied"), default=dict)
    opened_at = models.DateTimeField(_("opened at"))
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("round")
        verbose_name_plural = _("rounds")
        ordering = ["contest", "number"]
        constraints = [
            models.UniqueConstraint(fields=["contest", "number"], name="round_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.contest} — {self.number}"


class RoundCandidate(models.Model):
    """A candidate on a round's ballot, with the option key of the vote, the votes received
    when the round closes and whether they go on to the next round."""

    round = models.ForeignKey(
        Round, verbose_name=_("round"), on_delete=models.PROTECT, related_name="candidates"
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("candidate"), on_delete=models.PROTECT, related_name="+"
    )
    option_key = models.CharField(_("option"), max_length=20)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    votes = models.PositiveIntegerField(_("votes"), null=True, blank=True)
    advances = models.BooleanField(_("goes on to the next round"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("candidate in a round")
        verbose_name_plural = _("candidates in a round")
        ordering = ["round", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["round", "nomination"], name="round_candidate_once")
        ]

    def __str__(self) -> str:
        return f"{self.round}: {self.nomination_id}"
