"""名称/代码检索 — organization search by name, former name (曾用名) or code through indexes, for
the staff list, the API and the public portal.

`search(queryset, query)` narrows any scoped queryset (a principal's organizations, the public
ones) to the matches of `query` (the rule is `socredit.core.search.matches`) and orders them.

How the indexes are asked (migrations 0005 and 0007 hold the tables and triggers), each part one
indexed statement read up to ``CANDIDATE_CAP + 1`` rows:
- names and former names: 3+ characters from the trigram index (SQLite FTS5 ``MATCH`` with the
  query as one string literal; PostgreSQL ``ILIKE`` served by the pg_trgm GIN indexes), 1–2
  characters from the gram table (with SQLite's trigram tokenizer such queries silently find
  nothing). The trigram index holds no codes: digit trigrams are in every code;
- codes, only for a query of code characters (a 统一社会信用代码 is digits and capitals, folded
  as the rule folds): a prefix is a range of the code's index; 3+ characters inside the code come
  from the code tables (`core.search.code_parts`): tail suffixes, the distinct heads (authority,
  type, region) and ranges of the code after a head.
The ids are gathered once (``cache`` keeps them for a caller that applies the same search twice);
- at most `CANDIDATE_CAP` of them: the result is those ids (one parameter: a JSON or array value)
  ordered by relevance (exact code, exact name, prefix, other), then name and id. On SQLite every
  index answers exactly the rule (the trigram index holds the names folded as the rule folds them,
  the gram and code tables are exact), so no row is filtered again; PostgreSQL's ``ILIKE`` folds
  every alphabet, and its candidates are filtered by the rule;
- more ("broad"): sorting them all would cost more than the page is worth: the result is the exact
  rule walked in id order (the order organizations were entered). On SQLite a name query's walk
  follows its index (the trigram index, or the gram table for one or two characters), which gives
  the ids in that order: a page reads about its own rows. Elsewhere the table is walked: at least
  `CANDIDATE_CAP` of N organizations match, so a page of 25 is found after reading about 25·N/CAP
  rows (12,500 at a million) wherever the matches lie. Name order would not do: names begin with
  their place, so the matches of "郑州" sit together in name order and a walk would read most of the
  table before them. Relevance tiers are then not applied (the portal puts exact names first).
  Callers may sort fewer (``cap``): the public portal sorts up to 1,000 (`portal.public.SEARCH_CAP`).

Counting (`match_count`, a product decision): a search with at most `CANDIDATE_CAP` candidates is
counted exactly among them (a few thousand rows at most); a broad one is not counted, since
counting up to 1,001 of them reads up to 1,001·N/CAP rows (130–210 ms at a million): the caller
says "more than `CANDIDATE_CAP`" when the search is its only filter, and shows no count otherwise.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction
from django.db.models import Case, F, Func, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from socredit.apps.registry.models import Organization
from socredit.common.sql import values_subquery
from socredit.core.search import (
    CODE_END,
    MAX_QUERY,
    SHORT_QUERY,
    code_parts,
    fold,
    fts_literal,
    is_code_text,
    like_literal,
    normalise,
)

CANDIDATE_CAP = 2000
"""Above this many candidates the result is walked in id order instead of sorted, and not counted."""


# The statements below are fixed SQL (column expressions chosen by vendor); values are parameters.


def _code_range(column: str, low: str, high: str) -> str:
    """``low <= column < high`` by code points, served by an index of the code: SQLite's binary
    order; on PostgreSQL the pattern operators, which the code's ``varchar_pattern_ops`` index
    (Django's, for a unique CharField) serves whatever the database's collation."""
    if connection.vendor == "postgresql":
        return f"{column} ~>=~ {low} AND {column} ~<~ {high}"
    return f"{column} >= {low} AND {column} < {high}"


def _parts(query: str, limit: int) -> list[tuple[str, list[Any]]]:
    """The indexed statements whose ids (one column, ``id``) together are a superset of the matches of
    ``query`` (normalised), each reading at most ``limit`` rows. A statement alone gives each id once."""
    code = fold(query)
    parts: list[tuple[str, list[Any]]] = []
    if is_code_text(code):
        parts.append((f"SELECT id FROM registry_organization WHERE {_code_range('code', '%s', '%s')} LIMIT %s",  # noqa: S608
                      [code, code + CODE_END, limit]))  # fmt: skip
        if len(code) >= SHORT_QUERY:
            parts.extend(_code_substring(code, limit))
    if len(query) < SHORT_QUERY:
        parts.append(("SELECT organization_id AS id FROM registry_org_gram WHERE gram = upper(%s) LIMIT %s",
                      [query, limit]))  # fmt: skip
    elif connection.vendor == "postgresql":
        pattern = "%" + like_literal(query) + "%"
        parts.append(("SELECT id FROM registry_organization WHERE name ILIKE %s OR former_names ILIKE %s LIMIT %s",
                      [pattern, pattern, limit]))  # fmt: skip
    else:
        parts.append(("SELECT rowid AS id FROM registry_org_search WHERE registry_org_search MATCH %s LIMIT %s",
                      [fts_literal(code), limit]))  # fmt: skip
    return parts


def _code_substring(code: str, limit: int) -> list[tuple[str, list[Any]]]:
    """Codes holding ``code`` (3+ code characters) anywhere: see `core.search.code_parts`."""
    parts = code_parts(code)
    head = '(h.head || %s) COLLATE "default"' if connection.vendor == "postgresql" else "(h.head || %s)"
    org_range = _code_range("o.code", head, head)  # PostgreSQL: the code index's collation, not the head's
    # each head, then its codes by the code's index: PostgreSQL's planner, hoping a LIMIT ends a scan of
    # the organizations early, would otherwise test every organization against every head (OFFSET 0
    # keeps it from flattening the subquery back into that join)
    if connection.vendor == "postgresql":
        codes_of_heads = (
            f"CROSS JOIN LATERAL (SELECT id FROM registry_organization o WHERE {org_range} OFFSET 0) o"  # noqa: S608
        )
    else:
        codes_of_heads = f"JOIN registry_organization o ON {org_range}"
    out: list[tuple[str, list[Any]]] = [
        ("SELECT organization_id AS id FROM registry_code_tail WHERE suffix >= %s AND suffix < %s LIMIT %s",
         [code, code + CODE_END, limit]),
        (f"SELECT o.id FROM (SELECT DISTINCT head FROM registry_code_head WHERE s >= %s AND s < %s) h "  # noqa: S608
         f"{codes_of_heads} LIMIT %s", [code, code + CODE_END, "", CODE_END, limit]),
    ]  # fmt: skip
    if parts.crossing:
        # a head that ends with the query's start joined to the codes of that head followed by the rest;
        # asked only when some tail begins with the rest (one probe, run once: most starts are pruned)
        union = " UNION ALL ".join(
            f"SELECT o.id FROM registry_code_head h {codes_of_heads} WHERE h.s = %s "  # noqa: S608
            "AND EXISTS (SELECT 1 FROM registry_code_tail WHERE suffix >= %s AND suffix < %s)"
            for _ in parts.crossing
        )
        params = [
            p for start, rest in parts.crossing for p in (rest, rest + CODE_END, start, rest, rest + CODE_END)
        ]
        out.append((f"SELECT id FROM ({union}) AS crossing LIMIT %s", [*params, limit]))  # noqa: S608 — fixed SQL
    return out


def candidates(query: str, cap: int | None = None) -> list[int]:
    """Ids the indexes offer for ``query`` (normalised), sorted; stops once more than ``cap``
    distinct ones are found (then "many", and not all of them)."""
    cap = CANDIDATE_CAP if cap is None else cap
    found: set[int] = set()
    with connection.cursor() as cursor:
        for sql, params in _parts(query, cap + 1):
            cursor.execute(sql, params)
            found.update(row[0] for row in cursor.fetchall())
            if len(found) > cap:
                break
    return sorted(found)


def candidates_json(query: str, cache: dict[Any, list[int]], cap: int | None = None) -> tuple[int, str]:
    """SQLite: how many ids the indexes offer for ``query`` (normalised; more than ``cap`` means
    "many") and, when not many, the ids as a JSON array for ``json_each``. A query one index answers
    (a name, not a code) is asked in one statement that returns the ids as one text, so that up to
    ``cap`` of them never become Python objects (about a millisecond at 2,000); others, and a broad
    result (kept in ``cache`` for `search` and `match_count`), go through ``candidates``."""
    cap = CANDIDATE_CAP if cap is None else cap
    parts = [] if (query, cap) in cache else _parts(query, cap + 1)
    if len(parts) == 1:
        sql, params = parts[0]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*), group_concat(id) FROM ({sql})", params)  # noqa: S608 — fixed SQL
            n, ids = cursor.fetchone()
        if n <= cap:
            return n, f"[{ids or ''}]"
        cache[query, cap] = [int(i) for i in ids.split(",")]
    found = _cached(query, cap, cache)
    return len(found), json.dumps(found) if len(found) <= cap else ""


def candidate_count(query: str, cap: int | None = None) -> int:
    """How many organizations the indexes offer for ``query`` (normalised), counted up to ``cap + 1``
    at least when there are more: more than ``cap`` means "many"."""
    cap = CANDIDATE_CAP if cap is None else cap
    return len(candidates(query, cap))


def _ids(ids: list[int]) -> RawSQL:
    """A list of ids as one parameter (a subquery), not thousands of them."""
    sql, params = values_subquery(ids, pg_type="bigint")
    return RawSQL(sql, params)  # noqa: S611 - the SQL is fixed text; the ids are one bound parameter


def matching(query: str) -> Q:
    """The exact rule of `socredit.core.search.matches` as a filter (``query`` normalised)."""
    code = fold(query)
    rule = Q(name__icontains=query) | Q(former_names__icontains=query) | Q(code__startswith=code)
    if len(query) >= SHORT_QUERY:
        rule |= Q(code__contains=code)
    return rule


class _SqliteRelevance(Func):
    """The relevance tiers as one CASE over the code and name columns (qualified by the query's own
    aliases): cheaper to build and to run over a couple of thousand rows than the ORM's ``Case``.
    SQLite's ``LIKE`` folds ASCII letters only, as the rule does."""

    output_field = IntegerField()

    def __init__(self, query: str) -> None:
        super().__init__(F("code"), F("name"))
        self.query = query

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        (code_sql, code_params), (name_sql, name_params) = (
            compiler.compile(e) for e in self.source_expressions
        )
        return sqlite_relevance_sql(code_sql, name_sql, self.query, code_params, name_params)


def sqlite_relevance_sql(
    code_sql: str, name_sql: str, query: str, code_params: Sequence[Any] = (), name_params: Sequence[Any] = ()
) -> tuple[str, list[Any]]:
    """The relevance tiers over SQLite columns (or column expressions with their parameters) as one
    ``CASE``: the ORM's ``relevance`` and the portal's one-statement page share it."""
    code, name = fold(query), like_literal(query)
    if not is_code_text(code) and not any(c.isascii() and c.isalpha() for c in query):
        # no code can equal or begin with the query, and without a letter that LIKE folds, LIKE with no
        # wildcard is equality: plain comparisons, about a third of the cost over 2,000 names
        sql = f"CASE WHEN {name_sql} = %s THEN 1 WHEN substr({name_sql}, 1, %s) = %s THEN 2 ELSE 3 END"
        return sql, [*name_params, query, *name_params, len(query), query]
    sql = (f"CASE WHEN {code_sql} = %s THEN 0 WHEN {name_sql} LIKE %s ESCAPE '\\' THEN 1 "
           f"WHEN {name_sql} LIKE %s ESCAPE '\\' OR substr({code_sql}, 1, %s) = %s THEN 2 ELSE 3 END")  # fmt: skip
    return sql, [
        *code_params, code, *name_params, name, *name_params, name + "%", *code_params, len(code), code,
    ]  # fmt: skip


def relevance(query: str) -> Case | Func:
    """0 exact code, 1 exact name, 2 name or code prefix, 3 other (as `core.search.relevance`):
    on SQLite one CASE in SQL, on PostgreSQL the ORM's."""
    if connection.vendor == "sqlite":
        return _SqliteRelevance(query)
    code = fold(query)
    return Case(
        When(code=code, then=Value(0)),
        When(name__iexact=query, then=Value(1)),
        When(Q(name__istartswith=query) | Q(code__startswith=code), then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )


def _cached(q: str, cap: int, cache: dict[Any, list[int]] | None) -> list[int]:
    cache = {} if cache is None else cache
    if (q, cap) not in cache:
        cache[q, cap] = candidates(q, cap)
    return cache[q, cap]


def is_broad(query: str | None, *, cap: int | None = None, cache: dict[Any, list[int]] | None = None) -> bool:
    """True when more than ``cap`` organizations (of all) are offered for ``query``: walked, not sorted,
    not counted."""
    cap = CANDIDATE_CAP if cap is None else cap
    q = normalise(query)
    return bool(q) and len(q) <= MAX_QUERY and len(_cached(q, cap, cache)) > cap


def search(
    queryset: QuerySet[Organization],
    query: str | None,
    *,
    cap: int | None = None,
    cache: dict[Any, list[int]] | None = None,
) -> QuerySet[Organization]:
    """``queryset`` narrowed to the organizations matching ``query`` and ordered (see the module
    docstring); an empty query leaves it as it is, a query longer than any name finds nothing.
    Any text is a plain string: quotes, ``*``, ``NEAR``, ``%`` or punctuation alone are searched
    for as typed, never interpreted. ``cache`` (a dict) keeps the candidates for a caller that
    applies the same search twice (the list page filters once for the rows, once for the counts)."""
    cap = CANDIDATE_CAP if cap is None else cap
    q = normalise(query)
    if not q:
        return queryset
    if len(q) > MAX_QUERY:
        return queryset.none()
    ids = _cached(q, cap, cache)
    if len(ids) > cap:
        return _walk_in_id_order(queryset, q)
    if not ids:
        return queryset.none()
    found = queryset.filter(pk__in=_ids(ids))
    if connection.vendor != "sqlite":  # ILIKE folds more than the rule: filter by the rule again
        found = found.filter(matching(q))
    return found.alias(search_relevance=relevance(q)).order_by("search_relevance", "name_sort", "name", "pk")


def _walk_in_id_order(queryset: QuerySet[Organization], q: str) -> QuerySet[Organization]:
    """A broad search's result: the exact rule in id order. On SQLite, a name query that cannot be
    part of a code is answered by the trigram index alone, and the index gives its ids in ascending
    order: the walk joins the index to the organizations in that order, so a page of 25 reads about
    25 matches whatever their number (0.1 ms for 166,000 matches of 服务中心 at a million, where the
    walk over the table read about 25·N/CAP rows, 5–10 ms). A one- or two-character name query is
    answered by the gram table alone, whose key orders each gram's organizations by id: the same
    walk. Elsewhere the table is walked in id order under the rule."""
    if connection.vendor == "sqlite" and not is_code_text(fold(q)):
        # a join to the index tables has no ORM expression; extra() keeps the result a queryset that
        # callers can filter and page like any other (the condition values are parameters)
        if len(q) >= SHORT_QUERY:
            return queryset.extra(  # noqa: S610 — fixed SQL, the query is a parameter
                tables=["registry_org_search"],
                where=[
                    "registry_org_search.rowid = registry_organization.id",
                    "registry_org_search MATCH %s",
                ],
                params=[fts_literal(fold(q))],
                order_by=["registry_org_search.rowid"],
            )
        return queryset.extra(  # noqa: S610 — as above
            tables=["registry_org_gram"],
            where=["registry_org_gram.organization_id = registry_organization.id",
                   "registry_org_gram.gram = upper(%s)"],
            params=[q],
            order_by=["registry_org_gram.organization_id"],
        )  # fmt: skip
    return queryset.filter(matching(q)).order_by("pk")


def match_count(
    searched: QuerySet[Organization],
    query: str | None,
    *,
    cap: int | None = None,
    cache: dict[Any, list[int]] | None = None,
) -> int | None:
    """How many rows ``searched`` (a queryset `search` narrowed by ``query``, other filters allowed)
    holds: exact when the search is not broad (counted among at most ``cap`` candidates), None when
    it is (not counted: see the module docstring)."""
    cap = CANDIDATE_CAP if cap is None else cap
    if is_broad(query, cap=cap, cache=cache):
        return None
    return searched.count()


def rebuild_index() -> None:
    """Rebuild the search index from the organization table in a few set-based statements: after a
    bulk load that ran with its triggers suspended (`socredit.common.bulkload`), or to repair it.
    The rows are those the triggers of migrations 0005 and 0007 write, for every organization at once;
    each statement reads positions by a condition on the position alone (a key range per organization)
    and inserts in the target's key order (appending to its b-tree instead of inserting at random)."""
    text = "o.name || {nl} || o.former_names"
    with transaction.atomic(), connection.cursor() as cursor:
        for table in ("registry_org_gram", "registry_code_tail", "registry_code_head"):
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 — fixed names
        if connection.vendor == "postgresql":
            # pg_trgm's GIN indexes on the names follow the table by themselves; these tables are ours
            t = text.format(nl="chr(10)")
            cursor.execute(
                "INSERT INTO registry_org_gram (gram, organization_id) "  # noqa: S608 — fixed SQL
                f"SELECT DISTINCT upper(substr({t}, n, k)), o.id FROM registry_organization o, "
                f"generate_series(1, length({t})) n, (VALUES (1), (2)) g(k) WHERE n + k - 1 <= length({t})"
            )
            cursor.execute(
                "INSERT INTO registry_code_head (s, head) SELECT DISTINCT substr(upper(o.code), n, 9 - n), "
                "substr(upper(o.code), 1, 8) FROM registry_organization o, "
                "generate_series(1, least(8, length(o.code))) n"
            )
            cursor.execute(
                "INSERT INTO registry_code_tail (suffix, organization_id) SELECT DISTINCT substr(upper(o.code), n), "
                "o.id FROM registry_organization o, generate_series(9, length(o.code) - 2) n"
            )
            return
        t = text.format(nl="char(10)")
        # contentless trigram table (names folded as the rule folds them): emptied by its own command
        cursor.execute("INSERT INTO registry_org_search (registry_org_search) VALUES ('delete-all')")
        cursor.execute(
            "INSERT INTO registry_org_search (rowid, name, former_names) "
            "SELECT id, upper(name), upper(former_names) FROM registry_organization"
        )
        # one b-tree segment instead of the several the load leaves: a long name query walks each
        # segment's lists (under a second at a million)
        cursor.execute("INSERT INTO registry_org_search (registry_org_search) VALUES ('optimize')")
        cursor.execute(
            "INSERT OR IGNORE INTO registry_org_gram (gram, organization_id) SELECT g, id FROM ("  # noqa: S608 — fixed SQL
            f"SELECT upper(substr({t}, p.n, 1)) AS g, o.id AS id FROM registry_organization o "
            f"JOIN registry_search_position p ON p.n <= length({t}) UNION ALL "
            f"SELECT upper(substr({t}, p.n, 2)), o.id FROM registry_organization o "
            f"JOIN registry_search_position p ON p.n < length({t})) ORDER BY g, id"
        )
        cursor.execute(
            "INSERT OR IGNORE INTO registry_code_head (s, head) SELECT DISTINCT substr(upper(o.code), p.n, 9 - p.n) "
            "AS s, substr(upper(o.code), 1, 8) AS head FROM registry_organization o JOIN registry_search_position p "
            "ON p.n <= min(8, length(o.code)) ORDER BY s, head"
        )
        cursor.execute(
            "INSERT OR IGNORE INTO registry_code_tail (suffix, organization_id) SELECT substr(upper(o.code), p.n) "
            "AS suffix, o.id FROM registry_organization o JOIN registry_search_position p "
            "ON p.n >= 9 AND p.n <= length(o.code) - 2 ORDER BY suffix, o.id"
        )
