"""各区划各信用等级组织数 — the maintained level counts behind the organization list's per-level links
and its unfiltered total (registry.RegionLevelCount: organizations per region and credit level,
"" for not yet evaluated).

The counts are kept in step by database triggers on the organization and score tables, so every
writer (the services, imports' bulk inserts, the batch evaluation's set-based statements, raw loads)
updates them inside its own transaction. SQLite has row triggers only: each score row written costs
two single-row upserts, so the batch evaluation's bulk statement counts its own rows in one grouped
read instead (``counted_by_writer``, about 5× cheaper on a first national evaluation). PostgreSQL
uses statement triggers over transition tables: one grouped upsert per statement, whatever its size. ``rebuild_counts`` recounts everything from the
tables (after a raw load made with the triggers dropped, or to repair); ``check_counts`` compares.
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
NOT_EVALUATED = ""


def _bump(region: str, level: str, delta: str) -> str:
    if delta == "-1":
        # A decrement needs no new row (the one it lowers exists): an upsert here would insert a row for
        # a region already gone when a whole database is emptied (a test's flush), failing its FK check.
        return f"UPDATE {COUNTS} SET n = n - 1 WHERE region_id = {region} AND level = {level};"
    return (
        f"INSERT INTO {COUNTS} (region_id, level, n) VALUES ({region}, {level}, {delta}) "
        "ON CONFLICT (region_id, level) DO UPDATE SET n = n + excluded.n;"
    )


_ORG_REGION = f"(SELECT region_id FROM {ORGS} WHERE id = {{row}}.organization_id)"
_ORG_LEVEL = f"COALESCE((SELECT level FROM {SCORES} WHERE organization_id = {{row}}.id), '')"
DEFERRED = "levelcount_deferred"
"""A one-row flag table (SQLite): while a row is in it, the score triggers leave the counting to the
writer, which counts its whole statement at once (``counted_by_writer``). Set and cleared inside the
writer's transaction, so no other connection ever sees it."""
_ORG_EXISTS = f"NOT EXISTS (SELECT 1 FROM {DEFERRED}) AND EXISTS (SELECT 1 FROM {ORGS} WHERE id = {{row}}.organization_id)"

SQLITE_TRIGGERS = {
    "levelcount_org_insert": f"""CREATE TRIGGER levelcount_org_insert AFTER INSERT ON {ORGS} BEGIN
        {_bump("NEW.region_id", _ORG_LEVEL.format(row="NEW"), "1")} END""",
    "levelcount_org_delete": f"""CREATE TRIGGER levelcount_org_delete AFTER DELETE ON {ORGS} BEGIN
        {_bump("OLD.region_id", _ORG_LEVEL.format(row="OLD"), "-1")} END""",
    "levelcount_org_move": f"""CREATE TRIGGER levelcount_org_move AFTER UPDATE OF region_id ON {ORGS}
        WHEN OLD.region_id <> NEW.region_id BEGIN
        {_bump("OLD.region_id", _ORG_LEVEL.format(row="NEW"), "-1")}
        {_bump("NEW.region_id", _ORG_LEVEL.format(row="NEW"), "1")} END""",
    "levelcount_score_insert": f"""CREATE TRIGGER levelcount_score_insert AFTER INSERT ON {SCORES}
        WHEN {_ORG_EXISTS.format(row="NEW")} BEGIN
        {_bump(_ORG_REGION.format(row="NEW"), "''", "-1")}
        {_bump(_ORG_REGION.format(row="NEW"), "NEW.level", "1")} END""",
    "levelcount_score_update": f"""CREATE TRIGGER levelcount_score_update AFTER UPDATE OF level ON {SCORES}
        WHEN OLD.level <> NEW.level AND {_ORG_EXISTS.format(row="NEW")} BEGIN
        {_bump(_ORG_REGION.format(row="NEW"), "OLD.level", "-1")}
        {_bump(_ORG_REGION.format(row="NEW"), "NEW.level", "1")} END""",
    "levelcount_score_delete": f"""CREATE TRIGGER levelcount_score_delete AFTER DELETE ON {SCORES}
        WHEN {_ORG_EXISTS.format(row="OLD")} BEGIN
        {_bump(_ORG_REGION.format(row="OLD"), "OLD.level", "-1")}
        {_bump(_ORG_REGION.format(row="OLD"), "''", "1")} END""",
}


def _pg_function(name: str, deltas: str) -> str:
    """A statement trigger function: ``deltas`` selects (region_id, level, d) rows from the transition
    tables ``new_rows``/``old_rows``; they are summed per (region, level) and upserted at once."""
    return f"""CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO {COUNTS} AS c (region_id, level, n)
      SELECT region_id, level, sum(d) FROM ({deltas}) AS x GROUP BY region_id, level HAVING sum(d) <> 0
      ON CONFLICT (region_id, level) DO UPDATE SET n = c.n + excluded.n;
      RETURN NULL;
    END $$"""


