"""Back office for the holiday table: a year with its days inline (superuser tooling).

Staff normally enter a year through /calendar/<year>/enter/, which checks the schedule line by
line; this is for corrections. Any edit here marks the year as entered by hand (so a later seed
from the package never overwrites it), lands in the audit trail, and tells the apps above.
"""

from __future__ import annotations

from django.contrib import admin

from socredit.apps.audit.services import record_event
from socredit.apps.workdays.models import CalendarDay, CalendarYear
from socredit.apps.workdays.services import changed
from socredit.common.admin import AuditedAdmin


class CalendarDayInline(admin.TabularInline):
    model = CalendarDay
    extra = 0
    fields = ("date", "working", "name")
    ordering = ("date",)


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdmin):
    audit_writer = record_event
    list_display = ("year", "source", "notice", "entered_by", "entered_at")
    list_filter = ("source",)
    readonly_fields = ("source", "entered_by", "entered_at")
    inlines = [CalendarDayInline]

    def get_readonly_fields(self, request, obj=None):
        # The year is the primary key: changing it would copy the row, not rename it.
        return ("year", *self.readonly_fields) if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        obj.source = CalendarYear.Source.MANUAL
        obj.entered_by = request.user
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changed(request.user, [form.instance.year])

    def delete_model(self, request, obj):
        year = obj.year
        super().delete_model(request, obj)
        changed(request.user, [year])

    def get_actions(self, request):
        # Bulk delete would bypass the audit trail and the announcement: delete one year at a time.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
