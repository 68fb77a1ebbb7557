"""双随机、一公开 — spot-check plans, the organizations drawn, the inspectors drawn for them and results.

A plan (抽查计划) states its year, authority (the 登记管理机关's region), scope (types, fields,
regions) and rates; announcing it freezes the frame (检查对象名录库) and publishes the seed, the
method and the frame's digest; the draw is then re-runnable by anyone (``manage.py spotchecks
audit``). Inspectors (执法检查人员名录库) are drawn for each check, never with a conflict; every
re-draw is logged with its reason. Results become credit records (rules.md R4.6).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanKind(models.TextChoices):
    REGULAR = "regular", _("Regular spot check")
    SPECIAL = "special", _("Ad hoc spot check")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ANNOUNCED = "announced", _("Seed published")
    DRAWN = "drawn", _("Drawn")
    PUBLISHED = "published", _("Results published")


class CheckContent(models.TextChoices):
    """检查内容 (《社会组织抽查暂行办法》第六条)."""

    ANNUAL_REPORT = "annual_report", _("Annual work report")
    DISCLOSURE = "disclosure", _("Information disclosure")
    GOVERNANCE = "governance", _("Internal governance")
    FINANCE = "finance", _("Finances")
    ACTIVITIES = "activities", _("Activities")


class SpotCheckPlan(models.Model):
    """双随机抽查计划 — one plan of one authority for one year."""

    title = models.CharField(_("title"), max_length=120)
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("kind"), max_length=10, choices=PlanKind.choices, default=PlanKind.REGULAR)
    authority = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="spot_check_plans",
        verbose_name=_("authority"),
    )  # fmt: skip
    scope_types = models.JSONField(_("organization types"), default=list, blank=True)
    scope_fields = models.JSONField(_("fields"), default=list, blank=True)
    scope_regions = models.JSONField(_("regions"), default=list, blank=True)
    """Region codes under the authority; empty: the authority's whole region."""
    content = models.JSONField(_("check content"), default=list, blank=True)
    base_rate = models.FloatField(_("base rate"))
    level_factors = models.JSONField(_("factors by credit level"), default=dict, blank=True)
    field_factors = models.JSONField(_("factors by field"), default=dict, blank=True)
    list_factors = models.JSONField(_("factors by list"), default=dict, blank=True)
    fixed_field_rates = models.JSONField(_("fixed rates by field"), default=dict, blank=True)
    onsite_ratio = models.FloatField(_("on-site share"), default=0.0)
    inspectors_onsite = models.PositiveSmallIntegerField(_("inspectors per on-site check"), default=2)
    inspectors_written = models.PositiveSmallIntegerField(_("inspectors per written check"), default=1)
    state = models.CharField(_("state"), max_length=10, choices=PlanState.choices, default=PlanState.DRAFT)
    policy_version = models.CharField(_("policy profile"), max_length=60, blank=True)
    seed = models.CharField(_("random seed"), max_length=64, blank=True)
    method = models.CharField(_("method"), max_length=30, blank=True)
    frame_digest = models.CharField(_("frame digest"), max_length=64, blank=True)
    frame = models.BinaryField(_("frame"), default=b"", editable=False)
    """The frame as ``core.sampling.frame_text``, zlib-compressed: what the audit re-draws from."""
    frame_size = models.PositiveIntegerField(_("organizations in scope"), default=0)
    required = models.PositiveIntegerField(_("legal minimum"), default=0)
    announced_at = models.DateTimeField(_("seed published at"), null=True, blank=True)
    announced_by = models.CharField(_("seed published by"), max_length=150, blank=True)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    drawn_on = models.DateField(_("drawn on"), null=True, blank=True)
    """The day of the draw (the product's clock): no check of the plan is dated before it."""
    drawn_by = models.CharField(_("drawn by"), max_length=150, blank=True)
    published_at = models.DateTimeField(_("results published at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("spot-check plan")
        verbose_name_plural = _("spot-check plans")
        ordering = ["-year", "-id"]
        indexes = [models.Index(fields=["authority", "year"])]

    def __str__(self) -> str:
        return f"{self.year} {self.title}"

    @property
    def editable(self) -> bool:
        return self.state == PlanState.DRAFT


class Inspector(models.Model):
    """执法检查人员 — one member of the inspector pool of a region."""

    name = models.CharField(_("name"), max_length=50)
    badge_number = models.CharField(_("law-enforcement certificate number"), max_length=40, unique=True)
    region = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="inspectors", verbose_name=_("region")
    )
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("person"),
    )  # fmt: skip
    """The registry's person, when known: a post held in an organization is then a conflict."""
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
        related_name="inspector", verbose_name=_("staff account"),
    )  # fmt: skip
    active = models.BooleanField(_("available"), default=True)

    class Meta:
        verbose_name = _("inspector")
        verbose_name_plural = _("inspectors")
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name


