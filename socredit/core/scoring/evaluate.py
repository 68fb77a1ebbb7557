"""The credit evaluation (信用评价): facts, list memberships, a date and a model in; scores out.

``evaluate`` is the one function that computes scores and levels. The organization page calls it
with one organization whenever a record changes; the nightly batch calls it with every
organization in the country. Both paths give the same answer for the same inputs, which a
property test checks.

How a score is made, for each organization, on the evaluation date ``as_of``:

1. A record counts if its status counts (有效, or 已修复/已过期 before the day it ended), it happened
   on or before ``as_of``, its publicity period (if any) has not ended, it belongs to an indicator,
   and it falls within that indicator's window (``window_months`` back from ``as_of``).
2. Each counted record gives points: by amount step, else by dishonesty class, else by kind, else
   the indicator's points. An indicator that reads a report figure instead (``figure``) looks at the
   organization's latest report known on or before ``as_of`` (and within its window) that has the
   figure, and counts once, with its points, when the value meets its condition.
3. Per indicator: ``sum`` mode adds the records' points and clips the sum to ±cap; ``max`` mode
   takes the best single record (e.g. the highest evaluation grade in force).
4. Score = base + the indicators' points, clipped to the scale. The thresholds give a level.
5. Level rules, in the model's order within each kind: ``at_least`` rules raise the level, then
   ``at_most`` rules lower it, then ``set`` rules fix it (rules.md R5.5: the serious list wins).
   The cause of the level is the last rule that changed it, or the score.

Polars does the filtering and the point rules; the aggregation into an organizations ×
indicators matrix is a NumPy ``bincount`` on a dense key, which on 20 million records is several
times faster than a hash group-by (docs/credit-evaluation.md, "Performance").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import polars as pl

from socredit.core.scoring.facts import (
    CLASS_CODES,
    COUNTED_STATUSES,
    add_months,
    day_number,
    empty_memberships,
)
from socredit.core.scoring.model import LEVEL_CODES, Indicator, IndicatorModel, LevelRule

EARLIEST_AS_OF = dt.date(2000, 1, 1)
"""Evaluations start in 2000: no electronic credit file of a social organization predates it."""

NO_RULE = -1
_SMALL = 4096
"""Up to this many organizations, positions are found by a hash lookup instead of a dense table."""
_CLASSES = {code: name for name, code in CLASS_CODES.items()}


class EvaluationInputError(ValueError):
    """The inputs of an evaluation are unusable (a date out of range, a kind the model cannot bind)."""


def check_as_of(as_of: dt.date, *, today: dt.date) -> None:
    """Refuse dates in the future and before 2000 (EARLIEST_AS_OF)."""
    if as_of > today:
        raise EvaluationInputError(
            f"评价日期 {as_of.isoformat()} 晚于今天（{today.isoformat()}），不能评价未来"
        )
    if as_of < EARLIEST_AS_OF:
        raise EvaluationInputError(f"评价日期 {as_of.isoformat()} 早于 {EARLIEST_AS_OF.isoformat()}，不受理")


@dataclass(frozen=True)
class IndicatorResult:
    """One line of an organization's breakdown."""

    indicator: Indicator
    count: int
    raw_points: int
    points: int

    @property
    def capped(self) -> bool:
        return self.raw_points != self.points


@dataclass(frozen=True)
class Explanation:
    """One organization's result, readable: what every indicator gave and why the level is what it is."""

    org_id: int
    score: int
    level: str
    score_level: str
    rule: LevelRule | None
    base: int
    lines: tuple[IndicatorResult, ...]
    contributions: pl.DataFrame | None

    @property
    def cause(self) -> str:
        return self.rule.id if self.rule else "score"


