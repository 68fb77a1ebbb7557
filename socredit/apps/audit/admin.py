from django.contrib import admin

from socredit.apps.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is written by services and never edited."""

    list_display = ("at", "actor_label", "channel", "action", "target_type", "target_id", "summary")
    list_filter = ("channel", "action")
    search_fields = ("summary", "target_id", "actor_label")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
