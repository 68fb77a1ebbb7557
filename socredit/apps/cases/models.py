"""案件 — objections (异议), credit repair applications (信用修复) and complaints (举报): cases with legal
deadlines in working days.

One ``Case`` table for the three kinds, so that staff have one inbox with one notion of "next
deadline" and "overdue". Each case is a chain of ``CaseStep`` rows (受理, 转办, 核查, 决定, 告知 …),
each with its due date computed from the working-day calendar and the policy profile in force on
the day of receipt (the profile version and the values used are kept on the case, so a later
profile never changes a running deadline). ``CaseEvent`` is the timeline; ``Evidence`` holds the
uploaded files; ``Verification`` is one source department's answer to a forwarded objection;
``Reporter`` holds a complainant's identity apart from the case, readable only by the assigned
handler (seed 004: 对举报人信息严格保密).

Kind-specific facts that no query filters on live in ``Case.details`` (JSON).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socredit.apps.cases.labels import outcome_label, stage_label
from socredit.apps.cases.timeline import event_text


class CaseKind(models.TextChoices):
    """案件类型."""

    OBJECTION = "objection", _("Objection")
    REPAIR = "repair", _("Credit repair")
    COMPLAINT = "complaint", _("Complaint")


CASE_PREFIX = {CaseKind.OBJECTION: "YY", CaseKind.REPAIR: "XF", CaseKind.COMPLAINT: "JB"}
"""Case numbers read 异议 YY-2026-000001, 修复 XF-…, 举报 JB-… (pinyin initials, easy to read out)."""


class CaseStatus(models.TextChoices):
    """办理状态."""

    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    REJECTED = "rejected", _("Not accepted")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CaseChannel(models.TextChoices):
    """受理渠道."""

    ORGANIZATION = "organization", _("Organization account")
    PAPER = "paper", _("Paper, entered by staff")
    STAFF = "staff", _("Staff")
    PUBLIC = "public", _("Public form")
    DEPARTMENT = "department", pgettext_lazy("case channel", "Department")


class Case(models.Model):
    """案件 — one objection, repair application or complaint, from receipt to closing."""

    number = models.CharField(_("case number"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=CaseKind.choices)
    status = models.CharField(_("status"), max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    stage = models.CharField(_("stage"), max_length=20, help_text=_("The code of the current step."))
    outcome = models.CharField(_("outcome"), max_length=20, blank=True)
    outcome_reason = models.TextField(_("reason for the outcome"), blank=True)
    organization = models.ForeignKey(
        "registry.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
        verbose_name=_("organization"),
    )  # fmt: skip
    subject_name = models.CharField(
        _("subject named"), max_length=200, blank=True,
        help_text=_("The organization as the applicant or reporter named it (a complaint may name an unregistered one)."),
    )  # fmt: skip
    region = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("region"),
        help_text=_("The region whose staff handle the case (the organization's registering region)."),
    )  # fmt: skip
    channel = models.CharField(pgettext_lazy("case", "channel"), max_length=12, choices=CaseChannel.choices)
    applicant_name = models.CharField(_("applicant"), max_length=100, blank=True)
    applicant_contact = models.CharField(_("applicant contact"), max_length=100, blank=True)
    reasons = models.TextField(_("reasons / content"), max_length=5000)
    received_on = models.DateField(_("received on"))
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("filed by"),
    )  # fmt: skip
    filed_by_label = models.CharField(_("filed by"), max_length=150)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="assigned_cases",
        verbose_name=_("handler"),
    )  # fmt: skip
    records = models.ManyToManyField(
        "records.CreditRecord",
        through="CaseRecord",
        through_fields=("case", "record"),
        related_name="cases",
        verbose_name=_("records concerned"),
    )
    list_decision = models.ForeignKey(
        "lists.ListDecision", on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
        verbose_name=_("list decision concerned"),
    )  # fmt: skip
    list_entry = models.ForeignKey(
        "lists.ListEntry", on_delete=models.PROTECT, null=True, blank=True, related_name="cases",
        verbose_name=_("list entry concerned"),
    )  # fmt: skip
    profile_version = models.CharField(_("policy profile"), max_length=40)
    parameters = models.JSONField(
        _("deadline parameters"), default=dict,
        help_text=_("The profile values this case runs on: {name: {value, item, tag}}."),
    )  # fmt: skip
    due_on = models.DateField(_("overall deadline"), null=True, blank=True)
    provisional = models.BooleanField(
        _("provisional deadline"), default=False,
        help_text=_("A deadline falls in a year whose holiday schedule is not entered: counted on weekends only."),
    )  # fmt: skip
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    lookup_hash = models.CharField(max_length=64, blank=True, editable=False)
    """Complaints: hash of the 查询码 given to the reporter with the case number."""
    details = models.JSONField(_("details"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-received_on", "-id"]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["kind", "status"]),
            models.Index(fields=["organization", "kind"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status == CaseStatus.OPEN

    @property
    def stage_label(self) -> str:
        """The current step in the reader's language (never its code)."""
        return stage_label(self.kind, self.stage)

    @property
    def outcome_label(self) -> str:
        """The outcome in the reader's language (never its code)."""
        return outcome_label(self.outcome)


class CaseRecord(models.Model):
    """A record an objection or repair is about, and what became of it."""

    class Action(models.TextChoices):
        NONE = "", _("pending")
        UPHELD = "upheld", pgettext_lazy("objection outcome", "upheld")
        CORRECTED = "corrected", _("corrected")
        REVOKED = "revoked", _("revoked")
        REPAIRED = "repaired", _("repaired")
        REFUSED = "refused", _("repair refused")
        CREATED = "created", _("record created")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="case_records")
    record = models.ForeignKey("records.CreditRecord", on_delete=models.PROTECT, related_name="case_links")
    action = models.CharField(_("result"), max_length=10, choices=Action.choices, blank=True)
    result_record = models.ForeignKey(
        "records.CreditRecord", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("corrected version / record created"),
    )  # fmt: skip

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "record"], name="case_record_once")]


