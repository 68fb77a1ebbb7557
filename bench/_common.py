"""What the benchmark scripts share: a scratch database, the production settings, percentiles and the
one-line result that ``bench/national.py`` collects.

Every script prints its own table for a person; it also prints, as its last line,

    BENCH-RESULT {"script": "...", "figures": [{"name": ..., "value": ..., "unit": ..., "target": ...,
                  "op": "<" | ">=", "passed": true}, ...], "wrong": [...]}

so that ``bench/national.py`` can run each script against the national database and print every
figure against its target side by side for SQLite and PostgreSQL without parsing tables.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULT_PREFIX = "BENCH-RESULT "


def production_environment(database_url: str, var_dir: Path) -> dict[str, str]:
    """Settings as in production (DEBUG off: with DEBUG on Django keeps every statement in memory),
    pointed at ``database_url``; applied to this process and returned for child processes."""
    env = {
        "DATABASE_URL": database_url,
        "SOCREDIT_VAR_DIR": str(var_dir),
        "SOCREDIT_DEBUG": "0",
        "SOCREDIT_SECRET_KEY": os.environ.get("SOCREDIT_SECRET_KEY") or "bench-" + os.urandom(32).hex(),
        "SOCREDIT_SSL_REDIRECT": "0",  # the benchmarks speak plain HTTP on loopback
        "DJANGO_SETTINGS_MODULE": "socredit.settings",
    }
    os.environ.update(env)
    return {**os.environ, **env}


def scratch_sqlite(prefix: str = "socredit-bench-") -> tuple[Path, str]:
    """A fresh directory and the ``DATABASE_URL`` of an SQLite file in it (not created yet)."""
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    return scratch, f"sqlite:///{scratch / 'bench.sqlite3'}"


def database_url(db: str | None, scratch: Path) -> str:
    """``db`` as a ``DATABASE_URL``: a URL as it is, a path as an SQLite file; else a scratch file."""
    if not db:
        return f"sqlite:///{scratch / 'bench.sqlite3'}"
    return db if "://" in db else f"sqlite:///{Path(db).resolve()}"


def process_cpu_seconds(pid: int) -> float | None:
    """CPU seconds (user + system) the process ``pid`` of this machine has used so far, None when it
    is not visible (gone, or another machine's, e.g. a database server's)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def add_database_arguments(parser: argparse.ArgumentParser, *, db_help: str) -> None:
    """``--orgs N`` (the size of a fresh scratch database) and where else to run: ``--db PATH`` (an
    SQLite file) or ``--database-url URL`` (PostgreSQL), one of the two."""
    parser.add_argument("--orgs", type=int, default=20_000)
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--db", help=db_help)
    where.add_argument(
        "--database-url", metavar="URL", help="run on this PostgreSQL database (tools/pg start)"
    )


def add_in_place_arguments(parser: argparse.ArgumentParser) -> None:
    """The arguments of a benchmark that loads a scratch demo database or runs in place on a prepared
    one: ``--orgs N``, ``--seed``, ``--smoke`` (2,000 organizations, wrong answers only), ``--keep``,
    ``--db PATH``."""
    parser.add_argument("--orgs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--smoke", action="store_true", help="2,000 organizations; fail only on a wrong answer"
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    parser.add_argument("--db", help="run on this prepared database in place (copy it first: the run writes)")


def start_django(
    db: str | None = None, *, prefix: str = "socredit-bench-", migrate: bool = True
) -> tuple[Path, str]:
    """Django set up as in production on ``db`` (a URL, an SQLite path, or None: a fresh scratch SQLite
    file), migrated; returns the scratch directory (the var dir; the database too when ``db`` is None)
    and the ``DATABASE_URL``. Call it before importing anything from the product."""
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    url = database_url(db, scratch)
    production_environment(url, scratch)
    import django

    django.setup()
    if migrate:
        from socredit.testing.scratch import migrate_scratch_database

        migrate_scratch_database()
    return scratch, url


def load_demo_unless_in_place(args: argparse.Namespace, day: Any, *, evaluate: bool) -> None:
    """The scratch database's demo city (``--orgs``, 2,000 with ``--smoke``, ``--seed``), evaluated
    when ``evaluate`` (the benchmark reads credit levels); nothing when ``--db`` names a prepared
    database. Prints the setup's time. Call it after ``start_django``."""
    if args.db:
        return
    import time

    from socredit.apps.demo.loader import load_demo
    from socredit.common.access import SystemPrincipal

    t0 = time.perf_counter()
    loaded = load_demo(orgs=2_000 if args.smoke else args.orgs, seed=args.seed, today=day)
    if evaluate:
        from socredit.apps.evaluation.services import rebuild_facts, run_evaluation

        actor = SystemPrincipal("bench")
        rebuild_facts(actor=actor, channel="system")
        run_evaluation(actor=actor, channel="system", as_of=day)
    print(f"setup: {loaded.organizations:,} organizations in {time.perf_counter() - t0:.1f}s")


def finish_scratch(scratch: Path, keep: bool) -> None:
    """Remove the scratch directory, or say where it is kept."""
    if keep:
        print(f"scratch directory kept in {scratch}")
    else:
        import shutil

        shutil.rmtree(scratch, ignore_errors=True)


def percentile(values: list[float], q: float) -> float:
    """The ``q`` quantile by rank (no interpolation), 0.0 for no values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else 0.0


@dataclass
class Figure:
    """One measured figure and its target (``op`` is how the value must compare with the target)."""

    name: str
    value: float
    unit: str
    target: float | None = None
    op: str = "<"

    @property
    def passed(self) -> bool | None:
        if self.target is None:
            return None
        return self.value < self.target if self.op == "<" else self.value >= self.target


@dataclass
class Results:
    """The figures of one script run, printed as one ``BENCH-RESULT`` line at the end."""

    script: str
    figures: list[Figure] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    def add(self, name: str, value: float, unit: str, target: float | None = None, op: str = "<") -> Figure:
        figure = Figure(name, value, unit, target, op)
        self.figures.append(figure)
        return figure

    def emit(self) -> None:
        figures = [{**asdict(f), "passed": f.passed} for f in self.figures]
        line = json.dumps(
            {"script": self.script, "figures": figures, "wrong": self.wrong}, ensure_ascii=False
        )
        print(RESULT_PREFIX + line, flush=True)


def parse_results(output: str) -> dict | None:
    """The last ``BENCH-RESULT`` of a script's output, or None."""
    for line in reversed(output.splitlines()):
        if line.startswith(RESULT_PREFIX):
            return json.loads(line[len(RESULT_PREFIX) :])
    return None
