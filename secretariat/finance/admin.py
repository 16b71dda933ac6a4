"""Admin: read-only views of the ledger and the dues for support staff; every write goes
through the services (finance.services), which check, balance, audit and log."""

from __future__ import annotations

from django.contrib import admin

from secretariat.core.admin import ReadOnlyAdmin
from secretariat.finance.models import Account, Assessment, Entry, FiscalYear, Payment


@admin.register(Account)
class AccountAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "account_class", "normal_side", "is_postable", "is_active")


@admin.register(FiscalYear)
class FiscalYearAdmin(ReadOnlyAdmin):
    list_display = ("year", "start", "end", "state", "is_example")


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("journal", "number", "date", "description", "state", "source_kind")


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    list_display = ("number", "institution", "fiscal_year", "amount", "currency", "due_on")


@admin.register(Payment)
class PaymentAdmin(ReadOnlyAdmin):
    list_display = ("institution", "received_on", "bank_reference", "amount", "currency")
