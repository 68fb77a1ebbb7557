"""The only ways views, the API and commands read dormant-organization cases: staff within their
region (a street account: the organizations of its street), through ``common.access.restrict``."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from socredit.apps.dormancy.models import DormancyCase
from socredit.common.access import get_or_404, restrict


def access_cases(principal: Any) -> QuerySet[DormancyCase]:
    qs = DormancyCase.objects.select_related("organization__region", "organization__street", "proposal")
    return restrict(qs, principal, "organization__region__path")


def access_case(principal: Any, pk: Any) -> DormancyCase:
    return get_or_404(access_cases(principal), pk=pk)
