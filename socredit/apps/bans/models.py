"""从业禁止、任职限制 — the register of bans on persons."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socredit.common.choices import enum_choices, label_for
from socredit.core import bans as rules
from socredit.core.bans import BanKind
from socredit.core.types import RoleKind


class BanState(models.TextChoices):
    """A ban's state. Whether one in force has run out is read from its dates (``until``), not stored."""

    PROPOSED = "proposed", _("Proposed")
    IN_FORCE = "in_force", pgettext_lazy("ban", "In force")
    LIFTED = "lifted", _("Lifted")
    DISMISSED = "dismissed", _("Not imposed")


class BanSource(models.TextChoices):
    """Where the register learnt of the ban."""

    DECISION = "decision", _("Decision of this authority")
    REVOCATION = "revocation", _("Revocation of an organization's registration")
    SERIOUS_LISTING = "serious_listing", _("Serious-list decision")
    DEPARTMENT = "department", _("Pushed by another department")


class Ban(models.Model):
    """从业禁止 / 任职限制 — one person barred from posts or practice, on one ground, by one decision.

    ``start_on`` … ``until`` (inclusive; no end for an open-ended ban) unless ``lifted_on`` comes
    first (binding up to the day before). ``natural_key`` makes every feed idempotent: a department's
    push by department + document + kind + person, a derived ban by its event, ground and person.
    ``region`` decides which staff see the row: the deciding authority's for a decision or a push, the
    organization's for a proposal derived from a decision on it (its file's staff handle it).
    """

    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, related_name="bans", verbose_name=_("person")
    )
    person_name = models.CharField(pgettext_lazy("ban", "name"), max_length=50)
    kind = models.CharField(pgettext_lazy("ban", "kind"), max_length=20, choices=enum_choices(BanKind))
    ground = models.CharField(pgettext_lazy("ban", "ground"), max_length=24)
    ground_text = models.TextField(pgettext_lazy("ban", "ground"))
    legal_basis = models.TextField(_("legal basis"))
    scope = models.TextField(_("scope"))
    scope_region = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("region the ban covers"), help_text=_("Empty: everywhere."),
    )  # fmt: skip
    organization = models.ForeignKey(
        "registry.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="person_bans",
        verbose_name=_("organization concerned"),
    )  # fmt: skip
    post = models.CharField(_("post held"), max_length=24, blank=True)
    authority = models.ForeignKey(
        "registry.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("deciding authority"),
    )  # fmt: skip
    authority_name = models.CharField(_("deciding authority"), max_length=100)
    document_number = models.CharField(_("document number"), max_length=100)
    decided_on = models.DateField(_("decided on"))
    start_on = models.DateField(_("from"))
    until = models.DateField(_("until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=20, choices=BanSource.choices)
    source_department = models.ForeignKey(
        "registry.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("pushed by"),
    )  # fmt: skip
    natural_key = models.CharField(max_length=240, unique=True, editable=False)
    region = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region")
    )
    state = models.CharField(_("state"), max_length=12, choices=BanState.choices)
    state_reason = models.TextField(_("reason"), blank=True)
    lifted_on = models.DateField(_("lifted on"), null=True, blank=True)
    policy_version = models.CharField(_("policy profile"), max_length=60, blank=True)
    recorded_by_label = models.CharField(_("recorded by"), max_length=150)
    decided_by_label = models.CharField(_("confirmed or lifted by"), max_length=150, blank=True)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ban on a person")
        verbose_name_plural = _("bans on persons")
        ordering = ["-start_on", "-id"]
        # One index for the checks' lookup by person. No (state, …) index: without statistics SQLite
        # would walk it through every ban in force rather than look the asked persons up.
        indexes = [models.Index(fields=["person", "state"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(until__isnull=True) | models.Q(until__gte=models.F("start_on")),
                name="ban_until_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_name} {self.kind_label} {self.document_number}"

    @property
    def kind_label(self) -> str:
        return label_for(BanKind, self.kind)

    @property
    def post_label(self) -> str:
        return label_for(RoleKind, self.post) if self.post else ""

    @property
    def ground_rule(self) -> rules.BanGround:
        return rules.GROUNDS_BY_CODE.get(self.ground, rules.OTHER)

    def in_force_on(self, day: dt.date) -> bool:
        if self.state not in (BanState.IN_FORCE, BanState.LIFTED):
            return False
        return rules.in_force(self.start_on, self.until, self.lifted_on, day)

    @property
    def state_today(self) -> str:
        from socredit.common.clock import today

        return self.shown_state(today())

    @property
    def binds_today(self) -> bool:
        from socredit.common.clock import today

        return self.in_force_on(today())

    def shown_state(self, day: dt.date) -> str:
        """The state as a reader needs it on ``day``: in force, not yet in force, expired, lifted…"""
        if self.state == BanState.IN_FORCE:
            if day < self.start_on:
                return str(_("Not yet in force"))
            if self.until is not None and day > self.until:
                return str(_("Expired"))
        return str(self.get_state_display())
