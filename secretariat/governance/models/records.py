"""What a session leaves: resolutions in the continuing series, minutes and their errata."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from secretariat.governance.models.sessions import AgendaItem, Session
from secretariat.governance.models.votes import Motion, Vote
from secretariat.members.models import DatePrecision, Source


class ResolutionSeries(models.Model):
    """The organization's one continuing series of resolution numbers (since 1942).

    `next_number` is set by the Secretariat so that the series continues the real one; the
    service refuses a number already used or below the highest recorded.
    """

    next_number = models.PositiveIntegerField(_("next number"), null=True, blank=True)
    basis = models.CharField(_("basis"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resolution series")
        verbose_name_plural = _("resolution series")

    def __str__(self) -> str:
        return str(self.next_number or "")


class Resolution(models.Model):
    """An adopted resolution (or declaration, recommendation) with its stable number."""

    class Kind(models.TextChoices):
        RESOLUTION = "resolution", _("Resolution")
        DECLARATION = "declaration", _("Declaration")
        RECOMMENDATION = "recommendation", _("Recommendation")

    number = models.PositiveIntegerField(_("number"), unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.RESOLUTION)
    title = models.CharField(_("title"), max_length=400, blank=True)
    text = models.TextField(_("text"), blank=True)
    adopted_on = models.DateField(_("adopted on"), null=True, blank=True)
    adopted_on_precision = models.CharField(
        _("precision"), max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    session = models.ForeignKey(
        Session,
        verbose_name=_("session"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resolutions",
    )
    agenda_item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("agenda item"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resolutions",
    )
    motion = models.OneToOneField(
        Motion,
        verbose_name=_("motion"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resolution",
    )
    vote = models.ForeignKey(
        Vote,
        verbose_name=_("vote"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resolutions",
    )
    amends = models.ManyToManyField(
        "self", verbose_name=_("amends"), symmetrical=False, blank=True, related_name="amended_by"
    )
    repeals = models.ManyToManyField(
        "self", verbose_name=_("repeals"), symmetrical=False, blank=True, related_name="repealed_by"
    )
    origin = models.CharField(
        _("origin"), max_length=20, choices=Source.choices, default=Source.SECRETARIAT
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    # History is registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("resolution")
        verbose_name_plural = _("resolutions")
        ordering = ["-number"]

    def __str__(self) -> str:
        return f"{self.number}" + (f" — {self.title}" if self.title else "")

    @property
    def is_example(self) -> bool:
        return self.origin in (Source.EXAMPLE, Source.SYNTHETIC)


class Minutes(models.Model):
    """The minutes (acta) of a session: drafted, circulated, amended, approved, signed, locked."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Draft")
        CIRCULATED = "circulated", _("Circulated for comments")
        AMENDED = "amended", _("Amended after comments")
        APPROVED = "approved", _("Approved")
        SIGNED = "signed", _("Signed and published")

    session = models.OneToOneField(
        Session, verbose_name=_("session"), on_delete=models.PROTECT, related_name="minutes"
    )
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)
    text = models.TextField(_("text"), blank=True)
    comments_until = models.DateTimeField(_("comments until"), null=True, blank=True)
    circulated_at = models.DateTimeField(_("circulated on"), null=True, blank=True)
    approved_at_session = models.ForeignKey(
        Session,
        verbose_name=_("approved at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="minutes_approved",
    )
    approval_vote = models.ForeignKey(
        Vote,
        verbose_name=_("approving vote"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approval_decision = models.CharField(_("approving decision"), max_length=300, blank=True)
    approved_at = models.DateTimeField(_("approved on"), null=True, blank=True)
    chair_signatory = models.CharField(_("signed by the chair"), max_length=200, blank=True)
    chair_signed_at = models.DateTimeField(_("chair signed on"), null=True, blank=True)
    secretary_signatory = models.CharField(_("signed by the secretary"), max_length=200, blank=True)
    secretary_signed_at = models.DateTimeField(_("secretary signed on"), null=True, blank=True)
    locked_at = models.DateTimeField(_("locked on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # History is registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("minutes")
        verbose_name_plural = _("minutes")

    def __str__(self) -> str:
        return str(_("Minutes of the %(session)s") % {"session": self.session})

    @property
    def locked(self) -> bool:
        return self.locked_at is not None

    @transition(field=state, source=[State.DRAFT, State.AMENDED], target=State.CIRCULATED)
    def mark_circulated(self) -> None:
        pass

    @transition(field=state, source=State.CIRCULATED, target=State.AMENDED)
    def mark_amended(self) -> None:
        pass

    @transition(field=state, source=[State.CIRCULATED, State.AMENDED], target=State.APPROVED)
    def mark_approved(self) -> None:
        pass

    @transition(field=state, source=State.APPROVED, target=State.SIGNED)
    def mark_signed(self) -> None:
        pass


class MinutesComment(models.Model):
    """A seat holder's comment on circulated minutes, and how the Secretariat addressed it."""

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_label = models.CharField(_("from"), max_length=250)
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    response = models.TextField(_("response"), blank=True)
    addressed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    addressed_at = models.DateTimeField(_("addressed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("comment on minutes")
        verbose_name_plural = _("comments on minutes")
        ordering = ["minutes", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.author_label}: {self.text[:60]}"


class Erratum(models.Model):
    """A correction to locked minutes, valid once approved; it links to the minutes corrected."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        APPROVED = "approved", _("Approved")

    minutes = models.ForeignKey(Minutes, on_delete=models.PROTECT, related_name="errata")
    number = models.PositiveSmallIntegerField(_("number"))
    text = models.TextField(_("correction"))
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PROPOSED
    )
    approval_decision = models.CharField(_("approving decision"), max_length=300, blank=True)
    approved_at_session = models.ForeignKey(
        Session,
        verbose_name=_("approved at"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    approved_at = models.DateTimeField(_("approved on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("proposed on"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("erratum")
        verbose_name_plural = _("errata")
        ordering = ["minutes", "number"]
        constraints = [
            models.UniqueConstraint(fields=["minutes", "number"], name="erratum_number_unique")
        ]

    def __str__(self) -> str:
        return f"{self.minutes} — {self.number}"
