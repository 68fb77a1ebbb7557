"""kill -9 at random moments of a child process running an import, a batch evaluation, the daily
list run or a writer of outbox change events; then the database is intact, nothing is half
written, the audit chain verifies, a killed run is ended with its reason, and running the work
again gives exactly the end state of an uninterrupted run.

Each scenario is four things: the child's command, what must hold right after a kill (``after_kill``),
how the work is completed (``rerun``) and the end state compared with the uninterrupted run's
(``fingerprint``: natural keys only, never ids a killed transaction may have used up on PostgreSQL).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socredit.testing.reliability.checks import Broken, check_database, require

ROOT = Path(__file__).resolve().parents[3]
IMPORT_DOCUMENT = "郑民〔2026〕可靠性导入{}号"
TARGET_DOCUMENT = "郑民〔2026〕可靠性变更{}号"
EVALUATION_DAY = "2026-06-30"
LIST_DAY = "2026-12-01"


def manage(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "manage.py"), *args]


def run_child(argv: list[str], *, timeout: float = 600) -> float:
    """Run ``argv`` to its end; its seconds. Raises `Broken` with its output if it fails."""
    t0 = time.perf_counter()
    done = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise Broken(
            f"{' '.join(argv[1:])} failed ({done.returncode}):\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"
        )
    return time.perf_counter() - t0


# --- the outbox writer (the child of the "outbox" scenario) ---------------------------------------


def change_targets() -> int:
    """Revoke the even and correct the odd target records, each through its service in its own
    transaction (with its change event); those already changed are left alone, so that running it
    again after a kill completes the work. Returns how many it changed."""
    from socredit.apps.accounts.models import User
    from socredit.apps.records import services
    from socredit.apps.records.models import CreditRecord
    from socredit.core.types import RecordStatus

    actor = User.objects.get(username="city_admin")
    changed = 0
    for i in range(int(os.environ.get("SOCREDIT_RELIABILITY_TARGETS", "0"))):
        record = CreditRecord.objects.get(document_number=TARGET_DOCUMENT.format(i), is_current=True)
        if record.supersedes_id or record.status != RecordStatus.EFFECTIVE.value:
            continue
        if i % 2 == 0:
            services.revoke_record(actor=actor, channel="cli", record=record, reason=f"可靠性测试撤销 {i}")
        else:
            services.correct_record(actor=actor, channel="cli", record=record, reason=f"可靠性测试更正 {i}",
                                    data={"summary": f"更正后的摘要 {i}"})  # fmt: skip
        changed += 1
    return changed


def _phase(ended: bool, finished: bool) -> str:
    """When the kill came, as its run shows it."""
    if ended:
        return "killed mid-run (ended as failed with its reason)"
    return "killed after the run" if finished else "killed before the run began"


# --- the scenarios ---------------------------------------------------------------------------------


@dataclass
class Scenario:
    """One kind of work a child process does, killed at random moments."""

    name: str
    size: int
    folder: Path
    observable = True  # whether ``started`` sees the work begin
    atomic = False  # one transaction: after a kill the end state is the one before, or the finished one

    def prepare(self) -> None:
        """Add what the work needs to the database before the snapshot."""

    def command(self) -> list[str]:
        raise NotImplementedError

    def started(self) -> bool:
        """Whether the child has begun its work (its run recorded, its first change committed)."""
        return False

    def finished(self) -> bool:
        """Whether the child's work is done (it may still be closing)."""
        return False

    def learn(self) -> None:
        """Note what the uninterrupted run left (before the first kill)."""

    def after_kill(self) -> list[str]:
        """Check what must hold right after a kill; the checks made, in words."""
        raise NotImplementedError

    def rerun(self) -> list[list[str]]:
        """The commands that complete the work after a kill."""
        return [self.command()]

    def fingerprint(self) -> Any:
        raise NotImplementedError


def _orgs(n: int) -> list[Any]:
    from socredit.apps.registry.models import Organization

    return list(Organization.objects.order_by("code")[:n])


