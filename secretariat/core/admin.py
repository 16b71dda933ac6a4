"""Admin: read-only views for support staff; writes go through the application's services.

The site itself (core/admin_site.py) makes every registered model read-only, whoever looks;
roles are granted on the staff page (core:role-list), not in the user form here."""

from allauth.mfa.admin import AuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from secretariat.core.models import ActionLog, EmailDelivery, GeneratedDocument, RuleSetting, User


@admin.register(User)
class SecretariatUserAdmin(UserAdmin):
    list_display = ("email", "full_name", "is_active", "is_staff")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    # Shown, never edited (core/admin_site.py): no password hash, and roles are groups
    # granted on the Roles page.
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "email",
                    "username",
                    "full_name",
                    "groups",
                    "is_active",
                    "is_staff",
                    "is_superuser",
                    "last_login",
                    "date_joined",
                )
            },
        ),
    )


# An authenticator's data holds its TOTP secret: the admin does not show it.
admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class SecretariatAuthenticatorAdmin(AuthenticatorAdmin):
    exclude = ("data",)


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
