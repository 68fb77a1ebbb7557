"""One FilterSet for the organization list page and the API list endpoint.

The credit filters and the sort read the evaluation's current score through the reverse relation
``credit`` (``credit__level``, ``credit__score``) by name: registry sits below the evaluation app and
does not import it. An organization that was never evaluated has no score: it matches the level
filter "not evaluated" and sorts after every evaluated one.
"""

from __future__ import annotations

from typing import Any

import django_filters
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import CharField, F, Func, QuerySet, Sum
from django.utils.translation import gettext_lazy as _

from socredit.apps.registry.fields import RegionField
from socredit.apps.registry.models import NationalCount, Organization, Region, RegionLevelCount
from socredit.apps.registry.regions import region_ids_under, whole_country
from socredit.apps.registry.search import search as search_organizations
from socredit.common.choices import enum_choices
from socredit.core.scoring.model import LEVEL_CODES, LEVEL_NAMES
from socredit.core.types import OrgField, OrgStatus, OrgType

NOT_EVALUATED = "none"
CREDIT_LEVELS = [(code, f"{code} {LEVEL_NAMES[code]}") for code in LEVEL_CODES]
LEVEL_CHOICES = [*CREDIT_LEVELS, (NOT_EVALUATED, _("Not evaluated"))]

SORTS = {
    "score_desc": (_("Score, highest first"), [F("credit__score").desc(nulls_last=True), "name_sort", "name", "pk"]),
    "score_asc": (_("Score, lowest first"), [F("credit__score").asc(nulls_last=True), "name_sort", "name", "pk"]),
    "level": (_("Level, A first"), [F("credit__level").asc(nulls_last=True), F("credit__score").desc(), "name_sort", "name", "pk"]),
    "level_desc": (_("Level, D first"), [F("credit__level").desc(nulls_last=True), F("credit__score").asc(), "name_sort", "name", "pk"]),
}  # fmt: skip
"""Sort keys of the list besides the default (name); ties by name, then id, so pages are stable."""
EVALUATED_SORTS = {
    "score_desc": [F("credit__score").desc(), "name_sort", "name", "pk"],
    "score_asc": [F("credit__score").asc(), "name_sort", "name", "pk"],
    "level": [F("credit__level").asc(), F("credit__score").desc(), "name_sort", "name", "pk"],
    "level_desc": [F("credit__level").desc(), F("credit__score").asc(), "name_sort", "name", "pk"],
}
"""The same sorts among the evaluated organizations only (no NULL to place): walked along the score
table's indexes (score; level, score descending), the ties sorted by name a score at a time."""

FACET = "level"
"""The filter the per-level counts leave out, so they show the spread under every other filter."""
NOT_FILTERS = {"sort"}
"""Form fields that order rather than filter (they do not make a list "filtered")."""
COUNTED = {"org_type": "org_type", "status": "status", "field": "field"}
"""Filters that are small sets of values, each a column of the maintained counts (RegionLevelCount):
under any combination of them, the region and the level, the list's numbers come from those rows."""
COUNT_CAP = 1000
"""Under a filter the maintained counts do not answer (a search, a score range) the list counts its
matches, and each level's, up to this many ("more than 1000"), never all of them."""
COMMON_SHARE = 0.05
"""A level this share of the listed organizations hold is found along the name index, not the level's."""


class RegionFilter(django_filters.CharFilter):
    field_class = RegionField


