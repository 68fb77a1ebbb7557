"""Benchmark of the organization list's export (导出) through a real WSGI server (not a test).

    .venv/bin/python bench/exports.py [--orgs 200000] [--db PATH] [--smoke]

1. builds a scratch SQLite database (migrated; N organizations over the real regions inserted with
   ``executemany``, as ``bench/lookups.py`` does; a national viewer and its session), or reuses
   ``--db PATH`` holding such a database from an earlier ``--keep`` run;
2. for CSV and XLSX, and for a third of the organizations (``?org_type=3``) and for all of them,
   starts gunicorn afresh (one sync worker, DEBUG off, ``--timeout`` long enough for the largest
   export) and downloads ``/organizations/export.<fmt>`` as the national viewer;
3. checks every answer (status, the title and header lines, one line per organization of the
   filter) and prints rows/s, seconds, and the peak memory of the worker that served it, sampled
   while it serves: its own (anonymous) resident memory must stay flat from a third to all (the rows
   are streamed in chunks, never held); the resident set with the mapped SQLite file is printed
   beside it;
4. prints, last, one ``BENCH-RESULT`` line (``bench/_common.py``).

``--smoke`` (2,000 organizations) fails only on a wrong answer, never on a slow one.

The export records an audit event (a write), so it is measured on a database of its own, never on
a read-only copy such as the national benchmark database.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import Results, database_url, production_environment  # noqa: E402
from bench.lookups import _free_port, insert_organizations, signed_in_session, start_server, stop_server  # noqa: E402

SECRET = "bench-exports-secret-key-for-a-scratch-server-not-for-production"  # noqa: S105 — a scratch server on loopback
TARGET_CSV_ROWS_PER_S = 20_000.0
TARGET_XLSX_ROWS_PER_S = 5_000.0
TARGET_RSS_GROWTH = 1.25
"""Peak RSS exporting all organizations over the peak exporting a third of them."""


def _say(text: str = "") -> None:
    print(text, flush=True)


def build(n: int, fresh: bool) -> dict[str, Any]:
    """Migrate, insert N organizations (``fresh``), add a national viewer with a session."""
    import django

    django.setup()
    from django.db import connection

    from socredit.apps.accounts.models import StaffRole, User
    from socredit.apps.registry.models import Organization, Region

    t0 = time.perf_counter()
    from socredit.testing.scratch import migrate_scratch_database

    migrate_scratch_database()
    if fresh:
        insert_organizations(n)
        _say(f"  {n:,} organizations inserted in {time.perf_counter() - t0:.1f} s")
    user = User.objects.filter(username="bench_exports").first()
    if user is None:
        user = User(
            username="bench_exports", region=Region.objects.get(code="100000"), staff_role=StaffRole.VIEWER
        )
        user.set_password("bench-exports-password")
        user.save()
    counts = {
        "": Organization.objects.count(),
        "org_type=3": Organization.objects.filter(org_type="3").count(),
    }
    connection.close()
    return {"session": signed_in_session(user), "counts": counts}


def _workers(master: int) -> list[int]:
    """The gunicorn workers under ``master``."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == master:
                pids.append(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    return pids


class MemorySampler(threading.Thread):
    """Samples the workers' memory every 50 ms while a download runs: the peak of the anonymous
    resident memory (RssAnon: the process's own heap, what a leak or a list of rows would grow)
    and of the whole resident set (VmRSS, which also counts the pages of the SQLite file the
    process has mapped: ``SOCREDIT_SQLITE_MMAP_BYTES``, shared with the page cache, not owned)."""

    def __init__(self, master: int) -> None:
        super().__init__(daemon=True)
        self.pids = _workers(master)
        self.anon_mb = self.rss_mb = 0.0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            for pid in self.pids:
                try:
                    text = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                fields = dict(line.split(":", 1) for line in text.splitlines() if ":" in line)
                self.anon_mb = max(self.anon_mb, int(fields["RssAnon"].split()[0]) / 1024)
                self.rss_mb = max(self.rss_mb, int(fields["VmRSS"].split()[0]) / 1024)
            self.done.wait(0.05)

    def stop(self) -> None:
        self.done.set()
        self.join()


def download(port: int, path: str, session: str) -> tuple[int, dict[str, str], Path, float]:
    """GET ``path`` as the signed-in viewer, streaming the body into a temporary file."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=3600)
    t = time.perf_counter()
    conn.request("GET", path, headers={"Host": "127.0.0.1", "Cookie": f"sessionid={session}"})
    response = conn.getresponse()
    handle = tempfile.NamedTemporaryFile(prefix="socredit-export-bench-", delete=False)  # noqa: SIM115 — kept for the checks
    with handle:
        while chunk := response.read(1 << 20):
            handle.write(chunk)
    elapsed = time.perf_counter() - t
    conn.close()
    return response.status, dict(response.getheaders()), Path(handle.name), elapsed


def data_lines(fmt: str, body: Path) -> tuple[list[str], int]:
    """The first two lines (title, headers) as text and the number of data lines, read as a
    stream (the XLSX's sheet XML is scanned for rows, not loaded)."""
    if fmt == "csv":
        with body.open("rb") as f:
            head = [f.readline().decode("utf-8-sig").strip(), f.readline().decode("utf-8").strip()]
            rest = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b""))
        return head, rest
    import openpyxl

    with body.open("rb") as f:
        book = openpyxl.load_workbook(f, read_only=True)  # a file object: the temporary name has no .xlsx
        rows = book.worksheets[0].iter_rows(values_only=True, max_row=2)
        head = [",".join("" if v is None else str(v) for v in row) for row in rows]
        book.close()
    count, tail = 0, b""
    with zipfile.ZipFile(body) as archive:
        name = next(n for n in archive.namelist() if n.startswith("xl/worksheets/sheet"))
        with archive.open(name) as sheet:
            while chunk := sheet.read(1 << 20):
                count += (tail + chunk).count(b"<row ") - tail.count(b"<row ")
                tail = chunk[-8:]
    return head, count - 2


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orgs", type=int, default=200_000)
    parser.add_argument("--db", help="reuse this SQLite file (kept by an earlier --keep run)")
    parser.add_argument("--keep", help="keep the scratch database at this path")
    parser.add_argument("--formats", default="csv,xlsx", help="the formats to measure (default csv,xlsx)")
    parser.add_argument(
        "--smoke", action="store_true", help="2,000 organizations; fails only on a wrong answer"
    )
    args = parser.parse_args()
    n = 2000 if args.smoke else args.orgs
    scratch = Path(tempfile.mkdtemp(prefix="socredit-bench-exports-"))
    fresh = not (args.db and Path(args.db).exists())
    url = database_url(args.db, scratch)
    os.environ.update(SOCREDIT_SECRET_KEY=SECRET, SOCREDIT_ALLOWED_HOSTS="127.0.0.1",
                      PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))  # fmt: skip
    env = production_environment(url, scratch)
    results = Results("exports")
    wrong: list[str] = []
    try:
        ctx = build(n, fresh)
        n = ctx["counts"][""]
        _say(f"== export of the organization list ({n:,} organizations{'' if fresh else ', reused'})")
        table = []
        for fmt in args.formats.split(","):
            peaks = {}
            for query in ("org_type=3", ""):
                port = _free_port()
                server = start_server({**env, "GUNICORN_CMD_ARGS": "--timeout 3600"}, port, workers=1)
                try:
                    warm = download(
                        port, f"/organizations/export.{fmt}?org_type=9", ctx["session"]
                    )  # no rows:
                    warm[2].unlink(missing_ok=True)  # the worker imports the views before the clock starts
                    path = f"/organizations/export.{fmt}" + (f"?{query}" if query else "")
                    sampler = MemorySampler(server.pid)
                    sampler.start()
                    try:
                        status, headers, body, seconds = download(port, path, ctx["session"])
                    finally:
                        sampler.stop()
                    peaks[query] = sampler.anon_mb
                    mapped = sampler.rss_mb
                finally:
                    stop_server(server)
                expected = ctx["counts"][query]
                try:
                    if status != 200:
                        wrong.append(f"{path}: status {status}")
                        continue
                    head, rows = data_lines(fmt, body)
                    if rows != expected or "社会组织" not in head[0] or "统一社会信用代码" not in head[1]:
                        wrong.append(f"{path}: {rows:,} rows for {expected:,}, head {head!r}")
                    size = body.stat().st_size
                finally:
                    body.unlink(missing_ok=True)
                what = "all" if not query else "a third"
                table.append((fmt, what, expected, seconds, expected / seconds, peaks[query], size))
                _say(f"  {fmt:4} {what:8} {expected:>10,} rows  {seconds:7.1f} s  {expected / seconds:>9,.0f} rows/s  "
                     f"peak RSS anon {peaks[query]:6.1f} MB (with the mapped database {mapped:6.1f} MB)  "
                     f"file {size / 1048576:7.1f} MB")  # fmt: skip
            target = TARGET_CSV_ROWS_PER_S if fmt == "csv" else TARGET_XLSX_ROWS_PER_S
            rate = table[-1][4]
            results.add(f"{fmt} rows/s ({n:,} organizations)", round(rate), "rows/s", target, ">=")
            growth = peaks[""] / peaks["org_type=3"] if peaks["org_type=3"] else 0.0
            results.add(
                f"{fmt} peak anonymous RSS all / a third", round(growth, 2), "×", TARGET_RSS_GROWTH, "<"
            )
            results.add(f"{fmt} peak anonymous RSS", round(peaks[""], 1), "MB")
        if args.keep and fresh:
            shutil.copyfile(url.removeprefix("sqlite:///"), args.keep)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    results.wrong.extend(wrong)
    for message in wrong:
        _say(f"WRONG: {message}")
    results.emit()
    if wrong:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
