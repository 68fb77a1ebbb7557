from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from socredit.apps.accounts.models import ApiToken, User
from socredit.apps.accounts.services import unlock_sign_in


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
        (
            "socredit",
            {"fields": ("full_name", "region", "staff_role", "organization", "must_change_password")},
        ),
    )
    actions = ["unlock_sign_in"]

    @admin.action(description=_("Unlock sign-in of the selected accounts"), permissions=["change"])
    def unlock_sign_in(self, request, queryset):
        """Lift the lockout after too many failed sign-ins (addresses: django-axes' own "Access attempts")."""
        forgotten = sum(unlock_sign_in(actor=request.user, channel="form", user=user) for user in queryset)
        self.message_user(
            request,
            _("Sign-in unlocked for %(accounts)d account(s); %(attempts)d failed attempt(s) forgotten.")
            % {"accounts": len(queryset), "attempts": forgotten},
            messages.SUCCESS,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are issued on the 账号管理 pages or with `socredit issue-token` (the key is shown once), and
    revoked with a reason on those pages; here they are reviewed."""

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
    readonly_fields = ("prefix", "department", "name", "scopes", "created_at", "last_used_at", "created_by",
                       "revoked_at", "revoked_by", "revoke_reason")  # fmt: skip
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
        "revoked_at",
        "revoked_by",
        "revoke_reason",
    )

    def has_add_permission(self, request):
        return False