@dataclass(frozen=True)
class Evaluation:
    """The result for many organizations, as arrays aligned with ``org_ids`` (sorted)."""

    model: IndicatorModel
    as_of: dt.date
    org_ids: np.ndarray[Any, np.dtype[np.int64]]
    score: np.ndarray[Any, np.dtype[np.int32]]
    level: np.ndarray[Any, np.dtype[np.uint8]]
    score_level: np.ndarray[Any, np.dtype[np.uint8]]
    cause: np.ndarray[Any, np.dtype[np.int16]]
    raw_points: np.ndarray[Any, np.dtype[np.int32]]
    points: np.ndarray[Any, np.dtype[np.int32]]
    counts: np.ndarray[Any, np.dtype[np.int32]]
    contributions: pl.DataFrame | None = None

    def __len__(self) -> int:
        return len(self.org_ids)

    def frame(self) -> pl.DataFrame:
        """org_id, score, level (A–D), cause (rule id or "score")."""
        causes = ["score", *(r.id for r in self.model.level_rules)]
        return pl.DataFrame(
            {
                "org_id": self.org_ids,
                "score": self.score,
                "level": np.asarray(LEVEL_CODES)[self.level],
                "cause": np.asarray(causes)[self.cause + 1],
            }
        )

    def position(self, org_id: int) -> int:
        i = int(np.searchsorted(self.org_ids, org_id))
        if i >= len(self.org_ids) or self.org_ids[i] != org_id:
            raise KeyError(org_id)
        return i

    def explain(self, org_id: int) -> Explanation:
        """The breakdown of one organization; KeyError if it was not evaluated."""
        i = self.position(org_id)
        lines = tuple(
            IndicatorResult(ind, int(self.counts[i, j]), int(self.raw_points[i, j]), int(self.points[i, j]))
            for j, ind in enumerate(self.model.indicators)
            if self.counts[i, j]
        )
        cause = int(self.cause[i])
        contributions = None
        if self.contributions is not None:
            contributions = self.contributions.filter(pl.col("org_id") == org_id)
        return Explanation(
            org_id=org_id,
            score=int(self.score[i]),
            level=LEVEL_CODES[self.level[i]],
            score_level=LEVEL_CODES[self.score_level[i]],
            rule=self.model.level_rules[cause] if cause != NO_RULE else None,
            base=self.model.base,
            lines=lines,
            contributions=contributions,
        )


