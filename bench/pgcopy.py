"""Copy an SQLite database of the product (e.g. the national one ``bench/evaluate.py --keep`` builds)
into PostgreSQL, so that the benchmarks can measure the same data on both databases.

    .venv/bin/python bench/pgcopy.py SRC.sqlite3 DATABASE_URL [--tables T ...] [--batch 50000]
                                     [--keep-triggers] [--keep-indexes] [--compare N]

1. migrates the PostgreSQL database (Django ``migrate``; it may be empty or an earlier copy);
2. picks the tables: those of both schemas that have rows in the source (``--tables`` narrows
   them). The SQLite-only ones (the FTS5 index and its shadow tables, the position helper, the
   deferred-count flag) are not copied, nor the search gram table: PostgreSQL keeps its own. A table
   the migrations filled (regions, record kinds, calendar, content types…) is compared row by row
   with the source and left alone when equal; otherwise it is emptied and copied, so ids match;
3. in one transaction: empties the tables to copy (a re-run gives the same result), then streams
   each from sqlite3 in batches into ``COPY t (cols) FROM STDIN`` (psycopg 3), columns matched by
   name (both schemas come from the same Django models; PostgreSQL converts the SQLite text forms
   of dates, timestamps, JSON and the 0/1 of booleans itself, in the UTC session time zone);
4. by default the copy runs with the triggers off (``session_replication_role = replica``: the
   search gram trigger, the statement triggers of the level counts and the foreign-key checks) and
   with the plain indexes (pg_trgm GIN, btree) dropped; afterwards it rebuilds the gram table in one
   statement, re-creates the indexes, checks every foreign key with one anti-join each, and checks
   the level counts copied from the source against a recount (``evaluation.counts.check_counts``).
   ``--keep-triggers`` / ``--keep-indexes`` copy with them in place instead (to compare: PostgreSQL
   fires row and statement triggers under COPY FROM, so the gram table and the counts are then
   maintained during the copy, row by row for the grams);
5. sets every identity sequence to the table's largest id, commits, runs VACUUM (ANALYZE), and checks that
   each table holds as many rows as the source. Prints rows/s per table and the total time.

``--compare N`` then asks the product the same questions on both databases (registry search, the
organization lookup and the credit answer of the API for N organizations, each database in its
own process) and reports any difference. Exit status 1 on any difference.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import Results, process_cpu_seconds, production_environment  # noqa: E402

GRAM = "registry_org_gram"
COUNTS = "registry_regionlevelcount"
DERIVED = {GRAM, COUNTS}
"""Tables PostgreSQL derives itself when the triggers fire (the counts are copied when they do not)."""
NEVER = {"django_migrations", GRAM}
COMPARE_BELOW = 200_000
"""A table the migrations filled is compared with the source row by row when it has fewer rows."""
GRAM_REBUILD = f"""INSERT INTO {GRAM} (gram, organization_id)
    SELECT DISTINCT upper(substr(o.name || chr(10) || o.former_names, n, k)), o.id
    FROM registry_organization o,
         generate_series(1, length(o.name || chr(10) || o.former_names)) n, (VALUES (1), (2)) g(k)
    WHERE n + k - 1 <= length(o.name || chr(10) || o.former_names)"""
"""The grams of every organization, as the migration's trigger function writes them."""
QUESTIONS = ["郑州", "协会", "基金", "会", "市", "41", "5141", "社会组织", "服务中心", '"*NEAR', "Z"]
"""Search queries for ``--compare``: 1-, 2- and 3+-character names, code prefixes, FTS syntax."""


def _say(text: str = "") -> None:
    print(text, flush=True)


def _source_tables(src: sqlite3.Connection) -> dict[str, list[str]]:
    tables = [r[0] for r in src.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
    return {t: [r[1] for r in src.execute(f'PRAGMA table_info("{t}")')] for t in tables}


def _target_columns(cursor: Any) -> dict[str, dict[str, str]]:
    cursor.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = current_schema() ORDER BY table_name, ordinal_position"
    )
    out: dict[str, dict[str, str]] = {}
    for table, column, data_type in cursor.fetchall():
        out.setdefault(table, {})[column] = data_type
    return out


