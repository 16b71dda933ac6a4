"""Admin: read-only views for support staff; writes go through the application's services."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from secretariat.core.models import ActionLog, EmailDelivery, GeneratedDocument, RuleSetting, User


@admin.register(User)
class SecretariatUserAdmin(UserAdmin):
    list_display = ("email", "full_name", "is_active", "is_staff")
    search_fields = ("email", "full_name")
    ordering = ("email",)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ActionLog)
class ActionLogAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_label", "event", "target_label")
    list_filter = ("event",)


@admin.register(RuleSetting)
class RuleSettingAdmin(ReadOnlyAdmin):
    list_display = ("key", "value", "valid_from", "status")


@admin.register(EmailDelivery)
class EmailDeliveryAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "subject", "state", "attempts", "sent_at")
    list_filter = ("state", "purpose")


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(ReadOnlyAdmin):
    list_display = ("file_name", "kind", "language", "version", "state", "built_at")
    list_filter = ("state", "kind")
