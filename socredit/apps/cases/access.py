"""Who may read which case.

Staff see the cases of their region and below (``region__path``). An organization's own account sees
only its organization's objections and repairs (never complaints about it: a complaint names its
reporter's grievance, and the organization learns of a founded one from the record it produces).
A complaint's reporter (举报人) is readable only by the case's assigned handler (seed 004 §五
对举报人信息严格保密): not by other staff of the region, not by administrators, not by superusers,
never by an organization or a department, and never in an export.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from socredit.apps.accounts.models import StaffRole
from socredit.apps.audit.models import AuditEvent
from socredit.apps.audit.services import REPORTER_READ  # every showing of a reporter's identity
from socredit.apps.cases.models import Case, CaseKind, CaseNotice, Reporter
from socredit.apps.records.models import CreditRecord
from socredit.common.access import own_organization_id, restrict
from socredit.core.regions import ancestor_paths
from socredit.core.types import Visibility


def access_cases(principal: Any) -> QuerySet[Case]:
    qs = Case.objects.select_related("organization", "region", "assigned_to")
    org_id = own_organization_id(principal)
    if org_id is not None:
        return qs.filter(organization_id=org_id).exclude(kind=CaseKind.COMPLAINT)
    return restrict(qs, principal, "region__path")


def own_cases(user: Any) -> QuerySet[Case]:
    """An organization account's own objections and repairs (empty for anyone else)."""
    if own_organization_id(user) is None:
        return Case.objects.none()
    return access_cases(user)


def can_see_reporter(user: Any, case: Case) -> bool:
    """Only the assigned handler, while they are an active staff member who can see the case."""
    return (
        case.kind == CaseKind.COMPLAINT
        and case.assigned_to_id is not None
        and getattr(user, "pk", None) == case.assigned_to_id
        and getattr(user, "is_active", False)
        and not getattr(user, "is_org_account", False)
        and access_cases(user).filter(pk=case.pk).exists()
    )


# The posts that may handle a complaint, and so come to read its reporter: an officer (业务人员, the
# 承办人 of the case inbox) or an administrator (管理员) of the complaint's region or a region above it
# — the posts `services.common.handlers_for` offers. A viewer (只读) only reads; a superuser or a
# national account without a region, an organization's account and a department never handle one.
COMPLAINT_HANDLER_ROLES = frozenset({StaffRole.OFFICER, StaffRole.ADMIN})


def may_handle_complaint(user: Any, case: Case) -> bool:
    """May ``user`` hold this complaint (assign it to themselves, or give it to another)?"""
    region = getattr(user, "region", None)
    return (
        getattr(user, "is_active", False)
        and not getattr(user, "is_org_account", False)
        and getattr(user, "organization_id", None) is None
        and getattr(user, "staff_role", None) in COMPLAINT_HANDLER_ROLES
        and region is not None
        and region.path in ancestor_paths(case.region.path)
    )


def may_review_reporter_reads(user: Any, case: Case) -> bool:
    """The complaint's supervisor: an administrator of its region or a region above (the city
    administrator of a district's complaint), or a superuser. The review shows who read the
    reporter's identity and when, never the identity itself."""
    if case.kind != CaseKind.COMPLAINT or not getattr(user, "is_active", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    return getattr(user, "staff_role", None) == StaffRole.ADMIN and may_handle_complaint(user, case)


def reporter_reads(user: Any, case: Case) -> QuerySet[AuditEvent]:
    """The audit events of the reporter's identity being shown, for the complaint's supervisor."""
    if not may_review_reporter_reads(user, case):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(
        action=REPORTER_READ, target_type=Case._meta.label_lower, target_id=str(case.pk)
    ).order_by("-id")


def own_notices(user: Any) -> QuerySet[CaseNotice]:
    """The notices addressed to ``user`` that they have not seen (opened the case since)."""
    if getattr(user, "pk", None) is None:
        return CaseNotice.objects.none()
    return CaseNotice.objects.filter(user_id=user.pk, seen_at__isnull=True).select_related("case")


def reporter_for(user: Any, case: Case) -> Reporter | None:
    """The reporter of a complaint for its assigned handler; None for everyone else."""
    if not can_see_reporter(user, case):
        return None
    return Reporter.objects.filter(case=case).first()


def own_records(user: Any) -> QuerySet[CreditRecord]:
    """The organization's whole credit file as the organization sees it: every record about it,
    shared ones included, except those kept for internal use (内部使用)."""
    org_id = own_organization_id(user)
    if org_id is None:
        return CreditRecord.objects.none()
    return (
        CreditRecord.objects.filter(organization_id=org_id)
        .exclude(visibility=Visibility.INTERNAL.value)
        .select_related("kind", "department", "organization")
    )
