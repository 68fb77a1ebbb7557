"""One FilterSet for the organization list page and the API list endpoint."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from socredit.apps.registry.models import Organization, Region
from socredit.common.choices import enum_choices
from socredit.core.types import OrgField, OrgStatus, OrgType


class OrganizationFilter(django_filters.FilterSet):
    """Filters: type, field, region (that region or below), status; `q` searches name or code."""

    q = django_filters.CharFilter(label=_("Name or code"), method="search")
    org_type = django_filters.ChoiceFilter(label=_("Type"), choices=enum_choices(OrgType))
    field = django_filters.ChoiceFilter(label=_("Field"), choices=enum_choices(OrgField))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=enum_choices(OrgStatus))
    region = django_filters.CharFilter(label=_("Region code"), method="in_region")

    class Meta:
        model = Organization
        fields = ["q", "org_type", "field", "region", "status"]

    def search(self, queryset: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        value = value.strip()
        if not value:
            return queryset
        if len(value) == 18 and value[:2].isdigit():
            return queryset.filter(code=value.upper())
        return queryset.filter(Q(name__contains=value) | Q(code__startswith=value.upper()))

    def in_region(self, queryset: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        region = Region.objects.filter(code=value.strip()).first()
        if region is None:
            return queryset.none()
        return queryset.filter(region__path__startswith=region.path)
