"""统计汇总 — the daily aggregation: every figure of the dashboards for one data date, per region.

Set-based throughout. Each source is read with one ``GROUP BY`` in the database at the finest level
it has (an organization's registration region and its street, plus the dimensions of the metric),
which returns at most a few hundred thousand rows whatever the number of organizations; Polars then
rolls those rows up to every region above (``roll_up``): a row of region R counts for R and each
region above it and for the whole country (path ""), a row with a street also for that street
(乡镇/街道, the scope of a street account: ``common.access.restrict``). Only non-zero counts are stored.

The run for a day replaces that day's figures in one transaction (``aggregate_day``), so a re-run is
safe and a reader never sees half a day. Figures are kept for ``KEEP_DAYS`` days and, beyond that,
for the last day of each month (the periodic reports compare months and quarters).

What "as of" means per figure: counts by state (organizations by status, type and field, credit
levels, open records) are the database as the run reads it; figures over time (list entries and
exits, credit checks, the monthly level trend, cases overdue, reports filed) are computed for the
data date and the ``MONTHS`` months up to it. Run it daily after the daily duties (docs/statistics.md).
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import polars as pl
from django.db import connection, transaction
from django.db.models import Count, Q, Sum, Value
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone

from socredit.apps.annualreports.models import AnnualReport
from socredit.apps.audit.services import actor_label, record_event
from socredit.apps.cases.models import Case, CaseStatus
from socredit.apps.evaluation.models import LevelChange
from socredit.apps.lists.models import ListEntry
from socredit.apps.measures.models import CheckFeedback, CreditCheck
from socredit.apps.records.models import CreditRecord, RecordKind
from socredit.apps.registry.models import Department, Organization, Region
from socredit.apps.spotchecks.models import SpotCheck
from socredit.apps.statistics.models import AggregationRun, Figure
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.common.sql import fetch_rows
from socredit.core.annualreports.deadlines import filer_kind
from socredit.core.annualreports.schema import yes
from socredit.core.regions import ancestor_paths
from socredit.core.types import OrgStatus, OrgType, Polarity, RecordStatus

EXISTING = (OrgStatus.NORMAL.value, OrgStatus.SUSPENDED.value)
"""Organizations that exist (not deregistered or revoked): the population of every share."""
MONTHS = 12
"""Months of the series over time (list movements, checks, the level trend), the data date's included."""
KEEP_DAYS = 31
"""Days of figures kept in full; older days are kept only for the last day of a month."""
INSERT_BATCH = 5000
FILER_TYPES = tuple(t.value for t in OrgType if filer_kind(t.value) is not None)
"""The types that file an annual work report (``core.annualreports.deadlines.filer_kind``)."""

LEAF_SCHEMA = {
    "region_id": pl.Int64, "street_id": pl.Int64, "metric": pl.String, "dimension": pl.String, "value": pl.Int64,
}  # fmt: skip


@dataclass(frozen=True)
class Outcome:
    day: dt.date
    figures: int
    seconds: float


def month_keys(day: dt.date, months: int = MONTHS) -> list[tuple[str, dt.date]]:
    """``(YYYY-MM, last day counted)`` for the ``months`` months ending with ``day``'s, oldest
    first; the data date's own month ends at the data date."""
    out = []
    year, month = day.year, day.month
    for _ in range(months):
        nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
        out.append((f"{year:04d}-{month:02d}", min(day, nxt - dt.timedelta(days=1))))
        year, month = (year - 1, 12) if month == 1 else (year, month - 1)
    return out[::-1]


def window_start(day: dt.date, months: int = MONTHS) -> dt.date:
    """The first day of the oldest month of the series."""
    return dt.date.fromisoformat(month_keys(day, months)[0][0] + "-01")


def _ym(value: Any) -> str:
    return value.strftime("%Y-%m") if value is not None else ""


def _leaf(rows: Iterable[tuple[Any, Any, str, str, int]]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=LEAF_SCHEMA, orient="row")


# --- the sources ---------------------------------------------------------------------------------


