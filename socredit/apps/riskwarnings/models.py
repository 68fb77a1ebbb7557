"""风险预警 — warning rules (data), the warnings they raise on organizations, and each warning's history."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from socredit.common.choices import enum_choices, label_for
from socredit.core.riskwarnings.rules import Level, RuleKind
from socredit.core.riskwarnings.transactions import Direction


class WarningState(models.TextChoices):
    """预警状态: open → acknowledged → being handled → closed (a note each); cleared by the daily run
    when the condition no longer holds."""

    OPEN = "open", _("New")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    HANDLED = "handled", _("Being handled")
    CLOSED = "closed", _("Closed")
    CLEARED = "cleared", _("Cleared (condition no longer met)")


OPEN_STATES = (WarningState.OPEN.value, WarningState.ACKNOWLEDGED.value, WarningState.HANDLED.value)
"""A warning in one of these is open: the same organization and rule merge into it."""

UNHANDLED_STATES = (WarningState.OPEN.value, WarningState.ACKNOWLEDGED.value)
"""Open and not yet being handled: these escalate when their handling deadline passes."""


class WarningRule(models.Model):
    """预警规则 — one rule as data: kind, level, thresholds, reason, basis, handling deadline."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=enum_choices(RuleKind))
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100)
    enabled = models.BooleanField(_("enabled"), default=True)
    level = models.CharField(_("level"), max_length=8, choices=enum_choices(Level))
    thresholds = models.JSONField(_("thresholds"), default=dict, blank=True)
    reason = models.TextField(_("reason shown to staff"))
    reason_en = models.TextField(_("reason shown to staff (English)"))
    basis = models.TextField(_("legal or policy basis"))
    basis_en = models.TextField(_("legal or policy basis (English)"))
    handling_days = models.PositiveSmallIntegerField(
        _("working days to handle"), default=10,
        help_text=_("An open warning not taken into handling within these working days goes to the office one level up."),
    )  # fmt: skip
    version = models.PositiveIntegerField(_("version"), default=1)
    effective_from = models.DateField(_("effective from"))
    effective_until = models.DateField(_("effective until"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by_label = models.CharField(_("updated by"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("warning rule")
        verbose_name_plural = _("warning rules")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def kind_label(self) -> str:
        return label_for(RuleKind, self.kind)

    @property
    def level_label(self) -> str:
        return label_for(Level, self.level)


class RiskWarning(models.Model):
    """风险预警 — one rule met by one organization, from the day first seen until closed or cleared.
    While open, the same organization and rule are this one warning (the daily run and a street's
    self-report merge into it)."""

    organization = models.ForeignKey(
        "registry.Organization", on_delete=models.PROTECT, related_name="risk_warnings",
        verbose_name=_("organization"),
    )  # fmt: skip
    rule = models.ForeignKey(
        WarningRule, on_delete=models.PROTECT, related_name="warnings", verbose_name=_("rule")
    )
    rule_version = models.PositiveIntegerField(_("rule version"), default=1)
    level = models.CharField(_("level"), max_length=8, choices=enum_choices(Level))
    state = models.CharField(
        _("state"), max_length=12, choices=WarningState.choices, default=WarningState.OPEN
    )
    facts = models.JSONField(_("facts found"), default=dict, blank=True)
    self_reported = models.BooleanField(
        _("raised by staff"), default=False,
        help_text=_("Raised by street staff (self-report, visit): only staff close it, the daily run never clears it."),
    )  # fmt: skip
    first_seen = models.DateField(_("first seen"))
    last_seen = models.DateField(_("last seen"))
    due_on = models.DateField(_("handle by"))
    holder = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("held by"),
        help_text=_("The office that holds the warning: the organization's street (or its registering region), one level up after each escalation."),
    )  # fmt: skip
    escalations = models.PositiveSmallIntegerField(_("escalations"), default=0)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    cleared_on = models.DateField(_("cleared on"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("risk warning")
        verbose_name_plural = _("risk warnings")
        ordering = ["-first_seen", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization", "rule"], condition=models.Q(state__in=OPEN_STATES),
                name="one_open_warning_per_organization_and_rule",
            )
        ]  # fmt: skip
        indexes = [
            models.Index(fields=["state", "level"], name="warning_state_level_idx"),
            models.Index(fields=["rule", "state"], name="warning_rule_state_idx"),
            models.Index(fields=["state", "due_on"], name="warning_state_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organization} · {self.rule}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES

    @property
    def level_label(self) -> str:
        return label_for(Level, self.level)


class WarningEvent(models.Model):
    """预警处置记录 — what happened to a warning: raised, merged, updated, acknowledged, handled,
    closed, cleared, escalated; by whom, on which day, with the note."""

    class Action(models.TextChoices):
        RAISED = "raised", _("Raised")
        MERGED = "merged", _("Raised again (merged)")
        UPDATED = "updated", _("Facts updated")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        HANDLED = "handled", _("Taken into handling")
        CLOSED = "closed", _("Closed")
        CLEARED = "cleared", _("Cleared: condition no longer met")
        ESCALATED = "escalated", _("Escalated one level up")

    warning = models.ForeignKey(RiskWarning, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("action"), max_length=12, choices=Action.choices)
    on = models.DateField(_("day"))
    at = models.DateTimeField(_("at"), auto_now_add=True)
    actor_label = models.CharField(_("by"), max_length=150)
    note = models.TextField(_("note"), blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)

    class Meta:
        verbose_name = _("warning event")
        verbose_name_plural = _("warning events")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.warning_id} {self.action} {self.on}"


class FinancialTransaction(models.Model):
    """资金往来 — one transaction of an organization as a finance or banking department reported it
    (by file import or through the API). The department's own reference is unique within the
    department: the same transaction sent again is recognised, never stored twice."""

    organization = models.ForeignKey(
        "registry.Organization", on_delete=models.PROTECT, related_name="financial_transactions",
        verbose_name=_("organization"),
    )  # fmt: skip
    department = models.ForeignKey(
        "registry.Department",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("reporting department"),
    )
    reference = models.CharField(_("department's reference"), max_length=100)
    occurred_on = models.DateField(_("transaction date"))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2)
    direction = models.CharField(_("direction"), max_length=3, choices=enum_choices(Direction))
    counterparty = models.CharField(_("counterparty"), max_length=200)
    related_party = models.BooleanField(_("related-party transaction"), default=False)
    overseas = models.BooleanField(_("cross-border transaction"), default=False)
    purpose = models.CharField(_("purpose"), max_length=500, blank=True)
    channel = models.CharField(_("channel"), max_length=12)
    batch = models.CharField(_("batch"), max_length=100)
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)

    class Meta:
        verbose_name = _("financial transaction")
        verbose_name_plural = _("financial transactions")
        ordering = ["-occurred_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "reference"], name="one_transaction_per_department_reference"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="transaction_amount_positive"),
        ]
        indexes = [models.Index(fields=["occurred_on", "organization"], name="transaction_day_org_idx")]

    def __str__(self) -> str:
        return f"{self.department_id}:{self.reference}"

    @property
    def direction_label(self) -> str:
        return label_for(Direction, self.direction)