def _normal(value: Any, data_type: str) -> Any:
    """A value of either database in one comparable form (SQLite keeps text, 0/1 and floats)."""
    if value is None:
        return None
    if data_type == "boolean":
        return bool(int(value))
    if data_type.startswith("timestamp"):
        if isinstance(value, str):
            value = dt.datetime.fromisoformat(value)
        return (value if value.tzinfo else value.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)
    if data_type == "date":
        return value.isoformat() if isinstance(value, dt.date) else str(value)[:10]
    if data_type in ("json", "jsonb"):
        return json.dumps(json.loads(value) if isinstance(value, str) else value, sort_keys=True)
    if data_type == "numeric":
        return Decimal(str(value)).normalize()
    if data_type == "bytea":
        return bytes(value)
    return value


def _rows_equal(src: sqlite3.Connection, cursor: Any, table: str, types: dict[str, str]) -> bool:
    cols = list(types)
    quoted = ", ".join(f'"{c}"' for c in cols)
    cursor.execute(f'SELECT {quoted} FROM "{table}"')  # noqa: S608 — names from the schemas
    mine = sorted(repr(tuple(_normal(v, types[c]) for v, c in zip(row, cols, strict=True))) for row in cursor)
    theirs = sorted(
        repr(tuple(_normal(v, types[c]) for v, c in zip(row, cols, strict=True)))
        for row in src.execute(f'SELECT {quoted} FROM "{table}"')  # noqa: S608 — as above
    )
    return mine == theirs


def plan(src: sqlite3.Connection, cursor: Any, only: list[str] | None) -> dict[str, Any]:
    """Which tables to copy (→ common columns), which to leave (equal), which the source lacks."""
    source, target = _source_tables(src), _target_columns(cursor)
    copy: dict[str, list[str]] = {}
    equal, sqlite_only, problems = [], [], []
    for table, src_cols in source.items():
        if table.startswith("sqlite_") or table in NEVER:
            continue
        if table not in target:
            sqlite_only.append(table)
            continue
        if only and table not in only:
            continue
        missing = [c for c in src_cols if c not in target[table]]
        extra = [c for c in target[table] if c not in src_cols]
        if missing or extra:
            problems.append(f"{table}: columns only in SQLite {missing}, only in PostgreSQL {extra}")
            continue
        if src.execute(f'SELECT 1 FROM "{table}" LIMIT 1').fetchone() is None:  # noqa: S608
            continue
        cursor.execute(f'SELECT count(*) FROM (SELECT 1 FROM "{table}" LIMIT {COMPARE_BELOW}) t')  # noqa: S608
        filled = cursor.fetchone()[0]
        if 0 < filled < COMPARE_BELOW and _rows_equal(src, cursor, table, target[table]):
            equal.append(table)
        else:
            copy[table] = list(target[table])
    if problems:
        raise SystemExit("the schemas differ (migrate both to the same code):\n  " + "\n  ".join(problems))
    missing_only = [t for t in (only or []) if t not in source or t not in target]
    if missing_only:
        raise SystemExit(f"--tables: not in both databases: {', '.join(missing_only)}")
    return {"copy": copy, "equal": equal, "sqlite_only": sqlite_only, "types": target}


def _plain_indexes(cursor: Any, tables: list[str]) -> list[tuple[str, str]]:
    """(name, definition) of the indexes on ``tables`` that no constraint owns."""
    cursor.execute(
        "SELECT ci.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "JOIN pg_class ci ON ci.oid = i.indexrelid JOIN pg_class ct ON ct.oid = i.indrelid "
        "WHERE ct.relname = ANY(%s) AND ct.relnamespace = current_schema()::regnamespace "
        "AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
        [tables],
    )
    return [(name, sql) for name, sql in cursor.fetchall()]


def _foreign_keys(cursor: Any, tables: list[str]) -> list[tuple[str, str, str, str]]:
    """(table, column, referenced table, referenced column) of the single-column foreign keys from
    or to ``tables``."""
    cursor.execute(
        "SELECT ct.relname, a.attname, rt.relname, ra.attname FROM pg_constraint k "
        "JOIN pg_class ct ON ct.oid = k.conrelid JOIN pg_class rt ON rt.oid = k.confrelid "
        "JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1] "
        "JOIN pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = k.confkey[1] "
        "WHERE k.contype = 'f' AND (ct.relname = ANY(%s) OR rt.relname = ANY(%s)) "
        "AND ct.relnamespace = current_schema()::regnamespace",
        [tables, tables],
    )
    return [tuple(r) for r in cursor.fetchall()]


