"""Who may read which list rows: everything is scoped by the organization's region; an organization's
own account (/my/) reads only the prior notices served on it and its own statements.

Person listings (失信惩戒落实到人) are listed to staff only. A department token holding
``persons:pii`` may screen one ID number it already knows (``screening.screen_person``), and sees
only public listings of organizations in its region; erased listings keep no person.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from socredit.apps.lists.models import (
    ListDecision,
    ListEntry,
    ListNotice,
    ListProposal,
    ListStatement,
    PersonListing,
    RemovalApplication,
    StatementEvidence,
)
from socredit.apps.registry.models import Organization, Region
from socredit.common.access import get_or_404, own_organization_id, restrict, scope_path_of
from socredit.common.api import is_token

ORG_PATH = "organization__region__path"


def access_entries(principal: Any) -> QuerySet[ListEntry]:
    qs = ListEntry.objects.select_related("organization__region", "entry_decision", "exit_decision")
    return restrict(qs, principal, ORG_PATH)


def access_entry(principal: Any, pk: Any) -> ListEntry:
    return get_or_404(access_entries(principal), pk=pk)


def access_proposals(principal: Any) -> QuerySet[ListProposal]:
    return restrict(ListProposal.objects.select_related("organization__region"), principal, ORG_PATH)


def access_open_proposals(principal: Any) -> QuerySet[ListProposal]:
    """The open proposals (status proposed) the principal may read — the same rows as
    ``access_proposals`` — scoped as ``organization_id IN (organizations in the region)``: SQLite
    reads the organizations of the region once and then only the queue index, instead of joining
    each of 100,000 proposals to its organization and region (10× faster on the queue's counts). The
    regions at or below the principal's are looked up first, so the organizations come from the
    index on their region alone."""
    qs = ListProposal.objects.filter(status=ListProposal.Status.PROPOSED)
    path = scope_path_of(principal)
    if path is None:
        return qs.none()
    if path == "":
        return qs
    regions = list(Region.objects.filter(path__startswith=path).values_list("pk", flat=True))
    return qs.filter(organization_id__in=Organization.objects.filter(region_id__in=regions).values("pk"))


def access_decisions(principal: Any) -> QuerySet[ListDecision]:
    return restrict(ListDecision.objects.select_related("organization__region"), principal, ORG_PATH)


def access_applications(principal: Any) -> QuerySet[RemovalApplication]:
    qs = RemovalApplication.objects.select_related("entry__organization__region")
    return restrict(qs, principal, "entry__organization__region__path")


def access_person_listings(principal: Any, *, include_hidden: bool = False) -> QuerySet[PersonListing]:
    """Staff only; public listings unless ``include_hidden`` (never the erased person: it is gone)."""
    if principal is None or is_token(principal):
        return PersonListing.objects.none()
    qs = restrict(
        PersonListing.objects.select_related("person", "organization", "decision"), principal, ORG_PATH
    )
    return qs if include_hidden else qs.filter(public=True)


def access_notices(principal: Any) -> QuerySet[ListNotice]:
    return restrict(
        ListNotice.objects.select_related("organization__region", "proposal"), principal, ORG_PATH
    )


def access_statements(principal: Any) -> QuerySet[ListStatement]:
    """陈述申辩 on prior notices, for staff of the organization's region."""
    qs = ListStatement.objects.select_related("proposal__organization__region", "notice")
    return restrict(qs, principal, "proposal__organization__region__path")


def access_statement_evidence(principal: Any) -> QuerySet[StatementEvidence]:
    qs = StatementEvidence.objects.select_related("statement__proposal__organization__region")
    return restrict(qs, principal, "statement__proposal__organization__region__path")


def own_notices(user: Any) -> QuerySet[ListNotice]:
    """The prior notices served on the organization of its own account (none for any other user)."""
    org_id = own_organization_id(user)
    if org_id is None:
        return ListNotice.objects.none()
    return ListNotice.objects.filter(organization_id=org_id).select_related("proposal", "organization")


def own_statement_evidence(user: Any) -> QuerySet[StatementEvidence]:
    """Files the organization's statements carry (its own, as for the notices)."""
    org_id = own_organization_id(user)
    if org_id is None:
        return StatementEvidence.objects.none()
    return StatementEvidence.objects.filter(statement__proposal__organization_id=org_id)
