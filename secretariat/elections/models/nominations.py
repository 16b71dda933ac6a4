"""Nominations: a full member's candidate for an office of a Call, frozen once submitted;
a correction is a new version, never an edit (shared/domain.md "Nominations" [D])."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from secretariat.elections.models.calls import Call, CallOffice, Requirement
from secretariat.governance.models import Person
from secretariat.members.models import Country, Institution


class Nomination(models.Model):
    """A nominating member's candidate for one office of a Call. What it says is in its
    versions; the nomination keeps where it stands and when it was received."""

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        CORRECTION_REQUESTED = "correction", _("Correction requested")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Channel(models.TextChoices):
        PORTAL = "portal", _("Member portal")
        PAPER = "paper", _("On paper, recorded by the Secretariat")

    call = models.ForeignKey(
        Call, verbose_name=_("Call"), on_delete=models.PROTECT, related_name="nominations"
    )
    call_office = models.ForeignKey(
        CallOffice, verbose_name=_("office"), on_delete=models.PROTECT, related_name="nominations"
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("nominated by"),
        on_delete=models.PROTECT,
        related_name="nominations",
    )
    channel = models.CharField(
        _("received through"), max_length=10, choices=Channel.choices, default=Channel.PORTAL
    )
    received_at = models.DateTimeField(
        _("received at"), help_text=_("Submission in the portal, or receipt of the paper.")
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("submitted by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.SUBMITTED
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    person = models.ForeignKey(
        Person,
        verbose_name=_("candidate (person)"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="nominations",
        help_text=_("The person record the candidate is, when known (their mandates count)."),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["call", "call_office__order", "received_at", "pk"]

    def __str__(self) -> str:
        return f"{self.call_office}: {self.institution}"


class NominationVersion(models.Model):
    """What a nomination says, frozen: the candidate and their documents. A correction the
    Secretariat asks for is a new version; the earlier ones stay as they were."""

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("version"))
    candidate_name = models.CharField(_("candidate"), max_length=200)
    candidate_nationality = models.ForeignKey(
        Country,
        verbose_name=_("candidate's nationality"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    candidate_email = models.EmailField(_("candidate's e-mail"), blank=True)
    candidate_biography = models.TextField(_("short biography"), blank=True)
    note = models.TextField(_("note from the member"), blank=True)
    created_at = models.DateTimeField(_("submitted at"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("why this version"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("version of a nomination")
        verbose_name_plural = _("versions of nominations")
        ordering = ["nomination", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["nomination", "number"], name="nomination_version_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.candidate_name} (v{self.number})"


def nomination_document_upload_to(instance: NominationDocument, filename: str) -> str:
    """Stored under a random name: the original name is kept on the row, never in a path."""
    return f"elections/nominations/{uuid.uuid4().hex}"


class NominationDocument(models.Model):
    """A document of a nomination's version, for a document requirement; checked by content
    and size when uploaded, stored with its digest."""

    version = models.ForeignKey(
        NominationVersion,
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="documents",
    )
    requirement = models.ForeignKey(
        Requirement, verbose_name=_("requirement"), on_delete=models.PROTECT, related_name="+"
    )
    file = models.FileField(_("file"), upload_to=nomination_document_upload_to)
    file_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_at = models.DateTimeField(_("uploaded at"))

    class Meta:
        verbose_name = _("document of a nomination")
        verbose_name_plural = _("documents of nominations")
        ordering = ["version", "requirement__order", "pk"]

    def __str__(self) -> str:
        return self.file_name


class CorrectionRequest(models.Model):
    """The Secretariat asks the nominating member for a missing or corrected document, to be
    sent within a set period; answered by the member's next version."""

    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    requirement = models.ForeignKey(
        Requirement,
        verbose_name=_("requirement"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    message = models.TextField(_("what is asked"))
    due = models.DateTimeField(_("to be sent by"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("asked at"))
    answered_by_version = models.ForeignKey(
        NominationVersion,
        verbose_name=_("answered by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="answers",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("request for a correction")
        verbose_name_plural = _("requests for corrections")
        ordering = ["nomination", "requested_at", "pk"]

    def __str__(self) -> str:
        return self.message[:60]


class Finding(models.Model):
    """The Secretariat's finding on one requirement for one version of a nomination: met, not
    met or pending, with a note and the evidence. Where data can decide it, `suggested` is
    what the registry and the mandates say and `basis` why; the officer confirms it."""

    class Result(models.TextChoices):
        MET = "met", _("Met")
        NOT_MET = "not_met", _("Not met")
        PENDING = "pending", _("Pending")

    version = models.ForeignKey(
        NominationVersion,
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    requirement = models.ForeignKey(
        Requirement,
        verbose_name=_("requirement"),
        on_delete=models.PROTECT,
        related_name="findings",
    )
    result = models.CharField(
        _("finding"), max_length=10, choices=Result.choices, default=Result.PENDING
    )
    suggested = models.CharField(
        _("what the data say"), max_length=10, choices=Result.choices, blank=True
    )
    basis = models.TextField(_("why the data say so"), blank=True)
    note = models.TextField(_("note"), blank=True)
    evidence = models.TextField(_("evidence"), blank=True)
    confirmed = models.BooleanField(_("confirmed by an officer"), default=False)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["version", "requirement__order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "requirement"], name="finding_once_per_requirement"
            ),
            models.CheckConstraint(
                condition=Q(confirmed=False) | Q(reviewed_by__isnull=False),
                name="finding_confirmed_by_someone",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version}: {self.requirement} = {self.result}"
