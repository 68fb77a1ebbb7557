"""账号 — staff accounts scoped to a region, and department API tokens with scopes."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StaffRole(models.TextChoices):
    """岗位 — what a staff account may do inside its region."""

    ADMIN = "admin", _("Administrator")
    OFFICER = "officer", _("Officer")
    VIEWER = "viewer", _("Viewer")


class User(AbstractUser):
    """工作人员账号 — belongs to a region; sees and changes organizations registered there or below."""

    region = models.ForeignKey(
        "registry.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="users",
        verbose_name=_("region"),
    )  # fmt: skip
    staff_role = models.CharField(
        _("post"), max_length=16, choices=StaffRole.choices, default=StaffRole.VIEWER
    )
    full_name = models.CharField(_("full name"), max_length=50, blank=True)
    organization = models.ForeignKey(
        "registry.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="accounts",
        verbose_name=_("organization"),
        help_text=_("组织账号: set for an organization's own user, who sees only that organization's file (/my/)."),
    )  # fmt: skip
    must_change_password = models.BooleanField(
        _("must change password"), default=False, db_default=False,
        help_text=_("Set when an administrator chose or reset the password: the user sets their own at the next sign-in."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("staff account")
        verbose_name_plural = _("staff accounts")

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_org_account(self) -> bool:
        """An organization's own account (组织账号): no staff access at all, only its own file."""
        return self.organization_id is not None and not self.is_superuser

    def scope_path(self) -> str | None:
        if self.is_superuser:
            return ""
        if not self.is_active or self.region_id is None or self.organization_id is not None:
            return None
        return self.region.path

    @property
    def can_write(self) -> bool:
        return self.is_superuser or (
            self.region_id is not None
            and self.organization_id is None
            and self.staff_role in {StaffRole.ADMIN, StaffRole.OFFICER}
        )

    @property
    def can_see_id_numbers(self) -> bool:
        if self.organization_id is not None and not self.is_superuser:
            return False
        return (
            self.is_superuser
            or self.staff_role == StaffRole.ADMIN
            or self.has_perm("registry.view_id_number")
        )


class TokenScope(models.TextChoices):
    """接口权限范围."""

    ORGANIZATIONS_READ = "organizations:read", _("Read organizations")
    ORGANIZATIONS_WRITE = "organizations:write", _("Create and update organizations")
    RECORDS_READ = "records:read", _("Read credit records")
    RECORDS_WRITE = "records:write", _("Push and revoke credit records")
    PERSONS_READ = "persons:read", _("Read persons (masked ID numbers)")
    PERSONS_PII = "persons:pii", _("Read unmasked ID numbers")
    CREDIT_READ = "credit:read", _("Read credit scores and levels")
    LISTS_READ = "lists:read", _("Read the abnormal, serious and red lists")
    OBJECTIONS_VERIFY = "objections:verify", _("Receive forwarded objections and return verification results")
    COMPLAINTS_WRITE = "complaints:write", _("Pass complaints (举报) on to the registration authority")
    REGISTRATIONS_WRITE = (
        "registrations:write",
        _("Record registration acts: establishments, changes, deregistrations and revocations"),
    )
    CHANGES_READ = (
        "changes:read",
        _("Read the change events (repairs, corrections, revocations, list changes)"),
    )
    BANS_READ = "bans:read", _("Read the bans on persons in force (从业禁止、任职限制)")
    BANS_WRITE = "bans:write", _("Push the department's bans on persons")
    CHECKS_WRITE = (
        "checks:write",
        _("Make credit checks (信用核查), read them and give feedback on the measures applied"),
    )
    BLACKLISTS_WRITE = "blacklists:write", _("Push the department's own domain blacklist (领域黑名单)")
    FINANCE_WRITE = (
        "finance:write",
        _("Report organizations' financial transactions (资金往来: large, related-party, cross-border)"),
    )
    ANNUALREPORTS_READ = (
        "annualreports:read",
        _("Read the figures of filed annual work reports (年度工作报告)"),
    )
    SPOTCHECKS_READ = "spotchecks:read", _("Read spot-check plans, the organizations drawn and their results")
    SPOTCHECKS_WRITE = "spotchecks:write", _("Record the results of spot checks")


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """部门接口令牌 — a department system's credential; only its hash is stored."""

    department = models.ForeignKey(
        "registry.Department", on_delete=models.PROTECT, related_name="tokens", verbose_name=_("department")
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=12, db_index=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scopes = models.JSONField(_("scopes"), default=list)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+", editable=False
    )
    revoke_reason = models.CharField(
        _("reason for revocation"), max_length=500, blank=True, default="", editable=False
    )

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.department.name} · {self.name} ({self.prefix}…)"

    # A token acts as a principal for region scoping (socredit.common.access).
    is_authenticated = True

    def scope_path(self) -> str | None:
        if not self.usable:
            return None
        return self.department.region.path

    @property
    def usable(self) -> bool:
        return (
            self.active
            and self.department.active
            and (self.expires_at is None or self.expires_at > timezone.now())
        )

    def has_scope(self, scope: str) -> bool:
        return scope in self.scopes

    @staticmethod
    def new_key() -> str:
        return "sc_" + secrets.token_urlsafe(32)

    def get_username(self) -> str:
        return f"token:{self.prefix}"
