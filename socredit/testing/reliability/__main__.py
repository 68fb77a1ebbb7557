"""``python -m socredit.testing.reliability [--rounds N] [--seed S] [--database-url URL] ...``:
prints what it checked; the last line is ``RELIABILITY {json}``; exit status 1 when a property
fails (the message names the seed, the round and the moment of the kill)."""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from socredit.testing.reliability.databases import Scratch

ROOT = Path(__file__).resolve().parents[3]
RESULT_PREFIX = "RELIABILITY "
KILLS = ("import", "evaluate", "lists", "outbox")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m socredit.testing.reliability", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    p.add_argument("--only", default=",".join((*KILLS, "writers")),
                   help="comma-separated: import, evaluate, lists, outbox (kill -9), writers (concurrent API)")  # fmt: skip
    p.add_argument("--rounds", type=int, default=2, help="kills per scenario (default 2)")
    p.add_argument(
        "--seed", type=int, default=None, help="seed of the kill moments (default: random, printed)"
    )
    p.add_argument(
        "--database-url", help="a PostgreSQL server (its scratch databases are created there); default SQLite"
    )
    p.add_argument("--orgs", type=int, default=120, help="demo organizations (default 120, at least 50)")
    p.add_argument("--import-rows", type=int, default=1500, help="rows of the killed import (default 1500)")
    p.add_argument("--targets", type=int, default=16, help="records the outbox writer changes (default 16)")
    p.add_argument("--writers", type=int, default=50, help="concurrent API writers (default 50)")
    p.add_argument(
        "--per-writer", type=int, default=3, help="records each writer posts (default 3, at least 2)"
    )
    p.add_argument("--keep", action="store_true", help="keep the scratch directory and databases")
    return p


def _environment(scratch: Scratch) -> None:
    """Production settings on the scratch database, for this process and every child."""
    os.environ.update({
        "DATABASE_URL": scratch.url, "SOCREDIT_VAR_DIR": str(scratch.folder), "SOCREDIT_DEBUG": "0",
        "SOCREDIT_SECRET_KEY": "reliability-" + secrets.token_hex(32), "SOCREDIT_SSL_REDIRECT": "0",
        "SOCREDIT_AUDIT_ANCHOR_FILE": str(scratch.folder / "anchors.jsonl"),
        "DJANGO_SETTINGS_MODULE": "socredit.settings",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    })  # fmt: skip


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Every selected scenario; the result (``wrong`` empty when every property held)."""
    only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = set(only) - {*KILLS, "writers"}
    if unknown:
        raise SystemExit(f"--only: unknown scenario {', '.join(sorted(unknown))}")
    if args.rounds < 0 or args.writers < 1 or args.per_writer < 2 or args.orgs < 50:
        raise SystemExit("--rounds ≥ 0, --writers ≥ 1, --per-writer ≥ 2, --orgs ≥ 50")
    seed = args.seed if args.seed is not None else random.SystemRandom().randrange(1, 10**6)
    scratch = Scratch(Path(tempfile.mkdtemp(prefix="socredit-reliability-")), args.database_url)
    _environment(scratch)
    import django

    django.setup()
    from django.core.management import call_command

    from socredit.testing.reliability.checks import Broken
    from socredit.testing.reliability.kills import SCENARIOS, kill_rounds
    from socredit.testing.reliability.writers import concurrent_writers
    from socredit.testing.scratch import migrate_scratch_database

    result: dict[str, Any] = {
        "vendor": scratch.vendor,
        "seed": seed,
        "kills": {},
        "writers": None,
        "wrong": [],
    }
    print(
        f"reliability on {scratch.vendor}, seed {seed} (python -m socredit.testing.reliability --seed {seed})",
        flush=True,
    )
    rng = random.Random(seed)
    try:
        t0 = time.perf_counter()
        migrate_scratch_database()
        call_command("demo_data", orgs=args.orgs, seed=2026, stdout=io.StringIO())
        sizes = {
            "import": args.import_rows,
            "evaluate": args.orgs,
            "lists": args.orgs,
            "outbox": args.targets,
        }
        scenarios = [SCENARIOS[name](name, sizes[name], scratch.folder) for name in KILLS if name in only]
        for scenario in scenarios:
            scenario.prepare()
        scratch.snapshot()
        print(f"set up: {args.orgs} organizations, snapshot in {time.perf_counter() - t0:.1f}s", flush=True)
        for scenario in scenarios:
            t = time.perf_counter()
            report = kill_rounds(scenario, scratch, rounds=args.rounds, rng=rng, seed=seed)
            result["kills"][scenario.name] = {"rounds": report.rounds, "mid_run": report.mid_run,
                                              "reference_seconds": round(report.reference_seconds, 2)}  # fmt: skip
            checked = sorted({c for r in report.rounds for c in r["checked"]})
            print(f"kill -9 {scenario.name:<8} {len(report.rounds)} rounds ({report.mid_run} while running), uninterrupted "
                  f"{report.reference_seconds:.1f}s: integrity, audit chain, {', '.join(checked) or '-'}, re-run = "
                  f"uninterrupted end state  [{time.perf_counter() - t:.1f}s]", flush=True)  # fmt: skip
        if "writers" in only:
            scratch.restore()
            w = concurrent_writers(args.writers, args.per_writer, scratch.folder)
            result["writers"] = {"writers": w.writers, "per_writer": w.per_writer, "seconds": round(w.seconds, 2),
                                 "statuses": {str(k): v for k, v in sorted(w.statuses.items())},
                                 "events_read": w.events_read, "reads": w.reads}  # fmt: skip
            print(f"{w.writers} concurrent API writers: {sum(w.statuses.values())} answers {dict(sorted(w.statuses.items()))} "
                  f"in {w.seconds:.1f}s; every 2xx stored once, nothing refused written, no 5xx but 503, "
                  f"{w.events_read} change events read by cursor without gap, audit chain intact", flush=True)  # fmt: skip
    except Broken as exc:
        result["wrong"].append(str(exc))
        print(f"FAILED (seed {seed}): {exc}", flush=True)
    finally:
        if args.keep:
            print(f"scratch kept: {scratch.folder} ({scratch.url})")
        else:
            scratch.drop()
    return result


def main(argv: list[str] | None = None) -> int:
    result = run(parser().parse_args(argv))
    print(RESULT_PREFIX + json.dumps(result, ensure_ascii=False), flush=True)
    return 1 if result["wrong"] else 0


if __name__ == "__main__":
    sys.exit(main())
