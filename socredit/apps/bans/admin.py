from django.contrib import admin

from socredit.apps.bans.models import Ban


@admin.register(Ban)
class BanAdmin(admin.ModelAdmin):
    """Read-only: bans change only through the services (record, propose, confirm, dismiss, lift)."""

    list_display = (
        "person_name",
        "kind",
        "ground",
        "authority_name",
        "document_number",
        "start_on",
        "until",
        "state",
    )
    list_filter = ("state", "kind", "ground", "source")
    search_fields = ("person_name", "document_number", "authority_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
