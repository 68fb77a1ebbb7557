"""开放数据 — the bulk download of all public information, rebuilt by ``socredit opendata build``.

A release is one directory ``<SOCREDIT_OPENDATA_DIR>/<data date>/`` holding, for each table of
``schema.TABLES``, ``<table>.csv.gz`` (UTF-8 with a BOM, a header line) and ``<table>.jsonl.gz`` (one
JSON object per line), plus ``schema.json`` (the documented columns), ``SHA256SUMS`` (``sha256sum -c``
checks it) and ``manifest.json`` (data date, generation time, each file's size, rows and SHA-256).

The build streams: organizations are read in chunks of ``CHUNK`` by primary key, each chunk's public
profiles are turned into rows and written at once to every gzip file, so memory holds one chunk
whatever the country's size. It writes into a hidden directory and renames it into place when every
file and checksum is written, then points ``current`` at it (an atomic rename of a symbolic link):
a reader never sees a half-written release, and a failed build leaves the previous one published.
Rebuilding the same date replaces that date's release (idempotent). The last ``KEEP`` releases stay.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import hashlib
import io
import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.utils import timezone

from socredit.apps.reports import content
from socredit.apps.reports.schema import TABLES, rows_of, schema_document
from socredit.common.imports import FORMULA_STARTS

CHUNK = 1000
KEEP = 3
CURRENT = "current"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
SCHEMA = "schema.json"
CONTENT_TYPES = {".gz": "application/gzip", ".json": "application/json", "SUMS": "text/plain; charset=utf-8"}


def root() -> Path:
    return Path(getattr(settings, "SOCREDIT_OPENDATA_DIR", Path(settings.VAR_DIR) / "opendata"))


def table_file(table: str, day: dt.date, ext: str) -> str:
    """``organizations-2026-12-04.csv.gz``: the data date in every name, so downloads never overwrite."""
    return f"{table}-{day.isoformat()}.{ext}"


def file_names(day: dt.date) -> list[str]:
    return [table_file(t, day, ext) for t in TABLES for ext in ("csv.gz", "jsonl.gz")]


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value  # CSV injection: a spreadsheet shows the text, never runs it
    return value


class _TableWriter:
    """One table's two gzip files, written a chunk of rows at a time."""

    def __init__(self, folder: Path, table: str, day: dt.date) -> None:
        self.columns = [c.name for c in TABLES[table]]
        self.rows = 0
        # mtime=0: the same rows give the same bytes (and the same checksum) on every rebuild
        self._csv = gzip.GzipFile(folder / table_file(table, day, "csv.gz"), "wb", mtime=0)
        self._jsonl = gzip.GzipFile(folder / table_file(table, day, "jsonl.gz"), "wb", mtime=0)
        self._csv.write("\ufeff".encode())
        self._write_csv([self.columns])

    def _write_csv(self, lines: list[list[Any]]) -> None:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\r\n").writerows(lines)
        self._csv.write(buffer.getvalue().encode("utf-8"))

    def write(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        self._write_csv([[_cell(r.get(c)) for c in self.columns] for r in rows])
        self._jsonl.write(
            "".join(
                json.dumps({c: r.get(c) for c in self.columns}, ensure_ascii=False, sort_keys=False) + "\n"
                for r in rows
            ).encode("utf-8")
        )
        self.rows += len(rows)

    def close(self) -> None:
        self._csv.close()
        self._jsonl.close()


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1024 * 1024), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class Built:
    folder: Path
    manifest: dict[str, Any]


def build(as_of: dt.date, *, chunk: int = CHUNK, target: Path | None = None) -> Built:
    """Write the release of ``as_of`` and publish it as ``current``; returns its folder and manifest."""
    base = target or root()
    base.mkdir(parents=True, exist_ok=True)
    work = base / f".build-{as_of.isoformat()}-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        writers = {t: _TableWriter(work, t, as_of) for t in TABLES}
        try:
            for profiles in content.profiles_in_chunks(as_of, chunk):
                tables: dict[str, list[dict[str, Any]]] = {t: [] for t in TABLES}
                for profile in profiles:
                    for table, rows in rows_of(profile).items():
                        tables[table].extend(rows)
                for table, rows in tables.items():
                    writers[table].write(rows)
        finally:
            for w in writers.values():
                w.close()
        (work / SCHEMA).write_text(
            json.dumps(schema_document(), ensure_ascii=False, indent=2) + "\n", "utf-8"
        )
        files = []
        for name in [*file_names(as_of), SCHEMA]:
            path = work / name
            table = name.split("-")[0].split(".")[0]
            files.append({"name": name, "bytes": path.stat().st_size, "sha256": _sha256(path),
                          "rows": writers[table].rows if table in writers else None})  # fmt: skip
        (work / SUMS).write_text("".join(f"{f['sha256']}  {f['name']}\n" for f in files), "utf-8")
        manifest = {
            "data_date": as_of.isoformat(),
            "generated_at": timezone.now().isoformat(timespec="seconds"),
            "files": files,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", "utf-8")
        final = base / as_of.isoformat()
        if final.exists():
            old = base / f".old-{as_of.isoformat()}-{os.getpid()}"
            final.rename(old)
            shutil.rmtree(old, ignore_errors=True)
        work.rename(final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _point_current(base, final.name)
    _prune(base)
    return Built(final, manifest)


def _point_current(base: Path, name: str) -> None:
    link = base / f".{CURRENT}-{os.getpid()}"
    if link.is_symlink() or link.exists():
        link.unlink()
    link.symlink_to(name)
    os.replace(link, base / CURRENT)


def _releases(base: Path) -> list[Path]:
    out = []
    for p in base.iterdir():
        try:
            dt.date.fromisoformat(p.name)
        except ValueError:
            continue
        if p.is_dir():
            out.append(p)
    return sorted(out)


def _prune(base: Path) -> None:
    current = (base / CURRENT).resolve()
    for old in _releases(base)[:-KEEP]:
        if old.resolve() != current:
            shutil.rmtree(old, ignore_errors=True)


def current_release() -> dict[str, Any] | None:
    """The published release's manifest, or None before the first build."""
    path = root() / CURRENT / MANIFEST
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, ValueError):
        return None


def published_file(name: str) -> Path | None:
    """The file ``name`` of the published release; None for any other name (only the names its manifest
    lists are served: no other path ever leaves the folder)."""
    release = current_release()
    if release is None or name not in {*(f["name"] for f in release["files"]), SUMS, MANIFEST}:
        return None
    path = root() / CURRENT / name
    return path if path.is_file() else None


def content_type(name: str) -> str:
    for suffix, kind in CONTENT_TYPES.items():
        if name.endswith(suffix):
            return kind
    return "application/octet-stream"


def iter_lines(path: Path) -> Iterator[dict[str, Any]]:
    """The rows of a ``.jsonl.gz`` file (for tests and for anyone checking a release)."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for line in handle:
            yield json.loads(line)


def open_text(path: Path) -> IO[str]:
    return gzip.open(path, "rt", encoding="utf-8-sig", newline="")
