"""统计分析 — the daily figures per region, the targets' values and what each authority publishes.

``Figure`` is a narrow, pre-aggregated table written only by the daily aggregation
(``aggregate.aggregate_day``): one row per day, region (by its path; "" for the whole country),
metric and dimension, holding a count. Every level is stored (province, city, county, street), each
already rolled up from the levels below, so the dashboard of any region reads a few hundred rows
whatever the number of organizations under it. Ratios (filing rate, the targets) are kept as their
numerator and denominator, which add up over regions; the pages divide.
"""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from socredit.apps.registry.models import Region


class Figure(models.Model):
    """统计数字 — one count for one day, region, metric and dimension (see ``metrics.METRICS``)."""

    day = models.DateField(_("data date"))
    path = models.CharField(_("region path"), max_length=60, blank=True)
    """The region's materialized path ("/100000/410000/…/"); "" for the whole country."""
    metric = models.CharField(_("metric"), max_length=24)
    dimension = models.CharField(_("dimension"), max_length=80, blank=True)
    value = models.BigIntegerField(_("value"))

    class Meta:
        verbose_name = _("statistical figure")
        verbose_name_plural = _("statistical figures")
        constraints = [
            models.UniqueConstraint(fields=["day", "path", "metric", "dimension"], name="one_figure_per_key")
        ]
        indexes = [models.Index(fields=["path", "day"], name="figure_path_day_idx")]

    def __str__(self) -> str:
        return f"{self.day} {self.path or '-'} {self.metric} {self.dimension}: {self.value}"


class AggregationRun(models.Model):
    """统计汇总 — one run of the daily aggregation for one data date (a re-run replaces it)."""

    day = models.DateField(_("data date"), unique=True)
    finished_at = models.DateTimeField(_("finished"))
    seconds = models.FloatField(_("seconds"))
    figures = models.PositiveIntegerField(_("figures stored"))
    started_by_label = models.CharField(_("started by"), max_length=150)

    class Meta:
        verbose_name = _("aggregation run")
        verbose_name_plural = _("aggregation runs")
        ordering = ["-day"]

    def __str__(self) -> str:
        return f"{self.day}: {self.figures}"


class TargetKey(models.TextChoices):
    """The targets shown as gauges (seed documents' 工作目标)."""

    PARTY_CHARTER = "party_charter", _("Party building written into the charter")
    CLEAN = "clean", _("Organizations without a negative credit record")
    EVALUATED = "evaluated", _("Organizations evaluated")
    SPOTCHECK = "spotcheck", _("Drawn spot checks completed")


class Target(models.Model):
    """目标值 — the value a target gauge is measured against, in percent; kept by administrators."""

    key = models.CharField(_("target"), max_length=20, choices=TargetKey.choices, unique=True)
    percent = models.DecimalField(
        _("target value (%)"), max_digits=5, decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )  # fmt: skip
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by_label = models.CharField(_("updated by"), max_length=150)

    class Meta:
        verbose_name = _("target value")
        verbose_name_plural = _("target values")
        ordering = ["key"]

    def __str__(self) -> str:
        return f"{self.key}: {self.percent}%"


class Publication(models.Model):
    """统计公开 — which of its region's statistics an authority publishes on the public portal."""

    region = models.OneToOneField(
        Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("region")
    )
    panels = models.JSONField(_("published statistics"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by_label = models.CharField(_("updated by"), max_length=150)

    class Meta:
        verbose_name = _("statistics publication")
        verbose_name_plural = _("statistics publications")

    def __str__(self) -> str:
        return f"{self.region.code}: {', '.join(self.panels)}"


def assessment_file_path(instance: AssessmentReport, filename: str) -> str:
    # Names made here, never from user input: region code, period, version and the extension.
    return f"assessment/{filename}"


class AssessmentReport(models.Model):
    """考核报告 — one generated periodic report of a region (kept; a re-generation adds a version).

    ``content`` is the report's sections as rendered (labels in ``language``), so the page shows the
    same numbers as the PDF and XLSX; ``data_date`` is the day of the stored figures it was built
    from (the last aggregated day on or before the period's end)."""

    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("region"),
        help_text=_("Empty for the whole country."),
    )  # fmt: skip
    path = models.CharField(_("region path"), max_length=60, blank=True)
    start = models.DateField(_("period start"))
    end = models.DateField(_("period end"))
    version = models.PositiveIntegerField(_("version"), default=1)
    data_date = models.DateField(_("data date"))
    previous_data_date = models.DateField(_("data date of the previous period"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10)
    content = models.JSONField(_("content"), default=dict)
    pdf = models.FileField(upload_to=assessment_file_path, max_length=200)
    xlsx = models.FileField(upload_to=assessment_file_path, max_length=200)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64)
    xlsx_sha256 = models.CharField(_("XLSX SHA-256"), max_length=64)
    generated_at = models.DateTimeField(_("generated at"))
    generated_by_label = models.CharField(_("generated by"), max_length=150)

    class Meta:
        verbose_name = _("assessment report")
        verbose_name_plural = _("assessment reports")
        ordering = ["-generated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["path", "start", "end", "version"], name="one_assessment_version")
        ]
        indexes = [models.Index(fields=["path", "end"], name="assessment_path_end_idx")]

    def __str__(self) -> str:
        return f"{self.path or '-'} {self.start}–{self.end} v{self.version}"

    @property
    def generated_by_shown(self) -> str:
        """Who generated it as a reader sees it: a console or daily run by its channel's name."""
        from socredit.apps.audit.models import channel_label

        return channel_label(self.generated_by_label) or self.generated_by_label
