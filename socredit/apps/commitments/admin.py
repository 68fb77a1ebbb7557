from django.contrib import admin

from socredit.apps.audit.services import record_event
from socredit.apps.commitments.models import Commitment, CommitmentTemplate
from socredit.common.admin import AuditedAdmin


@admin.register(CommitmentTemplate)
class CommitmentTemplateAdmin(AuditedAdmin):
    """承诺书模板 — administrators edit the texts; a template in use is deactivated, not deleted
    (each commitment keeps the text it was signed with)."""

    audit_writer = record_event
    list_display = ("code", "title", "matter", "needs_due_date", "active")
    list_filter = ("matter", "active")
    search_fields = ("code", "title")

    def has_delete_permission(self, request, obj=None):
        return obj is None or not obj.commitments.exists()


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    """Read-only: commitments change only through the services (sign, fulfil, break, withdraw)."""

    list_display = ("organization", "template", "signed_on", "due_on", "status", "published")
    list_filter = ("status", "matter")
    search_fields = ("organization__name", "organization__code", "subject")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
