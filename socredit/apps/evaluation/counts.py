"""各区划各类组织数 — the maintained counts behind the organization list's per-level links and its
total (registry.RegionLevelCount: organizations per region, type, status, field and credit level, ""
for not yet evaluated), so that the list never counts its organizations under any combination of
those filters.

The counts are kept in step by database triggers on the organization and score tables, so every
writer (the services, imports' bulk inserts, the batch evaluation's set-based statements, raw loads)
updates them inside its own transaction. SQLite has row triggers only: each score row written costs
two single-row upserts, so the batch evaluation's bulk statement counts its own rows in one grouped
read instead (``counted_by_writer``, about 5× cheaper on a first national evaluation). PostgreSQL
uses statement triggers over transition tables: one grouped upsert per statement, whatever its size.
``rebuild_counts`` recounts everything from the tables (after a raw load made with the triggers
dropped, or to repair); ``check_counts`` compares.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction

ORGS = "registry_organization"
SCORES = "evaluation_creditscore"
REGIONS = "registry_region"
COUNTS = "registry_regionlevelcount"
NATIONAL = "registry_nationalcount"
"""The same counts summed over the whole country (registry.NationalCount), kept by the same triggers."""
NATION = 0
"""The region id under which check_counts() reports the national counts (region ids start at 1)."""
NOT_EVALUATED = ""
KIND = ("region_id", "org_type", "status", "field")
"""The organization's columns a count is kept by (with its credit level)."""
KEY = (*KIND, "level")
_KEY = ", ".join(KEY)
_NKEY = ", ".join(KEY[1:])

Key = tuple[int, str, str, str, str]
"""(region id, type, status, field, level) of one maintained count."""


_TABLES = ((COUNTS, KEY), (NATIONAL, KEY[1:]))
"""Each maintained table with its key: the region's counts and the nation's (the same without the region)."""


def _add(kind: tuple[str, ...], level: str) -> str:
    """Count one more organization of this kind (column expressions of the trigger's row) and level."""
    values = dict(zip(KEY, (*kind, level), strict=True))
    return " ".join(
        f"INSERT INTO {table} ({', '.join(key)}, n) VALUES ({', '.join(values[c] for c in key)}, 1) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET n = n + excluded.n;"
        for table, key in _TABLES
    )


def _remove(kind: tuple[str, ...], level: str) -> str:
    # A decrement needs no new row (the one it lowers exists): an upsert here would insert a row for
    # a region already gone when a whole database is emptied (a test's flush), failing its FK check.
    values = dict(zip(KEY, (*kind, level), strict=True))
    return " ".join(
        f"UPDATE {table} SET n = n - 1 WHERE {' AND '.join(f'{c} = {values[c]}' for c in key)};"
        for table, key in _TABLES
    )


def _add_of(org_id: str, level: str) -> str:
    """Count one more organization ``org_id`` (its kind read from its row) at this level. Only while
    its region exists: when a whole database is emptied (a test's flush, in any table order) the
    scores may go after the regions, and a count row for a region already gone fails its FK check."""
    return " ".join(
        f"INSERT INTO {table} ({', '.join(key)}, n) SELECT {', '.join(f'o.{c}' for c in key[:-1])}, {level}, 1 "
        f"FROM {ORGS} o JOIN {REGIONS} r ON r.id = o.region_id WHERE o.id = {org_id} "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET n = n + excluded.n;"
        for table, key in _TABLES
    )


def _remove_of(org_id: str, level: str) -> str:
    return " ".join(
        f"UPDATE {table} SET n = n - 1 WHERE id = (SELECT c.id FROM {ORGS} o JOIN {table} c ON "
        f"{' AND '.join(f'c.{c} = o.{c}' for c in key[:-1])} WHERE o.id = {org_id} AND c.level = {level});"
        for table, key in _TABLES
    )


def _row_kind(row: str) -> tuple[str, ...]:
    return tuple(f"{row}.{c}" for c in KIND)