def copy_table(src: sqlite3.Connection, pg: Any, table: str, cols: list[str], batch: int) -> int:
    """Stream ``table`` from SQLite into ``COPY … FROM STDIN``; returns the rows copied."""
    quoted = ", ".join(f'"{c}"' for c in cols)
    rows = 0
    reader = src.execute(f'SELECT {quoted} FROM "{table}"')  # noqa: S608 — names from the schemas
    with pg.cursor() as cur, cur.copy(f'COPY "{table}" ({quoted}) FROM STDIN') as copy:
        while chunk := reader.fetchmany(batch):
            for row in chunk:
                copy.write_row(row)
            rows += len(chunk)
    return rows


def rebuild_grams(cursor: Any) -> int:
    """Fill the (emptied) gram table in one statement, its key and index built afterwards (about 3×
    faster than inserting under them); returns the rows written."""
    cursor.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
        [GRAM],
    )
    keys = cursor.fetchall()
    indexes = _plain_indexes(cursor, [GRAM])
    for name, _definition in keys:
        cursor.execute(f'ALTER TABLE {GRAM} DROP CONSTRAINT "{name}"')
    for name, _sql in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    cursor.execute(GRAM_REBUILD)
    rows = int(cursor.rowcount)
    for name, definition in keys:
        cursor.execute(f'ALTER TABLE {GRAM} ADD CONSTRAINT "{name}" {definition}')
    for _name, sql in indexes:
        cursor.execute(sql)
    return rows


def _fingerprint(cursor: Any) -> tuple[int, int]:
    cursor.execute(f"SELECT count(*), coalesce(sum(hashtext(gram)::bigint * organization_id), 0) FROM {GRAM}")
    count, digest = cursor.fetchone()
    return int(count), int(digest)


