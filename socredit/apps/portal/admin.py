from django.contrib import admin

from socredit.apps.audit.services import record_event
from socredit.apps.portal.models import PublicationSetting
from socredit.common.admin import AuditedAdmin


@admin.register(PublicationSetting)
class PublicationSettingAdmin(AuditedAdmin):
    """公示设置 — administrators choose, per authority, whether credit levels are published."""

    audit_writer = record_event
    list_display = ("department", "publish_credit_level")
    list_filter = ("publish_credit_level",)
    search_fields = ("department__name",)
