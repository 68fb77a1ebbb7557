"""联合奖惩 — the catalogue's stored versions, domain blacklists pushed by departments, logged
credit checks (信用核查) and the departments' feedback (反馈).

The catalogue's shipped versions live in the core (``core/measures/catalogues``); an administrator's
version is a ``CatalogueVersion`` row with its whole text, never edited in place: its history is the
list of versions. A check stores its subjects and its answer compressed, with the digest of the
answer, so that it can be shown again exactly as it was given.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from socredit.common.choices import enum_choices
from socredit.core.measures.catalogue import Scenario
from socredit.core.measures.domains import PUSHED_DOMAINS


class CatalogueVersion(models.Model):
    """措施清单版本 — an administrator's version of the measures catalogue (the whole TOML text)."""

    version = models.CharField(_("version"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    effective_from = models.DateField(_("in force from"))
    text = models.TextField(_("text"))
    reason = models.TextField(_("reason for the change"))
    based_on = models.CharField(_("based on"), max_length=60, blank=True)
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by_label = models.CharField(_("saved by"), max_length=150)

    class Meta:
        verbose_name = _("measures catalogue version")
        verbose_name_plural = _("measures catalogue versions")
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return self.version


class SubjectKind(models.TextChoices):
    ORGANIZATION = "organization", _("Organization")
    PERSON = "person", _("Person")


DOMAIN_CHOICES = [(d, d) for d in PUSHED_DOMAINS]


class DomainListing(models.Model):
    """领域黑名单列入 — a subject on another domain's dishonesty list, as its department pushed it.

    The natural key is (department, domain, subject, document number): pushing the same listing
    again updates it (its exit date, source), never adds a second row."""

    department = models.ForeignKey(
        "registry.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    domain = models.CharField(_("domain"), max_length=24, choices=DOMAIN_CHOICES)
    subject_kind = models.CharField(_("subject"), max_length=12, choices=SubjectKind.choices)
    subject_key = models.CharField(
        _("code or ID number"), max_length=18,
        help_text=_("The unified social credit code of an organization, the ID number of a person."),
    )  # fmt: skip
    organization = models.ForeignKey(
        "registry.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("organization"),
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=200)
    entered_on = models.DateField(_("entered on"))
    left_on = models.DateField(_("left on"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=100)
    source = models.CharField(_("source"), max_length=300, blank=True)
    pushed_at = models.DateTimeField(_("pushed at"), auto_now=True)
    created_at = models.DateTimeField(_("first pushed at"), auto_now_add=True)

    class Meta:
        verbose_name = _("domain blacklist entry")
        verbose_name_plural = _("domain blacklist entries")
        ordering = ["-entered_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["department", "domain", "subject_key", "document_number"],
                name="measures_domain_listing_key",
            )
        ]
        indexes = [models.Index(fields=["subject_key", "entered_on"])]

    def __str__(self) -> str:
        return f"{self.domain} {self.subject_kind} {self.entered_on}–{self.left_on or ''}"


def pack(value: Any) -> bytes:
    return zlib.compress(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode(), 3)


def unpack(blob: bytes | memoryview) -> Any:
    return json.loads(zlib.decompress(bytes(blob)))


class CreditCheck(models.Model):
    """信用核查 — one logged check: who, scenario, subjects, the answer and its digest, when."""

    number = models.CharField(_("check number"), max_length=30, unique=True)
    scenario = models.CharField(_("scenario"), max_length=30, choices=enum_choices(Scenario))
    as_of = models.DateField(_("as of"))
    catalogue_version = models.CharField(_("catalogue version"), max_length=60)
    made_at = models.DateTimeField(_("made at"), db_index=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    made_by_label = models.CharField(_("made by"), max_length=150)
    department = models.ForeignKey(
        "registry.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("department"),
    )  # fmt: skip
    channel = models.CharField(_("channel"), max_length=16)
    region_path = models.CharField(max_length=60, db_index=True)
    """The checker's region scope when the check was made: supervisors above it may read the check."""
    subjects_count = models.PositiveIntegerField(_("subjects"))
    answered_count = models.PositiveIntegerField(_("answered"))
    pairs_count = models.PositiveIntegerField(_("measures applicable"))
    """(subject, measure) pairs the answer named: each one awaits the department's feedback."""
    mandatory_count = models.PositiveIntegerField(_("mandatory measures"))
    measure_counts = models.JSONField(_("subjects per measure"), default=dict)
    feedback_count = models.PositiveIntegerField(_("feedback given"), default=0)
    feedback_due = models.DateField(_("feedback due"), null=True, blank=True)
    subjects = models.BinaryField(_("subjects"))
    answer = models.BinaryField(_("answer"))
    digest = models.CharField(_("answer digest"), max_length=64)

    class Meta:
        verbose_name = _("credit check")
        verbose_name_plural = _("credit checks")
        ordering = ["-made_at", "-id"]
        indexes = [models.Index(fields=["department", "made_at"]), models.Index(fields=["feedback_due"])]

    def __str__(self) -> str:
        return self.number

    @property
    def feedback_complete(self) -> bool:
        return self.feedback_count >= self.pairs_count


class FeedbackOutcome(models.TextChoices):
    APPLIED = "applied", _("Carried out")
    NOT_APPLIED = "not_applied", _("Not carried out")
    EXEMPTED = "exempted", _("Exemption")


class CheckFeedback(models.Model):
    """核查反馈 — what the department did about one measure for one subject of a check."""

    check_row = models.ForeignKey(CreditCheck, on_delete=models.PROTECT, related_name="feedback")
    subject_index = models.PositiveIntegerField(_("subject"))
    measure_code = models.CharField(_("measure"), max_length=60)
    outcome = models.CharField(_("outcome"), max_length=12, choices=FeedbackOutcome.choices)
    reason = models.TextField(_("reason"), blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)
    recorded_by_label = models.CharField(_("recorded by"), max_length=150)

    class Meta:
        verbose_name = _("check feedback")
        verbose_name_plural = _("check feedback")
        ordering = ["subject_index", "measure_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_row", "subject_index", "measure_code"], name="measures_feedback_key"
            )
        ]

    def __str__(self) -> str:
        return f"{self.check_row_id}#{self.subject_index} {self.measure_code} {self.outcome}"
