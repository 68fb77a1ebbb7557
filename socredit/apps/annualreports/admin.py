from django.contrib import admin

from socredit.apps.annualreports.models import AnnualReport, ReportAttachment, ReportFigure, ReportStateChange


class _FigureInline(admin.TabularInline):
    model = ReportFigure
    extra = 0
    can_delete = False
    readonly_fields = ("code", "value")


class _AttachmentInline(admin.TabularInline):
    model = ReportAttachment
    extra = 0
    can_delete = False
    readonly_fields = ("kind", "original_name", "content_type", "size", "uploaded_by_label", "uploaded_at")
    exclude = ("file", "sha256")


class _HistoryInline(admin.TabularInline):
    model = ReportStateChange
    extra = 0
    can_delete = False
    readonly_fields = ("from_state", "to_state", "at", "actor_label", "reason")
    exclude = ("actor",)


@admin.register(AnnualReport)
class AnnualReportAdmin(admin.ModelAdmin):
    """Read-only: reports change only through the services (save, submit, return, conclude)."""

    list_display = ("organization", "year", "state", "channel", "submitted_on", "result", "concluded_on")
    list_filter = ("state", "result", "channel", "year")
    search_fields = ("organization__name", "organization__code")
    inlines = (_FigureInline, _AttachmentInline, _HistoryInline)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
