"""The only ways views, the API and commands read spot-check data.

Staff and department tokens read plans of authorities within their region and the checks of
organizations within it; an inspector's own account reads the checks it is assigned to; anyone
reads the published results (``published_plans``: 双随机、一公开).
"""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Q, QuerySet

from socredit.apps.spotchecks.models import Inspector, PlanState, SpotCheck, SpotCheckPlan
from socredit.common.access import get_or_404, restrict


def access_plans(principal: Any) -> QuerySet[SpotCheckPlan]:
    """Plans whose authority lies within the principal's region, with their progress counts."""
    qs = SpotCheckPlan.objects.select_related("authority").annotate(
        n_checks=Count("checks", distinct=True),
        n_done=Count("checks", filter=~Q(checks__result=""), distinct=True),
    )
    return restrict(qs, principal, "authority__path").order_by("-year", "-id")


def access_plan(principal: Any, pk: Any) -> SpotCheckPlan:
    return get_or_404(access_plans(principal), pk=pk)


def access_checks(principal: Any) -> QuerySet[SpotCheck]:
    """Checks of organizations within the principal's region."""
    qs = SpotCheck.objects.select_related("plan__authority", "organization__region")
    return restrict(qs, principal, "organization__region__path")


def access_check(principal: Any, pk: Any) -> SpotCheck:
    return get_or_404(access_checks(principal), pk=pk)


def assigned_checks(user: Any) -> QuerySet[SpotCheck]:
    """The checks the account's inspector is assigned to (active assignments), open ones first."""
    if not getattr(user, "is_authenticated", False):
        return SpotCheck.objects.none()
    return (
        SpotCheck.objects.filter(assignments__inspector__user=user, assignments__active=True)
        .exclude(plan__state=PlanState.DRAFT)
        .select_related("plan", "organization")
        .order_by("-plan__year", "result", "order")
    )


def access_inspectors(principal: Any) -> QuerySet[Inspector]:
    return restrict(Inspector.objects.select_related("region", "user"), principal, "region__path")


def access_inspector(principal: Any, pk: Any) -> Inspector:
    return get_or_404(access_inspectors(principal), pk=pk)


def published_plans() -> QuerySet[SpotCheckPlan]:
    """Plans whose results are published: readable by anyone."""
    return SpotCheckPlan.objects.filter(state=PlanState.PUBLISHED).select_related("authority")


def published_plan(pk: Any) -> SpotCheckPlan:
    return get_or_404(published_plans(), pk=pk)


def published_checks(organization: Any) -> QuerySet[SpotCheck]:
    """The checks of ``organization`` in plans whose results are published (一公开), newest first:
    readable by anyone. Only what the public results page shows is meant to be read from them."""
    return (
        SpotCheck.objects.filter(organization=organization, plan__state=PlanState.PUBLISHED)
        .exclude(result="")
        .select_related("plan__authority")
        .order_by("-plan__year", "-checked_on", "-id")
    )
