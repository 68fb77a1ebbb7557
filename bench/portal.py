"""Benchmark of the public portal's pages under a real WSGI server (not a test).

    .venv/bin/python bench/portal.py [--orgs 20000] [--db PATH | --database-url URL] [--seconds 10]
                                     [--connections 2] [--workers 2] [--smoke]

1. builds a scratch SQLite database with the demo city's generator (``socredit demo-data --orgs N``:
   names, records, list entries, commitments as the demo has them), or reuses ``--db PATH`` /
   ``--database-url URL`` when it holds organizations;
2. starts gunicorn (``--workers`` sync workers, DEBUG off) on loopback, the portal's per-client
   limits lifted (one client, wrk, sends every request);
3. checks the answers: each sampled profile page shows its organization's name and code, a search
   for a part of a name finds that organization, a two-character search answers with results, an
   unknown code is a 404;
4. after a warm-up that is not measured (each path list driven for up to 4 s: templates loaded, the
   sampled pages in the OS's file cache), drives with wrk (random paths from a Lua list) the profile page ``/o/<code>/``, the search page
   with queries of 3+ characters (parts of real names) and with two-character queries (养老, 协会 …);
5. prints requests/s and p50/p99 against the targets (profile p99 < 50 ms; search p99 < 10 ms for
   3+ characters, < 150 ms for two), the load average, and a ``BENCH-RESULT`` line.

``--connections`` defaults to the number of workers: the p99 is then the latency of a request, not
the time it waits behind others in the listen queue (at 50 connections on two workers a request waits
for ~25 others; requests/s is printed either way).

``--smoke`` (small size, a few seconds) fails only on a wrong answer, never on a slow one.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import Results, add_database_arguments, database_url, production_environment  # noqa: E402
from bench.lookups import _free_port, fetch, require_wrk, start_server, stop_server, wrk  # noqa: E402

TARGET_PROFILE_P99_MS = 50.0
TARGET_SEARCH_P99_MS = 10.0
TARGET_SHORT_SEARCH_P99_MS = 150.0
SHORT_QUERIES = (
    "养老",
    "协会",
    "中心",
    "基金",
    "学校",
    "服务",
    "商会",
    "体育",
    "文化",
    "慈善",
    "郑州",
    "金水",
)
SECRET = "bench-portal-secret-key-for-a-scratch-server-not-for-production"  # noqa: S105 — a scratch server on loopback


def _say(text: str = "") -> None:
    print(text, flush=True)


def build(n: int, fresh: bool | None) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from socredit.apps.registry.models import Organization

    t0 = time.perf_counter()
    from socredit.testing.scratch import migrate_scratch_database

    migrate_scratch_database()
    if fresh is None:
        fresh = not Organization.objects.exists()
    if fresh:
        call_command("demo_data", orgs=n, seed=7, verbosity=0)
        _say(f"  {n:,} demo organizations loaded in {time.perf_counter() - t0:.1f} s")
    rng = random.Random(2026)
    rows = list(Organization.objects.order_by("?").values_list("code", "name")[:2000])
    queries = []
    for _code, name in rows[:500]:
        size = rng.randint(3, min(6, len(name)))
        start = rng.randint(0, len(name) - size)
        queries.append(name[start : start + size])
    organizations = Organization.objects.count()
    connection.close()
    return {"rows": rows, "queries": queries, "organizations": organizations, "fresh": fresh,
            "vendor": connection.vendor}  # fmt: skip


def check_answers(port: int, ctx: dict[str, Any]) -> list[str]:
    from urllib.parse import quote

    wrong: list[str] = []
    for code, name in ctx["rows"][:20]:
        status, body, _ = fetch(port, f"/o/{code}/", {})
        text = body.decode()
        if status != 200 or code not in text or name.replace("&", "&amp;") not in text:
            wrong.append(f"profile {code}: {status}")
        status, body, _ = fetch(port, f"/search/?q={quote(code)}", {})
        if status != 200 or f"/o/{code}/" not in body.decode():
            wrong.append(f"search by code {code}: {status}, not found")
    for q in ctx["queries"][:20]:
        status, body, _ = fetch(port, f"/search/?q={quote(q)}", {})
        if status != 200:
            wrong.append(f"search {q!r}: {status}")
    for q in SHORT_QUERIES[:4]:
        status, body, _ = fetch(port, f"/search/?q={quote(q)}", {})
        if status != 200 or ("/o/" not in body.decode() and "没有符合" not in body.decode()):
            wrong.append(f"two-character search {q!r}: {status}")
    status, _body, _ = fetch(port, "/o/91410105MA0000000X/", {})
    if status != 404:
        wrong.append(f"unknown code: {status}, not 404")
    return wrong


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    add_database_arguments(parser, db_help="reuse this SQLite file (e.g. one bench/evaluate.py --keep kept)")
    parser.add_argument("--seconds", type=float, default=10.0, help="load per page")
    parser.add_argument("--connections", type=int, default=0, help="wrk connections (default: --workers)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument(
        "--smoke", action="store_true", help="a small, quick run that fails only on wrong answers"
    )
    args = parser.parse_args()
    require_wrk()
    if args.smoke:
        args.seconds = min(args.seconds, 2.0)
    connections = args.connections or args.workers
    scratch = Path(tempfile.mkdtemp(prefix="bench-portal-"))
    url = args.database_url or database_url(args.db, scratch)
    os.environ.update(SOCREDIT_SECRET_KEY=SECRET, SOCREDIT_ALLOWED_HOSTS="127.0.0.1",
                      SOCREDIT_PUBLIC_RATES_OFF="1",
                      PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))  # fmt: skip
    env = production_environment(url, scratch)
    _say(
        f"bench/portal.py: {'reusing ' + (args.db or url.split('?')[0]) if args.db or args.database_url else 'fresh'}"
    )
    ctx = build(args.orgs, fresh=None if args.database_url or args.db else True)
    port = _free_port()
    server = start_server(env, port, args.workers)
    from urllib.parse import quote

    try:
        wrong = check_answers(port, ctx)
        for message in wrong:
            _say(f"WRONG: {message}")
        paths = {
            "profile": [f"/o/{c}/" for c, _n in ctx["rows"]],
            "search": [f"/search/?q={quote(q)}" for q in ctx["queries"]],
            "short": [f"/search/?q={quote(q)}" for q in SHORT_QUERIES],
        }
        # Steady state, as a server that has been up a while: each worker has loaded its templates and
        # catalogues, and the pages the sample touches are in the OS's file cache (a national SQLite
        # file is several GB; a first read from disk after the server starts is not what a visitor
        # of a running service waits). The warm-up is not measured.
        if not args.smoke:
            for each in paths.values():
                wrk(port, each, {}, min(args.seconds, 4.0), connections)
        profile = wrk(port, paths["profile"], {}, args.seconds, connections)
        search = wrk(port, paths["search"], {}, args.seconds, connections)
        short = wrk(port, paths["short"], {}, args.seconds, connections)
    finally:
        stop_server(server)
        shutil.rmtree(scratch, ignore_errors=True)
    for name, result in (("profile", profile), ("search", search), ("two-character search", short)):
        if result["errors"]:
            wrong.append(f"{name}: {result['errors']} of {result['requests']} requests failed")
    load = os.getloadavg()
    _say(f"\n{ctx['vendor']}, {ctx['organizations']:,} organizations; gunicorn {args.workers} sync workers, DEBUG off; "
         f"{connections} connections; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")  # fmt: skip
    results = Results("portal")
    rows = [
        ("profile page", profile, TARGET_PROFILE_P99_MS),
        ("search, 3+ characters", search, TARGET_SEARCH_P99_MS),
        ("search, 2 characters", short, TARGET_SHORT_SEARCH_P99_MS),
    ]
    _say(f"{'':24} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'target':>8}")
    for name, r, target in rows:
        figure = results.add(f"{name} p99", r["p99"], "ms", target)
        results.add(f"{name} req/s", r["rps"], "req/s")
        verdict = "" if args.smoke else ("PASS" if figure.passed else "FAIL")
        _say(
            f"{name:24} {r['rps']:8.0f} {r['p50']:8.1f} {r['p99']:8.1f} {'< ' + str(int(target)):>8} {verdict}"
        )
    results.wrong = wrong
    results.emit()
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
