"""订阅 — a department's standing interest in changes, read through a filtered feed or pushed to
its webhook, with the log of every delivery attempt.

See docs/subscriptions.md for how a subscription matches events, how webhooks are signed and how
the sender (``socredit webhooks``) retries.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Subscription(models.Model):
    """订阅 — which changes a department wants: about some organizations (subjects), about the
    organizations of some regions (each with the regions below it), or entries on and removals from
    some lists; and of which kinds. Delivered through its feed (``GET
    /api/v1/subscriptions/{id}/changes``) and, with a webhook URL, pushed by the sender."""

    department = models.ForeignKey(
        "registry.Department",
        on_delete=models.PROTECT,
        related_name="subscriptions",
        verbose_name=_("department"),
    )
    name = models.CharField(_("name"), max_length=100)
    organizations = models.ManyToManyField(
        "registry.Organization", blank=True, related_name="+", verbose_name=_("organizations")
    )
    regions = models.ManyToManyField(
        "registry.Region", blank=True, related_name="+", verbose_name=_("regions")
    )
    lists = models.JSONField(_("lists"), default=list, blank=True)
    """List kinds (``core.types.ListKind`` values): their entries and removals match."""
    kinds = models.JSONField(_("change kinds"), default=list)
    """Event kinds (``records.outbox.KINDS``) the department wants."""
    webhook_url = models.URLField(_("webhook URL"), max_length=500, blank=True, default="")
    secret = models.CharField(max_length=80, editable=False)
    """The signing key (HMAC-SHA256). Stored as is: the sender needs it to sign; shown to the
    department once, when made or rotated."""
    previous_secret = models.CharField(max_length=80, blank=True, default="", editable=False)
    previous_secret_until = models.DateTimeField(null=True, blank=True, editable=False)
    """After a rotation, deliveries carry a second signature with the old key until then."""
    active = models.BooleanField(_("active"), default=True)
    fanout_cursor = models.BigIntegerField(default=0, editable=False)
    """The last change event turned into deliveries (the sender's position in the outbox)."""
    feed_cursor = models.BigIntegerField(default=0, editable=False)
    """The last change event the department acknowledged on its feed (``…/changes/ack``)."""
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.CharField(_("created by"), max_length=150, blank=True, default="")
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        ordering = ["department__name", "name", "id"]

    def __str__(self) -> str:
        return f"{self.department.name} · {self.name}"


class DeliveryStatus(models.TextChoices):
    """投递状态."""

    PENDING = "pending", _("Pending")
    DELIVERED = "delivered", _("Delivered")
    DEAD = "dead", _("Parked after failing")


class Delivery(models.Model):
    """推送 — one change event to send to one subscription's webhook (at least once).

    Unique per (subscription, event): turning events into deliveries may run again and again and
    never makes a second one. ``organization_id`` (the event's subject) keeps the order per subject:
    a delivery is not sent while an earlier pending one for the same subject waits.
    """

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="deliveries")
    event = models.ForeignKey("records.ChangeEvent", on_delete=models.PROTECT, related_name="+")
    organization_id = models.BigIntegerField()
    status = models.CharField(
        _("status"), max_length=12, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    """Attempts since the delivery was made or last replayed (the backoff counts these)."""
    next_attempt_at = models.DateTimeField(_("next attempt"))
    claimed_until = models.DateTimeField(null=True, blank=True)
    """A sender working on it holds it until then (a sender killed mid-send lets it go by itself)."""
    last_status_code = models.PositiveIntegerField(_("last status code"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=500, blank=True, default="")
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        constraints = [
            models.UniqueConstraint(fields=["subscription", "event"], name="subscriptions_delivery_once"),
        ]
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="subscriptions_delivery_due"),
            models.Index(
                fields=["subscription", "organization_id", "event"], name="subscriptions_delivery_subj"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.status}"


class DeliveryAttempt(models.Model):
    """投递记录 — one POST of a delivery: when, how long, the answer's status code or the error."""

    delivery = models.ForeignKey(Delivery, on_delete=models.CASCADE, related_name="attempt_log")
    number = models.PositiveIntegerField(_("attempt"))
    at = models.DateTimeField(_("time"))
    duration_ms = models.PositiveIntegerField(_("response time (ms)"))
    status_code = models.PositiveIntegerField(_("status code"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True, default="")
    succeeded = models.BooleanField(_("succeeded"), default=False)

    class Meta:
        verbose_name = _("delivery attempt")
        verbose_name_plural = _("delivery attempts")
        ordering = ["delivery_id", "number"]

    def __str__(self) -> str:
        return f"{self.delivery_id}/{self.number}"
