"""The ledger: chart of accounts, fiscal years and periods, exchange rates, journals, entries
and their lines, and the dimensions lines carry (fund, programme).

Double entry in integer minor units (design.md, "Finance ledger"): each line is a debit or a
credit in its currency at a rate, with its base amount in the base currency (USD). A posted
entry never changes; a correction is a reversal. Every entry balances per currency and in
the base currency: checked by the service (finance.services.ledger) and, on PostgreSQL, by a
deferred constraint trigger (migration 0002).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from secretariat.core.money import CURRENCIES

CURRENCY_CHOICES = [(code, code) for code in CURRENCIES]


class AccountClass(models.TextChoices):
    """IPSAS classes of accounts (IPSAS 1): the statements are built over them."""

    ASSET = "asset", _("Assets")
    LIABILITY = "liability", _("Liabilities")
    NET_ASSETS = "net_assets", _("Net assets/equity")
    REVENUE = "revenue", _("Revenue")
    EXPENSE = "expense", _("Expenses")


class Side(models.TextChoices):
    DEBIT = "debit", _("Debit")
    CREDIT = "credit", _("Credit")


NORMAL_SIDE = {
    AccountClass.ASSET: Side.DEBIT,
    AccountClass.EXPENSE: Side.DEBIT,
    AccountClass.LIABILITY: Side.CREDIT,
    AccountClass.NET_ASSETS: Side.CREDIT,
    AccountClass.REVENUE: Side.CREDIT,
}


class StatementLine(models.TextChoices):
    """The line of the IPSAS statements an account's balance is shown on (row templates
    over account classes, design.md). Cash accounts are what the cash-flow statement
    follows; `cash_flow` on the account says which activity a counterpart belongs to."""

    CASH = "cash", _("Cash and cash equivalents")
    RECEIVABLES = "receivables", _("Contributions receivable")
    OTHER_RECEIVABLES = "other_receivables", _("Other receivables")
    PREPAYMENTS = "prepayments", _("Prepayments")
    INVESTMENTS = "investments", _("Investments")
    PPE = "ppe", _("Property, plant and equipment")
    PAYABLES = "payables", _("Payables and accruals")
    ADVANCE_RECEIPTS = "advance_receipts", _("Contributions received in advance")
    EMPLOYEE_BENEFITS = "employee_benefits", _("Employee benefits")
    OTHER_LIABILITIES = "other_liabilities", _("Other liabilities")
    ACCUMULATED_SURPLUS = "accumulated_surplus", _("Accumulated surplus/(deficit)")
    RESERVES = "reserves", _("Reserves")
    ASSESSED_CONTRIBUTIONS = "assessed_contributions", _("Assessed contributions")
    VOLUNTARY_CONTRIBUTIONS = "voluntary_contributions", _("Voluntary contributions")
    TRAINING_REVENUE = "training_revenue", _("Training and services revenue")
    INVESTMENT_REVENUE = "investment_revenue", _("Investment revenue")
    OTHER_REVENUE = "other_revenue", _("Other revenue")
    STAFF_COSTS = "staff_costs", _("Salaries and employee benefits")
    TRAVEL = "travel", _("Travel")
    SERVICES = "services", _("Contractual services")
    SUPPLIES = "supplies", _("Supplies and operating costs")
    DEPRECIATION = "depreciation", _("Depreciation and amortization")
    FX_DIFFERENCES = "fx_differences", _("Exchange differences")
    OTHER_EXPENSES = "other_expenses", _("Other expenses")


class CashFlowActivity(models.TextChoices):
    """IPSAS 2: the activity a cash movement belongs to, read from its counterpart account."""

    OPERATING = "operating", _("Operating activities")
    INVESTING = "investing", _("Investing activities")
    FINANCING = "financing", _("Financing activities")


class Account(models.Model):
    """An account of the chart: a tree; only leaves (`is_postable`) take lines.

    The class follows IPSAS; the normal side is the class's unless the account is a contra
    account (accumulated depreciation: an asset with a credit balance). Accounts are never
    deleted: an account no longer used is closed (`is_active`)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent account"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    account_class = models.CharField(_("class"), max_length=20, choices=AccountClass.choices)
    normal_side = models.CharField(_("normal side"), max_length=6, choices=Side.choices)
    is_postable = models.BooleanField(
        _("takes entries"), default=True, help_text=_("Header accounts only group others.")
    )
    statement_line = models.CharField(
        _("statement line"), max_length=30, choices=StatementLine.choices, blank=True
    )
    cash_flow = models.CharField(
        _("cash-flow activity"),
        max_length=20,
        choices=CashFlowActivity.choices,
        default=CashFlowActivity.OPERATING,
    )
    is_cash = models.BooleanField(_("cash or bank account"), default=False)
    is_receivable = models.BooleanField(
        _("members' dues receivable"), default=False, help_text=_("Lines carry the member.")
    )
    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=CURRENCY_CHOICES,
        blank=True,
        help_text=_("Only lines in this currency, if set (a bank account in MXN)."),
    )
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Fund(models.Model):
    """A fund (regular budget, a trust fund, the working capital fund): a dimension of lines."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("fund")
        verbose_name_plural = _("funds")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class Programme(models.Model):
    """A programme of activities: a dimension of lines (and of budget lines, issue #13)."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=200)
    is_active = models.BooleanField(_("open"), default=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PeriodState(models.TextChoices):
    OPEN = "open", pgettext_lazy("a fiscal year or period", "Open")
    CLOSED = "closed", pgettext_lazy("a fiscal year or period", "Closed")
    LOCKED = "locked", pgettext_lazy("a fiscal year or period", "Locked")


class FiscalYear(models.Model):
    """A fiscal year (setting `finance.fiscal_year_start_month`; [D] the calendar year).

    open → closed (the result carried to net assets by the closing entry; reopening is a
    recorded decision) → locked (after the external audit: nothing can change)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    start = models.DateField(_("starts"))
    end = models.DateField(_("ends"))
    state = models.CharField(
        _("state"), max_length=10, choices=PeriodState.choices, default=PeriodState.OPEN
    )
    closing_entry = models.ForeignKey(
        "finance.Entry",
        verbose_name=_("closing entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    is_example = models.BooleanField(_("example data"), default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fiscal year")
        verbose_name_plural = _("fiscal years")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="fiscal_year_ends_after_start",
                violation_error_message=_("A fiscal year must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)


class Period(models.Model):
    """A month (or other period) of a fiscal year: open → closed → locked. Entries are
    posted only into an open period; closing a period runs its revaluation first."""

    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("fiscal year"), on_delete=models.PROTECT, related_name="periods"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    start = models.DateField(_("starts"))
    end = models.DateField(_("ends"))
    state = models.CharField(
        _("state"), max_length=10, choices=PeriodState.choices, default=PeriodState.OPEN
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("period")
        verbose_name_plural = _("periods")
        ordering = ["start"]
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "number"],
                name="period_number_unique_in_year",
                violation_error_message=_(
                    "This fiscal year already has a period with this number."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.fiscal_year.year}-{self.number:02d}"


class ExchangeRate(models.Model):
    """A recorded daily rate: units of the base currency (USD) for one unit of `currency`,
    with its source (the Banco de México FIX rate, the bank's rate of a transfer)."""

    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    day = models.DateField(_("day"))
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=8)
    source = models.CharField(_("source"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "day"],
                name="exchange_rate_one_per_day",
                violation_error_message=_("A rate is already recorded for this currency and day."),
            ),
            models.CheckConstraint(
                condition=Q(rate__gt=0),
                name="exchange_rate_positive",
                violation_error_message=_("A rate must be positive."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.day} {self.rate}"


class Journal(models.Model):
    """A book of entries with its own numbering: general, dues, bank, closing, revaluation."""

    class Kind(models.TextChoices):
        GENERAL = "general", _("General journal")
        DUES = "dues", _("Members' dues")
        BANK = "bank", _("Bank")
        PURCHASES = "purchases", _("Suppliers")
        PAYROLL = "payroll", _("Payroll")
        REVALUATION = "revaluation", _("Revaluation")
        CLOSING = "closing", _("Year-end closing")

    code = models.CharField(_("code"), max_length=10, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)

    class Meta:
        verbose_name = _("journal")
        verbose_name_plural = _("journals")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class EntryState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    POSTED = "posted", _("Posted")
    REVERSED = "reversed", _("Reversed")
    DISCARDED = "discarded", _("Discarded draft")


class SourceKind(models.TextChoices):
    """The document an entry comes from."""

    MANUAL = "manual", _("Manual entry")
    ASSESSMENT = "assessment", _("Assessment of dues")
    PAYMENT = "payment", _("Payment received")
    ADJUSTMENT = "adjustment", _("Write-off or exemption")
    SUPPLIER_INVOICE = "supplier_invoice", _("Supplier invoice")
    PAYROLL = "payroll", _("Payroll summary")
    TRANSFER = "transfer", _("Transfer")
    REVALUATION = "revaluation", _("Revaluation")
    CLOSING = "closing", _("Year-end closing")
    OPENING = "opening", _("Opening balances")
    REVERSAL = "reversal", _("Reversal")


class Entry(models.Model):
    """A journal entry: draft → posted → reversed (numbered per journal and fiscal year).

    Posting numbers it in its journal and year and freezes it; its lines never change after.
    A reversal is a new posted entry with every line on the other side, and marks this one
    reversed. `source_kind` and `source_reference` name the document it comes from; the
    finance records that produce entries (assessments, payments, adjustments) point back to
    it."""

    journal = models.ForeignKey(
        Journal, verbose_name=_("journal"), on_delete=models.PROTECT, related_name="entries"
    )
    number = models.PositiveIntegerField(_("number"), null=True, blank=True)
    date = models.DateField(_("date"))
    fiscal_year = models.ForeignKey(
        FiscalYear, verbose_name=_("fiscal year"), on_delete=models.PROTECT, related_name="entries"
    )
    period = models.ForeignKey(
        Period, verbose_name=_("period"), on_delete=models.PROTECT, related_name="entries"
    )
    description = models.CharField(_("description"), max_length=500)
    state = models.CharField(
        _("state"), max_length=10, choices=EntryState.choices, default=EntryState.DRAFT
    )
    source_kind = models.CharField(
        _("source document"), max_length=20, choices=SourceKind.choices, default=SourceKind.MANUAL
    )
    source_reference = models.CharField(_("source reference"), max_length=200, blank=True)
    source_file = models.FileField(
        _("source document file"), upload_to="finance/sources/%Y/", blank=True
    )
    reversal_of = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("prepared by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("prepared at"), auto_now_add=True)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("entry")
        verbose_name_plural = _("entries")
        ordering = ["-date", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["journal", "fiscal_year", "number"],
                name="entry_number_unique",
                violation_error_message=_("This number is already used in this journal."),
            ),
            models.CheckConstraint(
                condition=Q(state__in=["draft", "discarded"]) | Q(number__isnull=False),
                name="posted_entry_has_number",
                violation_error_message=_("A posted entry has a number."),
            ),
        ]
        indexes = [models.Index(fields=["state", "date"], name="entry_state_date")]

    def __str__(self) -> str:
        return f"{self.journal.code}-{self.number or '·'} {self.date}"


class Line(models.Model):
    """A line of an entry: an account, a debit or a credit (never both, never negative) in
    its currency at its rate, the base amount in USD, and its dimensions."""

    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="lines"
    )
    account = models.ForeignKey(
        Account, verbose_name=_("account"), on_delete=models.PROTECT, related_name="lines"
    )
    debit = models.BigIntegerField(_("debit"), default=0)
    credit = models.BigIntegerField(_("credit"), default=0)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    rate = models.DecimalField(_("rate"), max_digits=20, decimal_places=8, default=1)
    base_debit = models.BigIntegerField(_("debit (USD)"), default=0)
    base_credit = models.BigIntegerField(_("credit (USD)"), default=0)
    description = models.CharField(_("description"), max_length=300, blank=True)
    fund = models.ForeignKey(
        Fund,
        verbose_name=_("fund"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lines",
    )
    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lines",
    )
    organ = models.ForeignKey(
        "governance.Body",
        verbose_name=_("organ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="finance_lines",
    )
    member = models.ForeignKey(
        "members.Institution",
        verbose_name=_("member"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="finance_lines",
    )

    class Meta:
        verbose_name = _("line")
        verbose_name_plural = _("lines")
        ordering = ["entry", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(debit__gte=0, credit__gte=0, base_debit__gte=0, base_credit__gte=0),
                name="line_amounts_not_negative",
                violation_error_message=_("Amounts cannot be negative."),
            ),
            models.CheckConstraint(
                condition=(Q(debit__gt=0, credit=0) | Q(debit=0, credit__gt=0)),
                name="line_one_side",
                violation_error_message=_("A line is either a debit or a credit."),
            ),
            models.CheckConstraint(
                condition=Q(base_credit=0) | Q(base_debit=0),
                name="line_base_one_side",
                violation_error_message=_("A line is either a debit or a credit."),
            ),
            models.CheckConstraint(
                condition=Q(rate__gt=0),
                name="line_rate_positive",
                violation_error_message=_("A rate must be positive."),
            ),
        ]
        indexes = [
            models.Index(fields=["account", "entry"], name="line_account_entry"),
            models.Index(fields=["member", "account"], name="line_member_account"),
        ]

    def __str__(self) -> str:
        return f"{self.account.code} {self.debit or -self.credit} {self.currency}"
