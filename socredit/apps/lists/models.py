"""名录 — 活动异常名录, 严重违法失信名单 and the red list: entries, decisions, proposals, removal
applications, responsible persons and the daily run.

The rules live in ``socredit.core.lists`` (grounds, the listing state machine, exits); these tables
hold what was decided: every entry and exit is a ``ListDecision`` with its ground, legal basis,
records relied on, document number, authority, date and who confirmed it. Memberships are
half-open: on the list from ``entered_on`` up to, not including, ``left_on``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.models import Organization
from socredit.core.lists.grounds import ABNORMAL, SERIOUS

RED = "red"
LIST_CHOICES = [
    (ABNORMAL, "活动异常名录"),
    (SERIOUS, "严重违法失信名单"),
    (RED, "守信红名单"),
]
LIST_TITLES = dict(LIST_CHOICES)
"""Each list by its name in the law, as documents and the engine's reasons write it (always Chinese)."""
LIST_LABELS = {
    ABNORMAL: _("list of organizations with abnormal activities"),
    SERIOUS: _("list of seriously illegal and dishonest organizations"),
    RED: _("red list of trustworthy organizations"),
}
"""Each list as a page names it, in the reader's language (活动异常名录 … in Chinese)."""
RED_GROUND = "RED"
"""The ground code of a red-list entry (criteria in the policy profile, ``lists.red.*``)."""


