"""僵尸型社会组织清理 — one case per dormant organization and the steps taken on it.

A case (清理工作台账) is opened by the identification run (``services.identify``) for an
organization with no annual report for the last years due, no activity and, where the profile asks
it, no way to reach it at its registered address; it follows the steps of ``core.dormancy``:
督促通知书 → 列入活动异常名录建议 (the lists app's proposal) → 撤销登记 or 注销指引 → closed, or closed
because the organization resumed its activities. Every step is a ``CaseStep`` row (date, note, who).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from socredit.core.dormancy import Outcome, State, Step


class CaseState(models.TextChoices):
    IDENTIFIED = State.IDENTIFIED.value, _("Identified")
    NOTIFIED = State.NOTIFIED.value, _("Notice served")
    PROPOSED = State.PROPOSED.value, _("Listing proposed")
    GUIDED = State.GUIDED.value, _("Deregistration guidance served")
    CLOSED = State.CLOSED.value, _("Closed")


class CaseOutcome(models.TextChoices):
    REVOKED = Outcome.REVOKED.value, _("Registration revoked")
    DEREGISTERED = Outcome.DEREGISTERED.value, _("Deregistered")
    RESUMED = Outcome.RESUMED.value, _("Resumed its activities")


class StepKind(models.TextChoices):
    IDENTIFY = Step.IDENTIFY.value, _("Identified as dormant")
    NOTIFY = Step.NOTIFY.value, _("Notice served")
    PROPOSE = Step.PROPOSE.value, _("Listing proposed")
    GUIDE = Step.GUIDE.value, _("Deregistration guidance served")
    REVOKE = Step.REVOKE.value, _("Registration revoked")
    DEREGISTERED = Step.DEREGISTERED.value, _("Deregistration completed")
    RESUME = Step.RESUME.value, _("Resumed its activities")


class NoticeMethod(models.TextChoices):
    MAIL = "by_post", _("By post")
    HAND = "by_hand", _("Handed over")
    ANNOUNCEMENT = "internet_announcement", _("Internet announcement")


class DormancyCase(models.Model):
    """僵尸型社会组织清理台账 — one organization's clean-up, from identification to its end."""

    organization = models.ForeignKey(
        "registry.Organization", on_delete=models.PROTECT, related_name="dormancy_cases",
        verbose_name=_("organization"),
    )  # fmt: skip
    state = models.CharField(
        _("state"), max_length=20, choices=CaseState.choices, default=CaseState.IDENTIFIED
    )
    outcome = models.CharField(_("outcome"), max_length=24, choices=CaseOutcome.choices, blank=True)
    identified_on = models.DateField(_("identified on"))
    missing_years = models.JSONField(_("report years not filed"), default=list)
    last_activity_on = models.DateField(_("last activity on"), null=True, blank=True)
    unreachable = models.BooleanField(_("not reachable at the registered address"), default=False)
    unreachable_on = models.DateField(_("found unreachable on"), null=True, blank=True)
    unreachable_source = models.CharField(_("how it was found unreachable"), max_length=200, blank=True)
    policy_version = models.CharField(_("policy profile"), max_length=60)
    state_since = models.DateField(_("in this state since"))
    due_on = models.DateField(_("next step due by"), null=True, blank=True, db_index=True)
    notice_number = models.CharField(_("notice number"), max_length=100, blank=True)
    notice_served_on = models.DateField(_("notice served on"), null=True, blank=True)
    notice_method = models.CharField(
        _("way of notice"), max_length=24, choices=NoticeMethod.choices, blank=True
    )
    notice_text = models.TextField(_("reminder notice"), blank=True)
    proposal = models.ForeignKey(
        "lists.ListProposal", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("listing proposal"),
    )  # fmt: skip
    guidance_number = models.CharField(_("guidance number"), max_length=100, blank=True)
    guidance_served_on = models.DateField(_("guidance served on"), null=True, blank=True)
    guidance_text = models.TextField(_("deregistration guidance"), blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("dormant-organization case")
        verbose_name_plural = _("dormant-organization cases")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["organization"], condition=~models.Q(state="closed"), name="one_open_dormancy_case"
            )
        ]
        indexes = [models.Index(fields=["state", "due_on"])]

    def __str__(self) -> str:
        return f"{self.organization} · {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state != CaseState.CLOSED


class CaseStep(models.Model):
    """清理步骤 — one step taken on a case: what, on which day, the document, a note and who."""

    case = models.ForeignKey(DormancyCase, on_delete=models.CASCADE, related_name="steps")
    step = models.CharField(_("step"), max_length=30, choices=StepKind.choices)
    on = models.DateField(_("date"))
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    note = models.TextField(_("note"), blank=True)
    actor_label = models.CharField(_("by"), max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("clean-up step")
        verbose_name_plural = _("clean-up steps")
        ordering = ["on", "id"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.step} {self.on}"
