"""Scratch databases of the benchmarks and of the tests that run the product in processes of their own.

Migrating an empty SQLite file from nothing takes about five seconds (every app's migrations, the
region table, the reference data); a test command run made a dozen such files, one per benchmark and
per process-level suite. ``tools/test`` migrates one file first and names it in
``SOCREDIT_MIGRATED_SQLITE``; a new scratch file then starts as a copy of it. ``migrate`` runs after
the copy all the same, so a template that is not current is brought up to date, never trusted.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from pathlib import Path

TEMPLATE_ENV = "SOCREDIT_MIGRATED_SQLITE"


def _is_empty(path: Path) -> bool:
    if not path.exists() or path.stat().st_size == 0:
        return True
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0


def migrate_scratch_database() -> None:
    """``migrate`` the database Django is set up on; an empty SQLite file is first replaced by a copy of
    the migrated file ``SOCREDIT_MIGRATED_SQLITE`` names, when it names one."""
    from django.core.management import call_command
    from django.db import connection

    template = os.environ.get(TEMPLATE_ENV, "")
    if template and Path(template).is_file() and connection.vendor == "sqlite":
        target = Path(connection.settings_dict["NAME"])
        if _is_empty(target):
            connection.close()
            for suffix in ("-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(template, target)
    call_command("migrate", verbosity=0)


def make_template(path: Path) -> None:
    """Close a freshly migrated file for copying: its write-ahead log folded in and switched off, so the
    one file holds everything (each copy turns WAL on again as it connects)."""
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.execute("PRAGMA journal_mode=DELETE")
