"""Benchmark of ``bans_in_force``: the bans of 10,000 persons on a day, as a credit check asks them.

    .venv/bin/python bench/bans.py [--persons 1000000] [--check 10000] [--db PATH | --database-url URL] [--smoke]

1. a scratch database (migrated), ``--persons`` persons inserted with ``executemany``, and a ban on
   every 20th of them: in force, expired, not yet begun, lifted, proposed, open-ended (a mix whose
   expected answer is computed here from the same dates, independently of the query);
2. ``--check`` ID numbers drawn at random (half of them banned), looked up at once with
   ``bans_in_force`` (the set-based path: two queries per 10,000 numbers) and, for a sample of 300,
   one at a time (what a per-person loop would cost), extrapolated to the whole check;
3. prints the seconds for the check, the queries it took, the ratio of the per-person loop to the
   set-based call, and one ``BENCH-RESULT`` line. Any answer differing from the expected one is
   reported and fails the run.

``--smoke`` (20,000 persons) fails only on a wrong answer, never on a slow one.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import Results, finish_scratch, start_django  # noqa: E402

TARGET_CHECK_S = 1.0
"""A check of 10,000 subjects answers in under a second end to end (issue 15): the bans' share."""
DAY = dt.date(2026, 6, 1)


def _number(i: int) -> str:
    from socredit.core.codes import make_id_number

    return make_id_number("410105", dt.date(1950, 1, 1) + dt.timedelta(days=i // 999), i % 999)


def build(n: int) -> tuple[dict[str, int], list[str]]:
    """``n`` persons and their bans; returns the expected number of bans in force on DAY per person
    (persons without are absent) and every banned person's number."""
    from django.db import connection, transaction
    from django.utils import timezone

    from socredit.apps.registry.models import Region

    now = timezone.now()
    region = Region.objects.get(code="410105").pk
    expected: dict[str, int] = {}
    banned: list[str] = []
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(
            "INSERT INTO registry_person (name, id_number, created_at, updated_at) VALUES (%s, %s, %s, %s)",
            [(f"人员{i}", _number(i), now, now) for i in range(n)],
        )
        cur.execute("SELECT id, id_number FROM registry_person")
        ids = dict(cur.fetchall())
        rows = []
        for pk, number in ids.items():
            if pk % 20:
                continue
            variant = pk // 20 % 6
            banned.append(number)
            start = DAY - dt.timedelta(days=400) if variant != 3 else DAY + dt.timedelta(days=10)
            until = {0: DAY + dt.timedelta(days=300), 1: DAY - dt.timedelta(days=1), 5: None}.get(
                variant, DAY + dt.timedelta(days=30)
            )
            state = {4: "proposed"}.get(variant, "in_force")
            lifted = DAY if variant == 2 else None
            if variant == 2:
                state = "lifted"
            binds = state in ("in_force", "lifted") and start <= DAY and (until is None or until >= DAY) and (
                lifted is None or lifted > DAY
            )  # fmt: skip
            if binds:
                expected[number] = 1
            rows.append((pk, f"人员{pk}", "post_restriction", "other", "测试事由", "测试依据", "测试范围", "",
                         "郑州市金水区民政局", f"金民禁〔2026〕{pk}号", start, start, until, "decision",
                         f"bench|{pk}", region, state, "", lifted, "", "bench", "", now))  # fmt: skip
        cur.executemany(
            "INSERT INTO bans_ban (person_id, person_name, kind, ground, ground_text, legal_basis, scope, post,"
            " authority_name, document_number, decided_on, start_on, until, source, natural_key, region_id,"
            " state, state_reason, lifted_on, policy_version, recorded_by_label, decided_by_label, created_at)"
            " VALUES (" + ", ".join(["%s"] * 23) + ")",
            rows,
        )
    return expected, sorted(banned)


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--persons", type=int, default=1_000_000)
    parser.add_argument("--check", type=int, default=10_000)
    parser.add_argument("--db", help="an SQLite file to build in (default: a scratch one)")
    parser.add_argument("--database-url", metavar="URL", help="run on this PostgreSQL database")
    parser.add_argument("--smoke", action="store_true", help="20,000 persons; fail only on a wrong answer")
    parser.add_argument("--keep", action="store_true")
    args = parser.parse_args()
    persons = 20_000 if args.smoke else args.persons
    scratch, _url = start_django(args.database_url or args.db, prefix="socredit-bench-bans-")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from socredit.apps.bans.access import bans_in_force

    results = Results("bans")
    t0 = time.perf_counter()
    expected, banned = build(persons)
    print(
        f"built {persons:,} persons and {persons // 20:,} bans in {time.perf_counter() - t0:.1f} s",
        flush=True,
    )
    rng = random.Random(2026)
    chosen = rng.sample(banned, min(len(banned), args.check // 2))
    taken = set(chosen)
    others = [n for n in (_number(i) for i in rng.sample(range(persons), args.check)) if n not in taken]
    numbers = chosen + others[: args.check - len(chosen)]
    bans_in_force(numbers[:10], DAY)  # warm the connection and the statement cache
    with CaptureQueriesContext(connection) as queries:
        t0 = time.perf_counter()
        found = bans_in_force(numbers, DAY)
        set_based = time.perf_counter() - t0
    sample = numbers[:300]
    t0 = time.perf_counter()
    one_by_one = {n: v for n in sample for v in [bans_in_force([n], DAY).get(n)] if v}
    per_person = (time.perf_counter() - t0) / len(sample) * len(numbers)
    wrong = [n for n in set(numbers) if len(found.get(n, [])) != expected.get(n, 0)]
    wrong += [n for n in sample if (n in one_by_one) != (n in found)]
    if wrong:
        results.wrong.append(
            f"{len(wrong)} persons answered wrongly, e.g. the {numbers.index(wrong[0])}th asked"
        )
    print(f"check of {len(numbers):,} ID numbers: {set_based:.3f} s in {len(queries)} queries "
          f"({len(found):,} with bans in force)")  # fmt: skip
    print(
        f"one query per person would take about {per_person:.2f} s: {per_person / set_based:.0f}× the set-based call"
    )
    results.add("check of 10,000 persons", set_based, "s", None if args.smoke else TARGET_CHECK_S)
    results.add("queries", len(queries), "", None)
    results.add("per-person loop / set-based", per_person / set_based, "×", None)
    for line in results.wrong:
        print("WRONG:", line)
    results.emit()
    finish_scratch(scratch, args.keep)
    return 1 if results.wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
