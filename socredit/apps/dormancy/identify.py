"""Finding dormant organizations, set-based: who has filed no annual report for the last years due,
shown no activity and (where the profile asks) cannot be reached at its registered address.

The annual-report side reuses the deadline run's frame (``annualreports.deadlines.obligations``):
for each of the last ``report_years + 1`` report years it says who was obliged, when the report was
due and who has submitted nothing by ``as_of``. The window is the last ``report_years`` years whose
due date has passed for the organization: while the report on last year is not yet due, the window
moves one year back. Only the organizations missing them all are read further, in chunks: their
latest activity (a credit record of a kind that shows activity, a report submitted, a registration
act) and their latest sign of an unreachable address (a spot check that could not reach them, the
record 通过登记住所无法取得联系, an open listing on that ground).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db.models import Max

from socredit.apps.annualreports.deadlines import READ_CHUNK, _frame, obligations
from socredit.apps.annualreports.models import AnnualReport
from socredit.apps.lists.models import ListEntry
from socredit.apps.records.bulk import chunks
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.models import Organization, RegistrationChange
from socredit.apps.spotchecks.models import CheckResult, SpotCheck
from socredit.common.errors import FieldErrors
from socredit.common.policy import policy_profile
from socredit.core.annualreports.deadlines import OBLIGED_STATUSES
from socredit.core.dormancy import DormancyParameters, dormant

UNREACHABLE_KIND = "address_unreachable"
UNREACHABLE_GROUND = "R1.6(6)"


@dataclass
class Candidate:
    org: int
    code: str
    path: str
    version: str
    missing_years: list[int]
    last_activity_on: dt.date | None = None
    unreachable_on: dt.date | None = None
    unreachable_source: str = ""


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
    orgs = _frame(
        Organization.objects.filter(status__in=OBLIGED_STATUSES).order_by()
        .values_list("pk", "code", "region__path").iterator(chunk_size=READ_CHUNK),
        {"org": pl.Int64, "code": pl.String, "path": pl.String},
    )  # fmt: skip
    paths = orgs["path"].unique().to_list()
    k = pl.DataFrame(
        {"path": paths, "k": [profiles.get(p)[1].report_years for p in paths]},
        schema={"path": pl.String, "k": pl.Int64},
    )
    return orgs.join(k, on="path", how="left")


def reports_missing(as_of: dt.date, profiles: Profiles) -> pl.DataFrame:
    """Organizations missing the annual reports of the whole window: org, code, path, missing_years."""
    orgs = _organizations(profiles)
    if orgs.is_empty():
        return orgs.select("org", "code", "path").with_columns(
            missing_years=pl.lit([], dtype=pl.List(pl.Int64))
        )
    top = int(orgs["k"].max() or 0)  # type: ignore[arg-type]  # polars types max() as a broad scalar
    years = [as_of.year - 1 - i for i in range(top + 1)]
    frame = orgs
    for i, year in enumerate(years):
        try:
            due = obligations(year, as_of).select(
                "org", pl.col("due").alias(f"due{i}"), pl.col("missing").alias(f"m{i}")
            )
        except FieldErrors:  # no profile fixes that year's deadline: the year cannot count as missing
            due = pl.DataFrame(schema={"org": pl.Int64, f"due{i}": pl.Date, f"m{i}": pl.Boolean})
        frame = frame.join(due, on="org", how="left").with_columns(pl.col(f"m{i}").fill_null(False))
    shifted = pl.col("due0").is_not_null() & (pl.col("due0") >= pl.lit(as_of))
    missing = pl.lit(False)
    listed = pl.lit([], dtype=pl.List(pl.Int64))
    for k in sorted(set(orgs["k"].to_list())):
        late = pl.all_horizontal([pl.col(f"m{i}") for i in range(k)])
        early = pl.all_horizontal([pl.col(f"m{i}") for i in range(1, k + 1)])
        missing = (
            pl.when(pl.col("k") == k).then(pl.when(shifted).then(early).otherwise(late)).otherwise(missing)
        )
        listed = (
            pl.when(pl.col("k") == k)
            .then(pl.when(shifted).then(pl.lit(years[1 : k + 1])).otherwise(pl.lit(years[:k])))
            .otherwise(listed)
        )
    return (
        frame.with_columns(missing=missing, missing_years=listed)
        .filter(pl.col("missing"))
        .select("org", "code", "path", "missing_years")
    )


def _latest(pairs: Iterable[tuple[int, Any]], into: dict[int, Any]) -> None:
    for org, day in pairs:
        if day is not None and (into.get(org) is None or day > into[org]):
            into[org] = day


def activity_and_reach(ids: list[int], profiles: Profiles, paths: dict[int, str]) -> tuple[dict[int, dt.date], dict[int, tuple[dt.date, str]]]:  # fmt: skip
    """The latest activity day per organization, and its latest sign of being unreachable (day, how)."""
    active: dict[int, dt.date] = {}
    reach: dict[int, tuple[dt.date, str]] = {}
    for part in chunks(ids):
        rows = (
            CreditRecord.objects.filter(organization_id__in=part, is_current=True)
            .values_list("organization_id", "kind__code")
            .annotate(last=Max("occurred_on"))
            .order_by()
        )
        _latest(
            ((org, day) for org, kind, day in rows if kind in profiles.get(paths[org])[1].activity_kinds),
            active,
        )
        _latest(AnnualReport.objects.filter(organization_id__in=part, submitted_on__isnull=False)
                .values_list("organization_id").annotate(last=Max("submitted_on")).order_by(), active)  # fmt: skip
        _latest(RegistrationChange.objects.filter(organization_id__in=part)
                .values_list("organization_id").annotate(last=Max("effective_on")).order_by(), active)  # fmt: skip
        signs: list[tuple[int, dt.date, str]] = []
        signs += [(o, d, "spot_check") for o, d in SpotCheck.objects.filter(
            organization_id__in=part, result=CheckResult.UNREACHABLE, checked_on__isnull=False)
            .values_list("organization_id").annotate(last=Max("checked_on")).order_by()]  # fmt: skip
        signs += [(o, d, "record") for o, kind, d in rows if kind == UNREACHABLE_KIND]
        signs += [(o, d, "listing") for o, d in ListEntry.objects.filter(
            organization_id__in=part, list="abnormal", ground=UNREACHABLE_GROUND, left_on__isnull=True)
            .values_list("organization_id").annotate(last=Max("entered_on")).order_by()]  # fmt: skip
        for org, day, how in signs:
            if org not in reach or day > reach[org][0]:
                reach[org] = (day, how)
    return active, reach


def candidates(as_of: dt.date, exclude: set[int] | None = None) -> list[Candidate]:
    """Every dormant organization on ``as_of`` (but those in ``exclude``), in code order."""
    profiles = Profiles(as_of)
    missing = reports_missing(as_of, profiles)
    if exclude:
        missing = missing.filter(~pl.col("org").is_in(sorted(exclude)))
    rows = missing.sort("code").iter_rows()
    found = {
        org: Candidate(org, code, path, profiles.get(path)[0], list(years)) for org, code, path, years in rows
    }
    paths = {c.org: c.path for c in found.values()}
    active, reach = activity_and_reach(list(found), profiles, paths)
    out = []
    for c in found.values():
        params = profiles.get(c.path)[1]
        c.last_activity_on = active.get(c.org)
        if c.org in reach:
            c.unreachable_on, c.unreachable_source = reach[c.org]
        is_active = c.last_activity_on is not None and c.last_activity_on >= params.inactive_since(as_of)
        if dormant(
            reports_missing=True, active=is_active, unreachable=c.unreachable_on is not None, params=params
        ):
            out.append(c)
    return out
