"""Abstract model bases shared by the domain apps (no concrete models on this floor)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    """created_at / updated_at, set by the database layer, never by hand."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class WorkedRun(models.Model):
    """The process working on a long run (``host:pid:start``) and its last sign of life: see
    `socredit.common.runs`."""

    worker = models.CharField(_("process"), max_length=160, blank=True)
    heartbeat_at = models.DateTimeField(_("last sign of life"), null=True, blank=True)

    class Meta:
        abstract = True
