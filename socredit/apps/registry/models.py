"""登记信息 — regions, departments, organizations, persons and their posts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from socredit.common.choices import enum_choices, label_for
from socredit.common.models import TimeStamped
from socredit.common.policy import masked_id_number
from socredit.core.pinyin import SORT_KEY_LENGTH, name_sort_key
from socredit.core.types import DepartmentKind, OrgField, OrgStatus, OrgType, RegionLevel, RoleKind


class Region(models.Model):
    """行政区划 (GB/T 2260). `path` is the chain of codes from the nation down, e.g.
    "/100000/410000/410100/410184/", so that "this region or below" is one prefix match."""

    code = models.CharField(_("code"), max_length=9, unique=True)
    """6 digits (GB/T 2260) down to the county; 9 for a 乡镇/街道 (the statistical division code's first 9)."""
    name = models.CharField(_("name"), max_length=64)
    level = models.PositiveSmallIntegerField(_("level"), choices=enum_choices(RegionLevel))
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    path = models.CharField(max_length=40, db_index=True, editable=False)
    active = models.BooleanField(_("current"), default=True)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"

    def save(self, *args, **kwargs):
        self.path = (self.parent.path if self.parent_id else "/") + f"{self.code}/"
        super().save(*args, **kwargs)

    @property
    def level_label(self) -> str:
        return label_for(RegionLevel, self.level)


class Department(models.Model):
    """部门 — a government department that issues records or checks subjects (民政, 税务, 法院…)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100, unique=True)
    kind = models.CharField(_("kind"), max_length=24, choices=enum_choices(DepartmentKind))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departments", verbose_name=_("region")
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["region__code", "name"]

    def __str__(self) -> str:
        return self.name


class Organization(TimeStamped):
    """社会组织 — a registered association, social service institution or foundation.

    Identified by its 统一社会信用代码 (`code`); `region` is where it is registered, which decides
    which authority's staff see it.
    """

    code = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200, db_index=True)
    former_names = models.TextField(_("former names"), blank=True, default="", db_default="", editable=False)
    """曾用名 — earlier names, one per line, most recent last; kept by `services.update_organization`
    on a rename so that search still finds an organization by the name people knew."""
    name_sort = models.CharField(
        _("name sort key"), max_length=SORT_KEY_LENGTH, blank=True, default="", db_default="", editable=False
    )
    """按名称排序 — the name's pinyin (`core.pinyin.name_sort_key`), set by `save()` and by the bulk
    writers (import, demo load); the list's name order is this key, then the name, then the id."""
    org_type = models.CharField(_("type"), max_length=1, choices=enum_choices(OrgType))
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="organizations", verbose_name=_("region")
    )
    registration_authority = models.CharField(_("registration authority"), max_length=100)
    supervisory_unit = models.CharField(_("business supervisory unit"), max_length=100, blank=True)
    field = models.CharField(
        _("field"), max_length=16, choices=enum_choices(OrgField), default=OrgField.OTHER.value
    )
    registered_on = models.DateField(_("registered on"))
    status = models.CharField(
        _("status"), max_length=16, choices=enum_choices(OrgStatus), default=OrgStatus.NORMAL.value
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    street = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="street_organizations",
        verbose_name=_("township / street"),
    )  # fmt: skip
    """乡镇/街道 of the address (nullable: a nullable column is added without rebuilding the table on
    SQLite, which would drop its search triggers); a street account sees the organizations of its street."""
    # 业务范围. Nullable on purpose: a NOT NULL column makes SQLite rebuild the organization table,
    # which drops its search triggers (docs/architecture.md); None and "" both mean "not recorded".
    business_scope = models.TextField(_("business scope"), null=True, blank=True)  # noqa: DJ001
    contact_person = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("organization")
        verbose_name_plural = _("organizations")
        ordering = ["name"]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["org_type", "field"]),
            # the list's pages in name (pinyin) order, unfiltered and under a type, status or field
            # filter: walked in order from the first match, not sorted, and not along the key's index
            # past every organization that fails the filter
            models.Index(fields=["name_sort", "name"], name="org_name_sort_idx"),
            models.Index(fields=["org_type", "name_sort"], name="org_type_name_sort_idx"),
            models.Index(fields=["status", "name_sort"], name="org_status_name_sort_idx"),
            models.Index(fields=["field", "name_sort"], name="org_field_name_sort_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.name_sort = name_sort_key(self.name)
        if kwargs.get("update_fields") is not None and "name" in kwargs["update_fields"]:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_sort"}
        super().save(*args, **kwargs)

    @property
    def type_label(self) -> str:
        return label_for(OrgType, self.org_type)

    @property
    def field_label(self) -> str:
        return label_for(OrgField, self.field)

    @property
    def status_label(self) -> str:
        return label_for(OrgStatus, self.status)


class Person(TimeStamped):
    """自然人 — a responsible person. The ID number is the matching key (rules.md R7.2) and is
    shown unmasked only in privileged views and exports."""

    name = models.CharField(_("name"), max_length=50, db_index=True)
    id_number = models.CharField(_("ID number"), max_length=18, unique=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["name"]
        permissions = [("view_id_number", "Can see unmasked ID numbers")]

    def __str__(self) -> str:
        return f"{self.name}（{self.masked_id}）"

    @property
    def masked_id(self) -> str:
        return masked_id_number(self.id_number)


class Role(models.Model):
    """任职 — a person's post in an organization (法定代表人, 理事长, 秘书长…) over a period."""

    person = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="roles", verbose_name=_("person")
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="roles", verbose_name=_("organization")
    )
    kind = models.CharField(_("post"), max_length=24, choices=enum_choices(RoleKind))
    start_on = models.DateField(_("from"))
    end_on = models.DateField(_("until"), null=True, blank=True)
    # 身份待核实: the post was filed (roles import) for an ID number registered under another name
    # by staff who may not read that person. The filer was answered as for a new number and is
    # never told the registered name: the post is shown under the name as filed, gives the filer
    # no access to the person, and counts for nothing (screening, listings of responsible persons)
    # until staff who see both confirm it is the same person, or withdraw it.
    stated_name = models.CharField(_("name as filed"), max_length=50, blank=True, default="")

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["organization", "kind", "-start_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organization", "kind", "start_on"], name="role_natural_key"
            ),
            models.CheckConstraint(
                condition=models.Q(end_on__isnull=True) | models.Q(end_on__gte=models.F("start_on")),
                name="role_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person.name} {self.kind_label} @ {self.organization.name}"

    @property
    def kind_label(self) -> str:
        return label_for(RoleKind, self.kind)

    @property
    def is_current(self) -> bool:
        return self.end_on is None

    @property
    def is_held(self) -> bool:
        """身份待核实 (see ``stated_name``)."""
        return bool(self.stated_name)

    @property
    def shown_name(self) -> str:
        """The name the post is shown under: as filed while held, the registered name once confirmed."""
        return self.stated_name or self.person.name


CONFIRMED_ROLE = models.Q(stated_name="")
"""Posts whose person's identity is settled: the only ones that give access to a person or count."""


class DocumentType(models.TextChoices):
    """文书种类 with a number pattern of its own (each authority may number them separately)."""

    PRIOR_NOTICE = "prior_notice", _("prior notice of listing")
    LIST_DECISION = "list_decision", pgettext_lazy("document", "listing decision")
    TRANSFER_DECISION = "transfer_decision", _("transfer decision")
    REMOVAL_DECISION = "removal_decision", pgettext_lazy("document", "removal decision")
    RED_DECISION = "red_decision", _("red-list decision")


class Letterhead(models.Model):
    """文头 — how an authority heads, signs and numbers its documents (编辑于后台，留痕)."""

    department = models.OneToOneField(
        Department, on_delete=models.CASCADE, related_name="letterhead", verbose_name=_("department")
    )
    name = models.CharField(_("letterhead"), max_length=100, help_text=_("e.g. 郑州市金水区民政局"))
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    contact = models.CharField(_("contact"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("letterhead")
        verbose_name_plural = _("letterheads")

    def __str__(self) -> str:
        return self.name


class DocumentNumberPattern(models.Model):
    """文号格式 — e.g. ``金民信列〔{year}〕{seq}号``; ``{year}`` and ``{seq}`` are filled in."""

    department = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="number_patterns", verbose_name=_("department")
    )
    doc_type = models.CharField(_("document type"), max_length=20, choices=DocumentType.choices)
    pattern = models.CharField(_("pattern"), max_length=100, help_text=_("{year} and {seq} are filled in"))

    class Meta:
        verbose_name = _("document number pattern")
        verbose_name_plural = _("document number patterns")
        constraints = [
            models.UniqueConstraint(fields=["department", "doc_type"], name="one_pattern_per_type")
        ]

    def __str__(self) -> str:
        return f"{self.department.name} {self.get_doc_type_display()}：{self.pattern}"

    def clean(self) -> None:
        try:
            fill_number_pattern(self.pattern, 2026, 1)
        except ValueError as exc:
            raise ValidationError({"pattern": str(exc)}) from None


def fill_number_pattern(pattern: str, year: int, seq: int) -> str:
    """``金民信列〔{year}〕{seq}号`` → ``金民信列〔2026〕12号``; ValueError for a pattern without
    ``{seq}`` or with another placeholder."""
    if "{seq}" not in pattern:
        raise ValueError(
            gettext("The document number pattern “%(pattern)s” lacks {seq}") % {"pattern": pattern}
        )
    try:
        return pattern.format(year=year, seq=seq)
    except (KeyError, IndexError, ValueError) as exc:
        raise ValueError(
            gettext("The document number pattern “%(pattern)s” may contain only {year} and {seq}: %(exc)s")
            % {"pattern": pattern, "exc": exc}
        ) from None


class DocumentSequence(models.Model):
    """The last number given per (department, document type, year); locked while a number is taken."""

    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="+")
    doc_type = models.CharField(max_length=20, choices=DocumentType.choices)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["department", "doc_type", "year"], name="one_sequence_per_year")
        ]


