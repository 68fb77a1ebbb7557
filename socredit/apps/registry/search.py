"""名称/代码检索 — organization search by name, former name (曾用名) or code through an index, for
the staff list, the API and the public portal.

`search(queryset, query)` narrows any scoped queryset (a principal's organizations, the public
ones) to the matches of `query` (the rule is `socredit.core.search.matches`) and orders them.

How the index is asked (see migration 0005 for the tables and triggers):
- candidates come from an index: 3+ characters from the trigram index (SQLite FTS5 ``MATCH`` with
  the query as one string literal; PostgreSQL ``ILIKE`` served by the pg_trgm GIN indexes), 1–2
  characters from the gram table (with SQLite's trigram tokenizer such queries silently find
  nothing), code prefixes from the code's unique index (a range, so SQLite's index serves it);
- when there are at most `CANDIDATE_CAP` of them, the result is those ids, filtered again by the
  exact rule and ordered by relevance (exact code, exact name, prefix, other), then name and id;
- when there are more, sorting them all would cost more than the page is worth: the result is the
  exact rule walked in id order (the order organizations were entered). At least `CANDIDATE_CAP`
  of N organizations match, so a page of 25 is found after reading about 25·N/CAP rows (12,500 at a
  million) wherever the matches lie. Name order would not do: names begin with their place, so the
  matches of "郑州" or "5141" sit together in name order and a walk would read most of the table
  before them. Relevance tiers are then not applied.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, transaction
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from socredit.apps.registry.models import Organization
from socredit.core.search import MAX_QUERY, SHORT_QUERY, fold, fts_literal, like_literal, normalise

CANDIDATE_CAP = 2000
"""Above this many candidates the result is walked in id order instead of sorted."""
CODE_END = "~"
"""Sorts after every code character ([0-9A-Z]) in byte order: ``code >= q AND code < q || '~'``."""


def _candidates(query: str, cap: int) -> tuple[str, list[Any]]:
    """One statement giving the ids found by the indexes, up to ``cap + 1`` from each (a superset
    of the matches when fewer): the code prefix from the code index, and the name/former-name/code
    substring from the gram table (1–2 characters) or the trigram index (3+)."""
    limit = cap + 1
    code = fold(query)
    parts: list[tuple[str, list[Any]]] = []
    if connection.vendor == "postgresql":
        parts.append(("SELECT id FROM registry_organization WHERE code LIKE %s LIMIT %s",
                      [like_literal(code) + "%", limit]))  # fmt: skip
    else:
        parts.append(("SELECT id FROM registry_organization WHERE code >= %s AND code < %s LIMIT %s",
                      [code, code + CODE_END, limit]))  # fmt: skip
    if len(query) < SHORT_QUERY:
        parts.append(("SELECT organization_id FROM registry_org_gram WHERE gram = upper(%s) LIMIT %s",
                      [query, limit]))  # fmt: skip
    elif connection.vendor == "postgresql":
        pattern = "%" + like_literal(query) + "%"
        parts.append(("SELECT id FROM registry_organization WHERE name ILIKE %s OR former_names ILIKE %s "
                      "OR code ILIKE %s LIMIT %s", [pattern, pattern, pattern, limit]))  # fmt: skip
    else:
        parts.append(("SELECT rowid FROM registry_org_search WHERE registry_org_search MATCH %s LIMIT %s",
                      [fts_literal(query), limit]))  # fmt: skip
    sql = " UNION ".join(f"SELECT * FROM ({part}) AS part{i}" for i, (part, _p) in enumerate(parts))  # noqa: S608 — fixed SQL, values are parameters
    return sql, [p for _s, params in parts for p in params]


def candidate_count(query: str, cap: int = CANDIDATE_CAP) -> int:
    """How many organizations the indexes offer for ``query`` (normalised), counted up to about
    ``cap + 1`` per index: more than ``cap`` means "many"."""
    sql, params = _candidates(query, cap)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sql}) AS candidates", params)  # noqa: S608 — as above
        return int(cursor.fetchone()[0])


def matching(query: str) -> Q:
    """The exact rule of `socredit.core.search.matches` as a filter (``query`` normalised)."""
    code = fold(query)
    rule = Q(name__icontains=query) | Q(former_names__icontains=query) | Q(code__startswith=code)
    if len(query) >= SHORT_QUERY:
        rule |= Q(code__contains=code)
    return rule


def relevance(query: str) -> Case:
    """0 exact code, 1 exact name, 2 name or code prefix, 3 other (as `core.search.relevance`)."""
    code = fold(query)
    return Case(
        When(code=code, then=Value(0)),
        When(name__iexact=query, then=Value(1)),
        When(Q(name__istartswith=query) | Q(code__startswith=code), then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )


def search(
    queryset: QuerySet[Organization],
    query: str | None,
    *,
    cap: int = CANDIDATE_CAP,
    cache: dict[Any, int] | None = None,
) -> QuerySet[Organization]:
    """``queryset`` narrowed to the organizations matching ``query`` and ordered (see the module
    docstring); an empty query leaves it as it is, a query longer than any name finds nothing.
    Any text is a plain string: quotes, ``*``, ``NEAR``, ``%`` or punctuation alone are searched
    for as typed, never interpreted. ``cache`` (a dict) keeps the index's count for a caller that
    applies the same search twice (the list page filters once for the rows, once for the counts)."""
    q = normalise(query)
    if not q:
        return queryset
    if len(q) > MAX_QUERY:
        return queryset.none()
    cache = {} if cache is None else cache
    if (q, cap) not in cache:
        cache[q, cap] = candidate_count(q, cap)
    if cache[q, cap] > cap:
        return queryset.filter(matching(q)).order_by("pk")
    # The candidates as a subquery, not as a list of ids: thousands of parameters cost more than the search.
    return (
        queryset.filter(pk__in=RawSQL(*_candidates(q, cap)))  # noqa: S611 — fixed SQL, the query is a parameter
        .filter(matching(q))
        .alias(search_relevance=relevance(q))
        .order_by("search_relevance", "name", "pk")
    )


def rebuild_index() -> None:
    """Rebuild the search index from the organization table in a few set-based statements: after a
    bulk load that ran with its triggers suspended (`socredit.common.bulkload`), or to repair it.
    The same statements as the migration that made the index, for every organization at once."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM registry_org_gram")
        if connection.vendor == "postgresql":
            # pg_trgm's GIN indexes follow the table by themselves; the gram table is ours
            cursor.execute(
                "INSERT INTO registry_org_gram (gram, organization_id) "
                "SELECT DISTINCT upper(substr(o.name || chr(10) || o.former_names, n, k)), o.id "
                "FROM registry_organization o, "
                "generate_series(1, length(o.name || chr(10) || o.former_names)) n, (VALUES (1), (2)) g(k) "
                "WHERE n + k - 1 <= length(o.name || chr(10) || o.former_names)"
            )
            return
        cursor.execute("INSERT INTO registry_org_search (registry_org_search) VALUES ('rebuild')")
        # sorted by the table's key: appending to the b-tree instead of inserting at random places
        # one range of positions per organization and gram length (a condition on p.n alone, so the
        # position table's key serves it: 25 rows an organization, not all 2,000 positions)
        cursor.execute(
            "INSERT OR IGNORE INTO registry_org_gram (gram, organization_id) SELECT g, id FROM ("
            "SELECT upper(substr(o.name || char(10) || o.former_names, p.n, 1)) AS g, o.id AS id "
            "FROM registry_organization o JOIN registry_search_position p "
            "ON p.n <= length(o.name || char(10) || o.former_names) UNION ALL "
            "SELECT upper(substr(o.name || char(10) || o.former_names, p.n, 2)), o.id "
            "FROM registry_organization o JOIN registry_search_position p "
            "ON p.n < length(o.name || char(10) || o.former_names)) ORDER BY g, id"
        )
