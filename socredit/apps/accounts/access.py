"""The only ways the account administration (账号管理) reads accounts, regions, departments and tokens.

An administrator (岗位 管理员) administers the accounts of their region and the regions below it (a
district administrator the district, a city administrator the city and its districts, a superuser
everything): staff accounts by their region, organization accounts (组织账号) by their
organization's region, department tokens by their department's region. Anyone else who is signed
in gets 403 (``require_administrator``); an account, region, department or token outside the
administrator's region gets the same 404 as a missing one.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from socredit.apps.accounts.models import ApiToken, StaffRole, User
from socredit.apps.registry.models import Department, Region
from socredit.common.access import get_or_404, restrict, scope_path_of


def can_administer(user: Any) -> bool:
    """Superusers, and active administrators of a region (not organization accounts)."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False):
        return True
    # a department token is signed in too, and holds no post: it administers nothing
    return bool(
        getattr(user, "can_write", False)
        and getattr(user, "staff_role", None) == StaffRole.ADMIN
        and user.scope_path()
    )


def require_administrator(user: Any) -> None:
    if not can_administer(user):
        raise PermissionDenied(gettext("Only administrators can manage accounts and tokens"))


def administered_accounts(admin: Any) -> QuerySet[User]:
    """Staff accounts of the administrator's region and below, and the organization accounts of
    organizations registered there; superusers only for a superuser."""
    path = scope_path_of(admin) if can_administer(admin) else None
    qs = User.objects.select_related("region", "organization__region")
    if path is None:
        return qs.none()
    if path == "":
        return qs
    return qs.filter(
        Q(region__path__startswith=path, organization__isnull=True)
        | Q(organization__region__path__startswith=path)
    ).exclude(is_superuser=True)


def access_account(admin: Any, pk: Any) -> User:
    """One account the administrator may manage; 403 for a non-administrator, else the same 404
    whether missing or outside the region."""
    require_administrator(admin)
    return get_or_404(administered_accounts(admin), pk=pk)


def administered_regions(admin: Any) -> QuerySet[Region]:
    """Current regions an administrator may place accounts in: their own and those below."""
    if not can_administer(admin):
        return Region.objects.none()
    return restrict(Region.objects.filter(active=True), admin, "path").order_by("path")


def administered_departments(admin: Any) -> QuerySet[Department]:
    """Departments of the administrator's region and below (their systems' tokens)."""
    if not can_administer(admin):
        return Department.objects.none()
    return restrict(Department.objects.select_related("region"), admin, "region__path")


def administered_tokens(admin: Any) -> QuerySet[ApiToken]:
    if not can_administer(admin):
        return ApiToken.objects.none()
    qs = ApiToken.objects.select_related("department__region", "created_by", "revoked_by")
    return restrict(qs, admin, "department__region__path")


def access_token(admin: Any, pk: Any) -> ApiToken:
    require_administrator(admin)
    return get_or_404(administered_tokens(admin), pk=pk)


def locked_usernames(usernames: list[str]) -> set[str]:
    """Which of these accounts are locked out of signing in now (django-axes: at least
    AXES_FAILURE_LIMIT failures by the account, from any address, within AXES_COOLOFF_TIME). One query."""
    from axes.models import AccessAttempt
    from django.conf import settings
    from django.db.models import Sum
    from django.utils import timezone

    if not usernames:
        return set()
    rows = (
        AccessAttempt.objects.filter(
            username__in=usernames, attempt_time__gte=timezone.now() - settings.AXES_COOLOFF_TIME
        )
        .values("username")
        .annotate(failures=Sum("failures_since_start"))
    )
    return {r["username"] for r in rows if r["failures"] >= settings.AXES_FAILURE_LIMIT}