class KindLevelCount(models.Model):
    """What both maintained counts hold per row: a type, status, field and credit level ("" for not
    yet evaluated) and how many organizations have them."""

    org_type = models.CharField(_("type"), max_length=1, blank=True)
    status = models.CharField(_("status"), max_length=16, blank=True)
    field = models.CharField(_("field"), max_length=16, blank=True)
    level = models.CharField(_("credit level"), max_length=1, blank=True)
    n = models.BigIntegerField(_("organizations"), default=0)

    class Meta:
        abstract = True


class RegionLevelCount(KindLevelCount):
    """各区划各类组织数 — how many organizations registered in exactly this region have each
    type, status, field and credit level ("" for not yet evaluated); a maintained aggregate, never
    edited by hand. Every filter of the organization list that is a small set of values is a column
    here, so the list's per-level counts and its total come from these rows under any combination of
    them (a few hundred thousand rows at most for the whole country, whatever the organizations).

    Kept in step by database triggers on the organization and score tables (created by the
    evaluation app's migrations, since the scores live there), so every writer — services, imports,
    the batch evaluation's set-based statements, raw loads — updates it inside its own transaction.
    Stored at each organization's own region only: a national account sums the rows of the ~3,500
    regions under its path (one prefix match), and a change touches one or two rows instead of one
    per ancestor. Checked and rebuilt by ``socredit evaluate --check-counts`` / ``--rebuild-counts``.
    """

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+", verbose_name=_("region"))

    class Meta:
        verbose_name = _("organization count")
        verbose_name_plural = _("organization counts")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "org_type", "status", "field", "level"],
                name="one_count_per_region_kind_level",
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.org_type} {self.status} {self.field} {self.level or '—'}: {self.n}"