_PG_LEVEL_OF = f"COALESCE((SELECT s.level FROM {SCORES} s WHERE s.organization_id = {{row}}.id), '')"
PG_FUNCTIONS = {
    "levelcount_org_insert": f"SELECT region_id, {_PG_LEVEL_OF.format(row='new_rows')} AS level, 1 AS d FROM new_rows",
    "levelcount_org_delete": f"SELECT region_id, {_PG_LEVEL_OF.format(row='old_rows')} AS level, -1 AS d FROM old_rows",
    "levelcount_org_move": (
        f"SELECT o.region_id, {_PG_LEVEL_OF.format(row='n')} AS level, -1 AS d FROM old_rows o JOIN new_rows n "
        "ON n.id = o.id WHERE n.region_id <> o.region_id UNION ALL "
        f"SELECT n.region_id, {_PG_LEVEL_OF.format(row='n')}, 1 FROM old_rows o JOIN new_rows n "
        "ON n.id = o.id WHERE n.region_id <> o.region_id"
    ),
    "levelcount_score_insert": (
        f"SELECT g.region_id, n.level, 1 AS d FROM new_rows n JOIN {ORGS} g ON g.id = n.organization_id UNION ALL "
        f"SELECT g.region_id, '', -1 FROM new_rows n JOIN {ORGS} g ON g.id = n.organization_id"
    ),
    "levelcount_score_update": (
        f"SELECT g.region_id, o.level, -1 AS d FROM old_rows o JOIN new_rows n USING (organization_id) "
        f"JOIN {ORGS} g ON g.id = n.organization_id WHERE o.level <> n.level UNION ALL "
        f"SELECT g.region_id, n.level, 1 FROM old_rows o JOIN new_rows n USING (organization_id) "
        f"JOIN {ORGS} g ON g.id = n.organization_id WHERE o.level <> n.level"
    ),
    "levelcount_score_delete": (
        f"SELECT g.region_id, o.level, -1 AS d FROM old_rows o JOIN {ORGS} g ON g.id = o.organization_id UNION ALL "
        f"SELECT g.region_id, '', 1 FROM old_rows o JOIN {ORGS} g ON g.id = o.organization_id"
    ),
}
_PG_EVENTS = {
    "levelcount_org_insert": (ORGS, "INSERT", "NEW TABLE AS new_rows"),
    "levelcount_org_delete": (ORGS, "DELETE", "OLD TABLE AS old_rows"),
    "levelcount_org_move": (ORGS, "UPDATE", "OLD TABLE AS old_rows NEW TABLE AS new_rows"),
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
    for name, (table, _event, _ref) in _PG_EVENTS.items():
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
    cursor.execute(
        f"SELECT o.region_id, COALESCE(s.level, ''), n.level, count(*) FROM {incoming} n "
        f"JOIN {ORGS} o ON o.id = n.{org_column} LEFT JOIN {SCORES} s ON s.organization_id = n.{org_column} "
        "WHERE s.level IS NULL OR s.level <> n.level GROUP BY 1, 2, 3"
    )
    delta: Counter[tuple[int, str]] = Counter()
    for region_id, old, new, n in cursor.fetchall():
        delta[(region_id, old)] -= n
        delta[(region_id, new)] += n
    cursor.executemany(
        f"INSERT INTO {COUNTS} (region_id, level, n) VALUES (%s, %s, %s) "
        "ON CONFLICT (region_id, level) DO UPDATE SET n = n + excluded.n",
        [(r, lv, n) for (r, lv), n in delta.items() if n],
    )
    cursor.execute(f"INSERT INTO {DEFERRED} (id) VALUES (1) ON CONFLICT (id) DO NOTHING")
    try:
        yield
    finally:
        cursor.execute(f"DELETE FROM {DEFERRED}")


def recount() -> Counter[tuple[int, str]]:
    """(region id, level) → organizations, counted from the tables themselves (a full scan)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT o.region_id, COALESCE(s.level, ''), count(*) FROM {ORGS} o "
            f"LEFT JOIN {SCORES} s ON s.organization_id = o.id GROUP BY o.region_id, COALESCE(s.level, '')"
        )
        return Counter({(int(r), str(lv)): int(n) for r, lv, n in cursor.fetchall()})


def maintained() -> Counter[tuple[int, str]]:
    """(region id, level) → organizations, as maintained (zero rows left out)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT region_id, level, n FROM {COUNTS} WHERE n <> 0")
        return Counter({(int(r), str(lv)): int(n) for r, lv, n in cursor.fetchall()})


def check_counts() -> dict[tuple[int, str], tuple[int, int]]:
    """The (region, level) pairs whose maintained count differs from a recount: → (maintained, actual)."""
    kept, actual = maintained(), recount()
    return {
        k: (kept.get(k, 0), actual.get(k, 0))
        for k in set(kept) | set(actual)
        if kept.get(k, 0) != actual.get(k, 0)
    }


@transaction.atomic
def rebuild_counts() -> int:
    """Replace every maintained count by a recount; returns the number of (region, level) rows."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {COUNTS}")
        cursor.execute(
            f"INSERT INTO {COUNTS} (region_id, level, n) SELECT o.region_id, COALESCE(s.level, ''), count(*) "
            f"FROM {ORGS} o LEFT JOIN {SCORES} s ON s.organization_id = o.id "
            "GROUP BY o.region_id, COALESCE(s.level, '')"
        )
        return max(cursor.rowcount, 0)
