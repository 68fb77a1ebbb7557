"""Region scoping in one place: `restrict(queryset, user, region_field)`.

A staff account belongs to a region and sees organizations registered in that region or below
(a district sees its own, the city all its districts, the province all its cities). Superusers
and national accounts see everything. Department API tokens carry their department's region.
Not-found and not-allowed give the same 404, so that existence does not leak.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, Protocol, TypeVar

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest, HttpResponse

M = TypeVar("M", bound=Model)


class ScopedPrincipal(Protocol):
    """Anything with a region path to scope by: a staff user or a department token."""

    def scope_path(self) -> str | None:
        """The principal's region path; "" for national scope; None for no access at all."""
        ...


def scope_path_of(principal: Any) -> str | None:
    if principal is None or not getattr(principal, "is_authenticated", True):
        return None
    return principal.scope_path()


ADMIN_ROLE = "admin"
"""accounts.StaffRole.ADMIN's value: the accounts app sits above this floor, so it cannot be imported."""


def is_administrator(user: Any) -> bool:
    """Superusers, and administrators (岗位 管理员) who may write: they keep the working-day calendar,
    check the audit chain and review the sensitive reads. Not viewers, officers, organization
    accounts or department tokens."""
    return bool(
        getattr(user, "is_superuser", False)
        or (getattr(user, "can_write", False) and getattr(user, "staff_role", "") == ADMIN_ROLE)
    )


def own_organization_id(user: Any) -> int | None:
    """The organization of an organization's own account (组织账号), which reads only its own file;
    None for staff, department tokens and anonymous visitors."""
    if not getattr(user, "is_org_account", False):
        return None
    return user.organization_id


STREET_CODE_LENGTH = 9
"""A 乡镇/街道 code (the statistical division code's first nine digits); counties and above have six."""


def is_street_scope(path: str | None) -> bool:
    """Whether a region path ends at a 乡镇/街道 (a street account's scope)."""
    return bool(path) and len(str(path).rstrip("/").rsplit("/", 1)[-1]) == STREET_CODE_LENGTH


def _street_lookup(model: type[Model], region_path_field: str) -> str | None:
    """For a lookup ending at an organization's registration region ("region__path",
    "organization__region__path" …), the same lookup to the organization's street; None otherwise."""
    prefix = region_path_field.removesuffix("region__path")
    if prefix == region_path_field:
        return None
    current: Any = model
    for part in [p for p in prefix.split("__") if p]:
        current = current._meta.get_field(part).related_model
        if current is None:
            return None
    if current._meta.label != "registry.Organization":
        return None
    return f"{prefix}street__path"


def restrict(queryset: QuerySet[M], principal: Any, region_path_field: str) -> QuerySet[M]:
    """Filter `queryset` to rows whose region lies at or below the principal's region.

    `region_path_field` is the lookup to the row's region path, e.g. "region__path" for an
    organization or "organization__region__path" for a credit record. Organizations are registered
    at a county or above; a street account (乡镇/街道) sees the organizations whose street
    (``Organization.street``) is its own, and the rows that belong to them.
    """
    path = scope_path_of(principal)
    if path is None:
        return queryset.none()
    if path == "":
        return queryset
    if is_street_scope(path):
        street = _street_lookup(queryset.model, region_path_field)
        if street is not None:
            return queryset.filter(**{f"{street}__startswith": path})
    return queryset.filter(**{f"{region_path_field}__startswith": path})


def get_or_404(queryset: QuerySet[M], **lookup: Any) -> M:
    """One row from an already-restricted queryset, or the same 404 whether missing or forbidden."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError):
        raise Http404 from None


class SystemPrincipal:
    """The actor of a console command run without --as: national scope, labelled as the console."""

    is_authenticated = True
    pk = None

    def __init__(self, label: str = "cli") -> None:
        self.label = label

    def scope_path(self) -> str:
        return ""

    def get_username(self) -> str:
        return self.label

    def __str__(self) -> str:
        return self.label


def organization_account_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The /my/ pages: signed in (else the login page) and an organization's own account (else 403)."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not getattr(request.user, "is_org_account", False):
            raise PermissionDenied("只有社会组织账号可以使用本页面")
        return view(request, *args, **kwargs)

    return wrapped
