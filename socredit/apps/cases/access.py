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

from socredit.apps.cases.models import Case, CaseKind, Reporter
from socredit.apps.records.models import CreditRecord
from socredit.common.access import restrict
from socredit.core.types import Visibility


def access_cases(principal: Any) -> QuerySet[Case]:
    qs = Case.objects.select_related("organization", "region", "assigned_to")
    if getattr(principal, "is_org_account", False):
        return qs.filter(organization_id=principal.organization_id).exclude(kind=CaseKind.COMPLAINT)
    return restrict(qs, principal, "region__path")


def own_cases(user: Any) -> QuerySet[Case]:
    """An organization account's own objections and repairs (empty for anyone else)."""
    if not getattr(user, "is_org_account", False):
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


def reporter_for(user: Any, case: Case) -> Reporter | None:
    """The reporter of a complaint for its assigned handler; None for everyone else."""
    if not can_see_reporter(user, case):
        return None
    return Reporter.objects.filter(case=case).first()


def own_records(user: Any) -> QuerySet[CreditRecord]:
    """The organization's whole credit file as the organization sees it: every record about it,
    shared ones included, except those kept for internal use (内部使用)."""
    if not getattr(user, "is_org_account", False):
        return CreditRecord.objects.none()
    return (
        CreditRecord.objects.filter(organization_id=user.organization_id)
        .exclude(visibility=Visibility.INTERNAL.value)
        .select_related("kind", "department", "organization")
    )