class CaseStep(models.Model):
    """办理环节 — one step with its legal deadline: due, done, overdue, escalated."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    code = models.CharField(_("step"), max_length=20)
    title = models.CharField(_("step"), max_length=100)
    basis = models.CharField(_("legal basis"), max_length=200, blank=True)
    started_on = models.DateField(_("counted from"), null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(_("working days"), null=True, blank=True)
    due_on = models.DateField(_("due on"), null=True, blank=True)
    provisional = models.BooleanField(_("provisional"), default=False)
    done_on = models.DateField(_("done on"), null=True, blank=True)
    done_by_label = models.CharField(_("done by"), max_length=150, blank=True)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["case", "order"]
        constraints = [models.UniqueConstraint(fields=["case", "code"], name="case_step_once")]
        indexes = [models.Index(fields=["done_on", "due_on"])]

    def __str__(self) -> str:
        return f"{self.case.number} {self.code}"


class CaseEvent(models.Model):
    """办理记录 — the case's timeline. ``public`` events are shown to the applicant too.

    What the product did is stored as a ``key`` with its ``params`` and read in the reader's language
    (``socredit.apps.cases.timeline``); ``text`` holds only what a person wrote with it (a reason, a
    note), or the whole line as written where there is no key (a note; a line from before keys).
    """

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    action = models.CharField(_("action"), max_length=30)
    key = models.CharField(_("event"), max_length=40, blank=True, default="")
    params = models.JSONField(_("event details"), default=dict, blank=True)
    text = models.TextField(_("text"), blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    actor_label = models.CharField(_("by"), max_length=150)
    public = models.BooleanField(_("shown to the applicant"), default=False)
    document = models.ForeignKey(
        "CaseDocument", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["at", "id"]

    @property
    def line(self) -> str:
        """What the timeline shows, in the active language."""
        return event_text(self.key, self.params, self.text)


class CaseDocument(models.Model):
    """文书 — a notice generated for the case (受理通知书, 转办函, 处理结果告知书, 修复决定书, 答复书)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(_("kind"), max_length=20)
    title = models.CharField(_("title"), max_length=100)
    number = models.CharField(_("document number"), max_length=60)
    issued_on = models.DateField(_("issued on"))
    body = models.TextField(_("body"))
    addressee = models.CharField(_("addressee"), max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["issued_on", "id"]


def evidence_path(instance: Evidence, filename: str) -> str:
    # The stored name is the content hash: no user-chosen path ever reaches the file system.
    return f"evidence/{instance.sha256[:2]}/{instance.sha256}"


class Evidence(models.Model):
    """证明材料 — a file uploaded with a case (checked for type and size before it is stored)."""

    class Party(models.TextChoices):
        APPLICANT = "applicant", _("applicant")
        STAFF = "staff", _("staff")
        DEPARTMENT = "department", _("department")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="evidence")
    file = models.FileField(upload_to=evidence_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("type"), max_length=60)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    party = models.CharField(pgettext_lazy("case party", "from"), max_length=12, choices=Party.choices)
    uploaded_by_label = models.CharField(_("uploaded by"), max_length=150)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]


class Verification(models.Model):
    """核查 — a forwarded objection at one source department: forwarded, answered, with what result."""

    class Result(models.TextChoices):
        PENDING = "", _("pending")
        NO_ERROR = "no_error", _("information correct")
        ERROR = "error", _("information wrong")
        PARTLY = "partly", _("partly wrong")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="verifications")
    department = models.ForeignKey(
        "registry.Department", on_delete=models.PROTECT, related_name="verifications"
    )
    records = models.ManyToManyField("records.CreditRecord", related_name="+")
    forwarded_on = models.DateField(_("forwarded on"))
    due_on = models.DateField(_("due on"))
    provisional = models.BooleanField(default=False)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result.choices, blank=True)
    note = models.TextField(_("verification opinion"), blank=True)
    corrections = models.JSONField(
        _("corrections proposed"), default=list, blank=True,
        help_text=_("[{record, action: correct|revoke, data: {...}}] as the department returned them."),
    )  # fmt: skip
    answered_by_label = models.CharField(_("answered by"), max_length=150, blank=True)

    class Meta:
        ordering = ["forwarded_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "department"], name="verification_once")]


class Reporter(models.Model):
    """举报人 — kept apart from the case; only the assigned handler may read it, and it is never exported."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="reporter")
    anonymous = models.BooleanField(_("anonymous"), default=False)
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.CharField(_("email"), max_length=100, blank=True)
    address = models.CharField(pgettext_lazy("person", "address"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("reporter")


class CaseNotice(models.Model):
    """通知 — a line for one staff member about a case they are concerned by (a case taken from them),
    shown in their inbox until they open the case."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="case_notices")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notices")
    at = models.DateTimeField(_("time"), auto_now_add=True)
    text = models.TextField(_("text"))
    seen_at = models.DateTimeField(_("seen"), null=True, blank=True)

    class Meta:
        verbose_name = _("case notice")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["user", "seen_at"], name="case_notice_unseen")]


class CaseCounter(models.Model):
    """The last case number handed out per kind and year (locked while a number is taken)."""

    kind = models.CharField(max_length=10)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "year"], name="case_counter_once")]