class NationalCount(KindLevelCount):
    """全国各类组织数 — RegionLevelCount summed over the whole country: organizations per type,
    status, field and credit level. Kept by the same triggers, so that a national account's list
    reads at most a few hundred rows instead of every region's."""

    class Meta:
        verbose_name = _("national organization count")
        verbose_name_plural = _("national organization counts")
        constraints = [
            models.UniqueConstraint(
                fields=["org_type", "status", "field", "level"], name="one_national_count_per_kind_level"
            )
        ]

    def __str__(self) -> str:
        return f"{self.org_type} {self.status} {self.field} {self.level or '—'}: {self.n}"


class RegistrationAct(models.TextChoices):
    """登记事项 — the kinds of registration an organization goes through."""

    ESTABLISH = "establish", _("Registration of establishment")
    CHANGE = "change", _("Registration of change")
    DEREGISTER = "deregister", _("Deregistration")
    REVOKE = "revoke", _("Revocation of registration")
    BRANCH_ADD = "branch_add", _("Branch or office established")
    BRANCH_CHANGE = "branch_change", _("Branch or office changed")
    BRANCH_CLOSE = "branch_close", _("Branch or office closed")


class ChangedItem(models.TextChoices):
    """变更事项 — what a registration of change may change."""

    NAME = "name", _("Name")
    LEGAL_REPRESENTATIVE = "legal_rep", _("Legal representative")
    ADDRESS = "address", _("Address")
    BUSINESS_SCOPE = "business_scope", _("Business scope")
    SUPERVISORY_UNIT = "supervisory_unit", _("Business supervisory unit")
    HEAD = "head", _("Person in charge")


