"""The only ways views and the API read commitments (信用承诺): staff and department tokens by the
organization's region, an organization's own account (组织账号) only its own organization's."""

from __future__ import annotations

from typing import Any

from django.db.models import Case, IntegerField, QuerySet, Value, When

from socredit.apps.commitments.models import Commitment, CommitmentMatter, CommitmentTemplate
from socredit.common.access import get_or_404, own_organization_id, restrict


def _base() -> QuerySet[Commitment]:
    return Commitment.objects.select_related("organization__region", "template")


def access_commitments(principal: Any) -> QuerySet[Commitment]:
    """Commitments of organizations within the principal's region (none for an organization account,
    which has no region scope: it reads through ``own_commitments``)."""
    return restrict(_base(), principal, "organization__region__path")


def access_commitment(principal: Any, pk: Any) -> Commitment:
    """One commitment, or the same 404 whether missing or outside the region."""
    return get_or_404(access_commitments(principal), pk=pk)


def own_commitments(user: Any) -> QuerySet[Commitment]:
    """An organization account's own organization's commitments; nothing for anyone else."""
    org_id = own_organization_id(user)
    if org_id is None:
        return Commitment.objects.none()
    return _base().filter(organization_id=org_id)


def own_commitment(user: Any, pk: Any) -> Commitment:
    return get_or_404(own_commitments(user), pk=pk)


def commitment_templates(*, active_only: bool = False) -> QuerySet[CommitmentTemplate]:
    """Templates are reference data, readable by every signed-in principal; the general one first,
    then in the order of the matters (the order an organization meets them in)."""
    rank = Case(*(When(matter=m, then=Value(i)) for i, m in enumerate(CommitmentMatter.values)),
                default=Value(99), output_field=IntegerField())  # fmt: skip
    qs = CommitmentTemplate.objects.alias(rank=rank).order_by("rank", "code")
    return qs.filter(active=True) if active_only else qs
