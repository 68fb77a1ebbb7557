"""信用评价 — credit facts, evaluation runs, current scores and the history of level changes.

The scores themselves come from ``socredit.core.scoring.evaluate``; this app stores its inputs in a
form it can read fast (``FactBlock``) and its outputs (``CreditScore``, ``LevelChange``,
``EvaluationRun``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socredit.apps.audit.models import channel_label
from socredit.common.models import WorkedRun
from socredit.core.scoring.model import LEVEL_CODES, LEVEL_NAMES

LEVEL_CHOICES = [(code, f"{code}（{LEVEL_NAMES[code]}）") for code in LEVEL_CODES]

BLOCK_SIZE = 256
"""Organizations per fact block: organization id // BLOCK_SIZE. Small enough that the live update
rewrites ~160 KB, large enough that the whole country is ~4,000 rows."""


class FactBlock(models.Model):
    """信用事实块 — the packed credit facts (core.scoring.facts) of a block of organizations.

    A derived copy of the credit records in force, kept in step by the evaluation services inside
    the same transaction as every record change, and rebuilt from the records with
    ``socredit evaluate --rebuild-facts``. It exists because reading tens of millions of record rows
    one by one costs more than the evaluation itself (docs/credit-evaluation.md, "Storage").
    """

    block = models.PositiveIntegerField(_("block"), primary_key=True)
    facts = models.BinaryField(_("packed facts"))
    rows = models.PositiveIntegerField(_("facts"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("fact block")
        verbose_name_plural = _("fact blocks")

    def __str__(self) -> str:
        return f"block {self.block} ({self.rows})"


class ResultBlock(models.Model):
    """评价结果摘要块 — a 64-bit digest of each organization's stored result, per block of organizations.

    The batch compares the new results with these digests and writes CreditScore and LevelChange
    rows only for organizations whose result changed, so a nightly re-evaluation of the country
    writes a few thousand rows instead of a million (docs/credit-evaluation.md, "Storage").
    """

    block = models.PositiveIntegerField(_("block"), primary_key=True)
    digests = models.BinaryField(_("packed digests"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("result block")
        verbose_name_plural = _("result blocks")

    def __str__(self) -> str:
        return f"results {self.block}"


class EvaluationRun(WorkedRun):
    """评价批次 — one batch evaluation: model, date, scope, who started it, counts, duration."""

    class Status(models.TextChoices):
        RUNNING = "running", _("running")
        DONE = "done", _("done")
        FAILED = "failed", _("failed")
        # its process died mid-run (kill, crash, reboot): the daily job continues it where safe
        INTERRUPTED = "interrupted", _("interrupted")

    model_version = models.CharField(_("model"), max_length=60)
    as_of = models.DateField(_("evaluated as of"))
    region = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("region"),
    )  # fmt: skip
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("started by"),
    )  # fmt: skip
    started_by_label = models.CharField(_("started by"), max_length=150)
    channel = models.CharField(_("channel"), max_length=16)
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.RUNNING)
    organizations = models.PositiveIntegerField(_("organizations evaluated"), default=0)
    changed = models.PositiveIntegerField(_("level changes"), default=0)
    level_counts = models.JSONField(_("organizations per level"), default=dict)
    chunks_done = models.PositiveIntegerField(_("chunks done"), default=0)
    resume_after = models.BigIntegerField(_("last organization id done"), default=0)
    seconds_read = models.FloatField(default=0)
    seconds_compute = models.FloatField(default=0)
    seconds_write = models.FloatField(default=0)
    error = models.TextField(_("error"), blank=True)

    class Meta:
        verbose_name = _("evaluation run")
        verbose_name_plural = _("evaluation runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.model_version} @ {self.as_of}"

    @property
    def seconds(self) -> float:
        return self.seconds_read + self.seconds_compute + self.seconds_write

    @property
    def channel_label(self) -> str:
        return channel_label(self.channel)


class CreditScore(models.Model):
    """信用评价结果 — an organization's current score, level and breakdown.

    A row is written when the result changes; ``as_of``, ``run`` and ``evaluated_at`` tell when the
    current result was first reached. The run list says when everything was last evaluated.
    """

    organization = models.OneToOneField(
        "registry.Organization", on_delete=models.CASCADE, primary_key=True, related_name="credit",
        verbose_name=_("organization"),
    )  # fmt: skip
    score = models.SmallIntegerField(_("credit score"))
    level = models.CharField(_("credit level"), max_length=1, choices=LEVEL_CHOICES)
    cause = models.CharField(_("level decided by"), max_length=60)
    model_version = models.CharField(_("model"), max_length=60)
    as_of = models.DateField(_("evaluated as of"))
    breakdown = models.BinaryField(_("breakdown"))
    run = models.ForeignKey(EvaluationRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    evaluated_at = models.DateTimeField(_("evaluated at"))

    class Meta:
        verbose_name = _("credit score")
        verbose_name_plural = _("credit scores")
        indexes = [
            models.Index(fields=["level", "score"]),
            # the staff list sorted by score or by level walks these (ties by name sorted a score at a time)
            models.Index(fields=["score"], name="credit_score_idx"),
            models.Index(fields=["level", "-score"], name="credit_level_score_desc_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.score} {self.level}"

    @property
    def level_name(self) -> str:
        return LEVEL_NAMES.get(self.level, "")


class LevelChange(models.Model):
    """信用等级变更 — every change of an organization's level: from, to, date and cause."""

    organization = models.ForeignKey(
        "registry.Organization", on_delete=models.CASCADE, related_name="level_changes",
        verbose_name=_("organization"),
    )  # fmt: skip
    from_level = models.CharField(pgettext_lazy("level", "from"), max_length=1, blank=True)
    to_level = models.CharField(_("to"), max_length=1, choices=LEVEL_CHOICES)
    from_score = models.SmallIntegerField(_("score before"), null=True, blank=True)
    to_score = models.SmallIntegerField(_("score after"))
    as_of = models.DateField(_("as of"))
    at = models.DateTimeField(_("recorded at"))
    cause = models.CharField(_("level decided by"), max_length=60)
    trigger = models.CharField(_("cause"), max_length=300)
    model_version = models.CharField(_("model"), max_length=60)
    run = models.ForeignKey(EvaluationRun, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("level change")
        verbose_name_plural = _("level changes")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["organization", "at"])]

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.from_level or '—'} → {self.to_level} ({self.as_of})"
