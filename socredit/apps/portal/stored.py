"""公开信息存档 — stored public answers: each organization's public profile kept as the finished JSON
body the public API answers by code, so that a lookup is one indexed read instead of about ten
queries and 6 ms of building (docs/stored-profiles.md).

A stored answer (``StoredProfile``) is served only while it is still exactly what ``public_profile``
would build now; four things are checked by the one query that reads it (``stored_answer``):

- ``as_of`` is today: publicity periods end, listings start and end, grades expire by the calendar;
- ``stamp`` equals the organization's change stamp (``ProfileStamp``), which DATABASE TRIGGERS raise
  on every insert, update or delete of a row that feeds its profile (``ORGANIZATION_SOURCES``):
  every writer, service, import, raw ``update()`` or SQL console, raises it in its own transaction;
- ``generation`` equals the shared stamp (``ProfileStamp`` of ``SHARED``), raised by triggers on the
  tables every profile reads (``SHARED_SOURCES``: region names, departments, record kinds,
  commitment templates, publication settings) and by every bulk load that suspends triggers;
- ``build`` equals this code's fingerprint (``current_build``): the policy profiles, labels and
  rules are files, and a new release builds answers differently.

A writer reads the stamps BEFORE it reads anything for the profile and stores them with the body:
a change committed meanwhile has raised the stamp past the stored one, so the answer is never served
(no lock, no isolation level needed, the same on SQLite and PostgreSQL). What a change costs is one
upsert of a narrow row; the stored body is rewritten only by the writers here.

Writers: ``refresh_stored_profiles`` (``manage.py portal_profiles``; the daily open-data build stores
every profile it computes, ``built_in_chunks``), and ``answer_body`` (a lookup that found nothing
fresh builds the answer and stores it, waiting at most ``QUICK_WRITE_MS`` for the write lock).
The stored answers are derived data, like the search index: rebuilt, never audited.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction

from socredit.apps.portal.public import public_profile
from socredit.apps.registry.models import Organization

log = logging.getLogger(__name__)

LANGUAGE = "zh-hans"
"""The stored answers are the public API's: Chinese."""
CHUNK = 500
SHARED = 0
"""The ``ProfileStamp`` key of what every profile reads (organization ids start at 1)."""
QUICK_WRITE_MS = 200
"""How long a lookup waits for the write lock to store what it built; past it, it answers unstored."""
STORED = "portal_storedprofile"
STAMPS = "portal_profilestamp"
ORGS = "registry_organization"

ORGANIZATION_SOURCES: dict[str, str] = {
    ORGS: "SELECT {row}.id AS id",
    "registry_role": "SELECT {row}.organization_id AS id",
    "registry_person": "SELECT organization_id AS id FROM registry_role WHERE person_id = {row}.id",
    "registry_registrationchange": "SELECT {row}.organization_id AS id",
    "records_creditrecord": "SELECT {row}.organization_id AS id",
    "lists_listentry": "SELECT {row}.organization_id AS id",
    "lists_listdecision": "SELECT {row}.organization_id AS id",
    "cases_case": "SELECT {row}.organization_id AS id",  # 异议中 marks come from open objection cases
    "commitments_commitment": "SELECT {row}.organization_id AS id",
    "evaluation_creditscore": "SELECT {row}.organization_id AS id",
    "annualreports_annualreport": "SELECT {row}.organization_id AS id",  # the public part of concluded reports
    # a report's figure: the report's organization (a migration that rebuilds annualreports_annualreport
    # on SQLite drops these triggers first and installs them after, as for registry_role)
    "annualreports_reportfigure": "SELECT organization_id AS id FROM annualreports_annualreport WHERE id = {row}.report_id",
    "spotchecks_spotcheck": "SELECT {row}.organization_id AS id",  # results of published spot checks
    # a plan published (or renamed): the organizations it checked
    "spotchecks_spotcheckplan": "SELECT organization_id AS id FROM spotchecks_spotcheck WHERE plan_id = {row}.id",
}
"""Each table a profile reads rows of its own organization from → the organizations a row concerns
(``{row}``: NEW or OLD)."""
UPDATE_COLUMNS = {"evaluation_creditscore": ("level", "as_of")}
"""Tables whose updates matter only when these columns change: a score row's level and the date it
was reached (both shown where levels are published); the score itself and its breakdown are not public."""
SHARED_SOURCES = (
    "registry_region",  # the region's full name
    "registry_department",  # a record's authority; the registering department (levels published?)
    "records_recordkind",  # a record's kind, section and legal basis
    "commitments_commitmenttemplate",  # a commitment's title
    "portal_publicationsetting",  # which authorities publish credit levels
)
"""Tables every profile may read: a write to any raises the shared stamp (all answers rebuilt)."""
EVENTS = ("insert", "update", "delete")


