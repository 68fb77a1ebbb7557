"""年度工作报告 / 年检 — annual work reports filed by organizations, their figures, attachments and
the history of their states.

One report per organization and reported year N. The organization fills it in online (channel
``online``, from its own account) or staff enter one filed on paper (``paper``). It moves
draft → submitted → (returned → submitted …) → concluded with a result (合格 / 基本合格 / 不合格).
The first submission writes ``annual_report_on_time`` when it is on time; the conclusion writes
``annual_inspection_<result>``. Both go through the records service (records.services.create_record),
so the organization is re-scored and the lists react like for any other record.

Fields other apps rely on (contract /work/briefs/schema.md): organization, year, state, submitted_on,
channel, result, concluded_on; ReportFigure(report, code, value).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from socredit.common.choices import enum_choices, label_for
from socredit.core.annualreports.schema import (
    EDITABLE_STATES,
    AttachmentKind,
    Channel,
    InspectionResult,
    ReportState,
)


def attachment_path(instance: ReportAttachment, filename: str) -> str:
    return f"annualreports/{instance.report.year}/{instance.report_id}/{filename}"


class AnnualReport(models.Model):
    """年度工作报告 — one organization's report about one year."""

    organization = models.ForeignKey(
        "registry.Organization", on_delete=models.PROTECT, related_name="annual_reports",
        verbose_name=_("organization"),
    )  # fmt: skip
    year = models.PositiveSmallIntegerField(_("year reported"))
    state = models.CharField(_("state"), max_length=10, choices=enum_choices(ReportState),
                             default=ReportState.DRAFT.value)  # fmt: skip
    channel = models.CharField(_("channel"), max_length=8, choices=enum_choices(Channel),
                               default=Channel.ONLINE.value)  # fmt: skip
    content = models.JSONField(_("content"), default=dict, blank=True)
    """The report's facts: field code (core.annualreports.schema.FIELDS) → value as typed."""
    submitted_on = models.DateField(_("first submitted on"), null=True, blank=True)
    last_submitted_at = models.DateTimeField(_("last submitted at"), null=True, blank=True)
    declared_by_name = models.CharField(_("declared by"), max_length=50, blank=True)
    declaration_text = models.TextField(_("declaration"), blank=True)
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    declared_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                    related_name="+")  # fmt: skip
    return_reasons = models.TextField(_("reasons for return"), blank=True)
    result = models.CharField(_("result"), max_length=6, choices=enum_choices(InspectionResult), null=True,
                              blank=True)  # fmt: skip
    concluded_on = models.DateField(_("concluded on"), null=True, blank=True)
    conclusion_note = models.TextField(_("note"), blank=True)
    concluded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="+")  # fmt: skip
    timeliness_record = models.ForeignKey("records.CreditRecord", on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+")  # fmt: skip
    inspection_record = models.ForeignKey("records.CreditRecord", on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+")  # fmt: skip
    entered_by_label = models.CharField(_("entered by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("annual work report")
        verbose_name_plural = _("annual work reports")
        ordering = ["-year", "organization__name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="annualreport_one_per_year"),
            models.CheckConstraint(
                condition=models.Q(result__isnull=True) | models.Q(state=ReportState.CONCLUDED.value),
                name="annualreport_result_only_concluded",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "year"]),
            models.Index(fields=["year", "state", "organization"]),
            # the review queue: one year's reports in one state, oldest submission first
            models.Index(fields=["state", "year", "submitted_on", "id"], name="annualreport_queue_order"),
            # the queue of every state (its landing page): walked in its order, and counted without
            # reading the rows (the online drafts it leaves out are known by state and channel)
            models.Index(fields=["-year", "submitted_on", "id"], name="annualreport_queue_all"),
            models.Index(fields=["year", "state", "channel"], name="annualreport_queue_count"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.year}年度工作报告"

    @property
    def state_enum(self) -> ReportState:
        return ReportState(self.state)

    @property
    def state_label(self) -> str:
        return label_for(ReportState, self.state)

    @property
    def result_label(self) -> str:
        return label_for(InspectionResult, self.result) if self.result else ""

    @property
    def channel_label(self) -> str:
        return label_for(Channel, self.channel)

    @property
    def editable(self) -> bool:
        return ReportState(self.state) in EDITABLE_STATES

    @property
    def editable_by_organization(self) -> bool:
        """A paper report is the registration authority's to enter and correct, not the organization's."""
        return self.editable and self.channel == Channel.ONLINE.value

    def figure_values(self) -> dict[str, Any]:
        return {f.code: f.value for f in self.figures.all()}


class ReportFigure(models.Model):
    """财务数据 — one line of the report's statements, in yuan with two places."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="figures")
    code = models.CharField(_("code"), max_length=48)
    value = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("report figure")
        verbose_name_plural = _("report figures")
        ordering = ["report", "code"]
        constraints = [models.UniqueConstraint(fields=["report", "code"], name="reportfigure_one_per_code")]
        indexes = [models.Index(fields=["code", "report"])]

    def __str__(self) -> str:
        return f"{self.code}={self.value}"


class ReportAttachment(models.Model):
    """附件 — a file of the report (the audit report, stamped statements…), checked by content."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=16, choices=enum_choices(AttachmentKind))
    file = models.FileField(upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by_label = models.CharField(_("uploaded by"), max_length=150)
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("report attachment")
        verbose_name_plural = _("report attachments")
        ordering = ["uploaded_at", "id"]

    def __str__(self) -> str:
        return self.original_name

    @property
    def kind_label(self) -> str:
        return label_for(AttachmentKind, self.kind)


class ReportStateChange(models.Model):
    """状态变更 — every move of a report (submitted, returned with reasons, concluded), who and when."""

    report = models.ForeignKey(AnnualReport, on_delete=models.CASCADE, related_name="history")
    from_state = models.CharField(_("from"), max_length=10, blank=True)
    to_state = models.CharField(_("to"), max_length=10)
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                              related_name="+")  # fmt: skip
    actor_label = models.CharField(_("by"), max_length=150)
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("report state change")
        verbose_name_plural = _("report state changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id}: {self.from_state}→{self.to_state}"

    @property
    def to_label(self) -> str:
        return label_for(ReportState, self.to_state)


# The automatic checks' findings (models_checks.py, helper ar-checks): imported so Django registers them.
from socredit.apps.annualreports.models_checks import ReportCheck, ReportFlag  # noqa: E402, F401
