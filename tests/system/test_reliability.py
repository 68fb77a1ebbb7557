"""The standing reliability suite, small: kill -9 at random moments of an import, a batch
evaluation, the daily list run and a writer of outbox change events, and 50 concurrent API writers
through gunicorn (socredit.testing.reliability; bench/reliability.py runs it longer).

It runs as one child process in scratch databases of its own: SQLite files, or, when DATABASE_URL
names PostgreSQL (the postgres tier of tools/test), databases it creates on that server. The kill
moments come from a seed: SOCREDIT_RELIABILITY_SEED=N repeats a failed run's moments (the failure
names its seed)."""

import fcntl
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from socredit.testing.reliability.__main__ import RESULT_PREFIX

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[2]
SEED = int(os.environ.get("SOCREDIT_RELIABILITY_SEED", "20261203"))
ROUNDS = int(os.environ.get("SOCREDIT_RELIABILITY_ROUNDS", "2"))
"""Kill rounds per scenario: two; the PostgreSQL tier of tools/test makes one."""


@pytest.fixture(scope="module")
def result(tmp_path_factory):
    """The suite's answer, computed once per pytest session: under xdist the first worker to ask runs
    the child and the others wait for its answer (a lock and a file in the session's shared temporary
    directory) instead of running it again, which cost a minute and a half of both cores."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _run_the_suite()
    shared = tmp_path_factory.getbasetemp().parent  # the same for every worker of this session
    with (shared / "reliability.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        answer_file = shared / "reliability.json"
        if not answer_file.exists():
            answer_file.write_text(json.dumps(_run_the_suite()), encoding="utf-8")
        return json.loads(answer_file.read_text(encoding="utf-8"))


def _run_the_suite():
    argv = [sys.executable, "-m", "socredit.testing.reliability", "--seed", str(SEED), "--rounds", str(ROUNDS),
            "--writers", "50", "--per-writer", "2"]  # fmt: skip
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql://")):
        argv += ["--database-url", url]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith(RESULT_PREFIX)]
    assert lines, f"no result (exit {done.returncode}):\n{done.stdout[-3000:]}\n{done.stderr[-5000:]}"
    answer = json.loads(lines[-1][len(RESULT_PREFIX) :])
    answer["output"] = done.stdout
    return answer


def test_every_property_held(result):
    assert not result["wrong"], f"seed {result['seed']}: {result['wrong']}\n{result['output']}"


@pytest.mark.parametrize("scenario", ["import", "evaluate", "lists", "outbox"])
def test_kills_at_random_moments_leave_a_whole_database_and_a_rerun_finishes_the_work(result, scenario):
    """Each round: integrity, all or nothing, the audit chain, the run's end, and a re-run that gives
    the uninterrupted run's end state (socredit.testing.reliability.kills; a failure stops the run)."""
    kills = result["kills"].get(scenario)
    assert kills is not None, f"seed {result['seed']}: the {scenario} scenario did not run: {result['wrong']}"
    assert len(kills["rounds"]) == ROUNDS and all(r["checked"] for r in kills["rounds"])


def test_the_kills_land_while_the_work_runs(result):
    """The moments are random but drawn around the work, not the child's start-up: most kills find
    the child running, and at least one lands inside an import or evaluation run, which is then
    ended as failed with its reason."""
    rounds = [r for kills in result["kills"].values() for r in kills["rounds"]]
    assert sum(r["killed"] for r in rounds) >= len(rounds) // 2, rounds
    phases = [
        c
        for s in ("import", "evaluate")
        for r in result["kills"].get(s, {}).get("rounds", [])
        for c in r["checked"]
    ]
    assert any("mid-run" in p for p in phases), phases


def test_fifty_concurrent_api_writers_lose_nothing_and_never_answer_500(result):
    """Every 2xx write stored exactly once, nothing refused written, the change feed read by cursor
    without a gap, the audit chain intact (socredit.testing.reliability.writers)."""
    writers = result["writers"]
    assert writers is not None, f"seed {result['seed']}: {result['wrong']}"
    assert writers["writers"] == 50
    # 50 × (2 records, a duplicate, a bad record, a revocation, a correction): only the duplicates and
    # the bad records are refused, every valid write is accepted
    assert writers["statuses"] == {"200": 50, "201": 150, "422": 100}
    assert writers["events_read"] == 100  # one change event per revocation and correction
