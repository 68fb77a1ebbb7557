"""Which tests run again on PostgreSQL: the ``vendor_neutral`` marker and the check that keeps it honest.

Every test runs on SQLite. The postgres tier of ``tools/test`` runs again every test **not** marked
``vendor_neutral`` (``-m "not vendor_neutral"``). A module is marked (``pytestmark``) only when its
outcome cannot depend on the database vendor; when in doubt it is not marked.

The mark is checked on every SQLite run: a test marked ``vendor_neutral`` fails if, while it runs
(its fixtures included), anything happens whose result can differ between SQLite and PostgreSQL
(``signals_of`` names it):

- SQL that does not come from the ORM's compiler (raw SQL: the prepared lookups, the maintained
  counts, set-based readers, COPY paths), or product code reading ``connection.vendor`` (a branch
  per vendor);
- SQL that the two vendors answer differently or that SQLite emulates: aggregation (``GROUP BY``,
  ``SUM``, ``AVG``, window functions), date and time functions (SQLite's ``django_*`` functions,
  ``STRFTIME``), JSON functions, ``LIKE``/``GLOB``/``REGEXP`` (case folding), concatenation, full-text
  ``MATCH``, ``INDEXED BY``, ``ON CONFLICT``/``INSERT OR``, schema changes;
- a write to a table with triggers (the maintained counts are triggers of each vendor's own);
- a database error (an integrity error: PostgreSQL aborts the transaction, SQLite does not);
- ``select_for_update``, ``bulk_create``, ``bulk_update`` (locks; batch sizes and conflict handling);
- a transactional test, a live server, or a process started (the product run in processes of its
  own, on databases that follow ``DATABASE_URL``).

``SOCREDIT_VENDOR_REPORT=DIR`` records the signals of every test (marked or not) on SQLite, one JSON
line per test in ``DIR/<worker>.jsonl``: how a module's marking was chosen and can be reviewed.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

MARKER = "vendor_neutral"
_PACKAGE = str(Path(__file__).resolve().parents[1]) + os.sep  # .../socredit/
_TESTING = str(Path(__file__).resolve().parent) + os.sep  # .../socredit/testing/
_DJANGO_DB = os.sep + os.path.join("django", "db") + os.sep
_COMPILER = os.path.join("django", "db", "models", "sql", "compiler.py")
_BACKENDS = os.path.join("django", "db", "backends") + os.sep
_TRANSACTION = os.path.join("django", "db", "transaction.py")
_SETUP = os.path.join("django", "test", "utils.py")
_PASSING = (os.path.join("django", "utils", "asyncio.py"), "contextlib.py")  # decorators on the way

SQL_SIGNALS: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern, re.IGNORECASE))
    for name, pattern in (
        ("aggregation", r"\bGROUP BY\b|\b(SUM|AVG|TOTAL|GROUP_CONCAT)\s*\(|\bOVER\s*\("),
        ("date function", r"\bdjango_\w+\(|\bSTRFTIME\s*\(|\bJULIANDAY\s*\("),
        ("JSON", r"\bJSON\w*\s*\("),
        ("pattern match", r"\bLIKE\b|\bGLOB\b|\bREGEXP\b"),
        ("concatenation", r"\|\||\bCONCAT\w*\s*\("),
        ("full text", r"\bMATCH\b"),
        ("index hint", r"\bINDEXED BY\b"),
        ("upsert", r"\bON CONFLICT\b|\bINSERT OR\b"),
        ("schema change", r"^\s*(CREATE|ALTER|DROP)\b"),
    )
)
_WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_PROCESS_FIXTURES = {"transactional_db", "live_server", "django_db_serialized_rollback"}


class _Recorder(threading.local):
    signals: dict[str, str] | None = None


_recorder = _Recorder()
_trigger_tables: set[str] | None = None


def _note(kind: str, example: str) -> None:
    if _recorder.signals is not None and kind not in _recorder.signals and not _creating_test_database():
        _recorder.signals[kind] = example[:200]


def _creating_test_database() -> bool:
    """Whether the session's test database is being made (the first test of a worker sets it up)."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None:
        if frame.f_code.co_name == "setup_databases" and frame.f_code.co_filename.endswith(_SETUP):
            return True
        frame = frame.f_back
    return False


def _caller_outside(skip: Callable[[str], bool]) -> tuple[str, int]:
    frame: FrameType | None = sys._getframe(2)
    while frame is not None and skip(frame.f_code.co_filename):
        frame = frame.f_back
    return (frame.f_code.co_filename, frame.f_lineno) if frame is not None else ("?", 0)


def _from_orm() -> tuple[bool, str]:
    """Whether the statement being executed was built by the ORM (or is Django's own transaction
    handling), and otherwise where the raw SQL comes from."""
    frame: FrameType | None = sys._getframe(3)
    while frame is not None:
        name = frame.f_code.co_filename
        if name.endswith(_COMPILER) or name.endswith(_TRANSACTION):
            return True, ""
        if _BACKENDS in name or name == __file__ or name.endswith(_PASSING):
            frame = frame.f_back
            continue
        if _DJANGO_DB in name:  # the ORM's other modules (deletion, fields' pre-saves) build through it
            return True, ""
        return False, f"{name.removeprefix(_PACKAGE)}:{frame.f_lineno}"
    return True, ""


def _tables_with_triggers(connection: Any) -> set[str]:
    global _trigger_tables
    if _trigger_tables is None:
        rows = connection.connection.execute(
            "SELECT DISTINCT tbl_name FROM sqlite_master WHERE type = 'trigger'"
        )
        _trigger_tables = {row[0].lower() for row in rows}
    return _trigger_tables


