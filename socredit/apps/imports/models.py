"""批量导入 — one row per import run, so that history and error reports outlive the request."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socredit.common.models import WorkedRun


class ImportKind(models.TextChoices):
    """What a file holds."""

    ORGANIZATIONS = "organizations", _("Organizations")
    ROLES = "roles", _("Persons and posts")
    RECORDS = "records", _("Credit records")
    ANNUAL_REPORTS = "annual_reports", _("Annual work reports of past years")
    TRANSACTIONS = "transactions", _("Financial transactions from finance and banking departments")


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Waiting")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    PARTIAL = "partial", _("Completed with errors")
    FAILED = "failed", _("Failed")


class ImportPhase(models.TextChoices):
    """Where a run is: the file is read through once (counting rows and checking the file's limits),
    then every row is checked, then the valid rows are written in one transaction."""

    QUEUED = "queued", _("Waiting for the background worker")
    READING = "reading", _("Reading the file")
    CHECKING = "checking", _("Checking rows")
    WRITING = "writing", _("Writing")
    DONE = "done", pgettext_lazy("import status", "Done")


class ImportRun(WorkedRun):
    """导入批次 — a file imported (or dry-run) by someone: counts, row errors, outcome.

    `errors` holds every row error as {"row", "field", "column", "message"}; `message` holds a
    file-level refusal (unreadable file, missing columns) or an unexpected failure.

    A run uploaded on the page is QUEUED until the background worker takes it; while it runs,
    `phase` and the rows_* counts (and `error_rows`) are its progress, written in small separate
    transactions (imports.progress.Progress) that the page polls.
    """

    kind = models.CharField(_("kind"), max_length=16, choices=ImportKind.choices)
    file_name = models.CharField(_("file name"), max_length=255)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveBigIntegerField(_("size (bytes)"), default=0)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("imported by"),
    )  # fmt: skip
    actor_label = models.CharField(_("imported by"), max_length=150)
    channel = models.CharField(_("channel"), max_length=16)
    dry_run = models.BooleanField(_("dry run"), default=False)
    started_at = models.DateTimeField(_("started at"), auto_now_add=True, db_index=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=ImportStatus.choices, default=ImportStatus.RUNNING
    )
    phase = models.CharField(
        _("phase"), max_length=16, choices=ImportPhase.choices, default=ImportPhase.READING
    )
    rows_read = models.PositiveIntegerField(_("rows read"), default=0)
    rows_checked = models.PositiveIntegerField(_("rows checked"), default=0)
    rows_written = models.PositiveIntegerField(_("rows written"), default=0)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    errors = models.JSONField(_("errors"), default=list, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.file_name}"

    @property
    def source_ref(self) -> str:
        return f"import:{self.pk}"

    @property
    def finished(self) -> bool:
        return self.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING)

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