def organization_leaves(day: dt.date) -> list[pl.DataFrame]:
    """Organizations by status (all), by type, field and credit level (existing ones), evaluation
    coverage, and the share without a negative record in force."""
    groups = pl.DataFrame(
        list(
            Organization.objects.order_by()
            .values_list("region_id", "street_id", "org_type", "field", "status")
            .annotate(level=Coalesce("credit__level", Value("")), n=Count("id"))
        ),
        schema={"region_id": pl.Int64, "street_id": pl.Int64, "org_type": pl.String, "field": pl.String,
                "status": pl.String, "level": pl.String, "value": pl.Int64},
        orient="row",
    )  # fmt: skip
    existing = groups.filter(pl.col("status").is_in(EXISTING))
    evaluated = existing.filter(pl.col("level") != "")

    def leaf(frame: pl.DataFrame, metric: str, dimension: pl.Expr) -> pl.DataFrame:
        return frame.select(
            "region_id", "street_id", pl.lit(metric).alias("metric"), dimension.alias("dimension"), "value"
        )

    out = [
        leaf(groups, "org_status", pl.col("status")),
        leaf(existing, "org_type", pl.col("org_type")),
        leaf(existing, "org_field", pl.col("field")),
        leaf(
            existing, "credit_level", pl.when(pl.col("level") == "").then(pl.lit("none")).otherwise("level")
        ),
        leaf(existing, "target_evaluated", pl.lit("den")),
        leaf(evaluated, "target_evaluated", pl.lit("num")),
        leaf(existing, "target_clean", pl.lit("den")),
        leaf(existing, "target_clean", pl.lit("num")),
    ]
    # the organizations with a negative record leave the numerator: the sums over regions subtract them
    with_negative = fetch_rows(
        f"""SELECT o.region_id, o.street_id, COUNT(*) FROM {_table(Organization)} o
        WHERE o.status IN (%s, %s) AND EXISTS (
            SELECT 1 FROM {_in_force("r")} JOIN {_table(RecordKind)} k ON k.id = r.kind_id
            WHERE r.organization_id = o.id AND {_IN_FORCE} AND r.occurred_on <= %s AND k.polarity = %s)
        GROUP BY o.region_id, o.street_id""",  # noqa: S608 — names from _meta, values bound
        [*EXISTING, connection.ops.adapt_datefield_value(day), Polarity.NEGATIVE.value],
    )  # fmt: skip
    out.append(_leaf((r, st, "target_clean", "num", -n) for r, st, n in with_negative))
    return out


def level_trend_leaves(day: dt.date) -> list[pl.DataFrame]:
    """Existing organizations per credit level at the end of each month (the level the evaluation
    history, ``LevelChange``, says they had on that day)."""
    orgs = pl.DataFrame(
        list(Organization.objects.filter(status__in=EXISTING).order_by().values_list("id", "region_id", "street_id")),
        schema={"org": pl.Int64, "region_id": pl.Int64, "street_id": pl.Int64}, orient="row",
    )  # fmt: skip
    changes = pl.DataFrame(
        list(
            LevelChange.objects.filter(as_of__lte=day, organization__status__in=EXISTING)
            .order_by("as_of", "id")
            .values_list("organization_id", "as_of", "to_level")
        ),
        schema={"org": pl.Int64, "as_of": pl.Date, "level": pl.String}, orient="row",
    )  # fmt: skip
    frames = []
    for key, last in month_keys(day):
        levels = changes.filter(pl.col("as_of") <= last).group_by("org").agg(pl.col("level").last())
        counted = (
            levels.join(orgs, on="org")
            .group_by("region_id", "street_id", "level")
            .agg(pl.len().cast(pl.Int64).alias("value"))
            .select(
                "region_id",
                "street_id",
                pl.lit("level_month").alias("metric"),
                (pl.lit(key + "/") + pl.col("level")).alias("dimension"),
                "value",
            )  # fmt: skip
        )
        frames.append(counted)
    return frames


