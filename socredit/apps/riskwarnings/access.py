"""The only ways views read warnings: staff by the organization's region and street
(``common.access.restrict``: street staff see their street's organizations, county staff their
county's including its streets, a city all of it). Rules are read by anyone signed in as staff;
only administrators change them (``services.update_rule``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from socredit.apps.riskwarnings.models import RiskWarning, WarningRule
from socredit.common.access import get_or_404, restrict


def access_warnings(principal: Any) -> QuerySet[RiskWarning]:
    qs = RiskWarning.objects.select_related("organization__region", "organization__street", "rule", "holder")
    return restrict(qs, principal, "organization__region__path")


def access_warning(principal: Any, pk: Any) -> RiskWarning:
    return get_or_404(access_warnings(principal), pk=pk)


def rules() -> QuerySet[WarningRule]:
    return WarningRule.objects.order_by("code")
