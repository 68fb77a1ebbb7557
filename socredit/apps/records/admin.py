from django.contrib import admin

from socredit.apps.audit.services import record_event
from socredit.apps.records.models import RecordKind
from socredit.common.admin import AuditedAdmin


@admin.register(RecordKind)
class RecordKindAdmin(AuditedAdmin):
    """信用信息事项目录 — editable by administrators; kinds in use are deactivated, not deleted."""

    audit_writer = record_event
    list_display = ("code", "name_zh", "name_en", "category", "polarity", "default_dishonesty_class",
                    "default_publicity_months", "active")  # fmt: skip
    list_filter = ("category", "polarity", "active")
    search_fields = ("code", "name_zh", "name_en")

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.records.exists()