def list_leaves(day: dt.date) -> list[pl.DataFrame]:
    """Entries in force per list (the red list among them); entries and exits per month, list and ground."""
    start = window_start(day)
    out: list[tuple[Any, Any, str, str, int]] = []
    base = ListEntry.objects.order_by()
    for r, s, lst, n in (
        base.in_force(day)
        .values_list("organization__region_id", "organization__street_id", "list")
        .annotate(n=Count("id"))
    ):
        out.append((r, s, "list_in_force", lst, n))
    for r, s, lst, ground, month, n in (
        base.filter(entered_on__gte=start, entered_on__lte=day)
        .values_list("organization__region_id", "organization__street_id", "list", "ground")
        .annotate(month=TruncMonth("entered_on"), n=Count("id"))
    ):
        out.append((r, s, "list_entries", f"{_ym(month)}/{lst}/{ground}", n))
    for r, s, lst, ground, month, n in (
        base.filter(left_on__gte=start, left_on__lte=day)
        .values_list("organization__region_id", "organization__street_id", "list", "exit_ground")
        .annotate(month=TruncMonth("left_on"), n=Count("id"))
    ):
        out.append((r, s, "list_exits", f"{_ym(month)}/{lst}/{ground}", n))
    return [_leaf(out)]


def _table(model: Any) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _in_force(alias: str) -> str:
    """The records table in a FROM clause, read through the covering index of the records in force.
    Named on SQLite: without the statistics of ``ANALYZE`` its planner takes the narrower
    (organization, occurred_on) index and reads every row from the table, three times slower."""
    hint = " INDEXED BY record_in_force_cover_idx" if connection.vendor == "sqlite" else ""
    return f"{_table(CreditRecord)} {alias}{hint}"


_IN_FORCE = f"r.is_current AND r.status = {int(RecordStatus.EFFECTIVE.value)}"
"""The index's condition, written as in the index (a literal, so SQLite can match it)."""


def record_leaves(day: dt.date) -> list[pl.DataFrame]:
    """Records in force (current version, effective) by category and by issuing department. One scan
    of the covering index: counted per organization, kind and department in the index's own order
    (no sort of the 20 million rows), then per region and street; Polars names the kinds' categories
    and the departments' codes and sums each way."""
    rows = fetch_rows(
        f"""SELECT region_id, street_id, kind_id, department_id, SUM(n) FROM (
            SELECT o.region_id AS region_id, o.street_id AS street_id, r.kind_id AS kind_id,
                   r.department_id AS department_id, COUNT(*) AS n
            FROM {_table(Organization)} o JOIN {_in_force("r")} ON r.organization_id = o.id
            WHERE {_IN_FORCE} AND r.occurred_on <= %s
            GROUP BY o.id, r.kind_id, r.department_id
        ) per_organization GROUP BY region_id, street_id, kind_id, department_id""",  # noqa: S608 — names from _meta, values bound
        [connection.ops.adapt_datefield_value(day)],
    )  # fmt: skip
    frame = pl.DataFrame(
        rows, orient="row",
        schema={"region_id": pl.Int64, "street_id": pl.Int64, "kind": pl.Int64, "dept": pl.Int64, "value": pl.Int64},
    )  # fmt: skip
    categories = pl.DataFrame(
        list(RecordKind.objects.order_by().values_list("id", "category")),
        schema={"kind": pl.Int64, "category": pl.String}, orient="row",
    )  # fmt: skip
    codes = pl.DataFrame(
        list(Department.objects.order_by().values_list("id", "code")),
        schema={"dept": pl.Int64, "code": pl.String}, orient="row",
    )  # fmt: skip
    keys = ["region_id", "street_id"]
    by_category = (
        frame.join(categories, on="kind", how="left").group_by(*keys, "category").agg(pl.col("value").sum())
    )
    by_department = (
        frame.join(codes, on="dept", how="left").group_by(*keys, "code").agg(pl.col("value").sum())
    )
    return [
        by_category.select(
            *keys, pl.lit("records_category").alias("metric"), pl.col("category").alias("dimension"), "value"
        ),
        by_department.select(
            *keys, pl.lit("records_department").alias("metric"), pl.col("code").alias("dimension"), "value"
        ),
    ]


