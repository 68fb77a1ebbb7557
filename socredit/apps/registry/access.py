"""The only ways views and the API read registry rows: scoped by the principal's region."""

from __future__ import annotations

from typing import Any

from django.db import connection
from django.db.models import QuerySet
from django.http import Http404

from socredit.apps.registry.models import CONFIRMED_ROLE, Branch, Organization, Person, Region, Role
from socredit.apps.registry.regions import region_ids_under, whole_country
from socredit.common.access import get_or_404, is_street_scope, restrict, scope_path_of
from socredit.core.types import RegionLevel


def access_organizations(principal: Any) -> QuerySet[Organization]:
    """Organizations registered in the principal's region or below, scoped by the ids of those regions
    (`regions.region_ids_under`: the index on the region, no join per row)."""
    queryset = Organization.objects.select_related("region", "street")
    path = scope_path_of(principal)
    if path is None:
        return queryset.none()
    if whole_country(path):  # the national account: every row, no list of every region's id
        return queryset
    if is_street_scope(path):  # a street account (乡镇/街道): the organizations of its street
        return queryset.filter(street__path__startswith=path)
    return queryset.filter(region_id__in=region_ids_under(path))


class _Prepared:
    """The statement of `access_organization` and what turns its row into model instances, built
    once from the models' metadata: the organization, its region and the reverse one-to-one
    relations asked for (``related``, e.g. the stored credit score), LEFT JOINed."""

    def __init__(self, related: tuple[str, ...]) -> None:
        rels = [Organization._meta.get_field(name) for name in related]
        # (attribute, model, its columns, the reverse relation to cache it on)
        self.parts: list[tuple[str | None, Any, list[str], Any]] = [
            (None, Organization, [f.attname for f in Organization._meta.concrete_fields], None),
            ("region", Region, [f.attname for f in Region._meta.concrete_fields], None),
            *[(rel.name, rel.related_model, [f.attname for f in rel.related_model._meta.concrete_fields], rel)
              for rel in rels],
        ]  # fmt: skip
        columns = [f"o.{f.column}" for f in Organization._meta.concrete_fields]
        columns += [f"r.{f.column}" for f in Region._meta.concrete_fields]
        joins = [f"JOIN {Region._meta.db_table} r ON r.id = o.region_id"]
        for i, rel in enumerate(rels):
            meta = rel.related_model._meta
            columns += [f"x{i}.{f.column}" for f in meta.concrete_fields]
            joins.append(f"LEFT JOIN {meta.db_table} x{i} ON x{i}.{rel.field.column} = o.id")
        self.sql = (
            f"SELECT {', '.join(columns)} FROM {Organization._meta.db_table} o {' '.join(joins)} "  # noqa: S608 — names from _meta
            "WHERE o.code = %s"
        )
        fields = [f for _a, model, _n, _r in self.parts for f in model._meta.concrete_fields]
        # the converters the ORM would apply (SQLite returns dates and times as text)
        self.converters = [
            (i, f, convs)
            for i, f in enumerate(fields)
            if (convs := [*connection.ops.get_db_converters(f.cached_col), *f.get_db_converters(connection)])
        ]

    def get(self, code: str) -> Organization | None:
        with connection.cursor() as cursor:
            cursor.execute(self.sql, [code])
            row = cursor.fetchone()
        if row is None:
            return None
        values = list(row)
        for i, f, converters in self.converters:
            if values[i] is not None:
                for convert in converters:
                    values[i] = convert(values[i], f.cached_col, connection)
        org: Organization | None = None
        at = 0
        for attr, model, names, rel in self.parts:
            chunk, at = values[at : at + len(names)], at + len(names)
            if attr is None:
                org = Organization.from_db(connection.alias, names, chunk)
                continue
            assert org is not None
            # cached on the relation, a LEFT JOIN that found nothing included: the relation is then
            # known to be empty and reading it raises DoesNotExist without a query (setattr(None)
            # would clear the cache instead, and the first read would query)
            related = None if chunk[0] is None else model.from_db(connection.alias, names, chunk)
            if rel is None:
                setattr(org, attr, related)
            else:
                rel.set_cached_value(org, related)
        return org


_prepared: dict[tuple[str, tuple[str, ...]], _Prepared] = {}


def access_organization(principal: Any, code: str, *, related: tuple[str, ...] = ()) -> Organization:
    """One organization by its code (with its region, and the reverse one-to-one relations named in
    ``related``), or 404 — the same for missing and out of scope.

    One prepared statement instead of a queryset: the lookup by code is what other departments'
    systems call thousands of times a second, and building and compiling the ORM query cost about
    half of each request's CPU. The scope rule is `restrict`'s (the region path at or below the
    principal's), applied to the one row."""
    path = scope_path_of(principal)
    if path is None:
        raise Http404
    key = (connection.vendor, related)
    prepared = _prepared.get(key) or _prepared.setdefault(key, _Prepared(related))
    org = prepared.get(str(code).strip().upper())
    if org is None:
        raise Http404
    if is_street_scope(path):
        # a street account (乡镇/街道): the organization's street, read only for such accounts
        street = org.street.path if org.street_id is not None else ""
        if not street.startswith(path):
            raise Http404
    elif not org.region.path.startswith(path):
        raise Http404
    return org


def access_persons(principal: Any) -> QuerySet[Person]:
    """Persons who hold or held a post in an organization within scope (every person for national
    scope, as `restrict` gives it every row). A post held for an identity check (``Role.stated_name``)
    gives no access: its filer must not read the person it was filed against."""
    if scope_path_of(principal) == "":
        return Person.objects.all()
    scoped_orgs = access_organizations(principal).values("pk")
    posts = Role.objects.filter(CONFIRMED_ROLE, organization__in=scoped_orgs)
    return Person.objects.filter(pk__in=posts.values("person_id"))


def access_person(principal: Any, pk: Any) -> Person:
    return get_or_404(access_persons(principal), pk=pk)


def access_held_role(principal: Any, person: Person, pk: Any) -> Role:
    """A post of ``person`` held for an identity check, for staff who read both the person (through
    a confirmed post) and the post's organization: only they can tell whether it is the same person."""
    held = access_roles(principal).filter(person=person).exclude(CONFIRMED_ROLE)
    return get_or_404(held, pk=pk)


def access_roles(principal: Any) -> QuerySet[Role]:
    return restrict(
        Role.objects.select_related("person", "organization"), principal, "organization__region__path"
    )


def access_regions(principal: Any) -> QuerySet[Region]:
    """The current regions a principal may register organizations in: its own and those below."""
    regions = Region.objects.filter(active=True).exclude(
        level=RegionLevel.STREET.value
    )  # none registers in a street
    return restrict(regions, principal, "path").order_by("path")


def access_branch(principal: Any, code: str, pk: Any) -> Branch:
    """A branch or office of the organization ``code`` within scope, or 404."""
    org = access_organization(principal, code)
    return get_or_404(Branch.objects.filter(organization=org).select_related("organization"), pk=pk)


def registered_organization(code: str) -> Organization | None:
    """Any organization by its exact 统一社会信用代码, for the public pages: every organization's
    registration is public (登记信息, rules.md R1.3), so no principal scopes it. What else of it the
    public may read is ``portal.public``'s to decide."""
    return Organization.objects.select_related("region").filter(code=code).first() if code else None
