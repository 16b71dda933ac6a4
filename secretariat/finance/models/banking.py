"""Bank statements: imported from the bank's CSV or ISO 20022 camt.053, their lines matched
to ledger lines (with suggestions), and what is left unmatched reported."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from secretariat.finance.models.ledger import CURRENCY_CHOICES, Account, Line


class BankStatement(models.Model):
    """A statement of one bank account (a cash account of the chart) for a period.

    Imported once: the file's SHA-256 refuses a second import of the same file. Reconciled
    when every line is matched or explained."""

    class Format(models.TextChoices):
        CSV = "csv", _("CSV")
        CAMT053 = "camt053", _("ISO 20022 camt.053")

    class State(models.TextChoices):
        OPEN = "open", _("Being reconciled")
        RECONCILED = "reconciled", _("Reconciled")

    account = models.ForeignKey(
        Account, verbose_name=_("bank account"), on_delete=models.PROTECT, related_name="statements"
    )
    file_format = models.CharField(_("format"), max_length=10, choices=Format.choices)
    file_name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    statement_id = models.CharField(_("statement identifier"), max_length=100, blank=True)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    starts = models.DateField(_("from"))
    ends = models.DateField(_("to"))
    opening_balance = models.BigIntegerField(_("opening balance"), null=True, blank=True)
    closing_balance = models.BigIntegerField(_("closing balance"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.OPEN)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    reconciled_at = models.DateTimeField(_("reconciled at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bank statement")
        verbose_name_plural = _("bank statements")
        ordering = ["-ends", "-id"]

    def __str__(self) -> str:
        return f"{self.account.code} {self.starts}–{self.ends}"


class BankStatementLine(models.Model):
    """A movement on a bank statement: signed amount (a credit to the account is positive),
    booking and value dates, references; matched to one ledger line on the bank account, or
    explained (bank charges posted, a timing difference)."""

    class State(models.TextChoices):
        UNMATCHED = "unmatched", _("Unmatched")
        MATCHED = "matched", _("Matched")
        EXPLAINED = "explained", _("Explained")

    statement = models.ForeignKey(
        BankStatement, verbose_name=_("statement"), on_delete=models.PROTECT, related_name="lines"
    )
    sequence = models.PositiveIntegerField(_("line"))
    booking_date = models.DateField(_("booking date"))
    value_date = models.DateField(_("value date"), null=True, blank=True)
    amount = models.BigIntegerField(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCY_CHOICES)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    counterparty = models.CharField(_("counterparty"), max_length=200, blank=True)
    description = models.CharField(_("description"), max_length=500, blank=True)
    state = models.CharField(
        _("state"), max_length=10, choices=State.choices, default=State.UNMATCHED
    )
    matched_line = models.OneToOneField(
        Line,
        verbose_name=_("ledger line"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bank_line",
    )
    explanation = models.CharField(_("explanation"), max_length=300, blank=True)
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("matched by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    matched_at = models.DateTimeField(_("matched at"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("bank statement line")
        verbose_name_plural = _("bank statement lines")
        ordering = ["statement", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["statement", "sequence"],
                name="bank_line_sequence_unique",
                violation_error_message=_("This statement already has a line with this number."),
            ),
            models.CheckConstraint(
                condition=~Q(amount=0),
                name="bank_line_not_zero",
                violation_error_message=_("A movement cannot be zero."),
            ),
            models.CheckConstraint(
                condition=~Q(state="matched") | Q(matched_line__isnull=False),
                name="bank_line_matched_has_line",
                violation_error_message=_("A matched movement names its ledger line."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.statement_id}#{self.sequence} {self.amount}"
