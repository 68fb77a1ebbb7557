"""The writers of the evaluation: live re-scoring, batch runs, fact rebuilds; and the readers that explain.

- ``on_records_changed`` runs inside the transaction of every record change (records.signals) and
  re-scores the organizations concerned, so the credit file page is always current.
- ``run_evaluation`` evaluates every organization (or a region's) in chunks of organizations, one
  transaction per chunk; a failed or interrupted run resumes where it stopped.
- ``explain_organization`` and ``what_if`` evaluate one organization on the fly (no writes).
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from socredit.apps.audit.services import actor_label, record_event, staff_user_of
from socredit.apps.evaluation import counts, hooks, storage
from socredit.apps.evaluation.figures import report_figures
from socredit.apps.evaluation.indicators import UnknownModel, get_model, kind_ids
from socredit.apps.evaluation.models import BLOCK_SIZE, CreditScore, EvaluationRun
from socredit.apps.registry.models import Organization, Region
from socredit.common.access import SystemPrincipal
from socredit.common.clock import today
from socredit.common.runs import abandonment, this_worker
from socredit.core.scoring.evaluate import Evaluation, Explanation, IndicatorResult, check_as_of, evaluate
from socredit.core.scoring.model import LEVEL_CODES, IndicatorModel

CHUNK_ORGS = BLOCK_SIZE * 512
"""Organizations per batch chunk (one transaction each): 131,072, about 2.6 million facts."""


def _evaluate_orgs(
    org_ids: Iterable[int], facts: pl.DataFrame, as_of: dt.date, model: IndicatorModel, kinds: dict[str, int],
    *, explain: bool = False,
) -> Evaluation:  # fmt: skip
    ids = np.asarray(sorted(set(org_ids)), dtype=np.int64)
    lo, hi = (int(ids[0]), int(ids[-1]) + 1) if len(ids) else (0, 0)
    members = hooks.memberships(lo, hi, ids if len(ids) <= 4096 else None)
    # report figures are read only for a model that has an indicator reading one
    figures = (
        report_figures(lo, hi, ids if len(ids) <= 4096 else None, model.figures) if model.figures else None
    )
    return evaluate(ids, facts, as_of, model, kinds, members, explain=explain, figures=figures)


# --- live -------------------------------------------------------------------------------------


def refresh_organizations(org_ids: Iterable[int], *, trigger: str, actor: Any = None) -> Evaluation:
    """Re-pack these organizations' facts and re-score them as of today (inside the caller's transaction)."""
    ids = sorted({int(i) for i in org_ids})
    facts = storage.refresh_blocks(ids)
    kinds = kind_ids()
    model = get_model(kinds=kinds)
    result = _evaluate_orgs(ids, facts, today(), model, kinds)
    storage.write_results(result, trigger=trigger, at=timezone.now())
    return result


def on_records_changed(sender: Any, *, organization_ids: set[int], cause: str, actor: Any, **_: Any) -> None:
    """records.signals receiver: the live update."""
    refresh_organizations(organization_ids, trigger=cause, actor=actor)


# --- reading one organization -----------------------------------------------------------------


def _inputs(
    org_ids: Iterable[int], as_of: dt.date | None, model_version: str | None
) -> tuple[dt.date, dict[str, int], IndicatorModel, pl.DataFrame]:
    """Date (checked), kinds, model and the organizations' facts read from their records."""
    day = as_of or today()
    check_as_of(day, today=today())
    kinds = kind_ids()
    return day, kinds, get_model(model_version, kinds=kinds), storage.record_facts(org_ids)


def _without(facts: pl.DataFrame, records: Iterable[int]) -> pl.DataFrame:
    excluded = [int(r) for r in records]
    return facts.filter(~pl.col("record_id").is_in(excluded)) if excluded else facts


