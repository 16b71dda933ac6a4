"""The Call for Candidates: which offices are to be filled, from when to when, under which
requirements, with its deadline to the second in its time zone (shared/domain.md
"Presidency, Secretary General, Comptroller, CIESS Director")."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from secretariat.governance.models import Office, Resolution, Session


class Call(models.Model):
    """A Call for Candidates for one election cycle: drafted by the Secretariat, approved by a
    recorded decision, published; nominations are received until its deadline."""

    class State(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("a Call for Candidates", "Draft")
        APPROVED = "approved", pgettext_lazy("a Call for Candidates", "Approved")
        PUBLISHED = "published", pgettext_lazy("a Call for Candidates", "Published")
        CLOSED = "closed", pgettext_lazy("a Call for Candidates", "Closed")

    reference = models.CharField(_("reference"), max_length=60, blank=True)
    title = models.CharField(_("title"), max_length=300)
    text = models.TextField(_("text of the Call"), blank=True)
    session = models.ForeignKey(
        Session,
        verbose_name=_("electing session"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
        help_text=_("The General Assembly session at which the election is held."),
    )
    opens_at = models.DateTimeField(_("nominations open"))
    deadline = models.DateTimeField(_("deadline for nominations"))
    time_zone = models.CharField(_("time zone"), max_length=60, default="America/Mexico_City")
    languages = models.JSONField(_("languages"), default=list)
    correction_days = models.PositiveSmallIntegerField(
        _("days to send a missing document"), default=10
    )
    state = FSMField(_("state"), default=State.DRAFT, choices=State.choices, protected=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approval_decision = models.CharField(
        _("approving decision"),
        max_length=500,
        blank=True,
        help_text=_("Who approved the Call, when and how (e.g. a resolution or the minutes)."),
    )
    approval_resolution = models.ForeignKey(
        Resolution,
        verbose_name=_("approving resolution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    candidates_published_at = models.DateTimeField(
        _("list of candidates published at"), null=True, blank=True
    )
    is_example = models.BooleanField(
        _("example"), default=False, help_text=_("Made by the demo; not a real Call.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # History is registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("Call for Candidates")
        verbose_name_plural = _("Calls for Candidates")
        ordering = ["-deadline", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gt=models.F("opens_at")),
                name="call_deadline_after_opening",
                violation_error_message=_("The deadline must come after the opening."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @transition(field=state, source=State.DRAFT, target=State.APPROVED)
    def mark_approved(self) -> None:
        pass

    @transition(field=state, source=State.APPROVED, target=State.PUBLISHED)
    def mark_published(self) -> None:
        pass

    @transition(field=state, source=State.PUBLISHED, target=State.CLOSED)
    def mark_closed(self) -> None:
        pass


class CallOffice(models.Model):
    """An office the Call fills, how many places, and the term those elected will serve."""

    call = models.ForeignKey(
        Call, verbose_name=_("Call"), on_delete=models.PROTECT, related_name="offices"
    )
    office = models.ForeignKey(
        Office, verbose_name=_("office"), on_delete=models.PROTECT, related_name="call_offices"
    )
    places = models.PositiveSmallIntegerField(_("places"), default=1)
    term_start = models.DateField(_("term starts"))
    term_end = models.DateField(_("term ends"), help_text=_("Exclusive: the first day after it."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("office of a Call")
        verbose_name_plural = _("offices of a Call")
        ordering = ["call", "order", "office__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["call", "office"],
                name="call_office_once",
                violation_error_message=_("This office is already in the Call."),
            ),
            models.CheckConstraint(
                condition=Q(term_end__gt=models.F("term_start")),
                name="call_office_term_ends_after_start",
                violation_error_message=_("A term must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call}: {self.office}"


class Requirement(models.Model):
    """A named, checkable requirement of the Call, for all its offices or for one.

    The kinds that data can decide are pre-filled from the registry and the mandates when a
    nomination is reviewed (`services.reviews`); the officer confirms each finding.
    """

    class Kind(models.TextChoices):
        NOMINATOR_IN_GOOD_STANDING = (
            "nominator_standing",
            _("Nominated by a full member in good standing"),
        )
        MEMBER_NATIONALITY = "member_nationality", _("National of a member country")
        DOCUMENT = "document", _("Required document")
        REELECTION_LIMIT = "reelection_limit", _("Re-election limit")
        NATIONALITY_DIFFERS = (
            "nationality_differs",
            _("Nationality different from another office's holder or candidate"),
        )
        OTHER = "other", _("Other requirement, checked by the Secretariat")

    call = models.ForeignKey(
        Call, verbose_name=_("Call"), on_delete=models.PROTECT, related_name="requirements"
    )
    call_office = models.ForeignKey(
        CallOffice,
        verbose_name=_("office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requirements",
        help_text=_("Empty: every office of the Call."),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    label = models.CharField(_("requirement"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    other_office = models.ForeignKey(
        Office,
        verbose_name=_("other office"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For a nationality that must differ: the office it is compared with."),
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    # History is registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("requirement")
        verbose_name_plural = _("requirements")
        ordering = ["call", "order", "pk"]

    def __str__(self) -> str:
        return self.label