_ORG_LEVEL = f"COALESCE((SELECT level FROM {SCORES} WHERE organization_id = {{row}}.id), '')"
DEFERRED = "levelcount_deferred"
"""A one-row flag table (SQLite): while a row is in it, the score triggers leave the counting to the
writer, which counts its whole statement at once (``counted_by_writer``). Set and cleared inside the
writer's transaction, so no other connection ever sees it."""
_COUNTED = f"NOT EXISTS (SELECT 1 FROM {DEFERRED})"
_KIND_CHANGED = " OR ".join(f"OLD.{c} <> NEW.{c}" for c in KIND)

SQLITE_TRIGGERS = {
    "levelcount_org_insert": f"""CREATE TRIGGER levelcount_org_insert AFTER INSERT ON {ORGS} BEGIN
        {_add(_row_kind("NEW"), _ORG_LEVEL.format(row="NEW"))} END""",
    "levelcount_org_delete": f"""CREATE TRIGGER levelcount_org_delete AFTER DELETE ON {ORGS} BEGIN
        {_remove(_row_kind("OLD"), _ORG_LEVEL.format(row="OLD"))} END""",
    "levelcount_org_update": f"""CREATE TRIGGER levelcount_org_update AFTER UPDATE OF {", ".join(KIND)} ON {ORGS}
        WHEN {_KIND_CHANGED} BEGIN
        {_remove(_row_kind("OLD"), _ORG_LEVEL.format(row="NEW"))}
        {_add(_row_kind("NEW"), _ORG_LEVEL.format(row="NEW"))} END""",
    "levelcount_score_insert": f"""CREATE TRIGGER levelcount_score_insert AFTER INSERT ON {SCORES}
        WHEN {_COUNTED} BEGIN
        {_remove_of("NEW.organization_id", "''")}
        {_add_of("NEW.organization_id", "NEW.level")} END""",
    "levelcount_score_update": f"""CREATE TRIGGER levelcount_score_update AFTER UPDATE OF level ON {SCORES}
        WHEN OLD.level <> NEW.level AND {_COUNTED} BEGIN
        {_remove_of("NEW.organization_id", "OLD.level")}
        {_add_of("NEW.organization_id", "NEW.level")} END""",
    "levelcount_score_delete": f"""CREATE TRIGGER levelcount_score_delete AFTER DELETE ON {SCORES}
        WHEN {_COUNTED} BEGIN
        {_remove_of("OLD.organization_id", "OLD.level")}
        {_add_of("OLD.organization_id", "''")} END""",
}
RETIRED = {"levelcount_org_move": ORGS}
"""Triggers of earlier versions (by name → table), dropped when the current ones are installed."""


