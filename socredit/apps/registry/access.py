"""The only ways views and the API read registry rows: scoped by the principal's region."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from socredit.apps.registry.models import Organization, Person, Role
from socredit.common.access import get_or_404, restrict


def access_organizations(principal: Any) -> QuerySet[Organization]:
    """Organizations registered in the principal's region or below."""
    return restrict(Organization.objects.select_related("region"), principal, "region__path")


def access_organization(principal: Any, code: str) -> Organization:
    """One organization by its code, or 404 (the same for missing and out of scope)."""
    return get_or_404(access_organizations(principal), code=str(code).strip().upper())


def access_persons(principal: Any) -> QuerySet[Person]:
    """Persons who hold or held a post in an organization within scope."""
    scoped_orgs = access_organizations(principal).values("pk")
    return Person.objects.filter(pk__in=Role.objects.filter(organization__in=scoped_orgs).values("person_id"))


def access_person(principal: Any, pk: Any) -> Person:
    return get_or_404(access_persons(principal), pk=pk)


def access_roles(principal: Any) -> QuerySet[Role]:
    return restrict(
        Role.objects.select_related("person", "organization"), principal, "organization__region__path"
    )