def run_copy(args: argparse.Namespace) -> int:
    import django

    production_environment(args.database_url, Path(tempfile.mkdtemp(prefix="pgcopy-")))
    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from socredit.apps.evaluation import counts

    if connection.vendor != "postgresql":
        raise SystemExit(f"{args.database_url} is not a PostgreSQL database")
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    _say(f"migrate: {time.perf_counter() - t:.1f} s")
    started = time.perf_counter()
    src = sqlite3.connect(f"file:{Path(args.source).resolve()}?mode=ro", uri=True)
    disable = not args.keep_triggers
    with transaction.atomic(), connection.cursor() as cursor:
        pg = connection.connection
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
        backend_cpu = process_cpu_seconds(backend) or 0.0
        cursor.execute("SET LOCAL TimeZone = 'UTC'")
        cursor.execute("SELECT setting::bigint FROM pg_settings WHERE name = 'maintenance_work_mem'")
        if cursor.fetchone()[0] < 512 * 1024:  # kB: index builds (pg_trgm GIN) need room
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        t = time.perf_counter()
        chosen = plan(src, cursor, args.tables)
        copy = chosen["copy"]
        if not disable:
            copy.pop(COUNTS, None)  # the statement triggers count what is copied
        _say(f"plan: {len(copy)} tables to copy; equal already: {', '.join(chosen['equal']) or '-'}; "
             f"SQLite only: {', '.join(chosen['sqlite_only']) or '-'} ({time.perf_counter() - t:.1f} s)")  # fmt: skip
        emptied = sorted(set(copy) | ({GRAM, COUNTS} if "registry_organization" in copy else set()))
        if emptied:  # nothing when the database already holds what the source does
            cursor.execute("TRUNCATE " + ", ".join(f'"{t}"' for t in emptied) + " CASCADE")
        for table in chosen["equal"]:  # emptied by the cascade when a table it refers to was copied
            cursor.execute(f'SELECT 1 FROM "{table}" LIMIT 1')  # noqa: S608
            if cursor.fetchone() is None:
                copy[table] = list(chosen["types"][table])
        if disable:
            cursor.execute("SET LOCAL session_replication_role = replica")
        indexes = [] if args.keep_indexes else _plain_indexes(cursor, list(copy))
        for name, _sql in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        copied: dict[str, int] = {}
        _say(f"\n{'table':34} {'rows':>12} {'seconds':>8} {'rows/s':>10}")
        for table, cols in sorted(copy.items(), key=lambda item: item[0]):
            t = time.perf_counter()
            copied[table] = copy_table(src, pg, table, cols, args.batch)
            elapsed = time.perf_counter() - t
            _say(f"{table:34} {copied[table]:12,} {elapsed:8.2f} {copied[table] / max(elapsed, 1e-9):10,.0f}")
        rows_total = sum(copied.values())
        copy_seconds = time.perf_counter() - started
        if disable:
            cursor.execute("SET LOCAL session_replication_role = origin")
            if "registry_organization" in copy:
                t = time.perf_counter()
                _say(
                    f"\nsearch grams rebuilt: {rebuild_grams(cursor):,} rows in {time.perf_counter() - t:.1f} s"
                )
        else:  # the deferred foreign-key checks now, before an index is built on a table they touch
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        t = time.perf_counter()
        for _name, sql in indexes:
            cursor.execute(sql)
        if indexes:
            _say(f"{len(indexes)} indexes re-created in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        broken = []
        if disable:
            for table, column, ref, ref_column in _foreign_keys(cursor, list(copy)):
                cursor.execute(
                    f'SELECT count(*) FROM "{table}" c WHERE c."{column}" IS NOT NULL AND NOT EXISTS '  # noqa: S608
                    f'(SELECT 1 FROM "{ref}" r WHERE r."{ref_column}" = c."{column}")'
                )
                if n := cursor.fetchone()[0]:
                    broken.append(f"{table}.{column} → {ref}: {n} rows refer to nothing")
            _say(f"foreign keys checked in {time.perf_counter() - t:.1f} s")
        if broken:
            raise SystemExit("foreign keys broken (nothing committed):\n  " + "\n  ".join(broken))
        t = time.perf_counter()
        wrong_counts = counts.check_counts()
        if wrong_counts:
            raise SystemExit(f"level counts differ from a recount (nothing committed): {wrong_counts}")
        _say(f"level counts equal a recount ({time.perf_counter() - t:.1f} s)")
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
            "AND table_name = ANY(%s) AND (is_identity = 'YES' OR column_default LIKE 'nextval(%%')",
            [list(copy)],
        )
        for table, column in cursor.fetchall():  # the next id after the largest copied one
            cursor.execute(
                f'SELECT setval(pg_get_serial_sequence(%s, %s), coalesce(max("{column}"), 1), '  # noqa: S608
                f'max("{column}") IS NOT NULL) FROM "{table}"',
                [f'"{table}"', column],
            )
        grams = _fingerprint(cursor)
    t = time.perf_counter()
    with connection.cursor() as cursor:
        # as after any bulk load: the visibility map (index-only scans) and the rows' commit hints are
        # set once here, not by the first readers (a fresh copy's lookups cost 1.2-1.3 ms of server
        # CPU each instead of 0.95 until autovacuum came by)
        cursor.execute("VACUUM (ANALYZE)")
    analyze = time.perf_counter() - t
    pg_cpu = process_cpu_seconds(backend)
    pg_cpu_text = f"{pg_cpu - backend_cpu:.1f} s" if pg_cpu is not None else "not visible from here"
    wrong = []
    with connection.cursor() as cursor:
        for table in copy:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608
            there = cursor.fetchone()[0]
            here = src.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # noqa: S608
            if there != here:
                wrong.append(f"{table}: {here:,} rows in SQLite, {there:,} in PostgreSQL")
    total = time.perf_counter() - started
    mode = "triggers and indexes kept" if args.keep_triggers and args.keep_indexes else (
        "triggers kept, indexes rebuilt" if args.keep_triggers else
        "triggers off, indexes kept" if args.keep_indexes else "triggers off, indexes rebuilt")  # fmt: skip
    _say(f"VACUUM (ANALYZE) {analyze:.1f} s\ngrams: {grams[0]:,} rows (fingerprint {grams[1]})")
    _say(f"\ncopied {rows_total:,} rows of {len(copied)} tables ({mode}); copy phase {copy_seconds:.1f} s "
         f"({rows_total / max(copy_seconds, 1e-9):,.0f} rows/s), total {total:.1f} s; "
         f"CPU: this process {time.process_time():.1f} s, its PostgreSQL backend {pg_cpu_text}")  # fmt: skip
    for message in wrong:
        _say(f"WRONG: {message}")
    results = Results("bench/pgcopy.py", wrong=list(wrong))
    results.add("copy into PostgreSQL, total", total, "s")
    results.add(
        "copy into PostgreSQL, rows/s of the copy phase", rows_total / max(copy_seconds, 1e-9), "rows/s"
    )
    results.emit()
    return 1 if wrong else 0


