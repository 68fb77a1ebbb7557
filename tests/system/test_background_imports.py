"""Imports in the real background worker, as deployed: `socredit db_worker` processes on a scratch
database of their own (a SQLite file, or a scratch PostgreSQL database when DATABASE_URL points at
PostgreSQL). Another process (the page's) sees the progress move while the worker checks rows and
while its write transaction is open; a worker killed with SIGKILL in the middle of writing leaves
no row of the import, and its run is ended as failed with the reason; the same file imported again
then completes."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from socredit.testing.scratch import TEMPLATE_ENV

ROOT = Path(__file__).resolve().parents[2]
ROWS = 3000
"""All for one organization: the list rules' pass over its records after the write (part of the
write transaction) takes a few seconds, a window wide enough to kill the worker in."""

pytestmark = pytest.mark.slow

SETUP = """
import datetime as dt, sys
from socredit.testing import factories
from socredit.apps.imports.columns import RECORD_COLUMNS
from socredit.common.imports import write_csv
factories.reference_data()
factories.personas()
factories.department()
org = factories.organization("410105", registered_on=dt.date(2015, 3, 1))
rows = [[org.code, "penalty_warning", "2024-05-10", "", f"BG-{i}", "", "郑州市民政局", "", "", "", "", ""]
        for i in range(int(sys.argv[2]))]
open(sys.argv[1], "wb").write(write_csv([c.header for c in RECORD_COLUMNS], rows))
"""

QUEUE = """
import sys
from pathlib import Path
from socredit.apps.accounts.models import User
from socredit.apps.imports.background import queue_import
path = Path(sys.argv[1])
with path.open("rb") as f:
    run = queue_import(actor=User.objects.get(username="staff_jinshui"), channel="import", kind="records",
                       chunks=iter(lambda: f.read(65536), b""), file_name="大文件.csv")