# --- triggers -------------------------------------------------------------------------------------


def _raise_sql(select: str) -> str:
    """Raise the stamps of the organizations ``select`` names (no NULL: a row of no organization)."""
    return (
        f"INSERT INTO {STAMPS} (organization_id, stamp) SELECT id, 1 FROM ({select}) AS concerned "
        f"WHERE id IS NOT NULL ON CONFLICT (organization_id) DO UPDATE SET stamp = {STAMPS}.stamp + 1"
    )


_RAISE_SHARED = _raise_sql(f"SELECT {SHARED} AS id")
_FORGET = (  # an organization deleted: its answer and its stamp go with it
    f"DELETE FROM {STORED} WHERE organization_id = OLD.id; DELETE FROM {STAMPS} WHERE organization_id = OLD.id"
)


def trigger_names() -> list[tuple[str, str]]:
    """(trigger name, table) of every trigger this module installs."""
    return [(f"profile_stamp_{t}_{e}", t) for t in (*ORGANIZATION_SOURCES, *SHARED_SOURCES) for e in EVENTS]


def _sources() -> tuple[dict[str, str], tuple[str, ...]]:
    """The sources whose tables exist in this database. An older migration that installs the
    triggers runs before the tables of apps added later exist; the migration that adds such an app's
    sources (portal 0003: the annual work reports) installs the triggers again once they do."""
    present = set(connection.introspection.table_names())
    organization = {t: select for t, select in ORGANIZATION_SOURCES.items() if t in present}
    return organization, tuple(t for t in SHARED_SOURCES if t in present)


def _sqlite_triggers() -> list[str]:
    out = []
    organization_sources, shared_sources = _sources()
    for table, select in organization_sources.items():
        for event in EVENTS:
            rows = {"insert": ["NEW"], "update": ["NEW", "OLD"], "delete": ["OLD"]}[event]
            body = "; ".join(_raise_sql(select.format(row=row)) for row in rows)
            if table == ORGS and event == "delete":
                body = _FORGET
            when, columns = "", ""
            if event == "update" and table in UPDATE_COLUMNS:
                cols = UPDATE_COLUMNS[table]
                columns = " OF " + ", ".join(cols)
                when = " WHEN " + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in cols)
            out.append(
                f"CREATE TRIGGER profile_stamp_{table}_{event} AFTER {event.upper()}{columns} ON {table}"
                f"{when} BEGIN {body}; END"
            )
    for table in shared_sources:
        for event in EVENTS:
            out.append(
                f"CREATE TRIGGER profile_stamp_{table}_{event} AFTER {event.upper()} ON {table} "
                f"BEGIN {_RAISE_SHARED}; END"
            )
    return out


def _pg_triggers() -> list[str]:
    """Row triggers for the organizations' tables (a function each), statement triggers for the
    shared ones (a bulk statement raises the shared stamp once)."""
    out = [
        f"CREATE OR REPLACE FUNCTION profile_stamp_shared() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {_RAISE_SHARED}; RETURN NULL; END $$"
    ]
    organization_sources, shared_sources = _sources()
    for table, select in organization_sources.items():
        new, old = _raise_sql(select.format(row="NEW")), _raise_sql(select.format(row="OLD"))
        on_old = _FORGET if table == ORGS else old
        out.append(
            f"CREATE OR REPLACE FUNCTION profile_stamp_{table}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF TG_OP <> 'DELETE' THEN {new}; END IF; "
            f"IF TG_OP = 'UPDATE' THEN {old}; END IF; "
            f"IF TG_OP = 'DELETE' THEN {on_old}; END IF; "
            f"RETURN NULL; END $$"
        )
        for event in EVENTS:
            when, columns = "", ""
            if event == "update" and table in UPDATE_COLUMNS:
                cols = UPDATE_COLUMNS[table]
                columns = " OF " + ", ".join(cols)
                when = " WHEN (" + " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in cols) + ")"
            out.append(
                f"CREATE TRIGGER profile_stamp_{table}_{event} AFTER {event.upper()}{columns} ON {table} "
                f"FOR EACH ROW{when} EXECUTE FUNCTION profile_stamp_{table}()"
            )
    for table in shared_sources:
        for event in EVENTS:
            out.append(
                f"CREATE TRIGGER profile_stamp_{table}_{event} AFTER {event.upper()} ON {table} "
                f"FOR EACH STATEMENT EXECUTE FUNCTION profile_stamp_shared()"
            )
    return out


def drop_triggers() -> None:
    with connection.cursor() as cursor:
        for name, table in trigger_names():
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        if connection.vendor == "postgresql":
            for table in ORGANIZATION_SOURCES:
                cursor.execute(f"DROP FUNCTION IF EXISTS profile_stamp_{table}()")
            cursor.execute("DROP FUNCTION IF EXISTS profile_stamp_shared()")