def _pg_function(name: str, deltas: str) -> str:
    """A statement trigger function: ``deltas`` selects (region_id, org_type, status, field, level, d)
    rows from the transition tables ``new_rows``/``old_rows``; they are summed per key and upserted at
    once, into the region's counts and the nation's (one read of the deltas for both)."""
    return f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      WITH x AS MATERIALIZED ({deltas}), regional AS (
        INSERT INTO {COUNTS} AS c ({_KEY}, n)
        SELECT {_KEY}, sum(d) FROM x GROUP BY {_KEY} HAVING sum(d) <> 0
        ON CONFLICT ({_KEY}) DO UPDATE SET n = c.n + excluded.n
      )
      INSERT INTO {NATIONAL} AS c ({_NKEY}, n)
      SELECT {_NKEY}, sum(d) FROM x GROUP BY {_NKEY} HAVING sum(d) <> 0
      ON CONFLICT ({_NKEY}) DO UPDATE SET n = c.n + excluded.n;
      RETURN NULL;
    END $$"""


def _cols(alias: str) -> str:
    return ", ".join(f"{alias}.{c}" for c in KIND)


_PG_LEVEL_OF = f"COALESCE((SELECT s.level FROM {SCORES} s WHERE s.organization_id = {{row}}.id), '')"
_PG_MOVED = "FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE " + " OR ".join(
    f"n.{c} IS DISTINCT FROM o.{c}" for c in KIND
)
PG_FUNCTIONS = {
    "levelcount_org_insert": f"SELECT {_cols('r')}, {_PG_LEVEL_OF.format(row='r')} AS level, 1 AS d FROM new_rows r",
    "levelcount_org_delete": f"SELECT {_cols('r')}, {_PG_LEVEL_OF.format(row='r')} AS level, -1 AS d FROM old_rows r",
    "levelcount_org_update": (
        f"SELECT {_cols('o')}, {_PG_LEVEL_OF.format(row='n')} AS level, -1 AS d {_PG_MOVED} UNION ALL "
        f"SELECT {_cols('n')}, {_PG_LEVEL_OF.format(row='n')}, 1 {_PG_MOVED}"
    ),
    "levelcount_score_insert": (
        f"SELECT {_cols('g')}, n.level, 1 AS d FROM new_rows n JOIN {ORGS} g ON g.id = n.organization_id UNION ALL "
        f"SELECT {_cols('g')}, '', -1 FROM new_rows n JOIN {ORGS} g ON g.id = n.organization_id"
    ),
    "levelcount_score_update": (
        f"SELECT {_cols('g')}, o.level, -1 AS d FROM old_rows o JOIN new_rows n USING (organization_id) "
        f"JOIN {ORGS} g ON g.id = n.organization_id WHERE o.level <> n.level UNION ALL "
        f"SELECT {_cols('g')}, n.level, 1 FROM old_rows o JOIN new_rows n USING (organization_id) "
        f"JOIN {ORGS} g ON g.id = n.organization_id WHERE o.level <> n.level"
    ),
    "levelcount_score_delete": (
        f"SELECT {_cols('g')}, o.level, -1 AS d FROM old_rows o JOIN {ORGS} g ON g.id = o.organization_id UNION ALL "
        f"SELECT {_cols('g')}, '', 1 FROM old_rows o JOIN {ORGS} g ON g.id = o.organization_id"
    ),
}
_PG_EVENTS = {
    "levelcount_org_insert": (ORGS, "INSERT", "NEW TABLE AS new_rows"),
    "levelcount_org_delete": (ORGS, "DELETE", "OLD TABLE AS old_rows"),
    "levelcount_org_update": (ORGS, "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    "levelcount_score_insert": (SCORES, "INSERT", "NEW TABLE AS new_rows"),
    "levelcount_score_update": (SCORES, "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    "levelcount_score_delete": (SCORES, "DELETE", "OLD TABLE AS old_rows"),
}


def install_triggers(schema_editor: Any = None) -> None:
    """Create (or re-create) the counting triggers on this database."""
    with connection.cursor() as cursor:
        drop_triggers(cursor)
        if connection.vendor != "postgresql":
            cursor.execute(f"CREATE TABLE IF NOT EXISTS {DEFERRED} (id integer PRIMARY KEY)")
        if connection.vendor == "postgresql":
            for name, deltas in PG_FUNCTIONS.items():
                table, event, referencing = _PG_EVENTS[name]
                cursor.execute(_pg_function(name, deltas))
                cursor.execute(
                    f"CREATE TRIGGER {name} AFTER {event} ON {table} REFERENCING {referencing} "
                    f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()"
                )
        else:
            for sql in SQLITE_TRIGGERS.values():
                cursor.execute(sql)


def drop_triggers(cursor: Any) -> None:
    for name, table in [*((n, t) for n, (t, _e, _r) in _PG_EVENTS.items()), *RETIRED.items()]:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


@contextmanager
def counted_by_writer(cursor: Any, incoming: str, org_column: str = "org_id") -> Iterator[None]:
    """Around one bulk upsert of scores from the table ``incoming`` (organization id, level): count
    the level changes it is about to make in one grouped read, and keep the row triggers out of it.

    On PostgreSQL the statement triggers already count in bulk: nothing to do. Inside a transaction.
    """
    if connection.vendor == "postgresql":
        yield
        return
    kind = _cols("o")
    cursor.execute(
        # CROSS JOIN: SQLite then reads the incoming rows first (else, to group without sorting, it
        # walked the whole organization table in region order for one incoming row: 50 ms at a million)
        f"SELECT {kind}, COALESCE(s.level, ''), n.level, count(*) FROM {incoming} n "
        f"CROSS JOIN {ORGS} o ON o.id = n.{org_column} LEFT JOIN {SCORES} s ON s.organization_id = n.{org_column} "
        f"WHERE s.level IS NULL OR s.level <> n.level GROUP BY {kind}, 5, 6"
    )
    delta: Counter[Key] = Counter()
    for region_id, org_type, status, field, old, new, n in cursor.fetchall():
        delta[(region_id, org_type, status, field, old)] -= n
        delta[(region_id, org_type, status, field, new)] += n
    national: Counter[tuple[str, ...]] = Counter()
    for key, n in delta.items():
        national[key[1:]] += n
    cursor.executemany(
        f"INSERT INTO {COUNTS} ({_KEY}, n) VALUES (%s, %s, %s, %s, %s, %s) "
        f"ON CONFLICT ({_KEY}) DO UPDATE SET n = n + excluded.n",
        [(*key, n) for key, n in delta.items() if n],
    )
    cursor.executemany(
        f"INSERT INTO {NATIONAL} ({_NKEY}, n) VALUES (%s, %s, %s, %s, %s) "
        f"ON CONFLICT ({_NKEY}) DO UPDATE SET n = n + excluded.n",
        [(*key, n) for key, n in national.items() if n],
    )
    cursor.execute(f"INSERT INTO {DEFERRED} (id) VALUES (1) ON CONFLICT (id) DO NOTHING")
    try:
        yield
    finally:
        cursor.execute(f"DELETE FROM {DEFERRED}")


_RECOUNT = (
    f"SELECT {_cols('o')}, COALESCE(s.level, ''), count(*) FROM {ORGS} o "
    f"LEFT JOIN {SCORES} s ON s.organization_id = o.id GROUP BY {_cols('o')}, COALESCE(s.level, '')"
)


def _key(row: tuple[Any, ...]) -> Key:
    return (int(row[0]), str(row[1]), str(row[2]), str(row[3]), str(row[4]))


def recount() -> Counter[Key]:
    """(region id, type, status, field, level) → organizations, counted from the tables themselves (a
    full scan); the whole country's under region ``NATION``."""
    with connection.cursor() as cursor:
        cursor.execute(_RECOUNT)
        out = Counter({_key(row): int(row[5]) for row in cursor.fetchall()})
    for (_region, *kind), n in list(out.items()):
        out[_key((NATION, *kind))] += n
    return out


