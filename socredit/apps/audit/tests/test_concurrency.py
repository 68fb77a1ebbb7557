"""Concurrent writers, each on its own connection, leave one unbroken chain and lose no event (on
PostgreSQL the advisory lock serializes them; on SQLite the IMMEDIATE transactions do).

SQLite: the test database lives in memory with a shared cache, whose table locks fail at once
("database table is locked") instead of waiting; production uses a file in WAL mode. So the test
copies the database to a file and every thread (the checks too) connects to that file with the
production options.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections, transaction

from socredit.apps.audit.models import AuditEvent
from socredit.apps.audit.services import check_chain, record_event, record_events

THREADS, EACH = 8, 40


def _writer(n: int, errors: list[BaseException], start: threading.Barrier) -> None:
    try:
        start.wait()
        for i in range(EACH):
            with transaction.atomic():
                if i % 10 == 9:  # the bulk path takes the same lock
                    record_events(actor=None, channel="system", events=[
                        {"action": "test.bulk", "target_type": "t", "target_id": f"{n}-{i}-{k}"} for k in range(3)
                    ])  # fmt: skip
                else:
                    record_event(actor=None, channel="system", action="test.concurrent", target_type="t",
                                 target_id=f"{n}-{i}", summary="并发" * 300)  # fmt: skip
    except BaseException as exc:  # noqa: BLE001 (reported by the test)
        errors.append(exc)
    finally:
        connection.close()


@pytest.fixture
def own_connections(transactional_db, tmp_path):
    """New connections (other threads) reach the test database; on SQLite, a file copy of it."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    path = tmp_path / "chain.sqlite3"
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    before = connections.settings["default"]
    connections.settings["default"] = {**before, "NAME": str(path)}
    yield
    connections.settings["default"] = before


def _in_thread(fn: Callable[[], Any]) -> Any:
    out: list[Any] = []

    def run() -> None:
        try:
            out.append(fn())
        finally:
            connection.close()

    t = threading.Thread(target=run)
    t.start()
    t.join()
    return out[0]


def test_concurrent_writers_leave_one_unbroken_chain(own_connections):
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)
    threads = [threading.Thread(target=_writer, args=(n, errors, start)) for n in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    bulk_calls = EACH // 10
    expected = THREADS * ((EACH - bulk_calls) + 3 * bulk_calls)
    stored, links = _in_thread(lambda: (AuditEvent.objects.count(), AuditEvent.objects.values("prev_hash").distinct().count()))  # fmt: skip
    assert stored == expected  # no event lost
    assert links == expected  # no two events share a predecessor
    report = _in_thread(check_chain)
    assert report.ok, report.problems
    assert report.count == expected
