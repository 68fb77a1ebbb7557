"""信用承诺 — commitment templates and the commitments organizations sign.

A signed commitment is published on the organization's profile and written to its credit file as a
``commitment_signed`` record (the red list and the evaluation read it there); marking it fulfilled
adds ``commitment_fulfilled``, marking it broken adds the negative ``commitment_broken`` record
(rules.md R1.3, R2.9(3); seed 004 §四(一) 事前承诺, §四(三) 容缺受理).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CommitmentMatter(models.TextChoices):
    """承诺事项类型."""

    GENERAL = "general", _("General credit commitment")
    REPAIR = "repair", _("Credit repair commitment")
    FUNDS = "funds", _("Applying for funds or projects")
    LICENCE = "licence", _("Licence by notification and commitment (告知承诺)")
    TOLERANCE = "tolerance", _("Acceptance with missing documents (容缺受理)")
    OTHER = "other", _("Other matter")


PLACEHOLDERS = {
    "org_name": pgettext_lazy("placeholder", "organization name"),
    "org_code": pgettext_lazy("placeholder", "unified social credit code"),
    "subject": pgettext_lazy("placeholder", "matter"),
    "due_on": pgettext_lazy("placeholder", "deadline"),
}
"""What a template's placeholders (filled in when an organization signs) read as in a preview."""


class CommitmentTemplate(models.Model):
    """承诺书模板 — the text an organization signs, per matter; editable by administrators."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=100)
    matter = models.CharField(_("matter"), max_length=12, choices=CommitmentMatter.choices)
    body = models.TextField(_("text"))
    legal_basis = models.CharField(_("legal basis"), max_length=300, blank=True)
    needs_due_date = models.BooleanField(
        _("has a deadline"), default=False,
        help_text=_("The organization promises something by a date (e.g. the missing documents of 容缺受理)."),
    )  # fmt: skip
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("commitment template")
        verbose_name_plural = _("commitment templates")
        ordering = ["matter", "code"]

    def __str__(self) -> str:
        return self.title

    @property
    def preview(self) -> str:
        """The text as a reader sees it before signing: each placeholder by what fills it in
        (``{org_name}`` → 【组织名称】), never by its code."""
        return re.sub(
            r"\{(\w+)\}",
            lambda m: f"【{PLACEHOLDERS[m.group(1)]}】" if m.group(1) in PLACEHOLDERS else "【…】",
            self.body,
        )


class CommitmentStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    FULFILLED = "fulfilled", _("Fulfilled")
    BROKEN = "broken", _("Broken")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class Commitment(models.Model):
    """信用承诺 — one commitment signed by an organization, with the text as signed."""

    organization = models.ForeignKey(
        "registry.Organization", on_delete=models.PROTECT, related_name="commitments",
        verbose_name=_("organization"),
    )  # fmt: skip
    template = models.ForeignKey(CommitmentTemplate, on_delete=models.PROTECT, related_name="commitments")
    matter = models.CharField(_("matter"), max_length=12, choices=CommitmentMatter.choices)
    subject = models.CharField(_("what it is for"), max_length=200, blank=True)
    text = models.TextField(_("text as signed"))
    signed_by_name = models.CharField(_("signed by"), max_length=50)
    signed_on = models.DateField(_("signed on"))
    due_on = models.DateField(_("to be performed by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=CommitmentStatus.choices,
                              default=CommitmentStatus.IN_FORCE)  # fmt: skip
    published = models.BooleanField(_("published"), default=True)
    decided_on = models.DateField(_("fulfilled / broken on"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")  # fmt: skip
    channel = models.CharField(_("channel"), max_length=12)
    entered_by_label = models.CharField(_("entered by"), max_length=150)
    signed_record = models.ForeignKey("records.CreditRecord", on_delete=models.PROTECT, null=True, blank=True,
                                      related_name="+")  # fmt: skip
    outcome_record = models.ForeignKey("records.CreditRecord", on_delete=models.PROTECT, null=True, blank=True,
                                       related_name="+")  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("credit commitment")
        verbose_name_plural = _("credit commitments")
        ordering = ["-signed_on", "-id"]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{self.organization} · {self.template.title} ({self.signed_on})"