def _cased(params: Any) -> bool:
    """Whether a statement's parameters hold a letter with a case (or cannot be read): SQLite's LIKE
    folds ASCII case and PostgreSQL's does not, which matters only for such text (a region path's
    digits, a Chinese name and ``%`` fold the same on both)."""
    if params is None:
        return False
    values = params.values() if isinstance(params, dict) else params
    try:
        return any(isinstance(v, str) and v.lower() != v.upper() for v in values)
    except TypeError:
        return True


def signals_of(sql: str, connection: Any, params: Any = None) -> list[tuple[str, str]]:
    """The vendor-dependent features one statement uses (SQLite's SQL text and its parameters)."""
    found = [
        (name, sql)
        for name, pattern in SQL_SIGNALS
        if pattern.search(sql) and (name != "pattern match" or _cased(params))
    ]
    write = _WRITE.match(sql)
    if write and write.group(1).lower() in _tables_with_triggers(connection):
        found.append(("write to a table with triggers", sql))
    return found


def _wrapper(connection: Any) -> Callable[..., Any]:
    def check(execute: Callable[..., Any], sql: str, params: Any, many: bool, context: Any) -> Any:
        if _recorder.signals is not None:
            orm, where = _from_orm()
            if not orm:
                _note("raw SQL", f"{where}: {sql}")
            for kind, example in signals_of(str(sql), connection, params):
                _note(kind, example)
        try:
            return execute(sql, params, many, context)
        except Exception as error:
            from django.db import DatabaseError

            if isinstance(error, DatabaseError):
                _note("database error", f"{type(error).__name__}: {error}")
            raise

    return check


class _VendorRead:
    """``connection.vendor`` on SQLite's wrapper class: product code that reads it branches per vendor."""

    def __init__(self, value: str) -> None:
        self.value = value

    def __get__(self, instance: Any, owner: Any) -> str:
        if _recorder.signals is not None:
            name, line = _caller_outside(lambda n: n == __file__)
            if name.startswith(_PACKAGE) and not name.startswith(_TESTING):
                _note("connection.vendor", f"{name.removeprefix(_PACKAGE)}:{line}")
        return self.value


def _patch_once() -> None:
    from django.db.backends.sqlite3.base import DatabaseWrapper
    from django.db.models import QuerySet

    if isinstance(DatabaseWrapper.__dict__.get("vendor"), _VendorRead):
        return
    DatabaseWrapper.vendor = _VendorRead(DatabaseWrapper.vendor)  # type: ignore[assignment]  # a descriptor in the str's place
    import subprocess

    popen_init = subprocess.Popen.__init__

    def started(self: Any, args: Any, *rest: Any, **kwargs: Any) -> None:
        _note("a process of its own", str(args)[:200])
        popen_init(self, args, *rest, **kwargs)

    subprocess.Popen.__init__ = started  # type: ignore[method-assign]  # noted, then started as before
    for method in ("select_for_update", "bulk_create", "bulk_update"):
        original = getattr(QuerySet, method)

        def noted(
            self: Any, *args: Any, _original: Any = original, _method: str = method, **kwargs: Any
        ) -> Any:
            _note(_method, f"{self.model.__name__}")
            return _original(self, *args, **kwargs)

        setattr(QuerySet, method, noted)


def _test_signals(item: pytest.Item) -> dict[str, str]:
    """What makes a test vendor-dependent as a whole, whatever its own steps do."""
    signals: dict[str, str] = {}
    fixtures = set(getattr(item, "fixturenames", ())) & _PROCESS_FIXTURES
    db_marker = item.get_closest_marker("django_db")
    if db_marker and (db_marker.kwargs.get("transaction") or (db_marker.args and db_marker.args[0])):
        fixtures.add("django_db(transaction=True)")
    if fixtures:
        signals["transactional test or live server"] = ", ".join(sorted(fixtures))
    return signals


_STASH = pytest.StashKey[dict[str, str]]()


@contextmanager
def _recording(item: pytest.Item) -> Iterator[None]:
    from django.db import connection

    _patch_once()
    signals = item.stash.setdefault(_STASH, _test_signals(item))
    _recorder.signals = signals
    try:
        with connection.execute_wrapper(_wrapper(connection)):
            yield
    finally:
        _recorder.signals = None


def _watched(item: pytest.Item) -> bool:
    if item.get_closest_marker(MARKER) is None and not os.environ.get("SOCREDIT_VENDOR_REPORT"):
        return False
    if not item.config.pluginmanager.hasplugin("django"):
        return False
    from django.db import connection

    return connection.vendor == "sqlite"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_setup(item: pytest.Item) -> Iterator[None]:
    """The test's fixtures are watched too: what they make is what the test reads."""
    if not _watched(item):
        return (yield)
    with _recording(item):
        return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Iterator[None]:
    """On SQLite, records what a test and its fixtures do that could differ on PostgreSQL; fails a
    test marked ``vendor_neutral`` that does any of it (module docstring)."""
    if not _watched(item):
        return (yield)
    with _recording(item):
        outcome = yield
    signals = item.stash[_STASH]
    report_dir = os.environ.get("SOCREDIT_VENDOR_REPORT")
    if report_dir:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        with (Path(report_dir) / f"{worker}.jsonl").open("a", encoding="utf-8") as out:
            out.write(json.dumps({"test": item.nodeid, "signals": signals}, ensure_ascii=False) + "\n")
    if item.get_closest_marker(MARKER) is not None and signals:
        listed = "\n".join(f"  {kind}: {example}" for kind, example in sorted(signals.items()))
        pytest.fail(
            f"{item.nodeid} is marked {MARKER} (it does not run again on PostgreSQL) but it or its "
            f"fixtures did what can differ between the vendors:\n{listed}\n"
            "Remove the mark from its module (socredit/testing/vendor.py).",
            pytrace=False,
        )
    return outcome