def annual_report_leaves(day: dt.date) -> list[pl.DataFrame]:
    """The report on the year before the data date: organizations obliged to file it (existing, of a
    filing type, registered by the end of that year), those that filed it by the data date, and
    among them those whose report says Party building is written into the charter (党建入章)."""
    year = day.year - 1
    obliged = Q(status__in=EXISTING, org_type__in=FILER_TYPES, registered_on__lte=dt.date(year, 12, 31))
    out: list[tuple[Any, Any, str, str, int]] = []
    for r, s, n in (
        Organization.objects.filter(obliged)
        .order_by()
        .values_list("region_id", "street_id")
        .annotate(n=Count("id"))
    ):
        out.append((r, s, "annual_reports", "due", n))
    filed = AnnualReport.objects.filter(
        year=year, submitted_on__isnull=False, submitted_on__lte=day,
        organization__in=Organization.objects.filter(obliged),
    ).order_by()  # fmt: skip
    for r, s, charter, n in filed.values_list("organization__region_id", "organization__street_id").annotate(
        charter=KT("content__party_building_in_charter"), n=Count("id")
    ):
        out.append((r, s, "annual_reports", "filed", n))
        out.append((r, s, "target_party", "den", n))
        if charter is not None and yes(charter):
            out.append((r, s, "target_party", "num", n))
    return [_leaf(out)]


def case_leaves(day: dt.date) -> list[pl.DataFrame]:
    """Cases open on the data date by kind, and those of them past their overall deadline."""
    base = Case.objects.filter(status=CaseStatus.OPEN, received_on__lte=day).order_by()
    out: list[tuple[Any, Any, str, str, int]] = []
    for r, s, kind, n, overdue in base.values_list("region_id", "organization__street_id", "kind").annotate(
        n=Count("id"), overdue=Count("id", filter=Q(due_on__lt=day))
    ):
        out.append((r, s, "cases_open", kind, n))
        if overdue:
            out.append((r, s, "cases_overdue", kind, overdue))
    return [_leaf(out)]


def check_leaves(day: dt.date, region_ids: dict[str, int]) -> list[pl.DataFrame]:
    """Credit checks made per month by the departments of a region, the subjects they checked, and
    the departments' feedback on the measures (carried out, not, exempted); the national scope's
    checks count for the whole country only. Feedback counts for the month of its check."""
    start = timezone.make_aware(dt.datetime.combine(window_start(day), dt.time()))
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time()))
    out: list[tuple[Any, Any, str, str, int]] = []
    for path, month, n, subjects in (
        CreditCheck.objects.filter(made_at__gte=start, made_at__lt=end)
        .order_by()
        .values_list("region_path")
        .annotate(month=TruncMonth("made_at"), n=Count("id"), subjects=Sum("subjects_count"))
    ):
        region = region_ids.get(path)
        out.append((region, None, "checks", _ym(month), n))
        out.append((region, None, "check_subjects", _ym(month), subjects or 0))
    for path, outcome, n in (
        CheckFeedback.objects.filter(check_row__made_at__gte=start, check_row__made_at__lt=end)
        .order_by()
        .values_list("check_row__region_path", "outcome")
        .annotate(n=Count("id"))
    ):
        out.append((region_ids.get(path), None, "measures", outcome, n))
    return [_leaf(out)]


def spotcheck_leaves(day: dt.date) -> list[pl.DataFrame]:
    """The spot checks drawn in the data date's year and those with a result recorded by then."""
    out: list[tuple[Any, Any, str, str, int]] = []
    for r, s, n, done in (
        SpotCheck.objects.filter(plan__year=day.year)
        .order_by()
        .values_list("organization__region_id", "organization__street_id")
        .annotate(n=Count("id"), done=Count("id", filter=~Q(result="") & Q(checked_on__lte=day)))
    ):
        out.append((r, s, "target_spotcheck", "den", n))
        if done:
            out.append((r, s, "target_spotcheck", "num", done))
    return [_leaf(out)]


# --- roll-up and write ------------------------------------------------------------------------


def region_frames() -> tuple[pl.DataFrame, pl.DataFrame, dict[str, int]]:
    """(region id → every path it counts for: itself, the regions above, the country ""),
    (street id → its own path), and {path: region id}."""
    regions = list(Region.objects.order_by().values_list("id", "path"))
    ancestors = pl.DataFrame(
        [(rid, p) for rid, path in regions for p in ["", *ancestor_paths(path)]],
        schema={"region_id": pl.Int64, "path": pl.String}, orient="row",
    )  # fmt: skip
    streets = pl.DataFrame(regions, schema={"street_id": pl.Int64, "path": pl.String}, orient="row")
    return ancestors, streets, {path: rid for rid, path in regions}


