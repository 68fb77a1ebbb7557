"""One FilterSet for the organization list page and the API list endpoint.

The credit filters and the sort read the evaluation's current score through the reverse relation
``credit`` (``credit__level``, ``credit__score``) by name: registry sits below the evaluation app and
does not import it. An organization that was never evaluated has no score: it matches the level
filter "not evaluated" and sorts after every evaluated one.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.db import connection
from django.db.models import Count, F, Q, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from socredit.apps.registry.models import Organization, Region, RegionLevelCount
from socredit.apps.registry.search import search as search_organizations
from socredit.common.choices import enum_choices
from socredit.core.scoring.model import LEVEL_CODES, LEVEL_NAMES
from socredit.core.types import OrgField, OrgStatus, OrgType

NOT_EVALUATED = "none"
CREDIT_LEVELS = [(code, f"{code} {LEVEL_NAMES[code]}") for code in LEVEL_CODES]
LEVEL_CHOICES = [*CREDIT_LEVELS, (NOT_EVALUATED, _("Not evaluated"))]

SORTS = {
    "score_desc": (_("Score, highest first"), [F("credit__score").desc(nulls_last=True), "name", "pk"]),
    "score_asc": (_("Score, lowest first"), [F("credit__score").asc(nulls_last=True), "name", "pk"]),
    "level": (_("Level, A first"), [F("credit__level").asc(nulls_last=True), F("credit__score").desc(), "name", "pk"]),
    "level_desc": (_("Level, D first"), [F("credit__level").desc(nulls_last=True), F("credit__score").asc(), "name", "pk"]),
}  # fmt: skip
"""Sort keys of the list besides the default (name); ties by name, then id, so pages are stable."""

FACET = "level"
"""The filter the per-level counts leave out, so they show the spread under every other filter."""
NOT_FILTERS = {"sort"}
"""Form fields that order rather than filter (they do not make a list "filtered")."""


class OrganizationFilter(django_filters.FilterSet):
    """Filters: type, field, region (that region or below), status, credit level and score range;
    `q` searches name, former name or code (registry/search.py); `sort` orders by name (default), score or level."""

    q = django_filters.CharFilter(label=_("Name or code"), method="search")
    org_type = django_filters.ChoiceFilter(label=_("Type"), choices=enum_choices(OrgType))
    field = django_filters.ChoiceFilter(label=_("Field"), choices=enum_choices(OrgField))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=enum_choices(OrgStatus))
    region = django_filters.CharFilter(label=_("Region code"), method="in_region")
    level = django_filters.ChoiceFilter(label=_("Credit level"), choices=LEVEL_CHOICES, method="by_level")
    score_min = django_filters.NumberFilter(
        label=_("Score from"), field_name="credit__score", lookup_expr="gte"
    )
    score_max = django_filters.NumberFilter(
        label=_("Score up to"), field_name="credit__score", lookup_expr="lte"
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=[(k, label) for k, (label, _o) in SORTS.items()], method="sort_by"
    )

    class Meta:
        model = Organization
        fields = ["q", "org_type", "field", "region", "status", "level", "score_min", "score_max", "sort"]

    def search(self, queryset: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        # Through the search index, in relevance order; a `sort` chosen as well re-orders after it.
        return search_organizations(queryset, value, cache=self.search_cache())

    def search_cache(self) -> dict[Any, list[int]]:
        """The search's candidates, looked up once for the rows, the counts and `match_count`."""
        return self.__dict__.setdefault("_search", {})

    def narrowing(self) -> set[str]:
        """The filters (not the sort) that have a value."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return {k for k, v in data.items() if k not in NOT_FILTERS and v not in (None, "")}

    def in_region(self, queryset: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        region = self._region(value)
        if region is None:
            return queryset.none()
        return queryset.filter(region__path__startswith=region.path)

    def _region(self, value: str) -> Region | None:
        code = value.strip()
        cache = self.__dict__.setdefault("_regions", {})
        if code not in cache:  # the facet counts apply the filters a second time: look the region up once
            cache[code] = Region.objects.filter(code=code).first()
        return cache[code]

    def by_level(self, queryset: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        if value == NOT_EVALUATED:
            return queryset.filter(credit__isnull=True)
        return queryset.filter(credit__level=value)

    def sort_by(self, queryset: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        return queryset.order_by(*SORTS[value][1]) if value in SORTS else queryset

    def is_filtered(self) -> bool:
        """True when any filter (not the sort) has a value."""
        return bool(self.narrowing())

    def level_counts(self, scope_path: str | None = None) -> dict[str, int]:
        """Organizations per credit level (and not evaluated) under every filter but the level
        itself: {"A": n, "B": n, "C": n, "D": n, "none": n}.

        ``scope_path`` is the caller's region path ("" national). When nothing but the region narrows
        the list, the counts come from the maintained per-region counts (RegionLevelCount: a few
        thousand rows at most, whatever the number of organizations); otherwise from one aggregate
        query over the filtered organizations.
        """
        self.form.is_valid()
        data = self.form.cleaned_data
        narrowing = {
            k for k, v in data.items() if k != FACET and k not in NOT_FILTERS and v not in (None, "")
        }
        if scope_path is not None and narrowing <= {"region"}:
            path = self._counted_path(scope_path, data.get("region"))
            return self._maintained(path) if path is not None else dict.fromkeys(ALL_LEVELS, 0)
        queryset: Any = self.queryset
        for name, value in data.items():
            if name != FACET and name not in NOT_FILTERS:
                queryset = self.filters[name].filter(queryset, value)
        counts = {code: Count("pk", filter=Q(credit__level=code)) for code in LEVEL_CODES}
        return queryset.aggregate(**counts, **{NOT_EVALUATED: Count("pk", filter=Q(credit__isnull=True))})

    def total(self, scope_path: str | None) -> int | None:
        """All organizations the unfiltered list holds, from the maintained counts; None when filtered."""
        if scope_path is None or self.is_filtered():
            return None
        return sum(self._maintained(scope_path).values())

    def _maintained(self, path: str) -> dict[str, int]:
        cache = self.__dict__.setdefault("_counts", {})  # the level links and the total read them once
        if path not in cache:
            cache[path] = maintained_level_counts(path)
        return cache[path]

    def _counted_path(self, scope_path: str, region_code: str | None) -> str | None:
        """The narrower of the caller's region and the region filter; None when they do not meet."""
        if not region_code:
            return scope_path
        region = self._region(region_code)
        if region is None:
            return None
        if region.path.startswith(scope_path):
            return region.path
        return scope_path if scope_path.startswith(region.path) else None


ALL_LEVELS = [*LEVEL_CODES, NOT_EVALUATED]


def maintained_level_counts(path: str) -> dict[str, int]:
    """Organizations per level registered in the region with this path or below, summed from the
    maintained counts of the regions under it (never the organizations): at most one row per region
    and level — about 15,000 for the whole country, a few hundred for a province."""
    counts = RegionLevelCount.objects.all()
    if path and connection.vendor == "sqlite":
        # a range on the path index ("/" and digits sort below "~" in SQLite's binary order), not a
        # LIKE over every region; PostgreSQL's collations may ignore the "/", so it keeps the prefix
        regions = Region.objects.filter(path__gte=path, path__lt=path + "~")
        counts = counts.filter(region__in=regions.values("pk"))
    elif path:
        counts = counts.filter(region__path__startswith=path)
    rows = counts.values_list("level").annotate(total=Sum("n")).order_by()
    out = dict.fromkeys(ALL_LEVELS, 0)
    for level, total in rows:
        out[level or NOT_EVALUATED] += int(total or 0)
    return out
