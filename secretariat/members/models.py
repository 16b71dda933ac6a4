"""The member registry: sub-regions, countries, categories, institutions, memberships,
representatives, affiliation/disaffiliation requests and contact-data corrections.

History is never rewritten: a membership runs from `valid_from` to `valid_to` (exclusive),
a category change closes one membership and opens another, and nothing an organization's
record depends on is deleted (PROTECT everywhere, no delete in any service).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from secretariat.core.models import InForce, ValidityQuerySet


class Source(models.TextChoices):
    """Where a record came from."""

    REFERENCE = "reference", _("CISS reference data")
    SECRETARIAT = "secretariat", _("Entered by the Secretariat")
    IMPORT = "import", _("Imported from a spreadsheet")
    EXAMPLE = "example", _("Example (demo)")
    SYNTHETIC = "synthetic", _("Synthetic (benchmark)")


class DatePrecision(models.TextChoices):
    DAY = "day", _("day")
    MONTH = "month", _("month")
    YEAR = "year", _("year")


class SubRegion(models.Model):
    """One of the CISS sub-regions (I to V), with its coordinator on the Standing Committee."""

    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    # History is registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("sub-region")
        verbose_name_plural = _("sub-regions")
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name

    @property
    def roman(self) -> str:
        return ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"][self.number]


class Country(models.Model):
    """A country or territory; its sub-region may be unknown until the Secretariat assigns it."""

    code = models.CharField(_("ISO 3166 code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=120)
    subregion = models.ForeignKey(
        SubRegion,
        verbose_name=_("sub-region"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="countries",
        help_text=_("Empty when not yet known."),
    )
    subregion_source = models.CharField(_("source of the sub-region"), max_length=500, blank=True)
    # History is registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("country or territory")
        verbose_name_plural = _("countries and territories")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Category(models.Model):
    """A membership category; whether it votes follows from the Statute (only full members)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_plural = models.CharField(_("plural name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    has_vote = models.BooleanField(_("has the right to vote"), default=False)
    has_voice = models.BooleanField(_("has the right to voice"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    published_count = models.PositiveIntegerField(_("published count"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    # History is registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("membership category")
        verbose_name_plural = _("membership categories")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.name


class Institution(models.Model):
    """A social security institution (member, former member or applicant)."""

    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=40, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    country = models.ForeignKey(
        Country, verbose_name=_("country"), on_delete=models.PROTECT, related_name="institutions"
    )
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=60, blank=True)
    address = models.TextField(_("postal address"), blank=True)
    origin = models.CharField(
        _("origin"), max_length=20, choices=Source.choices, default=Source.SECRETARIAT
    )
    source = models.CharField(_("source"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    # History is registered in translation.py, after the translated fields exist.

    class Meta:
        verbose_name = _("institution")
        verbose_name_plural = _("institutions")
        ordering = ["name"]
        indexes = [models.Index(fields=["country", "name"], name="institution_country_name_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    @property
    def is_example(self) -> bool:
        return self.origin in (Source.EXAMPLE, Source.SYNTHETIC)


class MembershipQuerySet(ValidityQuerySet["Membership"]):
    """A membership whose start is unknown counts as in force on any date before its end:
    the record says so (`valid_from` empty) and pages show "since: unknown"."""


class Membership(InForce, models.Model):
    """An institution's membership in one category, from a date to a date (exclusive)."""

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="memberships",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text=_("Empty when the category is not yet known."),
    )
    valid_from = models.DateField(
        _("member since"), null=True, blank=True, help_text=_("Empty when not known.")
    )
    valid_from_precision = models.CharField(
        _("precision of the start date"),
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
    )
    valid_to = models.DateField(
        _("member until"),
        null=True,
        blank=True,
        help_text=_("Exclusive: the first day no longer a member."),
    )
    decision = models.CharField(
        _("decision"),
        max_length=300,
        blank=True,
        help_text=_("The body's decision that admitted the member, e.g. a resolution."),
    )
    end_decision = models.CharField(_("decision that ended it"), max_length=300, blank=True)
    source = models.CharField(_("source"), max_length=500, blank=True)
    history = HistoricalRecords()

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["institution", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["institution"],
                condition=Q(valid_to__isnull=True),
                name="membership_one_open_per_institution",
                violation_error_message=_("This institution already has a membership in force."),
            ),
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gt=models.F("valid_from")),
                name="membership_ends_after_start",
                violation_error_message=_("A membership must end after it starts."),
            ),
        ]
        indexes = [models.Index(fields=["valid_to", "category"], name="membership_open_cat_idx")]

    def __str__(self) -> str:
        return f"{self.institution} — {self.category or '?'}"


class RepresentativeQuerySet(ValidityQuerySet["Representative"]):
    pass


class Representative(InForce, models.Model):
    """A person who represents an institution before the CISS, in a role, for a period."""

    class Role(models.TextChoices):
        HEAD = "head", _("Head (titular)")
        ALTERNATE = "alternate", _("Alternate")
        LIAISON = "liaison", _("Liaison")

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="representatives",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="representations",
    )
    full_name = models.CharField(_("full name"), max_length=200)
    title = models.CharField(_("position"), max_length=200, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("telephone"), max_length=60, blank=True)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True)
    history = HistoricalRecords()

    objects = RepresentativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        ordering = ["institution", "role", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="representative_ends_after_start",
                violation_error_message=_("A representation must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.get_role_display()})"


def attachment_path(instance: RequestAttachment, filename: str) -> str:
    return f"requests/{instance.request_id}/{filename}"


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
    applicant_name = models.CharField(_("institution name"), max_length=300, blank=True)
    applicant_acronym = models.CharField(_("acronym"), max_length=40, blank=True)
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
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
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
        conditions=[lambda r: r.checklist_complete],  # type: ignore[attr-defined]  # fsm passes the instance
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


class ContactCorrection(models.Model):
    """A representative's proposed correction to their institution's contact data."""

    class State(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    FIELDS = ("website", "email", "phone", "address")

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="corrections",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("proposed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    changes = models.JSONField(_("proposed values"))
    previous = models.JSONField(_("values when proposed"))
    comment = models.TextField(_("comment"), blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PROPOSED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact correction")
        verbose_name_plural = _("contact corrections")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.institution} — {self.get_state_display()}"


class ImportBatch(models.Model):
    """An uploaded member spreadsheet: parsed rows kept for preview, committed all-or-nothing."""

    class State(models.TextChoices):
        PREVIEW = "preview", _("Preview")
        COMMITTED = "committed", _("Committed")
        DISCARDED = "discarded", _("Discarded")

    file_name = models.CharField(_("file name"), max_length=255)
    checksum = models.CharField(_("checksum"), max_length=64)
    rows = models.JSONField(_("rows"))
    errors = models.JSONField(_("errors"), default=list, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.PREVIEW
    )
    summary = models.JSONField(_("summary"), default=dict)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    committed_at = models.DateTimeField(_("committed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.file_name


class VotingSuspensionQuerySet(ValidityQuerySet["VotingSuspension"]):
    pass


class VotingSuspension(models.Model):
    """A member's right to vote suspended for a period (its voice is kept).

    Recorded by the Secretariat today; the finance module will record the suspensions that
    follow from arrears through the same service (`origin` says which). Every quorum and vote
    reads the standing in force on its date. Lifting a suspension sets `valid_to`.
    """

    class Origin(models.TextChoices):
        SECRETARIAT = "secretariat", _("Recorded by the Secretariat")
        ARREARS = "arrears", _("Arrears of dues")

    institution = models.ForeignKey(
        Institution,
        verbose_name=_("institution"),
        on_delete=models.PROTECT,
        related_name="voting_suspensions",
    )
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("until"), null=True, blank=True, help_text=_("Exclusive."))
    reason = models.TextField(_("reason"))
    legal_basis = models.CharField(_("legal basis"), max_length=300)
    origin = models.CharField(
        _("origin"), max_length=20, choices=Origin.choices, default=Origin.SECRETARIAT
    )
    lift_reason = models.TextField(_("reason for lifting"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = VotingSuspensionQuerySet.as_manager()

    class Meta:
        verbose_name = _("suspension of the right to vote")
        verbose_name_plural = _("suspensions of the right to vote")
        ordering = ["institution", "-valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gt=models.F("valid_from")),
                name="suspension_ends_after_start",
                violation_error_message=_("A suspension must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution}: {self.valid_from}–{self.valid_to or ''}"
