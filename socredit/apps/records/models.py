"""信用信息 — the catalogue of record kinds and the credit records themselves.

Records are never deleted or overwritten. A revocation moves a record to a new state; a
correction supersedes it with a new record (the old one keeps its content, marked 已更正); every
move is a RecordStateChange row with reason, actor and time. Status, visibility and source are
small integers: the evaluation reads millions of records into Polars and narrow columns matter.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from socredit.common.choices import enum_choices, label_for
from socredit.common.models import TimeStamped
from socredit.core.types import (
    DishonestyClass,
    Polarity,
    RecordCategory,
    RecordSource,
    RecordStatus,
    Visibility,
)


class RecordKind(models.Model):
    """信用信息事项 — one kind of record (e.g. 年度工作报告按时报送, 警告, 罚款), editable by administrators."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100)
    category = models.CharField(_("category"), max_length=20, choices=enum_choices(RecordCategory))
    polarity = models.CharField(_("polarity"), max_length=10, choices=enum_choices(Polarity))
    default_dishonesty_class = models.CharField(
        _("default dishonesty class"), max_length=10, choices=enum_choices(DishonestyClass), blank=True,
        help_text=_("For negative kinds: national 轻微/一般/严重 (rules.md R2.8) or a local class."),
    )  # fmt: skip
    default_publicity_months = models.PositiveSmallIntegerField(
        _("default publicity period (months)"), null=True, blank=True
    )
    default_visibility = models.PositiveSmallIntegerField(
        _("default visibility"), choices=enum_choices(Visibility), default=Visibility.PUBLIC.value
    )
    repairable = models.BooleanField(
        _("repairable"), default=True,
        help_text=_("Whether credit repair (信用修复) may end its publicity early (rules.md R2.6, R2.11)."),
    )  # fmt: skip
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("record kind")
        verbose_name_plural = _("record kinds")
        ordering = ["category", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.name_en if (get_language() or "").startswith("en") else self.name_zh

    @property
    def category_label(self) -> str:
        return label_for(RecordCategory, self.category)

    @property
    def polarity_label(self) -> str:
        return label_for(Polarity, self.polarity)

    @property
    def is_negative(self) -> bool:
        return self.polarity == Polarity.NEGATIVE.value


class CreditRecord(TimeStamped):
    """信用记录 — one piece of credit information about an organization (and the persons implicated)."""

    organization = models.ForeignKey(
        "registry.Organization",
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name=_("organization"),
    )
    persons = models.ManyToManyField(
        "registry.Person", blank=True, related_name="records", verbose_name=_("persons implicated")
    )
    kind = models.ForeignKey(
        RecordKind,
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name=pgettext_lazy("record", "kind"),
    )
    occurred_on = models.DateField(_("occurred on"))
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    amount = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True)
    department = models.ForeignKey(
        "registry.Department",
        on_delete=models.PROTECT,
        related_name="records",
        verbose_name=_("issuing department"),
    )
    summary = models.TextField(_("summary"), max_length=2000, blank=True)
    dishonesty_class = models.CharField(
        _("dishonesty class"), max_length=10, choices=enum_choices(DishonestyClass), blank=True
    )
    visibility = models.PositiveSmallIntegerField(
        _("visibility"), choices=enum_choices(Visibility), default=Visibility.PUBLIC.value
    )
    status = models.PositiveSmallIntegerField(
        _("status"), choices=enum_choices(RecordStatus), default=RecordStatus.EFFECTIVE.value
    )
    source = models.PositiveSmallIntegerField(_("source"), choices=enum_choices(RecordSource))
    source_actor = models.CharField(_("entered by"), max_length=150)
    source_ref = models.CharField(_("source reference"), max_length=60, blank=True)
    external_id = models.CharField(_("external id"), max_length=100, blank=True)
    publicity_until = models.DateField(
        _("publicity until"), null=True, blank=True,
        help_text=_("Last day of the publicity period (公示期); empty when the kind has none."),
    )  # fmt: skip
    ended_on = models.DateField(
        _("in force until"), null=True, blank=True,
        help_text=_("The day the record stopped counting (repaired or expired); empty while in force."),
    )  # fmt: skip
    under_objection = models.BooleanField(
        _("under objection"), default=False,
        help_text=_("异议中: an objection about this record is open; it stays effective and published (R6.2)."),
    )  # fmt: skip
    is_current = models.BooleanField(_("current version"), default=True)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by",
        verbose_name=_("corrects"),
    )  # fmt: skip

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        ordering = ["-occurred_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "occurred_on"]),
            models.Index(fields=["kind", "status"]),
            # The daily end of publicity (公示期届满, ``publicity.expire_publicity``) reads only what may
            # be due: records in force by the end of their kind's period, and records of a class with
            # a maximum by their start. Partial: expired, repaired and superseded records leave them.
            models.Index(
                fields=["publicity_until"],
                name="record_publicity_until_idx",
                condition=models.Q(
                    status=RecordStatus.EFFECTIVE.value, is_current=True, publicity_until__isnull=False
                ),
            ),  # fmt: skip
            # The statistics' daily scan of the records in force (``statistics.aggregate``): covering,
            # so 20 million records are counted from the index alone, in the order of each organization's
            # kinds and departments (a streaming GROUP BY, no sort of every row).
            models.Index(
                fields=["organization", "kind", "department", "occurred_on"],
                name="record_in_force_cover_idx",
                condition=models.Q(status=RecordStatus.EFFECTIVE.value, is_current=True),
            ),
            models.Index(
                F("dishonesty_class"),
                Coalesce("decided_on", "occurred_on"),
                name="record_publicity_start_idx",
                condition=models.Q(status=RecordStatus.EFFECTIVE.value, is_current=True)
                & ~models.Q(dishonesty_class=""),
            ),  # fmt: skip
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "document_number"],
                condition=models.Q(is_current=True) & ~models.Q(document_number=""),
                name="record_document_number_unique",
            ),
            models.UniqueConstraint(
                fields=["department", "external_id"],
                condition=models.Q(is_current=True) & ~models.Q(external_id=""),
                name="record_external_id_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(amount__isnull=True) | models.Q(amount__gte=0),
                name="record_amount_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind.name_zh} {self.document_number or ''} ({self.occurred_on})"

    @property
    def reference(self) -> str:
        """How a page names the record to its readers (记录): the kind and its document number (文书号),
        or the kind and the date where it has none — never the database id."""
        return f"{self.kind.name} {self.document_number or self.occurred_on.strftime('%Y-%m-%d')}"

    @property
    def status_label(self) -> str:
        return label_for(RecordStatus, self.status)

    @property
    def visibility_label(self) -> str:
        return label_for(Visibility, self.visibility)

    @property
    def source_label(self) -> str:
        return label_for(RecordSource, self.source)

    @property
    def dishonesty_label(self) -> str:
        return label_for(DishonestyClass, self.dishonesty_class) if self.dishonesty_class else ""

    @property
    def is_effective(self) -> bool:
        return self.status == RecordStatus.EFFECTIVE.value


class RecordStateChange(models.Model):
    """记录状态变更 — the readable history of a record: created, corrected, revoked, repaired, expired."""

    record = models.ForeignKey(CreditRecord, on_delete=models.PROTECT, related_name="history")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    from_status = models.PositiveSmallIntegerField(null=True, choices=enum_choices(RecordStatus))
    to_status = models.PositiveSmallIntegerField(choices=enum_choices(RecordStatus))
    reason = models.CharField(_("reason"), max_length=500)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    actor_label = models.CharField(_("by"), max_length=150)
    channel = models.CharField(_("channel"), max_length=16)
    related = models.ForeignKey(CreditRecord, on_delete=models.PROTECT, null=True, related_name="+")

    class Meta:
        verbose_name = _("record state change")
        verbose_name_plural = _("record state changes")
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"#{self.record_id} {self.from_status}→{self.to_status}"

    @property
    def to_label(self) -> str:
        return label_for(RecordStatus, self.to_status)


class ChangeEvent(models.Model):
    """变更事件 — the durable outbox of changes other departments must learn of.

    Written in the same transaction as the change itself (a correction, revocation, repair or
    expiry of a record; an entry on or removal from a list), so an event exists exactly when the
    change committed. Departments read it in id order with a cursor (``GET /api/v1/changes``);
    ids are handed out in commit order (see ``socredit.apps.records.outbox``), so a cursor never
    skips an event that commits late.
    """

    id = models.BigAutoField(primary_key=True)
    at = models.DateTimeField(_("time"), auto_now_add=True)
    kind = models.CharField(_("kind"), max_length=40)
    organization = models.ForeignKey(
        "registry.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    region_path = models.CharField(max_length=60, db_index=True)
    record = models.ForeignKey(
        CreditRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    payload = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("change event")
        verbose_name_plural = _("change events")
        ordering = ["id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind}"
