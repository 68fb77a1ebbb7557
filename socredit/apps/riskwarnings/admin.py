from django.contrib import admin

from socredit.apps.riskwarnings.models import RiskWarning, WarningRule


class ReadOnly(admin.ModelAdmin):
    """Read-only: rules change on /warnings/rules/ (validated, versioned, audited), warnings only
    through the services (the daily run, acknowledge, handle, close, self-report)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WarningRule)
class WarningRuleAdmin(ReadOnly):
    list_display = ("code", "kind", "level", "enabled", "version", "handling_days", "effective_from")
    list_filter = ("kind", "level", "enabled")


@admin.register(RiskWarning)
class RiskWarningAdmin(ReadOnly):
    list_display = (
        "organization",
        "rule",
        "level",
        "state",
        "first_seen",
        "last_seen",
        "holder",
        "escalations",
    )
    list_filter = ("state", "level", "rule")
    search_fields = ("organization__name", "organization__code")
    raw_id_fields = ("organization",)
