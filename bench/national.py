"""The national benchmark: every figure a person or another system waits on, at 1,000,000
organizations, against its target, on SQLite and (with ``--database-url``) PostgreSQL side by side.

    .venv/bin/python bench/national.py [--db PATH] [--orgs 1000000] [--database-url URL]
                                       [--only evaluate,lookups,search,daily,import] [--smoke]

1. The database: ``--db PATH`` (default ``var/bench/national.sqlite3``) is reused when it exists
   (migrated to the current schema first), else built by ``bench/evaluate.py --orgs N --keep PATH``
   (every current region of GB/T 2260, valid codes, about 20 records per organization, about 7
   minutes on 2 cores). ``bench/evaluate.py`` then measures the batch evaluation and
   ``create_record`` on it (its own targets).
2. ``bench/lookups.py --db``: gunicorn (2 workers, DEBUG off) driven by wrk on loopback — the code
   lookup and the credit answer at 50 connections, the staff list page of a national account.
3. ``bench/search.py --db``: the first page of a name or code search, per kind of query.
4. ``bench/daily_run.py --db`` on a copy of the database (the run writes): the first day, a day
   without new facts, a day after new records.
5. ``bench/import.py --db`` on that copy: 100,000 records into the national database.
6. With ``--database-url`` (an empty PostgreSQL database, e.g. ``tools/pg start``): the SQLite file
   is copied into it (``bench/pgcopy.py``), and lookups, search and the daily run are measured there.

Each script prints its own table and one ``BENCH-RESULT`` line (bench/_common.py); this script
collects them and prints every figure with its target, PASS/FAIL, one column per database. Run it
on an idle machine: the figures are wall-clock. ``--smoke`` runs everything at 3,000 organizations
in a scratch directory (the test command's bench tier), where only wrong answers fail.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _common import ROOT, parse_results

PY = sys.executable
STEPS = ("evaluate", "lookups", "search", "daily", "import")


def _say(text: str = "") -> None:
    print(text, flush=True)


def _run(label: str, argv: list[str], env: dict[str, str] | None = None) -> dict | None:
    """Run one benchmark script, echo its output, return its BENCH-RESULT (None if it printed none)."""
    _say(f"\n=== {label}: {' '.join(argv)}")
    t0 = time.perf_counter()
    proc = subprocess.run(  # noqa: S603 — our own scripts
        [PY, *argv], cwd=ROOT, env=env or dict(os.environ), capture_output=True, text=True, check=False
    )
    output = proc.stdout + (("\n" + proc.stderr) if proc.returncode else "")
    for line in output.splitlines():
        if not line.startswith("BENCH-RESULT "):
            _say("  │ " + line)
    _say(f"=== {label}: exit {proc.returncode} in {time.perf_counter() - t0:.0f} s")
    result = parse_results(proc.stdout)
    if result is None:
        return {
            "script": argv[0],
            "figures": [],
            "wrong": [f"{argv[0]} exited {proc.returncode} without results"],
        }
    if proc.returncode and not result["wrong"] and not any(f["passed"] is False for f in result["figures"]):
        result["wrong"].append(f"{argv[0]} exited {proc.returncode}")
    return result


def _migrate(db_url: str) -> None:
    """Bring a reused database to the current schema (in a child: this process stays without Django)."""
    env = {**os.environ, "DATABASE_URL": db_url, "SOCREDIT_DEBUG": "0", "DJANGO_SETTINGS_MODULE": "socredit.settings",
           "SOCREDIT_SECRET_KEY": "bench-national-" + os.urandom(32).hex(),
           "SOCREDIT_VAR_DIR": tempfile.mkdtemp(prefix="socredit-national-migrate-")}  # fmt: skip
    t0 = time.perf_counter()
    subprocess.run([PY, "-m", "django", "migrate", "-v0"], cwd=ROOT, env=env, check=True)  # noqa: S603
    _say(f"migrated to the current schema in {time.perf_counter() - t0:.0f} s")


def _copy_sqlite(src: Path, dst: Path) -> None:
    """A consistent copy of an SQLite database (its WAL folded in) by the backup API."""
    import sqlite3

    if dst.exists():
        dst.unlink()
    with sqlite3.connect(src) as a, sqlite3.connect(dst) as b:
        a.backup(b, pages=1 << 16)


def _table(columns: list[str], results: dict[str, list[dict]]) -> list[str]:
    """Figure × database with the target and a verdict per cell."""
    rows: dict[str, dict[str, dict]] = {}
    order: list[str] = []
    for db, found in results.items():
        for result in found:
            for f in result["figures"]:
                if f["name"] not in rows:
                    rows[f["name"]] = {}
                    order.append(f["name"])
                rows[f["name"]][db] = f
    width = max([len(n) for n in order] + [20])
    out = [f"  {'figure':<{width}}  " + "  ".join(f"{c:>22}" for c in columns) + "   target"]
    for name in order:
        cells, target = [], ""
        for c in columns:
            f = rows[name].get(c)
            if f is None:
                cells.append(f"{'—':>22}")
                continue
            verdict = {True: "PASS", False: "FAIL", None: ""}[f["passed"]]
            value = f["value"]
            shown = (
                f"{value:,.0f}"
                if abs(value) >= 100
                else f"{value:.2f}"
                if abs(value) < 10
                else f"{value:.1f}"
            )
            cells.append(f"{shown + ' ' + f['unit'] + ' ' + verdict:>22}")
            if f["target"] is not None:
                target = f"{'≥' if f['op'] == '>=' else '<'} {f['target']:g} {f['unit']}"
        out.append(f"  {name:<{width}}  " + "  ".join(cells) + f"   {target}")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", help="the national SQLite database (reused if it exists, else built)")
    parser.add_argument("--orgs", type=int, default=1_000_000, help="organizations when building it")
    parser.add_argument("--database-url", help="an empty PostgreSQL database to measure side by side")
    parser.add_argument(
        "--pg-loaded",
        action="store_true",
        help="the PostgreSQL database holds the copy already (no new copy)",
    )
    parser.add_argument("--only", default=",".join(STEPS), help=f"steps to run, of {','.join(STEPS)}")
    parser.add_argument("--smoke", action="store_true", help="3,000 organizations in a scratch directory")
    args = parser.parse_args()
    steps = {s.strip() for s in args.only.split(",") if s.strip()}
    if unknown := steps - set(STEPS):
        parser.error(f"unknown step(s): {', '.join(sorted(unknown))}")
    scratch = Path(tempfile.mkdtemp(prefix="socredit-national-"))
    if args.smoke:
        args.orgs, db = 3000, scratch / "national.sqlite3"
    else:
        db = Path(args.db or ROOT / "var" / "bench" / "national.sqlite3").resolve()
    db.parent.mkdir(parents=True, exist_ok=True)
    small = ["--smoke"] if args.smoke else []
    load = os.getloadavg()
    _say(f"bench/national.py — {time.strftime('%Y-%m-%d %H:%M %Z')}, {os.cpu_count()} cores, "
         f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; database {db}")  # fmt: skip
    if load[0] > 1.0 and not args.smoke:
        _say("  warning: the machine is not idle — wall-clock figures will be inflated")
    results: dict[str, list[dict]] = {"SQLite": []}
    try:
        fresh = not db.exists()
        evaluate = ["bench/evaluate.py", "--orgs", str(args.orgs), "--keep", str(db)]
        if args.smoke:
            evaluate += ["--samples", "20", "--orm-sample", "100", "--smoke"]
        if fresh:
            results["SQLite"].append(_run("build and evaluate", evaluate))
        else:
            _migrate(f"sqlite:///{db}")
            if "evaluate" in steps:
                results["SQLite"].append(_run("evaluate", [*evaluate, "--reuse"]))
        if "lookups" in steps:
            results["SQLite"].append(_run("lookups", ["bench/lookups.py", "--db", str(db), *small]))
        if "search" in steps:
            results["SQLite"].append(_run("search", ["bench/search.py", "--db", str(db), *small]))
        if steps & {"daily", "import"}:
            copy = scratch / "national-copy.sqlite3"
            t0 = time.perf_counter()
            _copy_sqlite(db, copy)
            _say(f"\ncopied the database for the writing steps in {time.perf_counter() - t0:.0f} s")
            if "daily" in steps:
                changes = ["--changes", "50"] if args.smoke else ["--changes", "1000"]
                results["SQLite"].append(
                    _run("daily list run", ["bench/daily_run.py", "--db", str(copy), *changes])
                )
            if "import" in steps:
                rows = ["--rows", "2000"] if args.smoke else []
                results["SQLite"].append(_run("import", ["bench/import.py", "--db", str(copy), *rows]))
            copy.unlink(missing_ok=True)
        if args.database_url:
            results["PostgreSQL"] = []
            copied = {"figures": [], "wrong": []}
            if not args.pg_loaded:
                copied = _run("copy into PostgreSQL", ["bench/pgcopy.py", str(db), args.database_url])
                results["PostgreSQL"].append(copied)
            if not copied["wrong"]:
                url = args.database_url
                if "lookups" in steps:
                    results["PostgreSQL"].append(_run("lookups (PostgreSQL)", ["bench/lookups.py", "--database-url", url, *small]))  # fmt: skip
                if "search" in steps:
                    results["PostgreSQL"].append(_run("search (PostgreSQL)", ["bench/search.py", "--db", url, *small]))  # fmt: skip
                if "daily" in steps:
                    changes = ["--changes", "50"] if args.smoke else ["--changes", "1000"]
                    results["PostgreSQL"].append(_run("daily list run (PostgreSQL)", ["bench/daily_run.py", "--db", url, *changes]))  # fmt: skip
    finally:
        shutil.rmtree(scratch, ignore_errors=True)

    load = os.getloadavg()
    _say(
        f"\nsummary: {args.orgs:,} organizations; load average now {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}"
    )
    for line in _table(list(results), results):
        _say(line)
    wrong = [w for found in results.values() for r in found for w in r["wrong"]]
    failed = [
        f"{db_name}: {f['name']}"
        for db_name, found in results.items()
        for r in found
        for f in r["figures"]
        if f["passed"] is False
    ]
    for w in wrong:
        _say(f"  WRONG: {w}")
    if args.smoke:
        _say("smoke: answers checked, speed not judged at this size")
        return 1 if wrong else 0
    _say(f"\n{len(failed)} figure(s) missed their target" + (": " + "; ".join(failed) if failed else ""))
    return 1 if wrong or failed else 0


if __name__ == "__main__":
    sys.exit(main())
