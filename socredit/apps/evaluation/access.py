"""The only ways views and the API read evaluation rows: scoped by the principal's region."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from socredit.apps.evaluation.models import CreditScore, EvaluationRun, LevelChange
from socredit.apps.registry.models import Organization
from socredit.common.access import get_or_404, restrict, scope_path_of


def access_scores(principal: Any) -> QuerySet[CreditScore]:
    """Current scores of organizations in the principal's region or below."""
    return restrict(
        CreditScore.objects.select_related("organization"), principal, "organization__region__path"
    )


def access_score(principal: Any, organization: Organization) -> CreditScore | None:
    """The stored score of an organization already fetched through access_organization (None if never evaluated)."""
    return access_scores(principal).filter(organization=organization).first()


def access_level_changes(principal: Any, organization: Organization | None = None) -> QuerySet[LevelChange]:
    """Level history within scope, optionally of one organization, newest first."""
    qs = restrict(LevelChange.objects.all(), principal, "organization__region__path")
    return qs.filter(organization=organization) if organization is not None else qs


def access_runs(principal: Any) -> QuerySet[EvaluationRun]:
    """Batch runs a principal may see: those of its region or below, and national ones for national staff."""
    path = scope_path_of(principal)
    qs = EvaluationRun.objects.select_related("region")
    if path is None:
        return qs.none()
    if path == "":
        return qs
    return qs.filter(Q(region__path__startswith=path))


def access_run(principal: Any, pk: Any) -> EvaluationRun:
    return get_or_404(access_runs(principal), pk=pk)
