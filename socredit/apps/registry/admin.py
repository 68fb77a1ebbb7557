from django.contrib import admin

from socredit.apps.audit.services import record_event
from socredit.apps.registry.models import (
    Department,
    DocumentNumberPattern,
    Letterhead,
    Organization,
    Person,
    Region,
)
from socredit.common.admin import AuditedAdmin


class RegistryAdmin(AuditedAdmin):
    audit_writer = record_event


@admin.register(Region)
class RegionAdmin(RegistryAdmin):
    list_display = ("code", "name", "level", "parent", "active")
    list_filter = ("level", "active")
    search_fields = ("code", "name")
    raw_id_fields = ("parent",)


@admin.register(Department)
class DepartmentAdmin(RegistryAdmin):
    list_display = ("code", "name", "kind", "region", "active")
    list_filter = ("kind", "active")
    search_fields = ("code", "name")
    raw_id_fields = ("region",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    """Read-only here: organizations are changed through the staff pages, the API or imports."""

    list_display = ("code", "name", "org_type", "region", "field", "status", "registered_on")
    list_filter = ("org_type", "field", "status")
    search_fields = ("code", "name")
    raw_id_fields = ("region",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("name", "masked_id")
    search_fields = ("name",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Letterhead)
class LetterheadAdmin(RegistryAdmin):
    list_display = ("department", "name", "phone", "contact")
    search_fields = ("name", "department__name")
    raw_id_fields = ("department",)


@admin.register(DocumentNumberPattern)
class DocumentNumberPatternAdmin(RegistryAdmin):
    list_display = ("department", "doc_type", "pattern")
    list_filter = ("doc_type",)
    search_fields = ("pattern", "department__name")
    raw_id_fields = ("department",)