class Conflict(models.Model):
    """利害关系 — a recorded link between an inspector and an organization (回避)."""

    inspector = models.ForeignKey(Inspector, on_delete=models.CASCADE, related_name="conflicts")
    organization = models.ForeignKey("registry.Organization", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=200)
    recorded_by = models.CharField(_("recorded by"), max_length=150)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["inspector", "organization"], name="one_conflict_per_pair")
        ]


class CheckResult(models.TextChoices):
    NO_PROBLEM = "no_problem", _("No problem found")
    PROBLEMS = "problems", _("Problems found, rectification ordered")
    UNREACHABLE = "unreachable", _("Not reachable at the registered address")
    OTHER = "other", _("Other")


class SpotCheck(models.Model):
    """抽查对象 — one organization drawn in a plan, its mode, its inspectors and its result."""

    plan = models.ForeignKey(SpotCheckPlan, on_delete=models.PROTECT, related_name="checks")
    organization = models.ForeignKey(
        "registry.Organization", on_delete=models.PROTECT, related_name="spot_checks",
        verbose_name=_("organization"),
    )  # fmt: skip
    stratum = models.CharField(_("stratum"), max_length=80)
    rate = models.FloatField(_("rate"))
    reason = models.CharField(_("drawn as"), max_length=10)
    order = models.PositiveIntegerField(_("order of the draw"))
    onsite = models.BooleanField(_("on site"))
    result = models.CharField(_("result"), max_length=12, choices=CheckResult.choices, blank=True)
    checked_on = models.DateField(_("checked on"), null=True, blank=True)
    findings = models.TextField(_("findings"), blank=True)
    rectify_by = models.DateField(_("rectify by"), null=True, blank=True)
    rectified_on = models.DateField(_("rectified on"), null=True, blank=True)
    letters = models.JSONField(_("special letters"), default=list, blank=True)
    """专用信函 mailed after an unreachable result: [{"mailed_on": "YYYY-MM-DD", "unsigned": bool}]."""
    result_record = models.ForeignKey(
        "records.CreditRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    follow_up_record = models.ForeignKey(
        "records.CreditRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    """逾期未完成整改 (R1.6(3)) or 通过登记住所无法取得联系 (R1.6(6)) written after the check."""
    recorded_by = models.CharField(_("recorded by"), max_length=150, blank=True)
    recorded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("spot check")
        verbose_name_plural = _("spot checks")
        ordering = ["plan", "order"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "organization"], name="one_check_per_plan_and_org")
        ]

    def __str__(self) -> str:
        return f"{self.plan} · {self.organization}"


class Assignment(models.Model):
    """检查人员分派 — an inspector on a check (``active`` false once replaced by a re-draw)."""

    check_item = models.ForeignKey(SpotCheck, on_delete=models.CASCADE, related_name="assignments")
    inspector = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="assignments")
    active = models.BooleanField(default=True)
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["check_item", "inspector__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_item", "inspector"], condition=models.Q(active=True),
                name="inspector_once_per_check",
            )
        ]  # fmt: skip


class Redraw(models.Model):
    """重新抽取检查人员的记录 — who was replaced by whom on which check, why, by whom."""

    check_item = models.ForeignKey(SpotCheck, on_delete=models.CASCADE, related_name="redraws")
    replaced = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="+")
    replacement = models.ForeignKey(Inspector, on_delete=models.PROTECT, related_name="+")
    counter = models.PositiveIntegerField()
    reason = models.CharField(_("reason"), max_length=200)
    actor = models.CharField(max_length=150)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