def maintained() -> Counter[Key]:
    """(region id, type, status, field, level) → organizations, as maintained (zero rows left out);
    the national counts under region ``NATION``."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {_KEY}, n FROM {COUNTS} WHERE n <> 0")
        out = Counter({_key(row): int(row[5]) for row in cursor.fetchall()})
        cursor.execute(f"SELECT {_NKEY}, n FROM {NATIONAL} WHERE n <> 0")
        out.update({_key((NATION, *row[:4])): int(row[4]) for row in cursor.fetchall()})
    return out


def check_counts() -> dict[Key, tuple[int, int]]:
    """The keys whose maintained count differs from a recount: → (maintained, actual)."""
    kept, actual = maintained(), recount()
    return {
        k: (kept.get(k, 0), actual.get(k, 0))
        for k in set(kept) | set(actual)
        if kept.get(k, 0) != actual.get(k, 0)
    }


@transaction.atomic
def rebuild_counts() -> int:
    """Replace every maintained count by a recount; returns the number of rows."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {COUNTS}")
        cursor.execute(f"DELETE FROM {NATIONAL}")
        cursor.execute(f"INSERT INTO {COUNTS} ({_KEY}, n) {_RECOUNT}")
        rows = max(cursor.rowcount, 0)
        cursor.execute(
            f"INSERT INTO {NATIONAL} ({_NKEY}, n) SELECT {_NKEY}, sum(n) FROM {COUNTS} GROUP BY {_NKEY}"
        )
        return rows + max(cursor.rowcount, 0)