def explain_organization(
    organization: Organization, *, as_of: dt.date | None = None, model_version: str | None = None,
    exclude_records: Iterable[int] = (),
) -> Explanation:  # fmt: skip
    """One organization's score, level and per-record contributions, computed now from its records.

    ``exclude_records`` leaves records out: the "what if" of a repair or objection decision.
    Raises EvaluationInputError for a bad date and UnknownModel for a bad model version.
    """
    day, kinds, model, facts = _inputs([organization.pk], as_of, model_version)
    result = _evaluate_orgs(
        [organization.pk], _without(facts, exclude_records), day, model, kinds, explain=True
    )
    return result.explain(organization.pk)


_RUNS_SEEN: dict[tuple[dt.date, str], tuple[float, tuple[str, ...]]] = {}
RUNS_SEEN_SECONDS = 5.0
"""How long this process trusts its list of today's finished batch runs (a run finishing meanwhile
only means a few more answers are computed instead of read)."""


def _paths_evaluated(day: dt.date, model_version: str) -> tuple[str, ...]:
    """Region paths ("" = every organization) covered by a batch run of ``model_version`` as of
    ``day`` that has finished: their organizations' stored scores are that day's."""
    key = (day, model_version)
    now = time.monotonic()
    seen = _RUNS_SEEN.get(key)
    if seen is None or now - seen[0] > RUNS_SEEN_SECONDS:
        runs = EvaluationRun.objects.filter(
            status=EvaluationRun.Status.DONE, as_of=day, model_version=model_version
        ).values_list("region__path", flat=True)
        seen = (now, tuple(sorted({path or "" for path in runs})))
        if len(_RUNS_SEEN) > 64:
            _RUNS_SEEN.clear()
        _RUNS_SEEN[key] = seen
    return seen[1]


def stored_explanation(
    organization: Organization, stored: CreditScore | None, day: dt.date, model: IndicatorModel
) -> Explanation | None:
    """The explanation of ``organization`` today read from its stored score, or None when the stored
    score cannot be trusted to be today's with ``model`` (then the caller computes it).

    A stored score is today's when it was written today (a live update or a run re-scores every
    organization whose records or list entries change) or when a finished batch run of today with
    the same model covered its region (the run leaves unchanged results unwritten).
    """
    if stored is None or day != today() or stored.model_version != model.version:
        return None
    if stored.as_of != day:
        path = organization.region.path
        if not any(path.startswith(p) for p in _paths_evaluated(day, model.version)):
            return None
    lines = storage.decode_lines(stored.breakdown, len(model.indicators))
    if lines is None:
        return None
    rule = None
    if stored.cause != "score":
        rule = next((r for r in model.level_rules if r.id == stored.cause), None)
        if rule is None:
            return None
    return Explanation(
        org_id=organization.pk, score=stored.score, level=stored.level,
        score_level=model.level_for(stored.score), rule=rule, base=model.base,
        lines=tuple(
            IndicatorResult(ind, count, raw, points)
            for ind, (points, count, raw) in zip(model.indicators, lines, strict=True)
            if count
        ),
        contributions=None,
    )  # fmt: skip


@dataclass(frozen=True)
class BatchEvaluation:
    """The day, the model and an Explanation per organization id."""

    as_of: dt.date
    model: IndicatorModel
    explanations: dict[int, Explanation]


def evaluate_organizations(
    orgs: Iterable[Organization], *, as_of: dt.date | None = None, model_version: str | None = None
) -> BatchEvaluation:
    """Score many organizations on the fly in one vectorised call (the batch credit API); no writes.

    The same inputs and errors as ``explain_organization``, so a batch answer equals the single ones.
    """
    ids = sorted({int(o.pk) for o in orgs})
    day, kinds, model, facts = _inputs(ids, as_of, model_version)
    if not ids:
        return BatchEvaluation(day, model, {})
    result = _evaluate_orgs(ids, facts, day, model, kinds)
    return BatchEvaluation(day, model, {i: result.explain(i) for i in ids})


@dataclass(frozen=True)
class WhatIf:
    """The score and level now, and what they would be without some records."""

    current: Explanation
    hypothetical: Explanation
    excluded: tuple[int, ...]

    @property
    def score_change(self) -> int:
        return self.hypothetical.score - self.current.score

    @property
    def level_changes(self) -> bool:
        return self.hypothetical.level != self.current.level


