"""Admin: read-only views of the registry for support staff; every write goes through the
services (members.services), which check permission and audit."""

from django.contrib import admin

from secretariat.core.admin import ReadOnlyAdmin
from secretariat.members.models import (
    Category,
    ContactCorrection,
    Country,
    ImportBatch,
    Institution,
    Membership,
    MembershipRequest,
    Representative,
    SubRegion,
    VotingSuspension,
)


@admin.register(SubRegion)
class SubRegionAdmin(ReadOnlyAdmin):
    list_display = ("number", "name")


@admin.register(Country)
class CountryAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "subregion")
    search_fields = ("code", "name")


@admin.register(Category)
class CategoryAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "has_vote", "order")


@admin.register(Institution)
class InstitutionAdmin(ReadOnlyAdmin):
    list_display = ("name", "acronym", "country", "origin")
    list_filter = ("origin",)
    search_fields = ("name", "acronym")


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("institution", "category", "valid_from", "valid_to")
    list_select_related = ("institution", "category")


@admin.register(Representative)
class RepresentativeAdmin(ReadOnlyAdmin):
    list_display = ("full_name", "institution", "role", "valid_from", "valid_to")
    list_select_related = ("institution",)


@admin.register(MembershipRequest)
class MembershipRequestAdmin(ReadOnlyAdmin):
    list_display = ("reference", "kind", "state", "received_on")
    list_filter = ("kind", "state")


@admin.register(ContactCorrection)
class ContactCorrectionAdmin(ReadOnlyAdmin):
    list_display = ("institution", "state", "created_at")
    list_filter = ("state",)


@admin.register(ImportBatch)
class ImportBatchAdmin(ReadOnlyAdmin):
    list_display = ("file_name", "state", "uploaded_by", "created_at")
    exclude = ("rows", "errors")


@admin.register(VotingSuspension)
class VotingSuspensionAdmin(ReadOnlyAdmin):
    list_display = ("institution", "valid_from", "valid_to", "origin")
    list_select_related = ("institution",)
