"""自动审核结果 — the automatic review checks' findings on a report, stored when it is submitted.

The checks (``socredit.core.annualreports.checks``) take milliseconds per report, but the review
queue filters 100,000 reports by them: so the findings are stored, one ``ReportFlag`` per finding
and one ``ReportCheck`` per report (its worst severity and the number of findings, the day and the
profile the checks ran with). A report submitted again is checked again; the rows are replaced.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

SEVERITY_LABELS = {"info": _("For attention"), "warning": _("Inconsistency"), "high": _("Over a legal limit")}
"""The severities (``core.annualreports.checks.SEVERITIES``) as pages name them. Not field choices:
the codes are English words ("warning") that the pages' raw-value check would find in plain text."""


class ReportCheck(models.Model):
    """One report's last automatic check: when, under which profile, the worst finding."""

    report = models.OneToOneField(
        "annualreports.AnnualReport", on_delete=models.CASCADE, related_name="check_summary"
    )
    worst = models.CharField(_("worst finding"), max_length=8, blank=True)
    flag_count = models.PositiveSmallIntegerField(pgettext_lazy("review checks", "findings"), default=0)
    checked_on = models.DateField(pgettext_lazy("review checks", "checked on"))
    profile_version = models.CharField(_("policy version"), max_length=120)

    class Meta:
        verbose_name = _("automatic check")
        verbose_name_plural = _("automatic checks")
        indexes = [models.Index(fields=["worst", "report"], name="annualreport_check_worst")]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.worst or '-'} ({self.flag_count})"


class ReportFlag(models.Model):
    """One finding of the automatic checks on a report (code, severity, messages, figures)."""

    report = models.ForeignKey(
        "annualreports.AnnualReport", on_delete=models.CASCADE, related_name="findings"
    )
    code = models.CharField(_("code"), max_length=40)
    severity = models.CharField(_("severity"), max_length=8)
    message_zh = models.TextField(_("message (Chinese)"))
    message_en = models.TextField(_("message (English)"))
    figures = models.JSONField(_("figures"), default=dict)

    class Meta:
        verbose_name = _("automatic check finding")
        verbose_name_plural = _("automatic check findings")
        ordering = ["report", "id"]
        indexes = [models.Index(fields=["code", "report"], name="annualreport_flag_code")]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.code}"
