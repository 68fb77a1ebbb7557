from django.contrib import admin

from socredit.apps.subscriptions.models import Delivery, Subscription


class ReadOnly(admin.ModelAdmin):
    """Read-only: subscriptions change through their services (page and API), deliveries through the
    sender, so that every change is audited and no secret is shown here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Subscription)
class SubscriptionAdmin(ReadOnly):
    list_display = (
        "department",
        "name",
        "webhook_url",
        "active",
        "fanout_cursor",
        "feed_cursor",
        "created_at",
    )
    list_filter = ("active",)
    search_fields = ("name", "department__name", "department__code")
    exclude = ("secret", "previous_secret")


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ("subscription", "event", "status", "attempts", "last_status_code", "next_attempt_at")
    list_filter = ("status",)
