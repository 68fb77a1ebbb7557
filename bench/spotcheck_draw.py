"""Benchmark of the 双随机 draw (``socredit.core.sampling``): a national draw and an inspector assignment.

    .venv/bin/python bench/spotcheck_draw.py [--orgs 1000000] [--checks 3000] [--inspectors 80] [--smoke]

1. ``--orgs`` organizations with credit levels, fields and lists spread as in the demo city (A 30 %,
   B 60 %, C 8 %, D 2 %; 3 % listed abnormal, 0.5 % serious; a tenth recently checked), made in
   memory (the draw is pure: no database);
2. the draw at the ministry's floor (10 %) with the design-default factors, charities at 100 %,
   0.5 % on site: seconds for the draw, the frame's digest, and a second draw from the same seed
   (it must give the same selection) and from another (it must differ);
3. checks of the result: every stratum drew the floor or the ceiling of rate × size, the legal floor
   is met, the exempt (recently checked, not listed) were not drawn unless for the floor;
4. inspectors for ``--checks`` checks (on-site two, written one) from ``--inspectors`` inspectors
   with a conflict on every 50th pair: seconds, and the heaviest load against the lower bound.

``--smoke`` (20,000 organizations, 300 checks) fails only on a wrong answer, never on a slow one.
Timings on the shared development machine are indicative only.
"""

from __future__ import annotations

import argparse
import math
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import Results  # noqa: E402
from socredit.core.sampling import (  # noqa: E402
    SamplingRates,
    Subject,
    assign_inspectors,
    draw,
    frame_digest,
    max_load,
)

TARGET_DRAW_S = 15.0
"""A national draw (1,000,000 organizations) in seconds, not minutes (issue 17)."""
FIELDS = ("elder_care", "education", "industry", "charity", "science", "community", "culture_sports", "other")
RATES = SamplingRates(
    0.10, {"A": 0.5, "B": 1.0, "C": 2.0, "D": 4.0}, {"education": 1.5, "elder_care": 1.5},
    {"abnormal": 2.0, "serious": 4.0}, {"charity": 1.0},
)  # fmt: skip


def frame(n: int, seed: int = 2026) -> list[Subject]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        level = rng.choices("ABCD", (30, 60, 8, 2))[0]
        r = rng.random()
        lists = frozenset({"serious"}) if r < 0.005 else frozenset({"abnormal"}) if r < 0.035 else frozenset()
        field = (
            FIELDS[0] if rng.random() < 0.1 else rng.choice(FIELDS[1:]) if rng.random() < 0.97 else "charity"
        )
        out.append(Subject(f"51{i:014d}XX", level, field, lists, rng.random() < 0.1))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orgs", type=int, default=1_000_000)
    parser.add_argument("--checks", type=int, default=3000)
    parser.add_argument("--inspectors", type=int, default=80)
    parser.add_argument(
        "--smoke", action="store_true", help="20,000 organizations; fail only on a wrong answer"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.orgs, args.checks, args.inspectors = 20_000, 300, 20
    results = Results("spotcheck_draw")
    t0 = time.perf_counter()
    subjects = frame(args.orgs)
    print(f"frame of {len(subjects):,} organizations made in {time.perf_counter() - t0:.1f} s", flush=True)

    t0 = time.perf_counter()
    digest = frame_digest(subjects)
    digest_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    first = draw(subjects, RATES, "2026-national", min_ratio=0.10, onsite_ratio=0.005)
    draw_s = time.perf_counter() - t0
    again = draw(subjects, RATES, "2026-national", min_ratio=0.10, onsite_ratio=0.005)
    other = draw(subjects, RATES, "2026-other", min_ratio=0.10, onsite_ratio=0.005)
    print(f"draw: {draw_s:.2f} s for {len(first.selections):,} of {first.frame_size:,} "
          f"({len(first.selections) / first.frame_size:.1%}; {first.onsite_count:,} on site); "
          f"frame digest {digest[:16]}… in {digest_s:.2f} s")  # fmt: skip
    if again.selections != first.selections:
        results.wrong.append("the same seed gave another draw")
    if set(other.codes) == set(first.codes):
        results.wrong.append("another seed gave the same draw")
    if len(first.selections) < first.required:
        results.wrong.append(f"{len(first.selections)} drawn, the floor is {first.required}")
    for s in first.strata:
        low, high = math.floor(s.expected + 1e-9), math.ceil(s.expected - 1e-9)
        if not (min(low, s.size - s.exempt) <= s.drawn <= high):
            results.wrong.append(f"stratum {s.key}: {s.drawn} drawn, expected {low}–{high}")
    by_code = {s.code: s for s in subjects}
    if any(by_code[c.code].exempt and c.reason == "stratum" for c in first.selections):
        results.wrong.append("an exempt organization was drawn at its stratum's rate")

    checks = first.selections[: args.checks]
    needs = {c.code: 2 if c.onsite else 1 for c in checks}
    pool = [f"I{i:04d}" for i in range(args.inspectors)]
    conflicts = {(pool[i % len(pool)], c.code) for i, c in enumerate(checks) if i % 50 == 0}
    t0 = time.perf_counter()
    teams = assign_inspectors(needs, pool, conflicts, "2026-national")
    assign_s = time.perf_counter() - t0
    bound = math.ceil(sum(needs.values()) / len(pool))
    heaviest = max_load(teams)
    print(f"inspectors: {assign_s:.2f} s for {len(checks):,} checks from {len(pool)} inspectors; "
          f"heaviest load {heaviest} (lower bound {bound})")  # fmt: skip
    if any((i, code) in conflicts for code, team in teams.items() for i in team):
        results.wrong.append("an inspector was assigned despite a conflict")
    if any(len(set(team)) != needs[code] for code, team in teams.items()):
        results.wrong.append("a check has the wrong number of inspectors")
    if heaviest > bound + 1:
        results.wrong.append(f"heaviest load {heaviest} above the bound {bound} + 1")

    national = args.orgs >= 1_000_000 and not args.smoke
    results.add(f"draw of {args.orgs:,}", draw_s, "s", TARGET_DRAW_S if national else None)
    results.add("frame digest", digest_s, "s", None)
    results.add(f"inspectors for {len(checks):,} checks", assign_s, "s", None)
    for line in results.wrong:
        print("WRONG:", line)
    results.emit()
    return 1 if results.wrong else 0


if __name__ == "__main__":
    raise SystemExit(main())