@dataclass
class ImportScenario(Scenario):
    """`socredit import records FILE`: one transaction for every row, its run's outcome with it."""

    atomic = True

    def path(self) -> Path:
        return self.folder / "可靠性导入.csv"

    def prepare(self) -> None:
        from socredit.apps.imports.columns import RECORD_COLUMNS
        from socredit.common.imports import write_csv

        orgs = _orgs(40)
        kinds = ["penalty_warning", "penalty_fine", "annual_report_late"]
        rows = []
        for i in range(self.size):
            org, kind = orgs[i % len(orgs)], kinds[i % 3]
            occurred = max(org.registered_on, dt.date(2023, 1, 1)) + dt.timedelta(days=i % 600)
            row = {"organization": org.code, "kind": kind, "occurred_on": occurred.isoformat(), "decided_on": "",
                   "document_number": IMPORT_DOCUMENT.format(i), "amount": "500" if kind == "penalty_fine" else "",
                   "department": "郑州市民政局", "summary": f"可靠性导入 {i}", "visibility": "",
                   "dishonesty_class": "", "persons": "", "external_id": ""}  # fmt: skip
            rows.append([row[c.field] for c in RECORD_COLUMNS])
        self.path().write_bytes(write_csv([c.title for c in RECORD_COLUMNS], rows))

    def command(self) -> list[str]:
        return manage("import", "records", str(self.path()))

    def started(self) -> bool:
        from socredit.apps.imports.models import ImportRun

        return ImportRun.objects.exists()

    def finished(self) -> bool:
        from socredit.apps.imports.models import ImportRun, ImportStatus

        return ImportRun.objects.exclude(status=ImportStatus.RUNNING).exists()

    def learn(self) -> None:
        self.complete = self._written()  # the valid rows (a few are refused: dated before registration)
        require(self.complete > self.size // 2, f"the uninterrupted import wrote only {self.complete} rows")

    def _written(self) -> int:
        from socredit.apps.records.models import CreditRecord

        return CreditRecord.objects.filter(document_number__startswith=IMPORT_DOCUMENT.split("{")[0]).count()

    def after_kill(self) -> list[str]:
        from socredit.apps.audit.models import AuditEvent
        from socredit.apps.imports.models import ImportRun, ImportStatus
        from socredit.apps.imports.services import end_abandoned_imports

        written = self._written()
        require(written in (0, self.complete), f"a partial import: {written} of {self.complete} rows written")
        end_abandoned_imports()  # what the next import or the import history does
        runs = list(ImportRun.objects.all())
        require(
            all(r.status != ImportStatus.RUNNING for r in runs),
            "an import run is still running after its process died",
        )
        done = [r for r in runs if r.status in (ImportStatus.SUCCEEDED, ImportStatus.PARTIAL)]
        require(len(done) == (1 if written else 0), f"{written} rows written but {len(done)} runs succeeded")
        for r in runs:
            if r.status == ImportStatus.FAILED:
                require(
                    "导入中断" in r.message and "没有写入任何数据" in r.message,
                    f"run {r.pk} failed without the reason",
                )
                require(AuditEvent.objects.filter(action="import.abandoned", target_id=str(r.pk)).count() == 1,
                        f"the abandoned import {r.pk} has no audit event")  # fmt: skip
        require(
            AuditEvent.objects.filter(action="import.records").count() == len(done),
            "an import without its audit event",
        )
        return [_phase(len(runs) > len(done), bool(done))]

    def fingerprint(self) -> Any:
        from socredit.apps.records.models import CreditRecord

        return sorted(
            CreditRecord.objects.filter(
                document_number__startswith=IMPORT_DOCUMENT.split("{")[0]
            ).values_list(
                "document_number",
                "organization__code",
                "kind__code",
                "occurred_on",
                "amount",
                "status",
                "is_current",
            )
        )


@dataclass
class EvaluationScenario(Scenario):
    """`socredit evaluate`: each chunk one transaction; a killed run is ended and resumed."""

    def command(self) -> list[str]:
        return manage("evaluate", "--quiet", "--as-of", EVALUATION_DAY)

    def started(self) -> bool:
        from socredit.apps.evaluation.models import EvaluationRun

        return EvaluationRun.objects.filter(as_of=EVALUATION_DAY).exists()

    def finished(self) -> bool:
        from socredit.apps.evaluation.models import EvaluationRun

        return EvaluationRun.objects.filter(as_of=EVALUATION_DAY, status=EvaluationRun.Status.DONE).exists()

    def after_kill(self) -> list[str]:
        from socredit.apps.audit.models import AuditEvent
        from socredit.apps.evaluation.models import CreditScore, EvaluationRun, LevelChange
        from socredit.apps.evaluation.services import end_abandoned_runs

        end_abandoned_runs()  # what the next run does
        runs = list(EvaluationRun.objects.filter(as_of=EVALUATION_DAY))
        for r in runs:
            require(
                r.status != EvaluationRun.Status.RUNNING,
                f"evaluation run {r.pk} is still running after its process died",
            )
            if r.status == EvaluationRun.Status.INTERRUPTED:
                require(
                    "评价中断" in r.error and "可以继续" in r.error, f"run {r.pk} failed without the reason"
                )
                require(AuditEvent.objects.filter(action="evaluation.abandoned", target_id=str(r.pk)).count() == 1,
                        f"the abandoned evaluation {r.pk} has no audit event")  # fmt: skip
            # a chunk is all or nothing: what the run wrote is exactly what its committed chunks say
            require(LevelChange.objects.filter(run=r).count() == r.changed,
                    f"run {r.pk}: {LevelChange.objects.filter(run=r).count()} level changes, the run says {r.changed}")  # fmt: skip
            require(not CreditScore.objects.filter(run=r, organization_id__gt=r.resume_after).exists(),
                    f"run {r.pk} wrote scores beyond its last committed chunk")  # fmt: skip
        failed = any(r.status == EvaluationRun.Status.INTERRUPTED for r in runs)
        return [_phase(failed, any(r.status == EvaluationRun.Status.DONE for r in runs))]

    def rerun(self) -> list[list[str]]:
        from socredit.apps.evaluation.models import EvaluationRun

        runs = EvaluationRun.objects.filter(as_of=EVALUATION_DAY)
        failed = runs.filter(status=EvaluationRun.Status.INTERRUPTED).first()
        if failed is not None:
            return [manage("evaluate", "--quiet", "--resume", str(failed.pk))]
        return [self.command()]  # a run not started, or finished: a new one changes nothing

    def fingerprint(self) -> Any:
        from socredit.apps.evaluation.models import CreditScore, LevelChange

        scores = sorted(
            CreditScore.objects.values_list(
                "organization__code", "score", "level", "as_of", "model_version", "cause"
            )
        )
        changes = sorted(
            LevelChange.objects.values_list(
                "organization__code", "from_level", "to_level", "to_score", "as_of", "cause"
            )
        )
        return scores, changes


@dataclass
class ListRunScenario(Scenario):
    """`socredit lists run --full`: proposals, transfers and removals of one day (idempotent)."""

    observable = False
    atomic = True

    def command(self) -> list[str]:
        return manage("lists", "run", "--full", "--as-of", LIST_DAY)

    def after_kill(self) -> list[str]:
        from socredit.apps.audit.models import AuditEvent
        from socredit.apps.lists.models import ListRun

        runs = ListRun.objects.filter(as_of=LIST_DAY).count()
        require(runs <= 1, f"{runs} list runs of one day after one run")
        require(AuditEvent.objects.filter(action="lists.run").count() == ListRun.objects.count(),
                "a list run without its audit event")  # fmt: skip
        return ["killed after the run" if runs else "killed before its commit: nothing written"]

    def fingerprint(self) -> Any:
        from socredit.apps.lists.models import ListDecision, ListEntry, ListProposal, ListRun

        def rows(qs: Any, *names: str) -> list[str]:
            return sorted(map(repr, qs.values_list(*names)))

        # the runs themselves differ in their counts (a re-run after a finished run counts nothing new)
        return (
            ListRun.objects.filter(as_of=LIST_DAY).exists(),
            rows(
                ListEntry.objects,
                "organization__code",
                "list",
                "ground",
                "entered_on",
                "left_on",
                "exit_ground",
            ),
            rows(
                ListProposal.objects, "organization__code", "list", "action", "ground", "status", "arose_on"
            ),
            rows(
                ListDecision.objects,
                "organization__code",
                "kind",
                "list",
                "ground",
                "decided_on",
                "automatic",
            ),
        )


@dataclass
class OutboxScenario(Scenario):
    """Revocations and corrections through the record services, each with its change event."""

    def prepare(self) -> None:
        from socredit.apps.accounts.models import User
        from socredit.apps.records.services import create_record

        actor = User.objects.get(username="city_admin")
        orgs = _orgs(20)
        for i in range(self.size):
            org = orgs[i % len(orgs)]
            occurred = max(org.registered_on, dt.date(2024, 1, 1)) + dt.timedelta(days=i % 300)
            create_record(actor=actor, channel="cli", data={
                "organization": org.code, "kind": "penalty_warning", "occurred_on": occurred.isoformat(),
                "document_number": TARGET_DOCUMENT.format(i), "department": "郑州市民政局", "summary": f"原摘要 {i}"})  # fmt: skip

    def command(self) -> list[str]:
        os.environ["SOCREDIT_RELIABILITY_TARGETS"] = str(self.size)
        return manage(
            "shell", "-c", "from socredit.testing.reliability.kills import change_targets; change_targets()"
        )

    def started(self) -> bool:
        from socredit.apps.records.models import ChangeEvent

        return ChangeEvent.objects.filter(kind__in=["record.revoked", "record.corrected"]).exists()

    def finished(self) -> bool:
        from socredit.apps.records.models import ChangeEvent

        return (
            ChangeEvent.objects.filter(kind__in=["record.revoked", "record.corrected"]).count() >= self.size
        )

    def after_kill(self) -> list[str]:
        from socredit.apps.audit.models import AuditEvent
        from socredit.apps.records.models import ChangeEvent, CreditRecord
        from socredit.core.types import RecordStatus

        revoked = corrected = 0
        for i in range(self.size):
            versions = list(CreditRecord.objects.filter(document_number=TARGET_DOCUMENT.format(i)))
            current = [v for v in versions if v.is_current]
            require(len(current) == 1, f"target {i}: {len(current)} current versions")
            now = current[0]
            events = list(ChangeEvent.objects.filter(record__in=versions))
            if now.supersedes_id:
                corrected += 1
                old = next(v for v in versions if v.pk == now.supersedes_id)
                require(
                    old.status == RecordStatus.CORRECTED.value,
                    f"target {i}: the corrected version is {old.status}",
                )
                require([(e.kind, e.record_id, e.payload.get("record")) for e in events]
                        == [("record.corrected", now.pk, old.pk)], f"target {i}: corrected, events {events}")  # fmt: skip
            elif now.status == RecordStatus.REVOKED.value:
                revoked += 1
                require([(e.kind, e.record_id) for e in events] == [("record.revoked", now.pk)],
                        f"target {i}: revoked, events {events}")  # fmt: skip
            else:
                require(len(versions) == 1 and not events, f"target {i}: unchanged, yet events {events}")
        require(
            AuditEvent.objects.filter(action="record.revoke").count() == revoked,
            "a revocation without its audit event",
        )
        require(
            AuditEvent.objects.filter(action="record.correct").count() == corrected,
            "a correction without its audit event",
        )
        return ["every change with its event, no event without its change"]

    def fingerprint(self) -> Any:
        from socredit.apps.records.models import ChangeEvent, CreditRecord

        prefix = TARGET_DOCUMENT.split("{")[0]
        records = sorted(
            CreditRecord.objects.filter(document_number__startswith=prefix).values_list(
                "document_number", "status", "is_current", "summary", "supersedes__document_number"
            ), key=repr,
        )  # fmt: skip
        events = sorted(
            ChangeEvent.objects.values_list(
                "kind", "record__document_number", "record__status", "payload__reason"
            )
        )
        return records, events


SCENARIOS = {"import": ImportScenario, "evaluate": EvaluationScenario, "lists": ListRunScenario,
             "outbox": OutboxScenario}  # fmt: skip


@dataclass
class KillReport:
    """What the kills of one scenario did and checked."""

    scenario: str
    reference_seconds: float = 0.0
    rounds: list[dict[str, Any]] = field(default_factory=list)

    @property
    def mid_run(self) -> int:
        return sum(1 for r in self.rounds if r["killed"])


def _watch(
    scenario: Scenario,
    child: subprocess.Popen[bytes],
    t0: float,
    *,
    until: float | None = None,
    after_start: float | None = None,
) -> tuple[float | None, float | None, bool]:
    """Follow ``child``: when its work began and ended (seconds since ``t0``, as ``started`` and
    ``finished`` see them; None if not seen), and whether it was killed: at ``until`` seconds after
    ``t0``, or ``after_start`` seconds after its work began, whichever is given."""
    begins = ends = None
    while child.poll() is None:
        now = time.perf_counter() - t0
        if begins is None and scenario.started():
            begins = now
        if begins is not None and ends is None and scenario.finished():
            ends = now
        due = until if after_start is None else (None if begins is None else begins + after_start)
        if due is None and after_start is not None and not scenario.observable:
            due = until  # work that shows nothing until it is done: the moment counts from the start-up's end
        if due is not None and now >= due:
            os.kill(child.pid, signal.SIGKILL)
            child.wait()
            return begins, ends, True
        time.sleep(0.01)
    return begins, ends, False


def _run_watched(scenario: Scenario) -> tuple[float, float, float]:
    """Run the child uninterrupted: its seconds, and when its work began and ended (for work that
    shows nothing until it is done: when a child's start-up ends, and the child's end)."""
    from django.db import connections

    t0 = time.perf_counter()
    child = subprocess.Popen(scenario.command(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    begins, ends, _ = _watch(scenario, child, t0)
    seconds = time.perf_counter() - t0
    connections.close_all()
    _, err = child.communicate()
    if child.returncode != 0:
        raise Broken(
            f"{scenario.name}: the uninterrupted run failed ({child.returncode}):\n{err.decode()[-3000:]}"
        )
    if begins is None:
        begins = min(seconds, run_child(manage("shell", "-c", "pass")))  # a child's start-up
    return seconds, begins, ends or seconds


def kill_rounds(
    scenario: Scenario, scratch: Any, *, rounds: int, rng: random.Random, seed: int
) -> KillReport:
    """The uninterrupted run, then ``rounds`` kills at random moments each followed by the checks and
    the re-run; raises `Broken` naming the seed, the round and the moment when a property fails.

    The moment is drawn relative to the work, not to the child's start (whose start-up varies with
    the machine's load): a fifth of the kills come during the start-up, the others anywhere from
    the moment the work shows (its run recorded, its first change committed) to a little past the
    time the uninterrupted work took."""
    from django.db import connections

    report = KillReport(scenario.name)
    scratch.restore()
    before = scenario.fingerprint()
    report.reference_seconds, begins, ends = _run_watched(scenario)
    check_database(f"{scenario.name}, uninterrupted")
    scenario.learn()
    reference = scenario.fingerprint()
    require(reference != before, f"{scenario.name}: the uninterrupted work changed nothing (nothing to kill)")
    span = max(ends - begins, 0.05)
    for n in range(rounds):
        early = rng.random() < 0.2
        moment = rng.uniform(0.5, 1.0) * begins if early else rng.uniform(0.0, 1.1) * span
        where = (f"{scenario.name} round {n + 1} (seed {seed}, kill "
                 + (f"{moment:.2f}s after the start)" if early else f"{moment:.2f}s into the work)"))  # fmt: skip
        scratch.restore()
        child = subprocess.Popen(
            scenario.command(), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        t0 = time.perf_counter()
        _, _, killed = _watch(scenario, child, t0, until=moment if early else begins + moment,
                              after_start=None if early else moment)  # fmt: skip
        connections.close_all()
        _, err = child.communicate()
        if not killed and child.returncode != 0:
            raise Broken(f"{where}: the child failed on its own:\n{err.decode()[-3000:]}")
        try:
            check_database(f"{where}, after the kill")
            if scenario.atomic:
                require(
                    scenario.fingerprint() in (before, reference),
                    "half written: neither the state before nor after",
                )
            checked = scenario.after_kill()
            for argv in scenario.rerun():
                run_child(argv)
            check_database(f"{where}, after the re-run")
            require(
                scenario.fingerprint() == reference,
                "the re-run's end state differs from the uninterrupted run's",
            )
        except Broken as exc:
            raise Broken(f"{where}: {exc}") from None
        report.rounds.append(
            {"moment": where.split("kill ", 1)[1].rstrip(")"), "killed": killed, "checked": checked}
        )
    return report
