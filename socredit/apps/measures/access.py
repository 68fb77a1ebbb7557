"""Who reads which check: its maker (the department's tokens, the staff account), and staff whose
region covers the region the check was made from (supervisors). Missing and not allowed are one 404."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import F, Q, QuerySet
from django.http import Http404

from socredit.apps.measures.models import CreditCheck
from socredit.common.api import is_token


def access_checks(principal: Any) -> QuerySet[CreditCheck]:
    """The checks ``principal`` may read."""
    qs = CreditCheck.objects.select_related("department")
    scope = principal.scope_path() if principal is not None else None
    if scope is None:
        return qs.none()
    if is_token(principal):
        return qs.filter(department_id=principal.department_id)
    if scope == "":
        return qs
    return qs.filter(Q(region_path__startswith=scope) | Q(made_by_id=principal.pk))


def access_check(principal: Any, number: str) -> CreditCheck:
    check = access_checks(principal).filter(number=str(number or "").strip()[:30]).first()
    if check is None:
        raise Http404("no such check")
    return check


def lacking_feedback(qs: QuerySet[CreditCheck], day: dt.date) -> QuerySet[CreditCheck]:
    """The checks whose feedback was due before ``day`` and is still incomplete."""
    return qs.filter(feedback_due__lt=day, pairs_count__gt=0, feedback_count__lt=F("pairs_count"))
