"""pytest fixtures shared by the app and system tiers (registered in the root conftest.py)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from socredit.testing import factories


@pytest.fixture
def personas(db):
    """Named staff accounts: city_admin, staff_jinshui, staff_xinzheng, viewer_jinshui, superuser."""
    return factories.personas()


@pytest.fixture
def login(client):
    """login(user) → a Django test client signed in as that user."""

    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def civil_affairs(db):
    return factories.department()


@pytest.fixture
def today_is():
    """today_is(day): every module's "today" (``socredit.common.clock``) is ``day`` until the test ends."""
    from socredit.common import clock

    stack = []

    def _set(day):
        cm = clock.fixed(day)
        cm.__enter__()
        stack.append(cm)
        return day

    yield _set
    while stack:
        stack.pop().__exit__(None, None, None)


@pytest.fixture
def in_test_transaction():
    """For a test that calls a WSGI handler itself (not through Django's test client): as the test
    client does, neither the start nor the end of a request may close the test's database connection
    (inside the test's transaction Django takes it for obsolete; SQLite's in-memory test database
    ignores the close, PostgreSQL's does not)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(scope="session")
def dead_worker():
    """The worker (``host:pid:start``, socredit.common.runs) of a real process that has ended, as a
    killed one has."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", "from socredit.common.runs import this_worker; print(this_worker())"],
        cwd=root, capture_output=True, text=True, check=True, env={**os.environ, "PYTHONPATH": str(root)},
    )  # fmt: skip
    return out.stdout.strip()


@pytest.fixture
def run_worker():
    """Run the queued background tasks as `socredit db_worker` does (its Worker claims and runs each
    one), in this process and inside the test's transaction; returns how many ran."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    def run() -> int:
        worker = Worker(queue_names=["default"], interval=0, batch=True, backend_name="default",
                        startup_delay=False, max_tasks=None, worker_id="test-worker", excluded_queue_names=[])  # fmt: skip
        ran = 0
        while (result := DBTaskResult.objects.ready().order_by("enqueued_at").first()) is not None:
            result.claim(worker.worker_id)
            worker.run_task(result)
            ran += 1
        return ran

    return run


@contextmanager
def rolled_back_module_data(django_db_blocker: Any, files_dir: Path) -> Iterator[Path]:
    """For data a module's tests share: made once inside a transaction that is rolled back at the
    module's end; each test runs in a savepoint inside it (pytest-django's ``db``), so no test sees
    another's writes. What it stores in files (documents, uploads, audit anchors) goes under
    ``files_dir``, which it yields: a test that reads those files points ``MEDIA_ROOT`` there."""
    from django.db import transaction
    from django.test import override_settings

    media = files_dir / "media"
    with (
        django_db_blocker.unblock(),
        override_settings(
            MEDIA_ROOT=str(media),
            SOCREDIT_AUDIT_ANCHOR_FILE=str(files_dir / "anchors.jsonl"),
            SOCREDIT_IMPORT_UPLOAD_DIR=files_dir / "uploads",
            SOCREDIT_OPENDATA_DIR=files_dir / "opendata",
        ),
    ):
        outer = transaction.atomic()
        outer._from_testcase = True  # as a TestCase's class-wide atomic: durable blocks may open inside
        outer.__enter__()
        try:
            yield media
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def fresh(objects: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``objects`` with each model instance read again from the database: a test sees the
    shared rows as they are inside its savepoint, never an instance another test changed in memory."""
    from django.db.models import Model

    return {
        name: type(value)._base_manager.get(pk=value.pk) if isinstance(value, Model) else value
        for name, value in objects.items()
    }