def what_if(
    organization: Organization, exclude_records: Iterable[int], *, model_version: str | None = None
) -> WhatIf:
    """假设分析: evaluate ``organization`` today with and without ``exclude_records`` (records read once)."""
    excluded = tuple(sorted({int(r) for r in exclude_records}))
    day, kinds, model, facts = _inputs([organization.pk], None, model_version)

    def explain(f: pl.DataFrame) -> Explanation:
        return _evaluate_orgs([organization.pk], f, day, model, kinds, explain=True).explain(organization.pk)

    return WhatIf(explain(facts), explain(_without(facts, excluded)), excluded)


# --- batch ------------------------------------------------------------------------------------


def _org_ids(region: Region | None) -> np.ndarray[Any, np.dtype[np.int64]]:
    table = Organization._meta.db_table
    with connection.cursor() as cursor:
        if region is None:
            # One string instead of a million rows: the ids arrive in ~0.1 s instead of ~0.6 s.
            agg = (
                "string_agg(id::text, ',' ORDER BY id)"
                if connection.vendor == "postgresql"
                else "group_concat(id)"
            )
            cursor.execute(f"SELECT {agg} FROM {table}")
            text = cursor.fetchone()[0]
            return np.sort(np.array(text.split(","), dtype=np.int64)) if text else np.empty(0, dtype=np.int64)
        else:
            region_table = Region._meta.db_table
            cursor.execute(
                f"SELECT o.id FROM {table} o JOIN {region_table} r ON r.id = o.region_id "
                "WHERE r.path LIKE %s ORDER BY o.id",
                [region.path + "%"],
            )
        return np.fromiter((r[0] for r in cursor.fetchall()), dtype=np.int64)


@transaction.atomic
def start_run(
    *, actor: Any, channel: str, as_of: dt.date | None = None, model_version: str | None = None,
    region: Region | None = None,
) -> EvaluationRun:  # fmt: skip
    """Check the inputs and record a new run (nothing evaluated yet); errors name what is wrong."""
    day = as_of or today()
    check_as_of(day, today=today())
    model = get_model(model_version)
    end_abandoned_runs()
    run = EvaluationRun.objects.create(
        model_version=model.version, as_of=day, region=region, started_by=staff_user_of(actor),
        started_by_label=actor_label(actor)[:150], channel=channel, worker=this_worker(),
        heartbeat_at=timezone.now(),
    )  # fmt: skip
    record_event(actor=actor, channel=channel, action="evaluation.start", target=run,
                 summary=f"信用评价批次 #{run.pk}：模型 {model.version}，评价日 {day.isoformat()}"
                 + (f"，区域 {region.name}" if region else ""))  # fmt: skip
    return run


