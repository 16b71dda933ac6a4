"""Admin: read-only views of the bodies and the preparation of sessions for support staff;
every write goes through the services (governance.services), which check, audit and log."""

from __future__ import annotations

from django.contrib import admin

from secretariat.core.admin import ReadOnlyAdmin
from secretariat.governance.models import (
    AgendaItem,
    BallotReceipt,
    Body,
    Dispatch,
    Document,
    DocumentFile,
    Mandate,
    Office,
    Participant,
    Proxy,
    Seat,
    Session,
)


@admin.register(Body)
class BodyAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "kind", "rules_profile", "all_members_sit")
    list_filter = ("kind", "rules_profile")
    search_fields = ("code", "name")


@admin.register(Office)
class OfficeAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "body", "term_years")
    search_fields = ("code", "name")


@admin.register(Mandate)
class MandateAdmin(ReadOnlyAdmin):
    list_display = ("office", "holder", "valid_from", "valid_to")
    list_filter = ("office",)
    search_fields = ("holder",)


@admin.register(Seat)
class SeatAdmin(ReadOnlyAdmin):
    list_display = ("body", "title", "holder", "capacity", "valid_from", "valid_to")
    list_filter = ("body", "capacity")
    search_fields = ("title", "holder", "email")


@admin.register(Session)
class SessionAdmin(ReadOnlyAdmin):
    list_display = ("title", "body", "kind", "number", "state", "starts_at")
    list_filter = ("body", "kind", "state")
    search_fields = ("title",)
    date_hierarchy = "starts_at"


@admin.register(AgendaItem)
class AgendaItemAdmin(ReadOnlyAdmin):
    list_display = ("title", "session", "parent", "position", "withdrawn")
    list_filter = ("withdrawn",)
    search_fields = ("title",)


@admin.register(Document)
class DocumentAdmin(ReadOnlyAdmin):
    list_display = ("symbol", "title", "session", "restricted", "withdrawn_at")
    list_filter = ("restricted",)
    search_fields = ("symbol", "title")


@admin.register(DocumentFile)
class DocumentFileAdmin(ReadOnlyAdmin):
    list_display = ("original_name", "document", "version", "language", "uploaded_at")
    list_filter = ("language",)


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "session", "institution", "seat", "role", "credentials")
    list_filter = ("role", "credentials")
    search_fields = ("full_name", "email")


@admin.register(Proxy)
class ProxyAdmin(ReadOnlyAdmin):
    list_display = ("session", "grantor", "holder", "state")
    list_filter = ("state",)


@admin.register(Dispatch)
class DispatchAdmin(ReadOnlyAdmin):
    list_display = ("session", "kind", "recipient", "email", "language", "sent_at")
    list_filter = ("kind", "language")
    search_fields = ("recipient", "email")


@admin.register(BallotReceipt)
class BallotReceiptAdmin(ReadOnlyAdmin):
    """The secret ballots' audit trail (decision 0012): who cast the ballot of which member,
    when, in the order of each vote's chain; never a choice (the receipts have none)."""

    list_display = ("vote", "position", "institution", "seat", "cast_by", "by_proxy", "cast_at")
    list_filter = ("by_proxy",)
    list_select_related = ("vote__motion", "institution", "seat", "cast_by")
    ordering = ("-vote", "position")
    search_fields = ("institution__name", "seat__title", "cast_by__full_name")
    readonly_fields = ("prev_hash", "hash", "seal")