def roll_up(leaves: list[pl.DataFrame], ancestors: pl.DataFrame, streets: pl.DataFrame) -> pl.DataFrame:
    """The leaf rows summed for every region at or above their region, for the country, and for
    their street: columns path, metric, dimension, value (non-zero values only)."""
    leaf = pl.concat([f.select(list(LEAF_SCHEMA)) for f in leaves]) if leaves else _leaf([])
    keys = ["metric", "dimension"]
    national = leaf.filter(pl.col("region_id").is_null()).select(pl.lit("").alias("path"), *keys, "value")
    by_region = (
        leaf.filter(pl.col("region_id").is_not_null())
        .group_by("region_id", *keys)
        .agg(pl.col("value").sum())
        .join(ancestors, on="region_id")
        .select("path", *keys, "value")
    )
    by_street = (
        leaf.filter(pl.col("street_id").is_not_null())
        .group_by("street_id", *keys)
        .agg(pl.col("value").sum())
        .join(streets, on="street_id")
        .select("path", *keys, "value")
    )
    return (
        pl.concat([national, by_region, by_street])
        .group_by("path", *keys)
        .agg(pl.col("value").sum())
        .filter(pl.col("value") != 0)
        .sort("path", *keys)
    )


def compute(day: dt.date) -> pl.DataFrame:
    """Every figure of ``day`` (path, metric, dimension, value), read and rolled up, nothing written."""
    ancestors, streets, region_ids = region_frames()
    leaves = [
        *organization_leaves(day),
        *level_trend_leaves(day),
        *list_leaves(day),
        *record_leaves(day),
        *annual_report_leaves(day),
        *case_leaves(day),
        *check_leaves(day, region_ids),
        *spotcheck_leaves(day),
    ]
    return roll_up(leaves, ancestors, streets)


def aggregate_day(actor: Any, day: dt.date | None = None, *, channel: str = "cli") -> Outcome:
    """Compute and store the figures of ``day`` (default today), replacing that day's figures in one
    transaction; FieldErrors for a day after today."""
    day = day or today()
    if day > today():
        raise FieldErrors({"as_of": [f"数据日期 {day.isoformat()} 晚于今天，不能汇总未来的数字"]})
    started = time.perf_counter()
    figures = compute(day)
    with transaction.atomic():
        Figure.objects.filter(day=day).delete()
        batch: list[Figure] = []
        for path, metric, dimension, value in figures.iter_rows():
            batch.append(Figure(day=day, path=path, metric=metric, dimension=dimension, value=value))
            if len(batch) >= INSERT_BATCH:
                Figure.objects.bulk_create(batch)
                batch = []
        Figure.objects.bulk_create(batch)
        cutoff = day - dt.timedelta(days=KEEP_DAYS)
        old_days = (
            AggregationRun.objects.filter(day__lt=cutoff)
            .exclude(day__in=_month_last_days(cutoff))
            .values("day")
        )
        Figure.objects.filter(day__in=old_days).delete()
        AggregationRun.objects.filter(day__in=old_days).delete()
        seconds = time.perf_counter() - started
        AggregationRun.objects.update_or_create(
            day=day,
            defaults={"finished_at": timezone.now(), "seconds": seconds, "figures": figures.height,
                      "started_by_label": actor_label(actor)},
        )  # fmt: skip
        record_event(
            actor=actor, channel=channel, action="statistics.aggregate", target_type="statistics.day",
            target_id=day.isoformat(), summary=f"统计汇总 {day.isoformat()}：{figures.height} 项数字",
        )  # fmt: skip
    return Outcome(day=day, figures=figures.height, seconds=seconds)


def _month_last_days(before: dt.date) -> list[dt.date]:
    """The last day of a month on which figures were stored, for the days before ``before``: the
    latest stored day of each month."""
    days = list(AggregationRun.objects.filter(day__lt=before).order_by("day").values_list("day", flat=True))
    last: dict[tuple[int, int], dt.date] = {}
    for d in days:
        last[(d.year, d.month)] = d
    return list(last.values())