def _kind_tables(
    model: IndicatorModel, kind_ids: Mapping[str, int], size: int
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Lookup arrays by kind id: the indicator index (-1: not counted) and points by kind × class."""
    indicator_of = np.full(size, -1, dtype=np.int16)
    points_of = np.zeros(size * len(_CLASSES), dtype=np.int32)
    for j, ind in enumerate(model.indicators):
        for kind in ind.kinds:
            if kind not in kind_ids:
                raise EvaluationInputError(
                    f"模型 {model.version} 的指标 {ind.id} 引用的事项 {kind} 不在事项目录中"
                )
            kid = kind_ids[kind]
            indicator_of[kid] = j
            for code, name in _CLASSES.items():
                points_of[kid * len(_CLASSES) + code] = ind.points_for(kind, name, None)
    return indicator_of, points_of


def evaluate(
    org_ids: Sequence[int] | np.ndarray[Any, Any] | pl.Series,
    facts: pl.DataFrame,
    as_of: dt.date,
    model: IndicatorModel,
    kind_ids: Mapping[str, int],
    memberships: pl.DataFrame | None = None,
    *,
    explain: bool = False,
    figures: pl.DataFrame | None = None,
) -> Evaluation:
    """Evaluate ``org_ids`` on ``as_of`` with ``model``; see the module docstring.

    ``facts`` follow ``FACT_SCHEMA`` (facts of other organizations are ignored), ``kind_ids``
    maps record-kind codes to the ids used in ``facts.kind``, ``memberships`` follow
    ``MEMBERSHIP_SCHEMA``, ``figures`` follow ``FIGURE_SCHEMA`` (read only by indicators with a
    ``figure``). With ``explain``, the result keeps each counted record's points.
    """
    orgs = np.asarray(org_ids, dtype=np.int64)
    if len(orgs) > 1 and not bool(np.all(orgs[1:] > orgs[:-1])):
        orgs = np.unique(orgs)
    n, k = len(orgs), len(model.indicators)
    day = day_number(as_of)
    classes = len(_CLASSES)
    size = max([*kind_ids.values(), _column_max(facts, "kind")]) + 1
    indicator_of, points_of = _kind_tables(model, kind_ids, size)
    # cutoff by indicator index + 1 (index 0 stands for "not in any indicator")
    cutoffs = np.full(k + 1, -(2**31), dtype=np.int32)
    for j, ind in enumerate(model.indicators):
        if ind.window_months:
            cutoffs[j + 1] = day_number(add_months(as_of, -ind.window_months))

    # 1. records in force on as_of, of the organizations asked for, in an indicator and its window
    in_force = (
        pl.col("status").is_in(COUNTED_STATUSES)
        & (pl.col("day") <= day)
        & (pl.col("ended") > day)
        & (pl.col("until") >= day)
    )
    lazy = facts.lazy().filter(in_force)
    if n <= _SMALL:
        lazy = lazy.with_columns(
            pos=pl.col("org_id")
            .cast(pl.Int64)
            .replace_strict(orgs, np.arange(n), default=-1, return_dtype=pl.Int64)
        )
    else:
        lookup = np.full(max(int(orgs[-1]), _column_max(facts, "org_id")) + 1, -1, dtype=np.int64)
        lookup[orgs] = np.arange(n)
        lazy = lazy.with_columns(pos=pl.lit(pl.Series(lookup)).gather(pl.col("org_id")))
    ind_expr = pl.lit(pl.Series(indicator_of)).gather(pl.col("kind"))
    # 2. points per record: amount steps, else class, else kind, else the indicator's points
    points_expr: pl.Expr = pl.lit(pl.Series(points_of)).gather(
        pl.col("kind").cast(pl.Int64) * classes + pl.col("cls").cast(pl.Int64)
    )
    for j, ind_obj in enumerate(model.indicators):
        for step in ind_obj.amount_steps:
            points_expr = (
                pl.when((pl.col("ind") == j) & (pl.col("amount") >= step.at_least))
                .then(pl.lit(step.points, dtype=pl.Int32))
                .otherwise(points_expr)
            )
    columns = ["record_id", "org_id", "day", "pos", "ind", "points"] if explain else ["pos", "ind", "points"]
    counted = (
        lazy.with_columns(ind=ind_expr)
        .filter(
            (pl.col("pos") >= 0)
            & (pl.col("ind") >= 0)
            & (pl.col("day") > pl.lit(pl.Series(cutoffs)).gather(pl.col("ind").cast(pl.Int64) + 1))
        )
        .with_columns(points=points_expr.cast(pl.Int32))
        .select(columns)
        .collect()
    )

    # 3. per indicator: sum (clipped to the cap) or best record
    max_mode = [j for j, i in enumerate(model.indicators) if i.mode == "max"]
    is_max = pl.col("ind").is_in(max_mode)
    summed = counted.filter(~is_max) if max_mode else counted
    key = summed["pos"].to_numpy() * k + summed["ind"].to_numpy()
    raw = (
        np.bincount(key, weights=summed["points"].to_numpy(), minlength=n * k).reshape(n, k).astype(np.int32)
    )
    counts = np.bincount(key, minlength=n * k).reshape(n, k).astype(np.int32)
    if max_mode:
        best = counted.filter(is_max).group_by(["pos", "ind"]).agg(pl.col("points").max(), pl.len())
        bpos, bind = best["pos"].to_numpy(), best["ind"].to_numpy()
        raw[bpos, bind] = best["points"].to_numpy()
        counts[bpos, bind] = best["len"].to_numpy()
    figure_negative = _figure_points(model, orgs, figures, as_of, raw, counts)
    caps = np.array([i.cap if i.cap is not None else np.iinfo(np.int32).max for i in model.indicators])
    points = np.clip(raw, -caps, caps).astype(np.int32) if k else raw

    # 4. score and level by thresholds
    score = np.clip(model.base + points.sum(axis=1), model.min_score, model.max_score).astype(np.int32)
    minimums = np.array([lv.min_score for lv in model.levels])
    score_level = (score[:, None] < minimums[None, :]).sum(axis=1).astype(np.uint8)
    level = score_level.copy()
    cause = np.full(n, NO_RULE, dtype=np.int16)

    # 5. level rules
    negative = np.zeros(n, dtype=bool)
    negative[counted.filter(pl.col("points") < 0)["pos"].to_numpy()] = True
    negative |= figure_negative
    members = memberships if memberships is not None else empty_memberships()
    active = members.filter((pl.col("since") <= day) & (pl.col("until") > day))
    order = {"at_least": 0, "at_most": 1, "set": 2}
    for r_index, rule in sorted(enumerate(model.level_rules), key=lambda e: order[_target(e[1])[0]]):
        hit = _rule_hits(rule, orgs, facts, in_force, active, kind_ids, as_of, negative)
        target, code = _target(rule)
        wanted = LEVEL_CODES.index(code)
        if target == "at_least":
            changed = hit & (level > wanted)
        elif target == "at_most":
            changed = hit & (level < wanted)
        else:
            changed = hit & (level != wanted)
        level[changed] = wanted
        cause[changed] = r_index

    contributions = None
    if explain:
        ids = pl.Series([i.id for i in model.indicators], dtype=pl.String)
        # in a max-mode indicator only the best record counts (the latest of equals)
        best_rows = (
            counted.filter(is_max)
            .sort(["pos", "ind", "points", "day", "record_id"], descending=[False, False, True, True, True])
            .unique(subset=["pos", "ind"], keep="first")["record_id"]
            if max_mode
            else pl.Series([], dtype=pl.UInt32)
        )
        contributions = counted.select(
            "record_id",
            "org_id",
            pl.lit(ids).gather(pl.col("ind")).alias("indicator"),
            "points",
            "day",
            counted=(~is_max | pl.col("record_id").is_in(best_rows.implode())) if max_mode else pl.lit(True),
        )
    return Evaluation(
        model=model,
        as_of=as_of,
        org_ids=orgs,
        score=score,
        level=level,
        score_level=score_level,
        cause=cause,
        raw_points=raw,
        points=points,
        counts=counts,
        contributions=contributions,
    )


def _figure_points(
    model: IndicatorModel,
    orgs: np.ndarray[Any, Any],
    figures: pl.DataFrame | None,
    as_of: dt.date,
    raw: np.ndarray[Any, Any],
    counts: np.ndarray[Any, Any],
) -> np.ndarray[Any, Any]:
    """Add the points of the indicators that read a report figure into ``raw`` and ``counts`` (in
    place); the organizations to whom one of them took points off."""
    negative = np.zeros(len(orgs), dtype=bool)
    wanted = [(j, ind) for j, ind in enumerate(model.indicators) if ind.figure is not None]
    if not wanted or figures is None or not figures.height or not len(orgs):
        return negative
    day = day_number(as_of)
    known = figures.filter((pl.col("day") <= day) & pl.col("code").is_in([ind.figure for _, ind in wanted]))
    for j, ind in wanted:
        rows = known.filter(pl.col("code") == ind.figure)
        if ind.window_months:
            rows = rows.filter(pl.col("day") > day_number(add_months(as_of, -ind.window_months)))
        # the latest report: the highest year, and of one year's (should there be two) the latest known
        latest = rows.sort(["org_id", "year", "day"]).unique(subset=["org_id"], keep="last")
        ids = latest["org_id"].to_numpy().astype(np.int64)
        pos = np.searchsorted(orgs, ids)
        inside = pos < len(orgs)
        inside[inside] = orgs[pos[inside]] == ids[inside]
        values = latest["value"].to_numpy()
        hit = values < ind.below if ind.below is not None else values >= (ind.at_least or 0.0)
        chosen = pos[inside & hit]
        raw[chosen, j] += ind.points
        counts[chosen, j] += 1
        if ind.points < 0:
            negative[chosen] = True
    return negative


def _column_max(frame: pl.DataFrame, column: str) -> int:
    value = frame.get_column(column).max() if frame.height else None
    return int(value) if isinstance(value, int) else 0


def _target(rule: LevelRule) -> tuple[str, str]:
    for name in ("set", "at_most", "at_least"):
        value = getattr(rule, name)
        if value:
            return name, value
    raise AssertionError(rule.id)  # the model loader guarantees one target


def _rule_hits(
    rule: LevelRule,
    orgs: np.ndarray[Any, Any],
    facts: pl.DataFrame,
    in_force: pl.Expr,
    active: pl.DataFrame,
    kind_ids: Mapping[str, int],
    as_of: dt.date,
    negative: np.ndarray[Any, Any],
) -> np.ndarray[Any, Any]:
    if rule.when == "list":
        ids = active.filter(pl.col("list") == rule.list)["org_id"].to_numpy().astype(np.int64)
        return np.isin(orgs, ids)
    wanted = [kind_ids[k] for k in rule.kinds if k in kind_ids]
    rows = facts.filter(in_force & pl.col("kind").is_in(wanted))
    if rule.window_months:
        rows = rows.filter(pl.col("day") > day_number(add_months(as_of, -rule.window_months)))
    hit = np.isin(orgs, rows["org_id"].to_numpy().astype(np.int64))
    if rule.without_negative:
        hit &= ~negative
    return hit
