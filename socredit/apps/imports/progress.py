"""进度 — an import run's progress and heartbeat, written while the run goes on (see Progress)."""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Iterator
from typing import Any

from django.db import DatabaseError, connection, connections
from django.utils import timezone

from socredit.apps.imports.models import ImportRun, ImportStatus

log = logging.getLogger(__name__)

PROGRESS_INTERVAL = 0.5
"""Seconds, at least, between two progress writes of a run (the page polls every 2 s)."""

HEARTBEAT_INTERVAL = 10.0
"""Seconds between two heartbeats of a run while its write transaction is open (PostgreSQL)."""


class Progress:
    """A run's progress (phase, rows read / checked / written, rows with errors so far), written to
    its row by small updates of their own — autocommit, at most every `interval` seconds — so that
    the page polling the run reads it while the import goes on. Each write is a heartbeat too.

    No count is written while the import's own write transaction is open (`held()`): on SQLite that
    transaction holds the database's only write lock, so a progress write from another connection
    would wait for it (and one from the same connection would be rolled back with the import); the
    phase "writing" and the counts so far are written just before it opens, the rows written just
    after it commits. Meanwhile, on PostgreSQL, a thread with a connection of its own writes the
    run's heartbeat every HEARTBEAT_INTERVAL seconds (so that another host does not take a long write
    for an abandoned run); on SQLite (one host) the run's process id shows it alive."""

    def __init__(self, run: ImportRun, *, interval: float | None = None) -> None:
        self.run = run
        self.interval = PROGRESS_INTERVAL if interval is None else interval
        self._pending: dict[str, Any] = {}
        self._last = 0.0
        self._held = False

    def __call__(self, *, force: bool = False, **fields: Any) -> None:
        for name, value in fields.items():
            setattr(self.run, name, value)
        self._pending |= fields
        if force or time.monotonic() - self._last >= self.interval:
            self.flush()

    def flush(self) -> None:
        if self._held or not self._pending:
            return
        now = timezone.now()
        ImportRun.objects.filter(pk=self.run.pk).update(heartbeat_at=now, **self._pending)
        self.run.heartbeat_at, self._pending, self._last = now, {}, time.monotonic()

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        self._held = True
        stop = threading.Event()
        beat = None
        if connection.vendor == "postgresql":
            beat = threading.Thread(target=_heartbeat, args=(self.run.pk, stop), daemon=True,
                                    name=f"import-{self.run.pk}-heartbeat")  # fmt: skip
            beat.start()
        try:
            yield
        finally:
            stop.set()
            if beat is not None:
                beat.join()
            self._held = False


def _heartbeat(run_id: int, stop: threading.Event) -> None:
    """The run's sign of life while its write transaction is open, each in a transaction of its own
    (this thread's own connection; the import's transaction takes no lock on the run's row)."""
    try:
        while not stop.wait(HEARTBEAT_INTERVAL):
            ImportRun.objects.filter(pk=run_id, status=ImportStatus.RUNNING).update(
                heartbeat_at=timezone.now()
            )
    except DatabaseError:
        log.exception("heartbeat of import run %s failed", run_id)
    finally:
        connections.close_all()  # this thread's connections only (they are per thread)