class ListDecision(models.Model):
    """名录决定 — a decision to list, restart the clock, transfer, remove or exempt (R1.8)."""

    class Kind(models.TextChoices):
        ENTRY = "entry", _("listing")
        RESTART = "restart", _("clock restart")
        TRANSFER = "transfer", _("transfer to the serious list")
        REMOVAL = "removal", _("removal")
        EXEMPTION = "exemption", _("exemption")

    organization = models.ForeignKey(
        "registry.Organization", on_delete=models.PROTECT, related_name="list_decisions",
        verbose_name=_("organization"),
    )  # fmt: skip
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    list = models.CharField(_("list"), max_length=10, choices=LIST_CHOICES)
    ground = models.CharField(_("ground"), max_length=20)
    ground_title = models.CharField(_("ground title"), max_length=200, blank=True)
    legal_basis = models.TextField(_("legal basis"))
    reason = models.TextField(_("reason"), blank=True)
    records = models.ManyToManyField(
        "records.CreditRecord", blank=True, related_name="list_decisions", verbose_name=_("records relied on")
    )
    trigger_record = models.ForeignKey(
        "records.CreditRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("record completing the ground"),
    )  # fmt: skip
    arose_on = models.DateField(_("ground arose on"), null=True, blank=True)
    document_number = models.CharField(_("document number"), max_length=100)
    authority = models.ForeignKey(
        "registry.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("deciding authority"),
    )  # fmt: skip
    authority_name = models.CharField(_("deciding authority"), max_length=100)
    decided_on = models.DateField(_("decided on"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("confirmed by"),
    )  # fmt: skip
    confirmed_by_label = models.CharField(_("confirmed by"), max_length=150)
    automatic = models.BooleanField(_("made by the daily run"), default=False)
    notice_text = models.TextField(_("notice"), blank=True)
    policy_version = models.CharField(_("policy profile"), max_length=60)
    entry = models.ForeignKey(
        "ListEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="decisions",
        verbose_name=_("entry"),
    )  # fmt: skip
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("list decision")
        verbose_name_plural = _("list decisions")
        ordering = ["-decided_on", "-id"]
        indexes = [models.Index(fields=["organization", "decided_on"])]

    def __str__(self) -> str:
        return f"{self.document_number} {self.get_kind_display()} {self.ground}"


class ListEntryQuerySet(models.QuerySet["ListEntry"]):
    def in_force(self, day: dt.date) -> ListEntryQuerySet:
        """Entries in force on ``day``: entered_on ≤ day < left_on (memberships are half-open)."""
        return self.filter(entered_on__lte=day).filter(
            models.Q(left_on__isnull=True) | models.Q(left_on__gt=day)
        )


class ListEntry(models.Model):
    """名录列入 — one stay of an organization on one list (half-open: entered_on ≤ day < left_on)."""

    organization = models.ForeignKey(
        "registry.Organization", on_delete=models.PROTECT, related_name="list_entries",
        verbose_name=_("organization"),
    )  # fmt: skip
    list = models.CharField(_("list"), max_length=10, choices=LIST_CHOICES)
    ground = models.CharField(_("ground"), max_length=20)
    entered_on = models.DateField(_("entered on"))
    clock_start = models.DateField(_("listing period counted from"))
    arose_on = models.DateField(_("ground arose on"), null=True, blank=True)
    trigger_record = models.ForeignKey(
        "records.CreditRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    exit_ground = models.CharField(_("exit ground"), max_length=20, blank=True)
    entry_decision = models.ForeignKey(
        ListDecision, on_delete=models.PROTECT, related_name="+", verbose_name=_("listing decision")
    )
    exit_decision = models.ForeignKey(
        ListDecision, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("removal decision"),
    )  # fmt: skip

    publicity_suspended = models.BooleanField(
        _("publicity suspended"), default=False,
        help_text=_("An objection to the listing decision is open and the profile stops the listing's "
                    "publicity meanwhile (objection.listing_continues = false)."),
    )  # fmt: skip

    objects = ListEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        ordering = ["-entered_on", "-id"]
        indexes = [
            models.Index(fields=["organization", "list", "left_on"]),
            models.Index(fields=["list", "left_on", "entered_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.list} {self.entered_on}–{self.left_on or ''}"

    @property
    def list_title(self) -> str:
        return LIST_TITLES.get(self.list, self.list)

    @property
    def list_label(self) -> str:
        """The list's name in the reader's language (``list_title`` is the law's, for documents)."""
        return str(LIST_LABELS.get(self.list, self.list))


class ListProposal(models.Model):
    """列入建议 — a ground met by the records (or a red-list candidate) awaiting a staff decision."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("proposed")
        CONFIRMED = "confirmed", _("confirmed")
        DISMISSED = "dismissed", _("dismissed")
        EXEMPTED = "exempted", _("exempted")
        WITHDRAWN = "withdrawn", _("withdrawn")

    organization = models.ForeignKey(
        "registry.Organization", on_delete=models.PROTECT, related_name="list_proposals",
        verbose_name=_("organization"),
    )  # fmt: skip
    list = models.CharField(_("list"), max_length=10, choices=LIST_CHOICES)
    action = models.CharField(_("action"), max_length=10, default="enter")
    ground = models.CharField(_("ground"), max_length=20)
    records = models.ManyToManyField(
        "records.CreditRecord", blank=True, related_name="list_proposals", verbose_name=_("records relied on")
    )
    trigger_record = models.ForeignKey(
        "records.CreditRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Copies for the queue (列入建议队列), so that its counts per region and record kind read one
    # index instead of joining 100,000 proposals to their organizations and records. ``region`` is
    # the organization's, kept current when the organization moves (``sync_proposal_regions``);
    # ``trigger_kind`` is the trigger record's kind, which never changes (a correction is a new
    # record, and a new proposal). Access is still scoped by the organization itself.
    region = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("region"),
    )  # fmt: skip
    trigger_kind = models.ForeignKey(
        "records.RecordKind", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("record kind"),
    )  # fmt: skip
    notice_served_on = models.DateField(_("prior notice served on"), null=True, blank=True)
    """The day the first prior notice was served (``serve_notice`` sets it): the queue's notice state."""
    arose_on = models.DateField(_("ground arose on"))
    needs_confirmation = models.BooleanField(_("needs a staff judgement"), default=False)
    notice_required = models.BooleanField(_("prior notice required"), default=True)
    reason = models.TextField(_("reason"), blank=True)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    exemption_certificate = models.TextField(_("certificate of no direct responsibility (R1.8)"), blank=True)
    dismiss_reason = models.TextField(_("reason for not listing"), blank=True)
    withdrawal_reason = models.TextField(_("reason for withdrawal"), blank=True)
    superseded_by = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="supersedes",
        verbose_name=_("replaced by"),
    )  # fmt: skip
    """撤回后替代它的建议: a correction of the record relied on replaces the proposal of the old version."""
    created_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by_label = models.CharField(_("decided by"), max_length=150, blank=True)
    decision = models.ForeignKey(
        ListDecision, on_delete=models.PROTECT, null=True, blank=True, related_name="proposals"
    )

    class Meta:
        verbose_name = _("listing proposal")
        verbose_name_plural = _("listing proposals")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["organization", "status"]),
            models.Index(fields=["status", "list"]),
            # The queue (列入建议队列): open proposals in date order and in region order, each covering
            # every column the queue filters and counts on, so that its grouped counts (by date, list,
            # ground, kind and notice; by region) read one index in its order, without a sort or a
            # table lookup; and in ground order for the sort by ground.
            models.Index(
                fields=[
                    "status",
                    "arose_on",
                    "list",
                    "ground",
                    "trigger_kind",
                    "notice_required",
                    "notice_served_on",
                    "region",
                    "organization",
                ],
                name="lists_prop_queue",
            ),  # fmt: skip
            models.Index(
                fields=[
                    "status",
                    "region",
                    "arose_on",
                    "list",
                    "ground",
                    "trigger_kind",
                    "notice_required",
                    "notice_served_on",
                    "organization",
                ],
                name="lists_prop_queue_region",
            ),  # fmt: skip
            models.Index(fields=["status", "ground", "arose_on"], name="lists_prop_queue_ground"),
        ]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.list} {self.ground} ({self.status})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.region_id is None and self.organization_id is not None:
            self.region_id = (
                Organization.objects.filter(pk=self.organization_id)
                .values_list("region_id", flat=True)
                .first()
            )
        if self.trigger_kind_id is None and self.trigger_record_id is not None:
            self.trigger_kind_id = (
                CreditRecord.objects.filter(pk=self.trigger_record_id)
                .values_list("kind_id", flat=True)
                .first()
            )
        super().save(*args, **kwargs)


class RemovalApplication(models.Model):
    """移出申请 — an application to leave a list (R1.10(a), R1.14(a)/(b)) with evidence of correction."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        REFUSED = "refused", _("refused")

    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="applications")
    applied_on = models.DateField(_("applied on"))
    evidence = models.TextField(_("evidence of correction"))
    fulfilment_confirmed = models.BooleanField(_("staff verified the obligations fulfilled"), default=False)
    verified_on = models.DateField(_("verified on"), null=True, blank=True)
    deadline = models.DateField(_("removal due by"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    reason = models.TextField(_("reason"), blank=True)
    overdue = models.BooleanField(_("decided after the deadline"), default=False)
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_by_label = models.CharField(_("decided by"), max_length=150, blank=True)
    decision = models.ForeignKey(
        ListDecision, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("removal application")
        verbose_name_plural = _("removal applications")
        ordering = ["-applied_on", "-id"]
        indexes = [models.Index(fields=["status", "deadline"])]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.applied_on} ({self.status})"


class PersonListing(models.Model):
    """失信惩戒落实到人 — a serious-list decision recorded against a 法定代表人 / 负责人.

    Public until ``retention_until``; then ``retention_sweep`` does what the profile's
    ``persons.retention_end_action`` says: ``erase`` removes the person link and the name
    (``erased``); ``archive`` removes the person link (no screening finds it) and public view but
    keeps the name on the internal decision file (``archived_on``, 档案保存). The decision stays.
    """

    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="list_listings"
    )
    person_name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    organization = models.ForeignKey(
        "registry.Organization", on_delete=models.PROTECT, related_name="person_listings"
    )
    decision = models.ForeignKey(ListDecision, on_delete=models.PROTECT, related_name="person_listings")
    entry = models.ForeignKey(ListEntry, on_delete=models.PROTECT, related_name="person_listings")
    post = models.CharField(_("post"), max_length=24)
    from_date = models.DateField(_("from"))
    act_end = models.DateField(_("act ended on"))
    retention_until = models.DateField(_("kept until"))
    public = models.BooleanField(_("public"), default=True)
    erased = models.BooleanField(_("erased"), default=False)
    erased_on = models.DateField(_("erased on"), null=True, blank=True)
    archived_on = models.DateField(_("archived on"), null=True, blank=True)

    class Meta:
        verbose_name = _("person listing")
        verbose_name_plural = _("person listings")
        ordering = ["-from_date", "-id"]
        indexes = [models.Index(fields=["erased", "retention_until"])]

    def __str__(self) -> str:
        return f"{self.person_name or '—'} {self.post} ({self.from_date})"


class ListRun(models.Model):
    """名录日常运行 — one daily run: the day, the counts and who started it."""

    as_of = models.DateField(_("as of"))
    started_at = models.DateTimeField(_("started"), auto_now_add=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_by_label = models.CharField(_("started by"), max_length=150)
    counts = models.JSONField(_("counts"), default=dict)
    policy_version = models.CharField(_("policy profiles"), max_length=200)
    full = models.BooleanField(_("over every candidate"), default=True)
    """False for an incremental run, which read only the organizations ``ListRunDue`` named."""
    schedule_kept = models.BooleanField(default=False)
    """The run left ``ListRunDue`` complete (every run since the table exists): the next run may be
    incremental. Runs before it read no such table, so the first run after them is a full one."""

    class Meta:
        verbose_name = _("list run")
        verbose_name_plural = _("list runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.pk} @ {self.as_of}"


class ListRunDue(models.Model):
    """日常运行待办 — an organization the daily run must read on the first run on or after ``due_on``.

    Two writers keep it: every change of a fact the lists read (a record created, corrected,
    revoked, repaired or expired; a list entry, decision or proposal; the organization itself) marks
    the organization at once, in the change's own transaction, with ``CHANGED`` (any run is on or
    after it); and the daily run, for each organization it read, writes the next day its answer can
    change by the calendar alone (``socredit.core.lists.schedule.next_check_on``: a transfer or an
    automatic removal falling due, a record starting or ceasing to count), or deletes the row when
    only a new fact can change it. The run then reads ``due_on <= day``: days skipped are covered."""

    CHANGED = dt.date(1, 1, 1)

    organization = models.OneToOneField(
        "registry.Organization", on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    due_on = models.DateField(db_index=True)

    def __str__(self) -> str:
        return f"{self.organization_id} @ {self.due_on}"


class ListNotice(models.Model):
    """列入事先告知 (R1.5) — the written notice served before a listing: facts, reasons, legal basis
    and the organization's right to state its case (陈述、申辩). By internet announcement (互联网公告)
    only when the registered address is established unreachable (R1.7): two special letters, both
    unsigned, ``mailings`` = ``[{"mailed_on": "YYYY-MM-DD", "unsigned": true}, …]``."""

    class Method(models.TextChoices):
        WRITTEN = "written", _("written notice")
        ANNOUNCEMENT = "announcement", _("internet announcement")

    proposal = models.ForeignKey(
        ListProposal, on_delete=models.PROTECT, related_name="notices", verbose_name=_("proposal")
    )
    organization = models.ForeignKey(
        "registry.Organization", on_delete=models.PROTECT, related_name="list_notices",
        verbose_name=_("organization"),
    )  # fmt: skip
    method = models.CharField(_("method"), max_length=12, choices=Method.choices)
    served_on = models.DateField(_("served on"))
    document_number = models.CharField(_("document number"), max_length=100)
    text = models.TextField(_("notice"))
    mailings = models.JSONField(_("special letters"), default=list, blank=True)
    unreachable_finding = models.TextField(_("address unreachable (R1.7)"), blank=True)
    authority_name = models.CharField(_("authority"), max_length=100)
    served_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("served by"),
    )  # fmt: skip
    served_by_label = models.CharField(_("served by"), max_length=150)
    statement_due_on = models.DateField(_("statements accepted until"), null=True, blank=True)
    """The last day of the 陈述申辩 period: ``lists.notice.statement_working_days`` working days after
    ``served_on`` (the day of service, or of the announcement). Printed on the notice and honoured as
    printed; empty on notices served before the period was introduced."""
    policy_version = models.CharField(_("policy profile"), max_length=60)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("prior notice")
        verbose_name_plural = _("prior notices")
        ordering = ["-served_on", "-id"]

    def __str__(self) -> str:
        return f"{self.document_number} {self.get_method_display()} {self.served_on}"


class ListStatement(models.Model):
    """陈述申辩 — the organization's statement of its case on a prior notice, or its waiver (放弃陈述申辩),
    and the authority's answer after review (复核意见). Part of the listing decision's file (through
    the proposal): upheld withdraws the proposal; rejected lets the decision proceed."""

    class Channel(models.TextChoices):
        PAPER = "paper", _("on paper")
        ACCOUNT = "account", _("in the organization's account")

    class Outcome(models.TextChoices):
        PENDING = "pending", _("awaiting review")
        UPHELD = "upheld", _("upheld")
        REJECTED = "rejected", _("not upheld")
        WAIVED = "waived", _("waived")

    notice = models.ForeignKey(
        ListNotice, on_delete=models.PROTECT, related_name="statements", verbose_name=_("prior notice")
    )
    proposal = models.ForeignKey(
        ListProposal, on_delete=models.PROTECT, related_name="statements", verbose_name=_("proposal")
    )
    received_on = models.DateField(_("received on"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    text = models.TextField(_("statement"), blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    answer = models.TextField(_("answer after review"), blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by_label = models.CharField(_("answered by"), max_length=150, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )  # fmt: skip
    created_by_label = models.CharField(_("recorded by"), max_length=150)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("statement of case")
        verbose_name_plural = _("statements of case")
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["proposal", "outcome"])]

    def __str__(self) -> str:
        return f"{self.proposal_id} {self.received_on} ({self.outcome})"

    @property
    def waived(self) -> bool:
        return self.outcome == self.Outcome.WAIVED


def statement_evidence_path(instance: StatementEvidence, filename: str) -> str:
    # The stored name is the content hash: no user-chosen path ever reaches the file system.
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}"


class StatementEvidence(models.Model):
    """陈述申辩证据 — a file submitted with a statement (checked for type and size before it is stored)."""

    statement = models.ForeignKey(ListStatement, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=statement_evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by_label = models.CharField(_("uploaded by"), max_length=150)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("statement evidence")
        verbose_name_plural = _("statement evidence")
        ordering = ["uploaded_at", "id"]