class OrganizationFilter(django_filters.FilterSet):
    """Filters: type, field, region (that region or below, by code or name), status, credit level,
    score range and registration dates; `q` searches name, former name or code (registry/search.py);
    `sort` orders by name (pinyin, the default), score or level. A value that cannot be used (not a
    number, not a date, no such region) makes the form invalid, and the list says so by field.

    ``scope_path``: the region path of the user ("" national), to whose tree region names are looked up."""

    q = django_filters.CharFilter(label=_("Name or code"), method="search")
    org_type = django_filters.ChoiceFilter(label=_("Type"), choices=enum_choices(OrgType))
    field = django_filters.ChoiceFilter(label=_("Field"), choices=enum_choices(OrgField))
    status = django_filters.ChoiceFilter(label=_("Status"), choices=enum_choices(OrgStatus))
    region = RegionFilter(label=_("Region"), method="in_region")
    level = django_filters.ChoiceFilter(label=_("Credit level"), choices=LEVEL_CHOICES, method="by_level")
    score_min = django_filters.NumberFilter(
        label=_("Score from"), field_name="credit__score", lookup_expr="gte"
    )
    score_max = django_filters.NumberFilter(
        label=_("Score up to"), field_name="credit__score", lookup_expr="lte"
    )
    registered_from = django_filters.DateFilter(
        label=_("Registered from"), field_name="registered_on", lookup_expr="gte"
    )
    registered_to = django_filters.DateFilter(
        label=_("Registered up to"), field_name="registered_on", lookup_expr="lte"
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=[(k, label) for k, (label, _o) in SORTS.items()], method="sort_by"
    )

    class Meta:
        model = Organization
        fields = ["q", "org_type", "field", "region", "status", "level", "score_min", "score_max",
                  "registered_from", "registered_to", "sort"]  # fmt: skip

    def __init__(self, *args: Any, scope_path: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.scope_path = scope_path

    @property
    def form(self) -> Any:
        form = super().form
        form.fields["region"].scope_path = self.scope_path
        return form

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

    def in_region(self, queryset: QuerySet[Organization], name: str, value: Region) -> QuerySet[Organization]:
        ids = self.__dict__.setdefault("_region_ids", {})  # the level counts filter again: looked up once
        if value.path not in ids:
            ids[value.path] = None if whole_country(value.path) else region_ids_under(value.path)
        return queryset if ids[value.path] is None else queryset.filter(region_id__in=ids[value.path])

    def by_level(self, queryset: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        if value == NOT_EVALUATED:
            if (self._bounds(self.scope_path) or {}).get(NOT_EVALUATED) == 0:
                return queryset.none()  # none to find: not looked for among every row
            return queryset.filter(credit__isnull=True)
        if connection.vendor == "sqlite" and self._common_level(value):
            # a level many hold: walking the name index and checking each row's level finds a page
            # soon; SQLite would rather read every row of the level from the score index and sort
            # them (1 s for level A nationwide). "+level" keeps the level's index out of it.
            unindexed = Func(F("credit__level"), template="+%(expressions)s", output_field=CharField())
            return queryset.alias(credit_level_unindexed=unindexed).filter(credit_level_unindexed=value)
        return queryset.filter(credit__level=value)

    def _common_level(self, level: str) -> bool:
        """At least ``COMMON_SHARE`` of the organizations under the other counted filters have this
        level, by the maintained counts (False when they do not tell)."""
        bounds = self._bounds(self.scope_path)
        return bool(bounds) and bounds[level] >= COMMON_SHARE * max(1, sum(bounds.values()))

    def sort_by(self, queryset: QuerySet[Organization], name: str, value: str) -> QuerySet[Organization]:
        return queryset.order_by(*SORTS[value][1]) if value in SORTS else queryset

    def rows(self) -> QuerySet[Organization] | EvaluatedFirst:
        """What the list pages through: the filtered queryset, or under a score or level sort the
        evaluated organizations in that order followed by the never-evaluated ones by name
        (`EvaluatedFirst`: the same rows in the same order as ``qs``, each part along an index)."""
        sort = self.form.cleaned_data.get("sort") if self.form.is_valid() else None
        if sort not in EVALUATED_SORTS:
            return self.qs
        return EvaluatedFirst(
            self.qs.filter(credit__isnull=False).order_by(*EVALUATED_SORTS[sort]),
            self.qs.filter(credit__isnull=True).order_by("name_sort", "name", "pk"),
        )

    def is_filtered(self) -> bool:
        """True when any filter (not the sort) has a value."""
        return bool(self.narrowing())

    def level_counts(self, scope_path: str | None = None) -> dict[str, int]:
        """Organizations per credit level (and not evaluated) under every filter but the level
        itself: {"A": n, "B": n, "C": n, "D": n, "none": n}.

        ``scope_path`` is the caller's region path ("" national). When only the region, type, status
        and field narrow the list, the counts come from the maintained counts (RegionLevelCount: at
        most one row per region and kind, whatever the number of organizations); under a search or a
        score range each level is counted up to ``COUNT_CAP`` + 1 (more means "more than COUNT_CAP").
        """
        counted = self._counted(scope_path)
        if counted is not None:
            return counted
        queryset: Any = self.queryset
        for name, value in self._narrowing().items():
            if name != FACET:
                queryset = self.filters[name].filter(queryset, value)
        # a level none of the region's organizations of these kinds holds is not counted (the
        # never-evaluated ones, usually none, would be looked for among every row)
        bounds = self._bounds(scope_path) or {}
        return capped_counts({
            code: queryset.none() if bounds.get(code) == 0 else self.filters[FACET].filter(queryset, code)
            for code in ALL_LEVELS
        })  # fmt: skip

    def match_count(self, scope_path: str | None) -> int | None:
        """How many organizations the filtered list holds, from the maintained counts; None when a
        filter they do not answer (search, score range) narrows it: the caller counts, capped."""
        counted = self._counted(scope_path)
        if counted is None:
            return None
        level = self._narrowing().get(FACET)
        return counted[level] if level else sum(counted.values())

    def total(self, scope_path: str | None) -> int | None:
        """All organizations the unfiltered list holds, from the maintained counts; None when filtered."""
        if scope_path is None or self.is_filtered():
            return None
        return sum(self._maintained(scope_path).values())

    def _narrowing(self) -> dict[str, Any]:
        """The filters that have a value (the level among them), by name."""
        data = self.form.cleaned_data if self.form.is_valid() else {}
        return {k: v for k, v in data.items() if k not in NOT_FILTERS and v not in (None, "")}

    def _counted(self, scope_path: str | None) -> dict[str, int] | None:
        """Per level under every filter but the level, from the maintained counts; None when a filter
        they do not answer has a value (or the form is invalid)."""
        if scope_path is None or not self.form.is_valid():
            return None
        if not set(self._narrowing()) <= {"region", FACET, *COUNTED}:
            return None
        return self._bounds(scope_path)

    def _bounds(self, scope_path: str | None) -> dict[str, int] | None:
        """Per level under the region and the filters the maintained counts answer, ignoring the
        others: the most each level can hold under all of them (None: no scope, or invalid)."""
        if scope_path is None or not self.form.is_valid():
            return None
        narrowing = self._narrowing()
        path = self._counted_path(scope_path, narrowing.get("region"))
        if path is None:
            return dict.fromkeys(ALL_LEVELS, 0)
        return self._maintained(
            path, **{column: narrowing[k] for k, column in COUNTED.items() if k in narrowing}
        )

    def _maintained(self, path: str, **kind: str) -> dict[str, int]:
        cache = self.__dict__.setdefault("_counts", {})  # the level links and the totals read them once
        key = (path, *sorted(kind.items()))
        if key not in cache:
            cache[key] = maintained_level_counts(path, **kind)
        return cache[key]

    def _counted_path(self, scope_path: str, region: Region | None) -> str | None:
        """The narrower of the caller's region and the region filter; None when they do not meet."""
        if region is None:
            return scope_path
        if region.path.startswith(scope_path):
            return region.path
        return scope_path if scope_path.startswith(region.path) else None


ALL_LEVELS = [*LEVEL_CODES, NOT_EVALUATED]


class EvaluatedFirst:
    """A list sorted by score or level as two queries: the evaluated organizations (an inner join
    the score table's index drives, so ``LIMIT`` stops early), then the never-evaluated ones. One
    ``LEFT JOIN … ORDER BY score NULLS LAST`` sorted all the rows of the scope in a temporary table
    (19 s for the whole country). Sliced like a queryset by `paging.Page.of`; a slice past the
    evaluated ones counts them once."""

    def __init__(self, evaluated: QuerySet[Organization], unevaluated: QuerySet[Organization]) -> None:
        self.evaluated = evaluated
        self.unevaluated = unevaluated

    def __getitem__(self, index: slice) -> list[Organization]:
        start, stop = index.start or 0, index.stop
        rows = list(self.evaluated[start:stop])
        if len(rows) == stop - start:
            return rows
        # the evaluated ones end inside (or before) this slice: the rest comes from the others
        evaluated = start + len(rows) if rows or not start else self.evaluated.count()
        return rows + list(self.unevaluated[max(0, start - evaluated) : stop - evaluated])


def capped_counts(querysets: dict[str, QuerySet[Any]]) -> dict[str, int]:
    """Each queryset's rows counted up to ``COUNT_CAP`` + 1, all in one statement (a sub-select per
    queryset, each stopping at the cap): {name: n}, n > COUNT_CAP meaning "more than COUNT_CAP"."""
    parts, params = [], []
    for queryset in querysets.values():
        try:
            sql, part_params = queryset.order_by().values("pk")[: COUNT_CAP + 1].query.sql_with_params()
        except EmptyResultSet:  # a queryset known to be empty (.none())
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped)")  # noqa: S608 — the ORM's own SQL, its values as parameters
        params.extend(part_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {name: int(n) for name, n in zip(querysets, row, strict=True)}


def maintained_level_counts(path: str, **kind: str) -> dict[str, int]:
    """Organizations per level registered in the region with this path or below, and of this
    ``kind`` (any of org_type, status, field), summed from the maintained counts of the regions under
    it (never the organizations): at most one row per region, kind and level; for the whole country
    from the national counts (one row per kind and level)."""
    counts: QuerySet[Any] = RegionLevelCount.objects.filter(**kind)
    if whole_country(path):
        counts = NationalCount.objects.filter(**kind)  # a few hundred rows, not every region's
    elif path and connection.vendor == "sqlite":
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