def execute_run(run: EvaluationRun, *, progress: Callable[[int, int], None] | None = None) -> EvaluationRun:
    """Evaluate the run's organizations chunk by chunk; resumable after a failure or an interruption.

    Each chunk (CHUNK_ORGS organizations) is read, evaluated and written in one transaction, and
    the run remembers the last organization done, so running it again continues from there and
    never writes a chunk twice.
    """
    run.refresh_from_db()  # resume from what was committed, not from a copy a failed chunk left half-updated
    if run.status == EvaluationRun.Status.DONE:
        return run
    # In memory too: every chunk saves the whole row, which would write back a resumed run's old
    # FAILED status and error (and a finished resumed run would keep that error).
    run.status, run.error = EvaluationRun.Status.RUNNING, ""
    run.worker, run.heartbeat_at = this_worker(), timezone.now()  # a resumed run: this process now
    run.save(update_fields=["status", "error", "worker", "heartbeat_at"])
    try:  # from here on any error marks the run failed (e.g. its model is no longer installed)
        kinds = kind_ids()
        model = get_model(run.model_version, kinds=kinds)
        ids = _org_ids(run.region)
        todo = ids[ids > run.resume_after]
        total = len(ids)
        done = total - len(todo)
        counts = Counter(run.level_counts or {})
        while len(todo):
            lo = int(todo[0])
            bound = (lo // CHUNK_ORGS + 1) * CHUNK_ORGS
            chunk, todo = todo[todo < bound], todo[todo >= bound]
            t0 = time.perf_counter()
            facts = storage.read_blocks(lo // BLOCK_SIZE, int(chunk[-1]) // BLOCK_SIZE)
            t1 = time.perf_counter()
            result = _evaluate_orgs(
                chunk.tolist() if len(chunk) <= 4096 else chunk, facts, run.as_of, model, kinds
            )
            del facts
            t2 = time.perf_counter()
            with transaction.atomic():
                changed = storage.write_results(
                    result, trigger=f"批量评价（{run.as_of:%Y-%m-%d}）", at=timezone.now(), run_id=run.pk
                )
                for code, n in zip(LEVEL_CODES, np.bincount(result.level, minlength=4).tolist(), strict=True):
                    counts[code] += n
                run.organizations += len(chunk)
                run.changed += changed
                run.chunks_done += 1
                run.resume_after = int(chunk[-1])
                run.level_counts = dict(counts)
                run.seconds_read += t1 - t0
                run.seconds_compute += t2 - t1
                run.heartbeat_at = timezone.now()
                run.save()
            # the write time includes the chunk's COMMIT (a second small UPDATE keeps it exact)
            run.seconds_write += time.perf_counter() - t2
            EvaluationRun.objects.filter(pk=run.pk).update(seconds_write=run.seconds_write)
            done += len(chunk)
            if progress:
                progress(done, total)
    except Exception as exc:
        run.status, run.error = EvaluationRun.Status.FAILED, str(exc)[:2000]
        EvaluationRun.objects.filter(pk=run.pk).update(status=run.status, error=run.error)
        raise
    with transaction.atomic():
        run.status = EvaluationRun.Status.DONE
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "finished_at"])
        # The finish is attributed to whoever started the run (a staff account, or the console label).
        starter = run.started_by or SystemPrincipal(run.started_by_label)
        record_event(actor=starter, channel=run.channel, action="evaluation.finish", target=run,
                     summary=f"信用评价批次 #{run.pk} 完成：{run.organizations} 个组织，{run.changed} 个等级变化",
                     data={"level_counts": run.level_counts, "seconds": round(run.seconds, 3)})  # fmt: skip
    return run


RUN_STALE_AFTER = dt.timedelta(minutes=10)
"""A run of another host is taken for abandoned after this long without a chunk done (a chunk of a
national run takes seconds); on this host its process is checked directly."""


def end_abandoned_runs(*, now: dt.datetime | None = None) -> int:
    """评价中断: mark every run still "running" whose process was killed as interrupted, with the
    reason. What its committed chunks wrote stays (each chunk is one transaction); the daily job
    continues it where that is safe (`resume_interrupted_runs`), `socredit evaluate --resume RUN`
    at any time. Called before each new run and by the daily job."""
    now = now or timezone.now()
    ended = 0
    for run in EvaluationRun.objects.filter(status=EvaluationRun.Status.RUNNING):
        reason = abandonment(run, now=now, stale_after=RUN_STALE_AFTER)
        if reason is None:
            continue
        error = f"评价中断：{reason}（已完成 {run.organizations} 个组织，可以继续）"
        with transaction.atomic():
            if not EvaluationRun.objects.filter(pk=run.pk, status=EvaluationRun.Status.RUNNING).update(
                status=EvaluationRun.Status.INTERRUPTED, error=error
            ):
                continue
            record_event(actor=SystemPrincipal("socredit"), channel="system", action="evaluation.abandoned",
                         target=run, summary=f"信用评价批次 #{run.pk} {error}", data={"worker": run.worker})  # fmt: skip
        ended += 1
    return ended


RESUME_WITHIN = dt.timedelta(days=1)
"""An interrupted run is continued automatically only while its evaluation day is today or
yesterday (a nightly run killed before midnight is continued by the next morning's daily job).
An older one would write scores as of a day long past over what has happened since: it is closed
instead, and a new run evaluates as of today."""


