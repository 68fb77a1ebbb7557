"""操作留痕 — the audit trail every service writes in the same transaction as its change."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CHANNELS = {
    "form": _("on a page"),
    "import": _("by an import"),
    "api": _("through the API"),
    "cli": _("on the command line"),
    "system": _("by the daily job"),
}
"""The channels a change is written through (``AuditEvent.channel`` and the rows that copy it), as a
reader sees them."""


def channel_label(channel: str) -> str:
    """A channel in the reader's language (an unknown one as nothing, never its code)."""
    label = CHANNELS.get(channel)
    return str(label) if label is not None else ""


class AuditEvent(models.Model):
    """审计事件 — one domain action: who, what, on which object, through which channel, with what data.

    Events are hash-chained: each stores its predecessor's hash and the SHA-256 of everything it
    stores (docs/audit.md), so that a removed or altered row breaks `check_chain()`.
    """

    # set by record_event (not auto_now_add) so that the hash covers the time the row stores
    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    actor_label = models.CharField(_("actor"), max_length=150, blank=True)
    channel = models.CharField(_("channel"), max_length=16)  # form / import / api / cli / system
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.CharField(_("object type"), max_length=64)
    target_id = models.CharField(_("object id"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=500, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self) -> str:
        return (
            f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_type}#{self.target_id}"
        )
