"""Affiliation and disaffiliation requests, their workflow and the files sent with them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from secretariat.core.validators import validate_no_bidi_controls
from secretariat.members.models.categories import Category
from secretariat.members.models.geography import Country
from secretariat.members.models.institutions import Institution
from secretariat.members.models.memberships import Membership


def attachment_path(instance: RequestAttachment, filename: str) -> str:
    return f"requests/{instance.request_id}/{filename}"


def _checklist_complete(request: models.Model) -> bool:
    """The condition of forwarding a request (django-fsm passes the request)."""
    return bool(getattr(request, "checklist_complete", False))


class MembershipRequest(models.Model):
    """An affiliation or disaffiliation request, taken through its workflow by the Secretariat.

    submitted → under_review → forwarded → approved | rejected; withdrawn from any open state.
    """

    class Kind(models.TextChoices):
        AFFILIATION = "affiliation", _("Affiliation")
        DISAFFILIATION = "disaffiliation", _("Disaffiliation")

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        UNDER_REVIEW = "under_review", _("Under review")
        FORWARDED = "forwarded", _("Forwarded to the deciding body")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Channel(models.TextChoices):
        PUBLIC_FORM = "public_form", _("Public form")
        SECRETARIAT = "secretariat", _("Recorded by the Secretariat")
        MEMBER = "member", _("By the member's representative")
        BODY = "body", _("Decided by the body")

    OPEN_STATES = (State.SUBMITTED, State.UNDER_REVIEW, State.FORWARDED)

    reference = models.CharField(_("reference"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    state = FSMField(_("state"), default=State.SUBMITTED, choices=State.choices, protected=True)
    channel = models.CharField(_("received through"), max_length=20, choices=Channel.choices)
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
        help_text=_("Empty for an applicant not yet in the registry."),
    )
    # Applicant data (affiliation by an institution not yet in the registry).
    applicant_name = models.CharField(
        _("institution name"), max_length=300, blank=True, validators=[validate_no_bidi_controls]
    )
    applicant_acronym = models.CharField(
        _("acronym"), max_length=40, blank=True, validators=[validate_no_bidi_controls]
    )
    applicant_country = models.ForeignKey(
        Country,
        verbose_name=_("country"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    applicant_website = models.URLField(_("website"), blank=True)
    requested_category = models.ForeignKey(
        Category,
        verbose_name=_("requested category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    contact_name = models.CharField(
        _("contact person"), max_length=200, blank=True, validators=[validate_no_bidi_controls]
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=60, blank=True)
    statement = models.TextField(_("statement"), blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    # Completeness checklist (under review).
    check_letter = models.BooleanField(
        _("Letter of request signed by the head of the institution"), default=False
    )
    check_legal = models.BooleanField(_("Legal instrument creating the institution"), default=False)
    check_representative = models.BooleanField(_("Designation of a representative"), default=False)
    check_dues = models.BooleanField(_("Commitment to pay the dues"), default=False)
    # Decision.
    deciding_body = models.CharField(_("deciding body"), max_length=40, blank=True)
    decision_reference = models.CharField(_("decision"), max_length=300, blank=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    effective_on = models.DateField(_("effective on"), null=True, blank=True)
    granted_category = models.ForeignKey(
        Category,
        verbose_name=_("granted category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    outcome_reason = models.TextField(_("reason"), blank=True)
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("membership"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="requests",
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.TextField(_("internal note"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership request")
        verbose_name_plural = _("membership requests")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "-created_at"], name="request_state_idx")]

    def __str__(self) -> str:
        return f"{self.reference} — {self.display_name}"

    @property
    def display_name(self) -> str:
        return str(self.institution) if self.institution_id else self.applicant_name

    @property
    def checklist(self) -> list[tuple[str, str, bool]]:
        names = ["check_letter", "check_legal", "check_representative", "check_dues"]
        if self.kind == self.Kind.DISAFFILIATION:
            names = ["check_letter"]
        return [
            (n, str(getattr(self._meta.get_field(n), "verbose_name", n)), getattr(self, n))
            for n in names
        ]

    @property
    def checklist_complete(self) -> bool:
        return all(done for _n, _label, done in self.checklist)

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    # Transitions only change the state; the services do the rest and audit it.
    @transition(field=state, source=State.SUBMITTED, target=State.UNDER_REVIEW)
    def start_review(self) -> None:
        """Open the completeness review."""

    @transition(
        field=state,
        source=State.UNDER_REVIEW,
        target=State.FORWARDED,
        conditions=[_checklist_complete],
    )
    def forward(self) -> None:
        """Forward the complete file to the deciding body."""

    @transition(field=state, source=State.FORWARDED, target=State.APPROVED)
    def approve(self) -> None:
        """The body approved the request."""

    @transition(field=state, source=State.FORWARDED, target=State.REJECTED)
    def reject(self) -> None:
        """The body rejected the request."""

    @transition(
        field=state,
        source=[State.SUBMITTED, State.UNDER_REVIEW, State.FORWARDED],
        target=State.WITHDRAWN,
    )
    def withdraw(self) -> None:
        """The applicant withdrew the request."""


class RequestAttachment(models.Model):
    """A file sent with a request (letter, legal instrument...). Kept, never deleted."""

    request = models.ForeignKey(
        MembershipRequest,
        verbose_name=_("request"),
        on_delete=models.PROTECT,
        related_name="attachments",
    )
    file = models.FileField(_("file"), upload_to=attachment_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    description = models.CharField(_("description"), max_length=200, blank=True)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return self.original_name