@dataclass(frozen=True)
class Resumption:
    """What the daily job did with one interrupted run: continued it, or closed it and why."""

    run: EvaluationRun
    resumed: bool
    reason: str = ""


def _why_not_resume(run: EvaluationRun, day: dt.date) -> str:
    later = (
        EvaluationRun.objects.filter(pk__gt=run.pk)
        .exclude(status__in=[EvaluationRun.Status.FAILED, EvaluationRun.Status.INTERRUPTED])
        .order_by("pk")
        .first()
    )
    if later is not None:
        # a later run wrote (or is writing) newer scores: continuing the old one would overwrite them
        return f"之后的评价批次 #{later.pk}（评价日 {later.as_of:%Y-%m-%d}）已取代它"
    if run.as_of < day - RESUME_WITHIN:
        return f"评价日 {run.as_of:%Y-%m-%d} 已过去 {(day - run.as_of).days} 天，请按今天重新评价"
    try:
        get_model(run.model_version)
    except UnknownModel:
        return f"评价模型 {run.model_version} 已不再安装"
    return ""


def resume_interrupted_runs(
    *, day: dt.date | None = None, progress: Callable[[int, int], None] | None = None
) -> list[Resumption]:
    """自动续评: the daily job's part for batch evaluations. Runs whose process died are marked
    interrupted first; each is then continued from its last organization done when that is safe
    (see `RESUME_WITHIN`; no later run has superseded it; its model is still installed), or closed
    as failed with the reason, so that it is looked at once and not every day."""
    day = day or today()
    end_abandoned_runs()
    done: list[Resumption] = []
    for run in EvaluationRun.objects.filter(status=EvaluationRun.Status.INTERRUPTED).order_by("pk"):
        reason = _why_not_resume(run, day)
        system = SystemPrincipal("socredit")
        if reason:
            with transaction.atomic():
                if not EvaluationRun.objects.filter(
                    pk=run.pk, status=EvaluationRun.Status.INTERRUPTED
                ).update(status=EvaluationRun.Status.FAILED, error=f"{run.error}；不再自动继续：{reason}"):
                    continue
                record_event(actor=system, channel="system", action="evaluation.not_resumed", target=run,
                             summary=f"信用评价批次 #{run.pk} 不再自动继续：{reason}")  # fmt: skip
            done.append(Resumption(run, resumed=False, reason=reason))
            continue
        record_event(actor=system, channel="system", action="evaluation.resumed", target=run,
                     summary=f"信用评价批次 #{run.pk} 自动从第 {run.organizations + 1} 个组织继续")  # fmt: skip
        try:
            done.append(Resumption(execute_run(run, progress=progress), resumed=True))
        except Exception as exc:  # execute_run marked it failed with the error; the other runs go on
            run.refresh_from_db()
            done.append(Resumption(run, resumed=False, reason=f"继续时出错：{exc}"))
    return done


def run_evaluation(
    *, actor: Any, channel: str, as_of: dt.date | None = None, model_version: str | None = None,
    region: Region | None = None, progress: Callable[[int, int], None] | None = None,
) -> EvaluationRun:  # fmt: skip
    """Start and execute a batch evaluation (see execute_run)."""
    run = start_run(actor=actor, channel=channel, as_of=as_of, model_version=model_version, region=region)
    return execute_run(run, progress=progress)


@transaction.atomic
def rebuild_facts(*, actor: Any, channel: str, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild every fact block from the credit records (after a raw load, or to check the copy)."""
    written = storage.rebuild_blocks(progress=progress)
    record_event(actor=actor, channel=channel, action="evaluation.rebuild_facts", target=None,
                 summary=f"重建信用事实块 {written} 个")  # fmt: skip
    return written


@transaction.atomic
def rebuild_level_counts(*, actor: Any, channel: str) -> int:
    """Recount the maintained organizations per region and level (registry.RegionLevelCount)."""
    rows = counts.rebuild_counts()
    record_event(actor=actor, channel=channel, action="evaluation.rebuild_counts", target=None,
                 summary=f"重建各区划各等级组织数 {rows} 行")  # fmt: skip
    return rows