def answers(database_url: str, n: int) -> dict[str, Any]:
    """The product's answers on one database: search results, organization lookups, credit answers."""
    import django

    production_environment(database_url, Path(tempfile.mkdtemp(prefix="pgcopy-answers-")))
    django.setup()
    from django.db import transaction
    from django.test import Client

    from socredit.apps.accounts.services import issue_token
    from socredit.apps.registry.models import Department, Organization, Region
    from socredit.apps.registry.search import search
    from socredit.common.access import SystemPrincipal
    from socredit.core.types import DepartmentKind

    out: dict[str, Any] = {}
    with transaction.atomic():  # the token is rolled back: the database is left as it was
        out["search"] = {
            q: list(search(Organization.objects.all(), q).values_list("code", flat=True)[:25])
            for q in QUESTIONS
        }
        # a department of national scope (rolled back with the token), so that every organization answers
        national = Department.objects.filter(region__level=0, active=True).first() or Department.objects.create(
            code="pgcopy-national", name="基准比对全国部门", kind=DepartmentKind.CIVIL_AFFAIRS.value,
            region=Region.objects.get(level=0),
        )  # fmt: skip
        _token, raw = issue_token(actor=SystemPrincipal("pgcopy"), channel="system", department=national,
                                  name="pgcopy-compare", scopes=["organizations:read", "credit:read"])  # fmt: skip
        client = Client(HTTP_AUTHORIZATION=f"Bearer {raw}")
        every = list(Organization.objects.order_by("pk").values_list("code", flat=True))
        codes = every[:: max(1, len(every) // n)][:n]  # spread over the whole table
        for code in codes:
            for path in (f"/api/v1/organizations/{code}", f"/api/v1/organizations/{code}/credit"):
                response = client.get(path)
                out[path] = [response.status_code, response.json()]
        for q in QUESTIONS[:4]:
            response = client.get("/api/v1/organizations", {"q": q, "page_size": 10})
            out[f"/api/v1/organizations?q={q}"] = [response.status_code, response.json()]
        transaction.set_rollback(True)
    return out


def compare(source: str, database_url: str, n: int) -> int:
    """Ask both databases the same questions (each in its own process) and print the differences."""
    results = []
    for url in (f"sqlite:///{Path(source).resolve()}", database_url):
        proc = subprocess.run(
            [sys.executable, __file__, "--answers", url, "--compare", str(n)],
            capture_output=True, text=True, check=False, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        if proc.returncode:
            raise SystemExit(f"answers on {url} failed:\n{proc.stderr[-3000:]}")
        results.append(json.loads(proc.stdout.splitlines()[-1]))
    sqlite_answers, pg_answers = results
    differ = [k for k in sqlite_answers if sqlite_answers[k] != pg_answers.get(k)]
    refused = [k for k, v in sqlite_answers.items() if k != "search" and v[0] != 200]
    for key in refused[:5]:
        _say(f"NOT ANSWERED {key}: {sqlite_answers[key]}")
    found = sum(len(v) for v in sqlite_answers["search"].values())
    _say(f"\ncompare: {len(sqlite_answers) - 1} API answers and {len(QUESTIONS)} searches ({found} hits) on both "
         f"databases: {len(differ)} differ")  # fmt: skip
    for key in differ[:10]:
        _say(f"DIFFERENT {key}:\n  SQLite     {json.dumps(sqlite_answers[key], ensure_ascii=False)[:600]}\n"
             f"  PostgreSQL {json.dumps(pg_answers.get(key), ensure_ascii=False)[:600]}")  # fmt: skip
    return 1 if differ or refused or not found else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("source", nargs="?", help="the SQLite file")
    parser.add_argument("database_url", nargs="?", help="postgres://… (e.g. what tools/pg start prints)")
    parser.add_argument("--tables", nargs="+", help="copy only these tables")
    parser.add_argument("--batch", type=int, default=50_000, help="rows read from SQLite at a time")
    parser.add_argument("--keep-triggers", action="store_true", help="let the triggers fire during the copy")
    parser.add_argument("--keep-indexes", action="store_true", help="keep the plain indexes during the copy")
    parser.add_argument("--compare", type=int, default=0, metavar="N",
                        help="then compare the product's answers for N organizations on both databases")  # fmt: skip
    parser.add_argument("--answers", metavar="URL", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.answers:
        print(json.dumps(answers(args.answers, args.compare or 20), ensure_ascii=False, default=str))
        return 0
    if not args.source or not args.database_url:
        parser.error("give the SQLite file and the PostgreSQL DATABASE_URL")
    if not Path(args.source).is_file():
        parser.error(f"{args.source}: no such file")
    if not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("DATABASE_URL must be a postgres:// URL")
    status = run_copy(args)
    if args.compare:
        status = compare(args.source, args.database_url, args.compare) or status
    return status


if __name__ == "__main__":
    raise SystemExit(main())