def registration_document_path(instance: RegistrationChange, filename: str) -> str:
    # The stored name is the content hash: no user-chosen path reaches the file system.
    return f"registration/{instance.document_sha256[:2]}/{instance.document_sha256}"


class RegistrationChange(models.Model):
    """登记记录 — one registration act of an organization (成立、变更、注销、撤销, a branch's
    establishment, change or closing) with what changed (from, to), when, and the document behind it.
    Written by the registration services in the act's own transaction; never edited."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="registration_changes",
        verbose_name=_("organization"),
    )  # fmt: skip
    act = models.CharField(_("registration"), max_length=16, choices=RegistrationAct.choices)
    item = models.CharField(_("item"), max_length=20, blank=True, choices=ChangedItem.choices)
    before = models.TextField(_("from"), blank=True)
    after = models.TextField(_("to"), blank=True)
    effective_on = models.DateField(_("effective on"))
    document_number = models.CharField(_("document number"), max_length=100, blank=True)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    document = models.FileField(upload_to=registration_document_path, max_length=200, blank=True)
    document_name = models.CharField(_("file name"), max_length=200, blank=True)
    document_type = models.CharField(max_length=60, blank=True)
    document_sha256 = models.CharField(max_length=64, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    branch = models.ForeignKey(
        "Branch", on_delete=models.PROTECT, null=True, blank=True, related_name="changes",
        verbose_name=_("branch or office"),
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("registration record")
        verbose_name_plural = _("registration records")
        ordering = ["-effective_on", "-id"]

    def __str__(self) -> str:
        return f"{self.organization_id} {self.act} {self.item} {self.effective_on}"

    def _shown(self, value: str) -> str:
        # a deregistration or revocation stores the statuses' codes: shown in the reader's language
        if self.act in (RegistrationAct.DEREGISTER, RegistrationAct.REVOKE) and value:
            return label_for(OrgStatus, value)
        return value

    @property
    def before_shown(self) -> str:
        return self._shown(self.before)

    @property
    def after_shown(self) -> str:
        return self._shown(self.after)


class BranchKind(models.TextChoices):
    """分支机构 / 代表机构."""

    BRANCH = "branch", _("Branch")
    REPRESENTATIVE = "representative", _("Representative office")


class Branch(models.Model):
    """分支机构、代表机构 — part of an organization with no legal personality of its own, registered
    with (and closed through) the organization's registration authority."""

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="branches", verbose_name=_("organization")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=BranchKind.choices)
    name = models.CharField(_("name"), max_length=200)
    head = models.CharField(_("person in charge"), max_length=50)
    head_person = models.ForeignKey(
        "Person", on_delete=models.PROTECT, null=True, blank=True, related_name="branches_headed",
        verbose_name=_("person in charge (registered person)"),
        help_text=_("Found by the ID number entered at registration; empty for branches registered before it was asked."),
    )  # fmt: skip
    address = models.CharField(_("address"), max_length=200, blank=True)
    business_scope = models.TextField(_("business scope"), blank=True)
    established_on = models.DateField(_("established on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("branch or office")
        verbose_name_plural = _("branches and offices")
        ordering = ["closed_on", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="branch_name_per_organization")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.closed_on is None