def install_triggers(*_args: Any) -> None:
    """Create (or re-create) the triggers on this database, and raise the shared stamp: whatever was
    written while they were missing is not known, so no stored answer from before is served."""
    drop_triggers()
    with connection.cursor() as cursor:
        for sql in _pg_triggers() if connection.vendor == "postgresql" else _sqlite_triggers():
            cursor.execute(sql)
    invalidate_all()


def missing_triggers() -> list[str]:
    """The triggers that should be there and are not (a table rebuilt by a later migration on SQLite
    loses its triggers: re-create them with ``install_triggers``)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'profile_stamp_%%'")
        else:
            cursor.execute(
                "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'profile_stamp_%'"
            )
        present = {name for (name,) in cursor.fetchall()}
    return [name for name, _table in trigger_names() if name not in present]


def invalidate_all(**_kwargs: Any) -> None:
    """No stored answer is served any more (until rebuilt): after a bulk load that suspended the
    triggers, or when the triggers are (re)installed."""
    with connection.cursor() as cursor:
        cursor.execute(_RAISE_SHARED)


# --- reading --------------------------------------------------------------------------------------


@functools.cache
def current_build() -> str:
    """A fingerprint of the code that builds a profile (every Python module, policy profile and
    translation of the package): an answer stored by another release is never served."""
    root = Path(__file__).resolve().parents[2]
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix in {".py", ".toml", ".mo", ".po"} and "tests" not in path.parts:
            digest.update(str(path.relative_to(root)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_LOOKUP = (
    f"SELECT s.body FROM {ORGS} o JOIN {STORED} s ON s.organization_id = o.id "
    f"LEFT JOIN {STAMPS} c ON c.organization_id = o.id "
    f"WHERE o.code = %s AND s.as_of = %s AND s.build = %s AND s.stamp = COALESCE(c.stamp, 0) "
    f"AND s.generation = COALESCE((SELECT stamp FROM {STAMPS} WHERE organization_id = {SHARED}), 0)"
)


_LOOKUP_QMARK = _LOOKUP.replace("%s", "?").replace("SELECT s.body", "SELECT CAST(s.body AS BLOB)")
"""On SQLite the body is read as the bytes it is stored as (UTF-8): no decoding and encoding again."""


def stored_answer(code: str, day: dt.date) -> bytes | None:
    """The stored answer of the organization with this (exact, upper-case) code if it is fresh for
    ``day``; else None. One indexed query."""
    db = connections[DEFAULT_DB_ALIAS]  # once: each use of the ``connection`` proxy looks it up again
    params = (code, db.ops.adapt_datefield_value(day), current_build())
    if db.vendor == "sqlite":
        # the busiest read of the public API: straight to the driver (Django's cursor wrapper, its
        # placeholder rewriting and query logging cost as much as the query itself)
        db.ensure_connection()
        row = db.connection.execute(_LOOKUP_QMARK, params).fetchone()
        return row[0] if row else None
    with connection.cursor() as cursor:
        cursor.execute(_LOOKUP, params)
        row = cursor.fetchone()
    return row[0].encode() if row else None


def profile_body(profile: dict[str, Any]) -> str:
    """The JSON text of a profile as the public API answers it."""
    return json.dumps(profile, ensure_ascii=False, separators=(",", ":"))


# --- writing --------------------------------------------------------------------------------------


def _stamps(ids: list[int]) -> tuple[dict[int, int], int]:
    """The change stamps of these organizations (0 where none was raised) and the shared one."""
    found: dict[int, int] = {}
    with connection.cursor() as cursor:
        for i in range(0, max(len(ids), 1), 5000):
            part = [SHARED, *ids[i : i + 5000]]
            cursor.execute(
                f"SELECT organization_id, stamp FROM {STAMPS} WHERE organization_id IN ({', '.join(['%s'] * len(part))})",
                part,
            )
            found.update(cursor.fetchall())
    return {i: found.get(i, 0) for i in ids}, found.get(SHARED, 0)


_UPSERT = (
    f"INSERT INTO {STORED} (organization_id, as_of, stamp, generation, build, body) VALUES (%s, %s, %s, %s, %s, %s) "
    "ON CONFLICT (organization_id) DO UPDATE SET as_of = excluded.as_of, stamp = excluded.stamp, "
    "generation = excluded.generation, build = excluded.build, body = excluded.body"
)


def _store(bodies: dict[int, str], day: dt.date, stamps: dict[int, int], generation: int) -> None:
    """Write the answers (one transaction)."""
    adapted, build = connection.ops.adapt_datefield_value(day), current_build()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            _UPSERT, [(pk, adapted, stamps[pk], generation, build, body) for pk, body in bodies.items()]
        )


@contextmanager
def _waiting_briefly() -> Iterator[None]:
    """A write that waits at most ``QUICK_WRITE_MS`` for the lock (then DatabaseError), so that a
    lookup is never held up by a long batch that holds the write lock."""
    if connection.vendor == "postgresql":
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"SET LOCAL lock_timeout = '{QUICK_WRITE_MS}ms'")
            yield
        return
    normal = int(float(settings.DATABASES["default"].get("OPTIONS", {}).get("timeout", 5)) * 1000)
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {QUICK_WRITE_MS}")
        try:
            yield
        finally:
            cursor.execute(f"PRAGMA busy_timeout = {normal}")


def answer_body(org: Organization, day: dt.date, *, store: bool = True) -> bytes:
    """The answer of ``org`` for ``day`` built now (the lookup found none fresh), and stored when the
    write lock is free within ``QUICK_WRITE_MS`` (else answered all the same, stored next time)."""
    stamps, generation = _stamps([org.pk])
    body = profile_body(public_profile(org, day, language=LANGUAGE))
    if store:
        try:
            with _waiting_briefly():
                _store({org.pk: body}, day, stamps, generation)
        except DatabaseError as exc:  # locked by a long write: answer, keep nothing
            log.info("stored public profile of %s not written: %s", org.pk, exc)
    return body.encode()


_NEXT = (
    f"SELECT o.id FROM {ORGS} o {{join}} WHERE o.id > %s AND o.id %% %s = %s {{stale}} ORDER BY o.id LIMIT %s"
)
_STALE_JOIN = (
    f"LEFT JOIN {STORED} s ON s.organization_id = o.id LEFT JOIN {STAMPS} c ON c.organization_id = o.id"
)
_STALE_WHERE = (
    "AND (s.organization_id IS NULL OR s.as_of <> %s OR s.build <> %s OR s.generation <> %s "
    "OR s.stamp <> COALESCE(c.stamp, 0))"
)


def _next_ids(last: int, chunk: int, day: dt.date, stale_only: bool, part: tuple[int, int]) -> list[int]:
    """The next ``chunk`` organization ids after ``last`` (those of ``part`` (i, n): id % n = i),
    only the stale ones if asked."""
    index, parts = part
    with connection.cursor() as cursor:
        if stale_only:
            _none, generation = _stamps([])
            day_value = connection.ops.adapt_datefield_value(day)
            sql = _NEXT.format(join=_STALE_JOIN, stale=_STALE_WHERE)
            params = [last, parts, index, day_value, current_build(), generation, chunk]
        else:
            sql, params = _NEXT.format(join="", stale=""), [last, parts, index, chunk]
        cursor.execute(sql, params)
        return [pk for (pk,) in cursor.fetchall()]


def built_in_chunks(
    day: dt.date, chunk: int = CHUNK, *, stale_only: bool = False, part: tuple[int, int] = (0, 1)
) -> Iterator[list[dict[str, Any]]]:
    """Every organization's public profile on ``day`` (or only those whose stored answer is not
    fresh), ``chunk`` at a time in primary-key order (keyset paging), each chunk stored as it is
    yielded (one transaction per chunk; rerunning is safe). The open-data build reads its
    profiles from here, so they are computed once for both. ``part`` (i, n): only the organizations
    with id % n = i, for n processes filling side by side."""
    last = 0
    while True:
        ids = _next_ids(last, chunk, day, stale_only, part)
        if not ids:
            return
        last = ids[-1]
        stamps, generation = _stamps(ids)  # before the profiles are read: see the module docstring
        orgs = list(Organization.objects.select_related("region").filter(pk__in=ids).order_by("pk"))
        profiles = [public_profile(o, day, language=LANGUAGE) for o in orgs]
        _store({o.pk: profile_body(p) for o, p in zip(orgs, profiles, strict=True)}, day, stamps, generation)
        yield profiles


def refresh_stored_profiles(
    day: dt.date,
    *,
    stale_only: bool = False,
    chunk: int = CHUNK,
    part: tuple[int, int] = (0, 1),
    progress: Callable[[int], None] | None = None,
) -> int:
    """Build and store the answers of every organization (or only the stale ones) for ``day``;
    returns how many were stored. Idempotent; chunked by primary key, one transaction per chunk."""
    done = 0
    for profiles in built_in_chunks(day, chunk, stale_only=stale_only, part=part):
        done += len(profiles)
        if progress is not None:
            progress(done)
    return done


def clear_stored_profiles() -> int:
    """Delete every stored answer (they are rebuilt by the next refresh or lookup)."""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {STORED}")
        return max(cursor.rowcount, 0)
