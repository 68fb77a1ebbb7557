from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from socredit.apps.accounts.models import ApiToken, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = (
        "username",
        "full_name",
        "region",
        "organization",
        "staff_role",
        "is_active",
        "is_superuser",
    )
    list_filter = ("staff_role", "is_active", "is_superuser")
    raw_id_fields = ("region", "organization")
    fieldsets = (
        *DjangoUserAdmin.fieldsets,
        ("socredit", {"fields": ("full_name", "region", "staff_role", "organization")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued with `socredit issue-token` (the key is shown once); here they are reviewed and stopped."""

    list_display = (
        "prefix",
        "name",
        "department",
        "scopes",
        "active",
        "created_at",
        "last_used_at",
        "expires_at",
    )
    list_filter = ("active",)
    readonly_fields = ("prefix", "department", "name", "scopes", "created_at", "last_used_at", "created_by")
    fields = (
        "prefix",
        "department",
        "name",
        "scopes",
        "active",
        "expires_at",
        "created_at",
        "last_used_at",
        "created_by",
    )

    def has_add_permission(self, request):
        return False
