"""Benchmark the demo-data generator and loader into a scratch SQLite file.

    .venv/bin/python bench/demo_data.py [--orgs 20000] [--seed 2026] [--keep]

Prints organizations/s and records/s for generation and for the load, and the time 1,000,000
organizations would take at the measured rate (generation + load, linear extrapolation).
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orgs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database and print its path")
    args = parser.parse_args()

    scratch = Path(tempfile.mkdtemp(prefix="socredit-bench-"))
    db = scratch / "bench.sqlite3"
    # Before django.setup(): settings read these once.
    os.environ["DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["SOCREDIT_VAR_DIR"] = str(scratch)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "socredit.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django

    django.setup()
    from django.utils import timezone

    from socredit.apps.demo.generator import DemoGenerator
    from socredit.apps.demo.loader import load_demo
    from socredit.testing.scratch import migrate_scratch_database

    migrate_scratch_database()
    today = timezone.localdate()

    # Pass 1: generation alone (streamed and counted, so memory stays flat at any N).
    t0 = time.perf_counter()
    records = rows = 0
    for b in DemoGenerator(args.orgs, args.seed, today=today).batches(2000):
        records += len(b.records)
        rows += (
            len(b.orgs)
            + len(b.persons)
            + len(b.roles)
            + 2 * len(b.records)
            + sum(len(r.persons) for r in b.records)
        )
    t_gen = time.perf_counter() - t0

    # Pass 2: what `socredit demo-data` does — generate and insert, streamed batch by batch.
    t0 = time.perf_counter()
    result = load_demo(orgs=args.orgs, seed=args.seed, today=today)
    total = time.perf_counter() - t0
    t_load = total - t_gen

    n = args.orgs
    million = total * 1_000_000 / n
    print(f"demo-data bench: {n} organizations, {result.persons} persons, {result.roles} posts, "
          f"{records} records ({records / n:.1f}/org), {rows} rows in all; SQLite {db.stat().st_size / 2**20:.0f} MiB")  # fmt: skip
    print(f"  generate: {t_gen:7.2f} s  {n / t_gen:9.0f} orgs/s  {records / t_gen:9.0f} records/s")
    print(
        f"  insert:   {t_load:7.2f} s  {n / t_load:9.0f} orgs/s  {records / t_load:9.0f} records/s  {rows / t_load:9.0f} rows/s"
    )
    print(f"  total:    {total:7.2f} s  {n / total:9.0f} orgs/s  {records / total:9.0f} records/s")
    print(f"  extrapolated to 1,000,000 organizations: {million:.0f} s ≈ {million / 60:.1f} min "
          f"(≈ {records * 1_000_000 / n / 1e6:.1f} M records)")  # fmt: skip
    if args.keep:
        print(f"  kept {db}")
    else:
        shutil.rmtree(scratch)  # the database, and what the settings make beside it (static, uploads)
    return 0


if __name__ == "__main__":
    sys.exit(main())
