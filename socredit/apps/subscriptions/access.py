"""The only ways subscriptions, their deliveries and their events are read.

A department token manages its own department's subscriptions (scope ``changes:read``: a
subscription is a standing read of the change feed). On the staff pages and through a staff
session, administrators manage the subscriptions of the departments of their region and below, as
they manage those departments' tokens (``accounts.access``). Anything outside answers the same 404
as a missing one.

Which events a subscription matches (``subscription_events``): of the kinds it chose, those about
its organizations, about organizations of its regions (each with the regions below), or entries on
and removals from its lists — and always only what its department may read through the change
feed (its region and below, no record marked 内部使用).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext

from socredit.apps.accounts.access import administered_departments, can_administer
from socredit.apps.records import outbox
from socredit.apps.records.models import ChangeEvent
from socredit.apps.registry.models import Department
from socredit.apps.subscriptions.models import Delivery, Subscription
from socredit.common.access import get_or_404
from socredit.common.api import is_token

LIST_KINDS = ("list.entered", "list.removed")


class DepartmentReader:
    """A department as a reader of the change feed, for the sender (no request, no token): its
    region and below; the kinds it subscribed to were checked against the caller's scopes when the
    subscription was made."""

    is_authenticated = True

    def __init__(self, department: Department) -> None:
        self.department = department

    def scope_path(self) -> str | None:
        return self.department.region.path if self.department.active else None

    def has_scope(self, scope: str) -> bool:
        return True


def require_manager(principal: Any) -> None:
    """Tokens reach here only with changes:read (the API checks it); staff must administer."""
    if not is_token(principal) and not can_administer(principal):
        raise PermissionDenied(gettext("Only administrators can manage subscriptions"))


def managed_departments(principal: Any) -> QuerySet[Department]:
    if is_token(principal):
        return Department.objects.select_related("region").filter(pk=principal.department_id)
    return administered_departments(principal)


def managed_subscriptions(principal: Any) -> QuerySet[Subscription]:
    qs = Subscription.objects.select_related("department__region")
    if is_token(principal):
        return qs.filter(department_id=principal.department_id)
    if not can_administer(principal):
        return qs.none()
    return qs.filter(department__in=administered_departments(principal))


def access_subscription(principal: Any, pk: Any) -> Subscription:
    require_manager(principal)
    return get_or_404(managed_subscriptions(principal), pk=pk)


def access_delivery(subscription: Subscription, pk: Any) -> Delivery:
    return get_or_404(Delivery.objects.filter(subscription=subscription).select_related("event"), pk=pk)


def subscription_events(subscription: Subscription, reader: Any = None) -> QuerySet[ChangeEvent]:
    """The change events the subscription matches, as ``reader`` may read them (default: its
    department, for the sender; a token reading its feed passes itself, so its scopes apply)."""
    qs = outbox.events(reader if reader is not None else DepartmentReader(subscription.department))
    scope = Q(organization_id__in=subscription.organizations.values("pk"))
    for path in subscription.regions.values_list("path", flat=True):
        scope |= Q(region_path__startswith=path)
    if subscription.lists:
        scope |= Q(kind__in=LIST_KINDS, payload__list__in=list(subscription.lists))
    return qs.filter(scope, kind__in=list(subscription.kinds))
