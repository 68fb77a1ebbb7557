"""The reliability suite, longer (not a test): kill -9 at random moments of an import, a batch
evaluation, the daily list run and a writer of outbox change events, ``--rounds`` kills each, and
``--writers`` concurrent API writers through gunicorn, on SQLite or on the PostgreSQL server of
``--database-url`` (scratch databases of its own there). It prints what it checked; a failure
names the seed that repeats its kill moments. tests/system/test_reliability.py runs the same
small; this runs it long, with larger work (so more kills land inside it).

    .venv/bin/python bench/reliability.py [--rounds 10] [--seed S] [--database-url URL]
        [--writers 50] [--per-writer 10] [--orgs 1000] [--import-rows 20000] [--targets 60] [--smoke]

Last line: ``BENCH-RESULT {...}`` (bench/_common.py); exit status 1 if a property failed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import Results  # noqa: E402
from socredit.testing.reliability.__main__ import parser as suite_parser  # noqa: E402
from socredit.testing.reliability.__main__ import run  # noqa: E402

LONG = {"rounds": 10, "orgs": 1000, "import_rows": 20000, "targets": 60, "per_writer": 10}
"""The long run's sizes (the suite's own defaults are the small ones of the system tier)."""
SMOKE = {"rounds": 1, "orgs": 60, "import_rows": 300, "targets": 6, "writers": 10, "per_writer": 2}
"""The test command's bench tier: each scenario once, small, on SQLite (the postgres tier runs the suite)."""


def main() -> int:
    parser = suite_parser()
    parser.prog, parser.description = "bench/reliability.py", __doc__
    parser.add_argument(
        "--smoke", action="store_true", help="each scenario once, small (the test command's bench tier)"
    )
    parser.set_defaults(**LONG)
    args = parser.parse_args()
    if args.smoke:
        for name, value in SMOKE.items():
            setattr(args, name, value)
    t0 = time.perf_counter()
    result = run(args)
    results = Results("reliability")
    kills = result["kills"]
    results.add("kill rounds", sum(len(k["rounds"]) for k in kills.values()), "kills")
    results.add("kills while the child ran", sum(k["mid_run"] for k in kills.values()), "kills")
    if result["writers"]:
        w = result["writers"]
        answers = sum(w["statuses"].values())
        results.add(
            f"{w['writers']} concurrent writers, answers/s", round(answers / max(w["seconds"], 1e-9), 1), "/s"
        )
        results.add("server errors (5xx but 503)", sum(v for k, v in w["statuses"].items() if int(k) >= 500 and k != "503"),
                    "answers", 1, "<")  # fmt: skip
    results.add("seconds", round(time.perf_counter() - t0, 1), "s")
    results.wrong += result["wrong"]
    print(
        f"{result['vendor']}, seed {result['seed']}: "
        + ("every property held" if not result["wrong"] else "FAILED")
    )
    results.emit()
    return 1 if results.wrong else 0


if __name__ == "__main__":
    sys.exit(main())
