"""Members' dues: the scale of contributions set by the General Assembly, the yearly
assessment of each member, payments and how they are applied, write-offs and exemptions,
and the reminders the Secretariat schedules.

Amounts are integer minor units of the scale's currency ([D] USD, domain.md "Finance").
What a member owes is never stored as a running balance: it is the assessments less the
allocations of payments and the adjustments, read in the database (finance.selectors.dues).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from secretariat.finance.models.ledger import CURRENCY_CHOICES, Entry


class ContributionScale(models.Model):
    """A scale of contributions, effective from a fiscal year until the next scale, set by a
    recorded decision of the General Assembly (domain.md: the GA "fixes and revises members'
    dues"). The resolution is linked when it is in the register; `decision` says it in words
    either way."""

    effective_from_year = models.PositiveSmallIntegerField(
        _("effective from the year"), unique=True
    )
    currency = models.CharField(
        _("currency"), max_length=3, choices=CURRENCY_CHOICES, default="USD"
    )
    resolution = models.ForeignKey(
        "governance.Resolution",
        verbose_name=_("resolution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contribution_scales",
    )
    decision = models.CharField(
        _("decision"),
        max_length=300,
        help_text=_("The General Assembly's decision that set this scale, as it is cited."),
    )
    notes = models.TextField(_("notes"), blank=True)
    is_example = models.BooleanField(_("example data"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scale of contributions")
        verbose_name_plural = _("scales of contributions")
        ordering = ["-effective_from_year"]

    def __str__(self) -> str:
        return str(self.effective_from_year)


class ScaleRate(models.Model):
    """A yearly contribution in a scale: for every member of a category, or for one member
    (which then overrides its category's)."""

    scale = models.ForeignKey(
        ContributionScale, verbose_name=_("scale"), on_delete=models.PROTECT, related_name="rates"
    )
    category = models.ForeignKey(
        "members.Category",
        verbose_name=_("category"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    institution = models.ForeignKey(
        "members.Institution",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    amount = models.BigIntegerField(_("yearly contribution"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contribution")
        verbose_name_plural = _("contributions")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(category__isnull=False, institution__isnull=True)
                    | Q(category__isnull=True, institution__isnull=False)
                ),
                name="scale_rate_category_or_member",
                violation_error_message=_("A contribution is for a category or for one member."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="scale_rate_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
            ),
            models.UniqueConstraint(
                fields=["scale", "category"],
                condition=Q(category__isnull=False),
                name="scale_rate_one_per_category",
                violation_error_message=_(
                    "This category already has a contribution in this scale."
                ),
            ),
            models.UniqueConstraint(
                fields=["scale", "institution"],
                condition=Q(institution__isnull=False),
                name="scale_rate_one_per_member",
                violation_error_message=_("This member already has a contribution in this scale."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scale}: {self.category or self.institution} {self.amount}"


class AssessmentRun(models.Model):
    """One run of a year's assessment, done by the worker with its progress shown."""

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    fiscal_year = models.ForeignKey(
        "finance.FiscalYear",
        verbose_name=_("fiscal year"),
        on_delete=models.PROTECT,
        related_name="assessment_runs",
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("members to assess"), default=0)
    done = models.PositiveIntegerField(_("members assessed"), default=0)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment run")
        verbose_name_plural = _("assessment runs")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.fiscal_year} {self.state} {self.done}/{self.total}"


class Assessment(models.Model):
    """A member's dues for a fiscal year: one per member and year, posted to the ledger
    (debit dues receivable, credit assessed contributions), with its invoice."""

    fiscal_year = models.ForeignKey(
        "finance.FiscalYear",
        verbose_name=_("fiscal year"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    institution = models.ForeignKey(
        "members.Institution",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    number = models.CharField(_("invoice number"), max_length=30, unique=True)
    currency = models.CharField(
        _("currency"), max_length=3, choices=CURRENCY_CHOICES, default="USD"
    )
    amount = models.BigIntegerField(_("amount"))
    full_year_amount = models.BigIntegerField(_("full-year contribution"))
    pro_rata_note = models.CharField(_("pro rata"), max_length=200, blank=True)
    scale_rate = models.ForeignKey(
        ScaleRate, verbose_name=_("contribution"), on_delete=models.PROTECT, related_name="+"
    )
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("due on"))
    language = models.CharField(_("invoice language"), max_length=5, default="es")
    entry = models.OneToOneField(
        Entry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="assessment"
    )
    run = models.ForeignKey(
        AssessmentRun,
        verbose_name=_("run"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="assessments",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("assessment")
        verbose_name_plural = _("assessments")
        ordering = ["fiscal_year__year", "institution__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "institution"],
                name="assessment_one_per_member_and_year",
                violation_error_message=_("This member is already assessed for this year."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="assessment_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
            ),
        ]

    def __str__(self) -> str:
        return self.number


class Payment(models.Model):
    """Money received from a member: bank reference, date, currency, rate and amount, its
    base amount in the scale's currency, and its entry (debit bank, credit dues
    receivable). What is not applied to dues stays a credit of the member."""

    institution = models.ForeignKey(
        "members.Institution",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="payments",
    )
    received_on = models.DateField(_("received on"))
    bank_reference = models.CharField(_("bank reference"), max_length=140)
    bank_account = models.ForeignKey(
        "finance.Account",
        verbose_name=_("bank account"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    amount = models.BigIntegerField(_("amount received"))
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=8, default=1)
    base_amount = models.BigIntegerField(_("amount (USD)"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    entry = models.OneToOneField(
        Entry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="payment"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["-received_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0, base_amount__gt=0),
                name="payment_positive",
                violation_error_message=_("A payment must be more than zero."),
            ),
            models.UniqueConstraint(
                fields=["institution", "bank_reference"],
                name="payment_reference_unique_per_member",
                violation_error_message=_(
                    "This bank reference is already recorded for this member."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.institution} {self.received_on} {self.amount} {self.currency}"


class Allocation(models.Model):
    """Part of a payment (in the assessment's currency) applied to one assessment: oldest
    debt first (finance.services.dues.payment_apply)."""

    payment = models.ForeignKey(
        Payment, verbose_name=_("payment"), on_delete=models.PROTECT, related_name="allocations"
    )
    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("assessment"),
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    amount = models.BigIntegerField(_("amount applied"))

    class Meta:
        verbose_name = _("allocation")
        verbose_name_plural = _("allocations")
        ordering = ["assessment__fiscal_year__year", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="allocation_positive",
                violation_error_message=_("An allocation must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.payment_id}→{self.assessment_id} {self.amount}"


class Adjustment(models.Model):
    """A write-off or an exemption of (part of) an assessment, only by a recorded decision of
    the competent body (setting `finance.dues.write_off_body`; an exemption from the arrears
    rule is the General Assembly's, `members.arrears.exemption_by_assembly`)."""

    class Kind(models.TextChoices):
        WRITE_OFF = "write_off", _("Write-off")
        EXEMPTION = "exemption", _("Exemption")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    assessment = models.ForeignKey(
        Assessment,
        verbose_name=_("assessment"),
        on_delete=models.PROTECT,
        related_name="adjustments",
    )
    amount = models.BigIntegerField(_("amount"))
    body = models.ForeignKey(
        "governance.Body", verbose_name=_("decided by"), on_delete=models.PROTECT, related_name="+"
    )
    resolution = models.ForeignKey(
        "governance.Resolution",
        verbose_name=_("resolution"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decision = models.CharField(_("decision"), max_length=300)
    decided_on = models.DateField(_("decided on"))
    reason = models.TextField(_("reason"))
    entry = models.OneToOneField(
        Entry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="adjustment"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("write-off or exemption")
        verbose_name_plural = _("write-offs and exemptions")
        ordering = ["-decided_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="adjustment_positive",
                violation_error_message=_("An amount must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.assessment} {self.amount}"


class Reminder(models.Model):
    """A reminder of unpaid dues scheduled for a member, sent by the worker on its day."""

    institution = models.ForeignKey(
        "members.Institution",
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="dues_reminders",
    )
    scheduled_for = models.DateField(_("scheduled for"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    cancelled = models.BooleanField(_("cancelled"), default=False)
    outstanding = models.BigIntegerField(_("outstanding when scheduled"), default=0)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("scheduled by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["scheduled_for", "id"]

    def __str__(self) -> str:
        return f"{self.institution} {self.scheduled_for}"
