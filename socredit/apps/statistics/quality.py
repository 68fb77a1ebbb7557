"""数据质量 — the rows staff should fix, read through the same ``access_*`` scopes as their own pages.

Four checks, each a count and the rows themselves (the data-quality page links to each row's page):

- ``no_legal_rep``: existing organizations without a current, confirmed legal representative;
- ``missing_fields``: existing organizations missing their address, business scope or contact, or
  whose registration date lies in the future or whose code is not 18 characters long;
- ``late_records``: records entered in the last ``LATE_WINDOW_DAYS`` days later than the time limit
  for entering credit information (``records.entry_working_days`` of the issuing department's profile
  on the day the information was formed, 民政部令第60号《社会组织信用信息管理办法》; the records app's
  ``timeliness.entry_lateness`` decides each candidate);
- ``silent_departments``: departments that sent records about the region's organizations before but
  none in the last ``SILENT_DAYS`` days (a design default, not a legal time limit).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, F, Max, OuterRef, Q, QuerySet
from django.db.models.functions import Coalesce, Length
from django.utils import timezone

from socredit.apps.records.access import access_records
from socredit.apps.records.models import CreditRecord
from socredit.apps.records.timeliness import EntryLateness, entry_lateness
from socredit.apps.registry.access import access_organizations
from socredit.apps.registry.models import CONFIRMED_ROLE, Organization, Role
from socredit.apps.statistics.access import StatisticsScope
from socredit.apps.statistics.aggregate import EXISTING
from socredit.common.access import is_street_scope
from socredit.common.clock import today
from socredit.core.types import RoleKind

LATE_WINDOW_DAYS = 365
SILENT_DAYS = 90
LATE_CANDIDATES_MAX = 20_000
"""At most this many candidate records are decided one by one (the newest first); the page says so."""
CHECKS = ("no_legal_rep", "missing_fields", "late_records", "silent_departments")


def _narrow(queryset: QuerySet[Any], scope: StatisticsScope, prefix: str = "") -> QuerySet[Any]:
    """Rows of the region (or street) the page shows, within what the access function already allows."""
    if not scope.path:
        return queryset
    field = "street__path" if is_street_scope(scope.path) else "region__path"
    return queryset.filter(**{f"{prefix}{field}__startswith": scope.path})


def organizations(user: Any, scope: StatisticsScope) -> QuerySet[Organization]:
    return _narrow(access_organizations(user), scope).filter(status__in=EXISTING)


def without_legal_rep(user: Any, scope: StatisticsScope) -> QuerySet[Organization]:
    current = Role.objects.filter(
        CONFIRMED_ROLE,
        organization=OuterRef("pk"),
        kind=RoleKind.LEGAL_REPRESENTATIVE.value,
        end_on__isnull=True,
    )
    return organizations(user, scope).filter(~Exists(current)).order_by("name_sort", "name", "pk")


def with_missing_fields(user: Any, scope: StatisticsScope) -> QuerySet[Organization]:
    missing = (
        Q(address="")
        | Q(business_scope__isnull=True)
        | Q(business_scope="")
        | Q(contact_person="")
        | Q(contact_phone="")
        | Q(registered_on__gt=today())
        | ~Q(code_length=18)
    )
    return (
        organizations(user, scope)
        .annotate(code_length=Length("code"))
        .filter(missing)
        .order_by("name_sort", "name", "pk")
    )


def missing_labels(org: Organization) -> list[str]:
    """What the organization lacks, in the reader's language (the row's explanation)."""
    from django.utils.translation import pgettext

    out = []
    if not org.address:
        out.append(pgettext("statistics", "address"))
    if not (org.business_scope or "").strip():
        out.append(pgettext("statistics", "business scope"))
    if not org.contact_person or not org.contact_phone:
        out.append(pgettext("statistics", "contact"))
    if org.registered_on > today():
        out.append(pgettext("statistics", "registration date in the future"))
    if len(org.code) != 18:
        out.append(pgettext("statistics", "code not 18 characters"))
    return out


@dataclass(frozen=True)
class LateRecord:
    record: CreditRecord
    lateness: EntryLateness


def late_records(user: Any, scope: StatisticsScope) -> tuple[list[LateRecord], bool]:
    """Records entered in the window later than their time limit, newest entry first, and whether the
    candidates were cut at ``LATE_CANDIDATES_MAX``. Candidates are the records entered more calendar
    days after their formation than the time limit's working days (a working day is at least a day);
    each is then decided by ``entry_lateness`` with the holiday table."""
    since = timezone.now() - dt.timedelta(days=LATE_WINDOW_DAYS)
    candidates = (
        _narrow(access_records(user), scope, "organization__")
        .filter(is_current=True, created_at__gte=since)
        .annotate(formed=Coalesce("decided_on", "occurred_on"))
        .filter(created_at__date__gt=F("formed"))
        .select_related("organization", "kind", "department__region")
        .order_by("-created_at", "-pk")
    )
    rows = list(candidates[: LATE_CANDIDATES_MAX + 1])
    cut = len(rows) > LATE_CANDIDATES_MAX
    out = []
    for record in rows[:LATE_CANDIDATES_MAX]:
        lateness = entry_lateness(record)
        if lateness is not None:
            out.append(LateRecord(record, lateness))
    return out, cut


@dataclass(frozen=True)
class SilentDepartment:
    name: str
    code: str
    last_entered: dt.date
    records: int


def silent_departments(user: Any, scope: StatisticsScope) -> list[SilentDepartment]:
    """Departments whose latest record about the region's organizations was entered more than
    ``SILENT_DAYS`` days ago."""
    cutoff = timezone.now() - dt.timedelta(days=SILENT_DAYS)
    rows = (
        _narrow(access_records(user), scope, "organization__")
        .order_by()
        .values("department__name", "department__code")
        .annotate(last=Max("created_at"), n=Count("id"))
        .filter(last__lt=cutoff)
        .order_by("last")
    )
    return [
        SilentDepartment(
            r["department__name"], r["department__code"], timezone.localtime(r["last"]).date(), r["n"]
        )
        for r in rows
    ]