print(run.pk)
"""

END_ABANDONED = """
from socredit.apps.imports.services import end_abandoned_imports
print(end_abandoned_imports())
"""


class Scratch:
    """A database of its own for the worker processes, and SQL on it from this process."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        url = os.environ.get("DATABASE_URL", "")
        self.pg_admin = url if url.startswith("postgres") else None
        if self.pg_admin:
            self.pg_name = f"socredit_bg_{uuid.uuid4().hex[:8]}"
            self._admin(f'CREATE DATABASE "{self.pg_name}"')
            self.url = urlsplit(self.pg_admin)._replace(path=f"/{self.pg_name}").geturl()
        else:
            self.url = f"sqlite:///{tmp / 'bg.sqlite3'}"
            template = os.environ.get(TEMPLATE_ENV, "")
            if template and Path(template).is_file():  # migrate below then has nothing or little to do
                shutil.copyfile(template, tmp / "bg.sqlite3")
        self.env = {**os.environ, "DATABASE_URL": self.url, "SOCREDIT_VAR_DIR": str(tmp),
                    "SOCREDIT_IMPORT_UPLOAD_DIR": str(tmp / "uploads"), "SOCREDIT_DEBUG": "1",
                    "PYTHONPATH": str(ROOT), "DJANGO_SETTINGS_MODULE": "socredit.settings"}  # fmt: skip

    def _admin(self, sql: str) -> None:
        import psycopg

        try:
            with psycopg.connect(self.pg_admin, autocommit=True) as con:
                con.execute(sql)
        except psycopg.errors.InsufficientPrivilege:
            pytest.skip("the PostgreSQL account may not create a scratch database")

    def drop(self) -> None:
        if self.pg_admin:
            self._admin(f'DROP DATABASE IF EXISTS "{self.pg_name}" WITH (FORCE)')

    def one(self, sql: str, *params: Any) -> tuple[Any, ...]:
        if self.pg_admin:
            import psycopg

            with psycopg.connect(self.url, autocommit=True) as con:
                row = con.execute(sql.replace("?", "%s"), params).fetchone()
        else:
            with sqlite3.connect(self.tmp / "bg.sqlite3", timeout=30) as con:
                row = con.execute(sql, params).fetchone()
        assert row is not None
        return tuple(row)

    def socredit(self, *args: str) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([sys.executable, "-m", "socredit.cli", *args], cwd=ROOT, env=self.env,
                              capture_output=True, text=True, timeout=600, check=False)  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        return done

    def python(self, script: str, *args: str) -> str:
        return self.socredit(
            "shell", "--no-imports", "-c", f"import sys; sys.argv = ['x', *{list(args)!r}]\n{script}"
        ).stdout

    def worker(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen([sys.executable, "-m", "socredit.cli", "db_worker", "--no-reload", "--no-startup-delay",
                                 "--interval", "0.2", *args], cwd=ROOT, env=self.env, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)  # fmt: skip


@pytest.fixture
def scratch(tmp_path: Path) -> Iterator[Scratch]:
    db = Scratch(tmp_path)
    try:
        db.socredit("migrate", "--no-input", "-v0")
        yield db
    finally:
        db.drop()


RUN_FIELDS = (
    "status",
    "phase",
    "rows_read",
    "rows_checked",
    "total_rows",
    "rows_written",
    "created",
    "message",
)
RUN_SQL = "SELECT status, phase, rows_read, rows_checked, total_rows, rows_written, created, message FROM imports_importrun WHERE id = ?"


def _run(db: Scratch, run_id: int) -> dict[str, Any]:
    return dict(zip(RUN_FIELDS, db.one(RUN_SQL, run_id), strict=True))


def _records_of(db: Scratch, run_id: int) -> int:
    return db.one("SELECT count(*) FROM records_creditrecord WHERE source_ref = ?", f"import:{run_id}")[0]


def test_a_worker_killed_while_writing_leaves_nothing_and_the_file_imports_again(scratch: Scratch) -> None:
    path = scratch.tmp / "big.csv"
    scratch.python(SETUP, str(path), str(ROWS))
    run_id = int(scratch.python(QUEUE, str(path)).strip())
    assert _run(scratch, run_id)["status"] == "queued"  # no worker yet: it waits
    assert (scratch.tmp / "uploads" / f"import-{run_id}.upload").is_file()

    worker = scratch.worker()
    seen: list[dict[str, Any]] = []
    deadline = time.monotonic() + 300
    try:
        while time.monotonic() < deadline:
            state = _run(scratch, run_id)  # read by another process, as the page does
            seen.append(state)
            if state["phase"] == "writing":
                os.kill(worker.pid, signal.SIGKILL)  # in the middle of the one write transaction
                break
            assert state["phase"] != "done", f"the import ended before it could be killed: {state}"
            time.sleep(0.02)
    finally:
        worker.kill()
        worker.wait(timeout=30)
    assert seen[-1]["phase"] == "writing", "the worker never reached the write phase"
    phases = [s["phase"] for s in seen]
    assert phases[0] == "queued" and {"reading", "checking"} & set(phases)  # seen as it went
    # written before the write transaction opened, readable by another process while it is open
    assert (seen[-1]["rows_read"], seen[-1]["rows_checked"], seen[-1]["total_rows"]) == (ROWS, ROWS, ROWS)

    assert scratch.python(END_ABANDONED).strip() == "1"
    killed = _run(scratch, run_id)
    assert (killed["status"], killed["phase"]) == ("failed", "done")
    assert "导入中断" in killed["message"] and "处理它的进程已终止" in killed["message"]
    assert _records_of(scratch, run_id) == 0  # all or nothing: nothing
    assert not (scratch.tmp / "uploads" / f"import-{run_id}.upload").exists()

    again = int(scratch.python(QUEUE, str(path)).strip())
    scratch.socredit("db_worker", "--batch", "--no-reload", "--no-startup-delay")
    done = _run(scratch, again)
    assert (done["status"], done["created"], done["rows_written"]) == ("succeeded", ROWS, ROWS)
    assert _records_of(scratch, again) == ROWS
