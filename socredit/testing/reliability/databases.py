"""The scratch databases of the reliability runs: a work database the product runs on (and a
killed process may leave as it likes), and a snapshot of it that every round starts from.

SQLite: two files in a scratch directory (the work file copied from the snapshot, its WAL and
shared-memory files removed first). PostgreSQL: two databases of their own on the server of the
given URL, the work database re-created from the snapshot as a template.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _close_django() -> None:
    from django.db import connections

    connections.close_all()


class Scratch:
    """The work database (``url``) and its snapshot; ``server_url`` None means SQLite files in ``folder``."""

    def __init__(self, folder: Path, server_url: str | None = None) -> None:
        self.folder = folder
        self.postgres = bool(server_url) and not str(server_url).startswith("sqlite")
        if self.postgres:
            assert server_url is not None
            tag = folder.name.rsplit("-", 1)[-1].lower()
            self.work, self.base = f"socredit_rel_{tag}_work", f"socredit_rel_{tag}_base"
            self.admin_url = _with_database(server_url, "postgres")
            self.url = _with_database(server_url, self.work)
            self._sql(f"DROP DATABASE IF EXISTS {self.work} WITH (FORCE)", f"CREATE DATABASE {self.work}")
        else:
            self.file, self.snapshot_file = folder / "work.sqlite3", folder / "base.sqlite3"
            self.url = f"sqlite:///{self.file}"

    @property
    def vendor(self) -> str:
        return "PostgreSQL" if self.postgres else "SQLite"

    def _sql(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def snapshot(self) -> None:
        """Keep the work database as it is now as the state every round starts from."""
        _close_django()
        if self.postgres:
            self._sql(
                f"DROP DATABASE IF EXISTS {self.base}", f"CREATE DATABASE {self.base} TEMPLATE {self.work}"
            )
        else:
            shutil.copyfile(self.file, self.snapshot_file)

    def restore(self) -> None:
        """Put the work database back to the snapshot (no process may be using it)."""
        _close_django()
        if self.postgres:
            self._sql(f"DROP DATABASE IF EXISTS {self.work} WITH (FORCE)",
                      f"CREATE DATABASE {self.work} TEMPLATE {self.base}")  # fmt: skip
        else:
            for suffix in ("-wal", "-shm"):
                Path(f"{self.file}{suffix}").unlink(missing_ok=True)
            shutil.copyfile(self.snapshot_file, self.file)

    def drop(self) -> None:
        _close_django()
        if self.postgres:
            self._sql(f"DROP DATABASE IF EXISTS {self.work} WITH (FORCE)",
                      f"DROP DATABASE IF EXISTS {self.base} WITH (FORCE)")  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)
