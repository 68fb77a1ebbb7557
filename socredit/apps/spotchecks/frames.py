"""检查对象名录库 — the frame of a plan read from the database: the organizations in its scope with
their credit level, field, lists in force and whether a recent regular plan drew them."""

from __future__ import annotations

import datetime as dt
import zlib

from django.db.models import Q, QuerySet

from socredit.apps.evaluation.models import CreditScore
from socredit.apps.lists.models import ListEntry
from socredit.apps.registry.models import Organization, Region
from socredit.apps.spotchecks.models import PlanKind, PlanState, SpotCheck, SpotCheckPlan
from socredit.core.sampling import Subject, frame_from_text, frame_text
from socredit.core.types import OrgStatus

IN_SCOPE_STATUSES = (OrgStatus.NORMAL.value, OrgStatus.SUSPENDED.value)
"""Organizations that exist as legal persons (deregistered and revoked ones are not checked)."""


def scope_regions(plan: SpotCheckPlan) -> list[Region]:
    codes = plan.scope_regions or [plan.authority.code]
    return list(Region.objects.filter(code__in=codes))


def scope_organizations(plan: SpotCheckPlan) -> QuerySet[Organization]:
    """The organizations a plan covers: registered in its regions, of its types and fields, existing."""
    paths = Q()
    for region in scope_regions(plan):
        paths |= Q(region__path__startswith=region.path)
    qs = Organization.objects.filter(paths, status__in=IN_SCOPE_STATUSES)
    if plan.scope_types:
        qs = qs.filter(org_type__in=plan.scope_types)
    if plan.scope_fields:
        qs = qs.filter(field__in=plan.scope_fields)
    return qs


def build_frame(plan: SpotCheckPlan, day: dt.date, exempt_years: int) -> list[Subject]:
    """The frame of ``plan`` on ``day`` (recently checked: drawn in a regular plan of the
    ``exempt_years`` years before the plan's year, for a regular plan)."""
    # registered by that day: an organization registered later is not yet the authority's to check
    orgs = list(scope_organizations(plan).filter(registered_on__lte=day).values_list("id", "code", "field"))
    ids = [pk for pk, _, _ in orgs]
    levels: dict[int, str] = {}
    lists: dict[int, set[str]] = {}
    recent: set[int] = set()
    for start in range(0, len(ids), 5000):
        part = ids[start : start + 5000]
        levels.update(
            CreditScore.objects.filter(organization_id__in=part).values_list("organization_id", "level")
        )
        for org_id, name in (
            ListEntry.objects.in_force(day)
            .filter(organization_id__in=part)
            .values_list("organization_id", "list")
        ):
            lists.setdefault(org_id, set()).add(name)
        if plan.kind == PlanKind.REGULAR and exempt_years > 0:
            recent.update(
                SpotCheck.objects.filter(
                    organization_id__in=part,
                    plan__kind=PlanKind.REGULAR,
                    plan__year__gte=plan.year - exempt_years,
                    plan__year__lt=plan.year,
                    plan__state__in=[PlanState.DRAWN, PlanState.PUBLISHED],
                ).values_list("organization_id", flat=True)
            )
    return [
        Subject(code, levels.get(pk, ""), field, frozenset(lists.get(pk, ())), pk in recent)
        for pk, code, field in orgs
    ]


def pack(frame: list[Subject]) -> bytes:
    return zlib.compress(frame_text(frame).encode(), 9)


def unpack(blob: bytes | memoryview) -> list[Subject]:
    return frame_from_text(zlib.decompress(bytes(blob)).decode())
