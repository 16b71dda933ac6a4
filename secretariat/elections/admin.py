"""Admin: read-only views of the Calls, nominations, reports and contests for support staff;
every write goes through the services (elections.services), which check, audit and log."""

from __future__ import annotations

from django.contrib import admin

from secretariat.core.admin import ReadOnlyAdmin
from secretariat.elections.models import (
    Call,
    Contest,
    EligibilityReport,
    Nomination,
    NominationVersion,
)


@admin.register(Call)
class CallAdmin(ReadOnlyAdmin):
    list_display = ("title", "state", "opens_at", "deadline", "time_zone", "is_example")
    list_filter = ("state",)
    search_fields = ("title", "reference")


@admin.register(Nomination)
class NominationAdmin(ReadOnlyAdmin):
    list_display = ("call", "call_office", "institution", "channel", "state", "received_at")
    list_filter = ("state", "channel")


@admin.register(NominationVersion)
class NominationVersionAdmin(ReadOnlyAdmin):
    list_display = ("nomination", "number", "candidate_name", "created_at")


@admin.register(EligibilityReport)
class EligibilityReportAdmin(ReadOnlyAdmin):
    list_display = ("call", "version", "state", "signed_at")


@admin.register(Contest)
class ContestAdmin(ReadOnlyAdmin):
    list_display = ("call_office", "place", "session", "state", "ended_at")
    list_filter = ("state",)
