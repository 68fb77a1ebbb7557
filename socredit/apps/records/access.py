"""The only ways views and the API read credit records: scoped by the organization's region."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from socredit.apps.records.models import CreditRecord, RecordKind
from socredit.common.access import get_or_404, restrict
from socredit.core.types import Visibility


def access_records(principal: Any) -> QuerySet[CreditRecord]:
    """Records (every version) of organizations within the principal's region.

    Staff see every visibility; a department token (a principal with scopes) sees records that are
    public or shared with government, never those marked 内部使用.
    """
    qs = CreditRecord.objects.select_related("kind", "department", "organization")
    if callable(getattr(principal, "has_scope", None)):
        qs = qs.exclude(visibility=Visibility.INTERNAL.value)
    return restrict(qs, principal, "organization__region__path")


def access_record(principal: Any, pk: Any) -> CreditRecord:
    return get_or_404(access_records(principal), pk=pk)


def record_kinds() -> QuerySet[RecordKind]:
    """The catalogue is reference data, readable by every signed-in principal."""
    return RecordKind.objects.filter(active=True)
