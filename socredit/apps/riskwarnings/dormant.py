"""The reads of the one definition of a dormant organization (疑似僵尸型社会组织), ``core.dormancy``.

Both the warning rule ``dormant`` (this app's daily run) and the dormancy clean-up's identification
(``dormancy.identify``, an app above this one) call ``find_dormant``: the same reads, the same
parameters (the region's policy profile, ``dormancy.*``), the same result on the same data.

Set-based, in three steps:
1. the annual-report window from the deadline run's frame (``annualreports.deadlines.obligations``),
   one frame per report year: who was obliged, when it was due, who has submitted nothing by the day;
   ``core.dormancy.reports_missing`` keeps those who filed nothing in their window;
2. for those organizations alone (one bound parameter each query): the latest credit record of each
   kind (kept when the region's profile counts that kind as activity), the latest report submitted,
   the latest registration change; the latest sign of an unreachable address (a spot check that
   could not reach them, the record 通过登记住所无法取得联系, an open listing on that ground);
3. ``core.dormancy.select_dormant``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db.models import Max
from django.db.models.expressions import RawSQL

from socredit.apps.annualreports.deadlines import READ_CHUNK, _frame, obligations
from socredit.apps.annualreports.models import AnnualReport
from socredit.apps.lists.models import ListEntry
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.models import Organization, RegistrationChange
from socredit.apps.riskwarnings.frames import read
from socredit.apps.spotchecks.models import CheckResult, SpotCheck
from socredit.common.errors import FieldErrors
from socredit.common.policy import policy_profile
from socredit.common.sql import values_subquery
from socredit.core.annualreports.deadlines import OBLIGED_STATUSES
from socredit.core.dormancy import (
    OBLIGED_SCHEMA,
    PARAMS_SCHEMA,
    SIGN_SCHEMA,
    DormancyParameters,
    reports_missing,
    select_dormant,
    window_years,
)

UNREACHABLE_KIND = "address_unreachable"
UNREACHABLE_GROUND = "R1.6(6)"
RESULT_SCHEMA = {
    "org": pl.Int64, "code": pl.String, "path": pl.String, "version": pl.String,
    "missing_years": pl.List(pl.Int64), "last_activity": pl.Date, "unreachable_on": pl.Date,
    "unreachable_source": pl.String,
}  # fmt: skip


@dataclass
class Profiles:
    """The dormancy parameters and profile version per region path, read once per path."""

    as_of: dt.date
    by_path: dict[str, tuple[str, DormancyParameters]] = field(default_factory=dict)

    def get(self, path: str) -> tuple[str, DormancyParameters]:
        if path not in self.by_path:
            profile = policy_profile(self.as_of, path)
            self.by_path[path] = (profile.version, DormancyParameters.from_profile(profile))
        return self.by_path[path]


def _organizations(profiles: Profiles) -> pl.DataFrame:
    """org, code, path, version and the PARAMS_SCHEMA columns of every organization obliged to report."""
    orgs = _frame(
        Organization.objects.filter(status__in=OBLIGED_STATUSES).order_by()
        .values_list("pk", "code", "region__path").iterator(chunk_size=READ_CHUNK),
        {"org": pl.Int64, "code": pl.String, "path": pl.String},
    )  # fmt: skip
    rows = []
    for path in orgs["path"].unique().to_list():
        version, p = profiles.get(path)
        rows.append((path, version, p.report_years, p.inactive_since(profiles.as_of), p.unreachable_required,
                     list(p.activity_kinds)))  # fmt: skip
    by_path = pl.DataFrame(
        rows, orient="row",
        schema={"path": pl.String, "version": pl.String, "k": pl.Int64, "inactive_since": pl.Date,
                "unreachable_required": pl.Boolean, "kinds": pl.List(pl.String)},
    )  # fmt: skip
    return orgs.join(by_path, on="path", how="left")


def _obliged(as_of: dt.date, k: int) -> pl.DataFrame:
    """The obligations of the report years of the windows (``core.dormancy.window_years``). The
    oldest year is read only when some organization's report on last year is not yet due (the
    only case its window moves back to it): after the deadlines, one year less to read."""
    frames = [pl.DataFrame(schema=OBLIGED_SCHEMA)]
    shifted = False
    for i, year in enumerate(window_years(as_of, k)):
        if i == k and not shifted:
            break
        try:
            frame = obligations(year, as_of)
        except FieldErrors:  # no profile fixes that year's deadline: the year cannot count as missing
            continue
        if i == 0:
            shifted = not frame.filter(pl.col("due") >= as_of).is_empty()
        frames.append(frame.select("org", pl.lit(year, dtype=pl.Int32).alias("year"), "due", "missing"))
    return pl.concat(frames)


def _signs(ids: list[int], orgs: pl.DataFrame, as_of: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(activity, unreachable) of the organizations ``ids``, SIGN_SCHEMA: the latest day per source."""
    subquery, params = values_subquery(ids, pg_type="bigint")
    among = RawSQL(subquery, params)  # noqa: S611 # one bound parameter (common.sql)
    records = read(
        CreditRecord.objects.filter(organization_id__in=among, is_current=True, occurred_on__lte=as_of)
        .order_by().values("organization_id", "kind__code").annotate(on=Max("occurred_on"))
        .values_list("organization_id", "kind__code", "on"),
        {"org": pl.Int64, "source": pl.String, "on": pl.Date},
    )  # fmt: skip
    counted = records.join(orgs.select("org", "kinds"), on="org", how="inner").filter(
        pl.col("kinds").list.contains(pl.col("source"))
    )
    latest = {"on": pl.Date}
    reports = read(
        AnnualReport.objects.filter(organization_id__in=among, submitted_on__isnull=False, submitted_on__lte=as_of)
        .order_by().values("organization_id").annotate(on=Max("submitted_on")).values_list("organization_id", "on"),
        {"org": pl.Int64, **latest, "source": pl.String}, source="annual_report",
    )  # fmt: skip
    changes = read(
        RegistrationChange.objects.filter(organization_id__in=among, effective_on__lte=as_of).order_by()
        .values("organization_id").annotate(on=Max("effective_on")).values_list("organization_id", "on"),
        {"org": pl.Int64, **latest, "source": pl.String}, source="registration_change",
    )  # fmt: skip
    activity = pl.concat([counted.select(list(SIGN_SCHEMA)), reports.select(list(SIGN_SCHEMA)),
                          changes.select(list(SIGN_SCHEMA))])  # fmt: skip
    checks = read(
        SpotCheck.objects.filter(organization_id__in=among, result=CheckResult.UNREACHABLE, checked_on__isnull=False)
        .order_by().values("organization_id").annotate(on=Max("checked_on")).values_list("organization_id", "on"),
        {"org": pl.Int64, **latest, "source": pl.String}, source="spot_check",
    )  # fmt: skip
    listings = read(
        ListEntry.objects.filter(organization_id__in=among, list="abnormal", ground=UNREACHABLE_GROUND,
                                 left_on__isnull=True)
        .order_by().values("organization_id").annotate(on=Max("entered_on")).values_list("organization_id", "on"),
        {"org": pl.Int64, **latest, "source": pl.String}, source="listing",
    )  # fmt: skip
    letters = records.filter(pl.col("source") == UNREACHABLE_KIND).with_columns(source=pl.lit("record"))
    unreachable = pl.concat([checks.select(list(SIGN_SCHEMA)), letters.select(list(SIGN_SCHEMA)),
                             listings.select(list(SIGN_SCHEMA))])  # fmt: skip
    return activity, unreachable


def find_dormant(as_of: dt.date, exclude: Any = None) -> pl.DataFrame:
    """Every dormant organization on ``as_of`` (but those in ``exclude``), RESULT_SCHEMA, in code order."""
    profiles = Profiles(as_of)
    orgs = _organizations(profiles)
    if orgs.is_empty():
        return pl.DataFrame(schema=RESULT_SCHEMA)
    params = orgs.select(list(PARAMS_SCHEMA))
    top = int(orgs["k"].max() or 0)  # type: ignore[arg-type]  # polars types max() as a broad scalar
    missing = reports_missing(params, _obliged(as_of, top), as_of)
    if exclude:
        missing = missing.filter(~pl.col("org").is_in(sorted(exclude)))
    if missing.is_empty():
        return pl.DataFrame(schema=RESULT_SCHEMA)
    activity, unreachable = _signs(missing["org"].to_list(), orgs, as_of)
    found = select_dormant(missing, params, activity, unreachable, as_of)
    return (
        found.join(orgs.select("org", "code", "path", "version"), on="org", how="left")
        .select([pl.col(c).cast(t) for c, t in RESULT_SCHEMA.items()])
        .sort("code")
    )
