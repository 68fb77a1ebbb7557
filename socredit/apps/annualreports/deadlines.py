"""报送期限 in the apps: each organization's due date, on time or late, reminders, and the deadline run.

The rules are ``socredit.core.annualreports.deadlines`` under the policy profile in force on 1 January
of year N+1 for the organization's registration authority; working days come from the holiday table
(``workdays.services.working_calendar``). Whether an organization is a charity (which has its own
deadline) is what its report on N says, else its report on N−1; without either it files as its type.

``run_deadlines`` (the daily duty, ``socredit annualreports deadline``) is set-based: it reads the
organizations, their reports on N and the records already written into Polars frames, decides in
columns who is obliged, who is missing and who filed late, and writes only the new records through
``records.services.create_records_batch`` (1,000 per call, one transaction each). Records carry an
external id (``annualreport-missing-<N>-<code>``, ``annualreport-<report>-late``), the natural key
of the records service, so a second run writes nothing. The records service announces the
organizations written; the lists app's receiver turns an ``annual_report_missing`` record into a
proposal for the 活动异常名录 (rules.md R1.6(1)) in the same transaction, and the evaluation
re-scores them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

import polars as pl
from django.db import transaction
from django.db.models import Q

from socredit.apps.annualreports.models import AnnualReport
from socredit.apps.audit.services import record_event
from socredit.apps.records.models import CreditRecord
from socredit.apps.records.services import BATCH_MAX, create_records_batch
from socredit.apps.registry.models import Department, Organization
from socredit.apps.registry.services import authority_region
from socredit.apps.workdays.services import working_calendar
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.common.policy import NoProfile, policy_profile
from socredit.core.annualreports import deadlines as core
from socredit.core.annualreports.schema import yes
from socredit.core.calendar import Deadline, WorkingCalendar
from socredit.core.policy import PolicyProfile
from socredit.core.regions import ancestor_paths
from socredit.core.types import DepartmentKind

MISSING_KIND = "annual_report_missing"
LATE_KIND = "annual_report_late"
READ_CHUNK = 20_000


def profile_for_year(region: Any, year: int) -> PolicyProfile:
    """The profile that fixes the deadlines of the report on ``year``: in force on 1 January of
    ``year + 1`` for an authority of ``region``. FieldErrors naming the date when none is (no
    guessed deadline: docs/policy-profiles.md "No silent fallback")."""
    try:
        return policy_profile(dt.date(year + 1, 1, 1), region)
    except NoProfile as exc:
        raise FieldErrors({"__all__": [f"无法确定{year}年度工作报告的报送期限：{exc}"]}) from None


def is_charity(organization: Organization, year: int) -> bool:
    """Whether the organization files as a charity for ``year``: as its report on ``year`` says,
    else its report on the year before; False without either."""
    for y in (year, year - 1):
        content = (
            AnnualReport.objects.filter(organization=organization, year=y)
            .values_list("content", flat=True)
            .first()
        )
        if content is not None and "charity_organization" in content:
            return yes(content["charity_organization"])
    return False


def filing_rule(
    organization: Organization, year: int, *, charity: bool | None = None
) -> core.FilingRule | None:
    """The rule the organization files the report on ``year`` under; None for a type that files none."""
    kind = core.filer_kind(
        organization.org_type, is_charity=is_charity(organization, year) if charity is None else charity
    )
    if kind is None:
        return None
    return core.FilingRule.from_profile(profile_for_year(authority_region(organization), year), kind)


def due_date_for(
    organization: Organization,
    year: int,
    *,
    charity: bool | None = None,
    calendar: WorkingCalendar | None = None,
    otherwise: str | None = None,
) -> Deadline | None:
    """The last day for the report on ``year`` (moved past rest days and holidays), provisional when
    it rests on a year without a holiday schedule; None for a type that files no report, unless
    ``otherwise`` names the kind of filer whose rule is then shown (a paper report of such a type)."""
    rule = filing_rule(organization, year, charity=charity)
    if rule is None and otherwise is not None:
        rule = core.FilingRule.from_profile(profile_for_year(authority_region(organization), year), otherwise)
    if rule is None:
        return None
    return core.due_date(year, rule, calendar or working_calendar())


def timeliness_of(organization: Organization, year: int, submitted_on: dt.date) -> core.Timeliness:
    """``on_time`` or ``late`` for a first submission of the report on ``year`` on ``submitted_on``
    (the function the submission uses to decide between ``annual_report_on_time`` and nothing: the
    deadline run writes ``annual_report_late``)."""
    due = due_date_for(organization, year)
    return "on_time" if due is None else core.timeliness(submitted_on, due.due)


# --- reminders in /my/ ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Reminder:
    """What the organization's own page says about its next report."""

    year: int
    due: dt.date
    days_left: int
    """Calendar days to the due date; 0 on it; negative once passed."""
    provisional: bool
    state: str | None
    """The report's state (None: not started)."""

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def reminder_for(organization: Organization, day: dt.date | None = None) -> Reminder | None:
    """The reminder for the report on the year before ``day``: within the profile's reminder window
    before the due date, or overdue, while the report is not submitted; None otherwise (submitted,
    not obliged, too early, or a type that files none)."""
    day = day or today()
    year = day.year - 1
    if organization.status not in core.OBLIGED_STATUSES:
        return None
    rule = filing_rule(organization, year)
    if rule is None or not core.must_file(organization.registered_on, year, rule):
        return None
    report = (
        AnnualReport.objects.filter(organization=organization, year=year)
        .only("state", "submitted_on")
        .first()
    )
    if report is not None and report.submitted_on is not None:
        return None
    due = core.due_date(year, rule, working_calendar())
    left = (due.due - day).days
    if left > rule.reminder_days:
        return None
    return Reminder(year, due.due, left, due.provisional, report.state if report is not None else None)


# --- the deadline run -------------------------------------------------------------------------------


@dataclass
class DeadlineRunResult:
    year: int
    as_of: dt.date
    obliged: int = 0
    missing: int = 0
    late: int = 0
    written_missing: int = 0
    written_late: int = 0
    errors: list[str] = field(default_factory=list)


def _frame(rows: Any, schema: dict[str, Any]) -> pl.DataFrame:
    chunks = []
    batch: list[tuple[Any, ...]] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= READ_CHUNK:
            chunks.append(pl.DataFrame(batch, schema=schema, orient="row"))
            batch = []
    if batch or not chunks:
        chunks.append(pl.DataFrame(batch, schema=schema, orient="row"))
    return pl.concat(chunks, how="vertical")


def _departments() -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """Active departments: by name → (code, region path), and civil-affairs region path → code."""
    by_name: dict[str, tuple[str, str]] = {}
    civil: dict[str, str] = {}
    for code, name, kind, path in Department.objects.filter(active=True).values_list(
        "code", "name", "kind", "region__path"
    ):
        by_name[name] = (code, path)
        if kind == DepartmentKind.CIVIL_AFFAIRS.value:
            civil.setdefault(path, code)
    return by_name, civil


def _authorities(pairs: pl.DataFrame) -> pl.DataFrame:
    """(region path, registration authority) → the registering department's code and region path,
    as ``registry.services.registering_department`` decides it, once per distinct pair."""
    by_name, civil = _departments()
    out: list[tuple[str, str, str | None, str]] = []
    for path, named in pairs.iter_rows():
        if named and named in by_name:
            code, dept_path = by_name[named]
        else:
            found = [p for p in ancestor_paths(path) if p in civil]
            best = max(found, key=len) if found else None
            code, dept_path = (civil[best], best) if best else (None, path)  # type: ignore[assignment] # None when no department: reported as an error
        out.append((path, named, code, dept_path))
    return pl.DataFrame(
        out, schema={"path": pl.String, "named": pl.String, "department": pl.String, "authority": pl.String},
        orient="row",
    )  # fmt: skip


def _rules(authorities: pl.Series, year: int, calendar: WorkingCalendar) -> pl.DataFrame:
    """Per authority path and filer kind: the due date and the last registration date that obliges."""
    out = []
    by_version: dict[tuple[str, str], tuple[dt.date, dt.date, bool]] = {}
    for path in authorities.unique().to_list():
        profile = profile_for_year(path, year)
        for kind in core.FILER_KINDS:
            key = (profile.version, kind)
            if key not in by_version:
                rule = core.FilingRule.from_profile(profile, kind)
                due = core.due_date(year, rule, calendar)
                by_version[key] = (due.due, core.latest_registration(year, rule), due.provisional)
            out.append((path, kind, *by_version[key]))
    return pl.DataFrame(
        out, schema={"authority": pl.String, "kind": pl.String, "due": pl.Date, "latest_registration": pl.Date,
                     "provisional": pl.Boolean}, orient="row",
    )  # fmt: skip


def obligations(year: int, as_of: dt.date, calendar: WorkingCalendar | None = None) -> pl.DataFrame:
    """Every organization obliged to file the report on ``year``, with its due date and its report:
    columns org, code, kind, department, due, provisional, report, submitted_on, timeliness_record,
    missing (nothing submitted by ``as_of`` and ``as_of`` after the due date) and late (first
    submitted after the due date, by ``as_of``)."""
    calendar = calendar or working_calendar()
    types = list(core.ORG_TYPE_FILER)
    orgs = _frame(
        Organization.objects.filter(status__in=core.OBLIGED_STATUSES, org_type__in=types,
                                    registered_on__lte=dt.date(year, 12, 31))
        .order_by().values_list("pk", "code", "org_type", "registered_on", "region__path", "registration_authority")
        .iterator(chunk_size=READ_CHUNK),
        {"org": pl.Int64, "code": pl.String, "org_type": pl.String, "registered_on": pl.Date, "path": pl.String,
         "named": pl.String},
    )  # fmt: skip
    reports = _frame(
        AnnualReport.objects.filter(year=year).order_by()
        .values_list("organization_id", "pk", "submitted_on", "timeliness_record_id", "content__charity_organization")
        .iterator(chunk_size=READ_CHUNK),
        {"org": pl.Int64, "report": pl.Int64, "submitted_on": pl.Date, "timeliness_record": pl.Int64,
         "charity_now": pl.Object},
    )  # fmt: skip
    before = _frame(
        AnnualReport.objects.filter(year=year - 1).order_by()
        .values_list("organization_id", "content__charity_organization").iterator(chunk_size=READ_CHUNK),
        {"org": pl.Int64, "charity_before": pl.Object},
    )  # fmt: skip
    reports = reports.with_columns(
        pl.col("charity_now").map_elements(lambda v: None if v is None else yes(v), return_dtype=pl.Boolean)
    )
    before = before.with_columns(
        pl.col("charity_before").map_elements(
            lambda v: None if v is None else yes(v), return_dtype=pl.Boolean
        )
    )
    authorities = _authorities(orgs.select("path", "named").unique())
    frame = (
        orgs.join(authorities, on=["path", "named"], how="left")
        .join(reports, on="org", how="left")
        .join(before, on="org", how="left")
        .with_columns(charity=pl.coalesce("charity_now", "charity_before", pl.lit(False)))
        .with_columns(
            kind=pl.when(pl.col("charity"))
            .then(pl.lit("charity"))
            .otherwise(pl.col("org_type").replace_strict(core.ORG_TYPE_FILER, default=None))
        )
    )
    frame = frame.join(_rules(frame["authority"], year, calendar), on=["authority", "kind"], how="left")
    frame = frame.filter(pl.col("registered_on") <= pl.col("latest_registration"))
    submitted = pl.col("submitted_on")
    return frame.with_columns(
        missing=(pl.lit(as_of) > pl.col("due")) & (submitted.is_null() | (submitted > pl.lit(as_of))),
        late=submitted.is_not_null() & (submitted > pl.col("due")) & (submitted <= pl.lit(as_of)),
    ).select("org", "code", "kind", "department", "due", "provisional", "report", "submitted_on",
             "timeliness_record", "missing", "late")  # fmt: skip


def missing_external_id(year: int, code: str) -> str:
    return f"annualreport-missing-{year}-{code}"


def late_external_id(report_id: int) -> str:
    return f"annualreport-{report_id}-late"


def _existing(kind: str) -> set[str]:
    return set(
        CreditRecord.objects.filter(kind__code=kind, is_current=True)
        .filter(Q(external_id__startswith="annualreport-"))
        .values_list("external_id", flat=True)
    )


def _write(actor: Any, items: list[dict[str, Any]], result: DeadlineRunResult) -> list[int | None]:
    """Write ``items`` through the records service's batch path, BATCH_MAX at a time; the id of each
    item's record (new or already there), None where it could not be written (reported)."""
    ids: list[int | None] = []
    for start in range(0, len(items), BATCH_MAX):
        part = items[start : start + BATCH_MAX]
        answer = create_records_batch(actor=actor, channel="system", items=part)
        by_index: dict[int, int | None] = {}
        created = iter(answer["created"])
        failed = {e["index"] for e in answer["errors"]}
        dup = {d["index"]: d["id"] for d in answer["duplicates"]}
        for i in range(len(part)):
            if i in failed or i in dup:
                continue
            by_index[i] = next(created)
        for e in answer["errors"]:
            result.errors.append(f"{part[e['index']]['organization']}：{e['errors']}")
        ids.extend(by_index.get(i, dup.get(i)) for i in range(len(part)))
    return ids


def run_deadlines(actor: Any, *, as_of: dt.date, year: int | None = None) -> DeadlineRunResult:
    """The deadline run for the report on ``year`` (default: the year before ``as_of``) as of ``as_of``.

    Writes ``annual_report_missing`` (occurred the day after the due date) for every obliged
    organization with nothing submitted by ``as_of`` once its due date has passed, and
    ``annual_report_late`` (occurred on the day submitted) for every report first submitted after
    its due date; each once (idempotent). An organization whose registration authority is not a
    known department is reported, not written.
    """
    year = as_of.year - 1 if year is None else year
    result = DeadlineRunResult(year, as_of)
    frame = obligations(year, as_of)
    result.obliged = frame.height
    missing = frame.filter(pl.col("missing"))
    late = frame.filter(pl.col("late") & pl.col("timeliness_record").is_null())
    result.missing, result.late = missing.height, late.height
    for code in missing.filter(pl.col("department").is_null())["code"].to_list():
        result.errors.append(f"{code}：登记管理机关未找到，未能记录未按规定报送年度工作报告")
    have = _existing(MISSING_KIND)
    items = [
        {"organization": code, "kind": MISSING_KIND, "occurred_on": due + dt.timedelta(days=1),
         "department": dept, "external_id": missing_external_id(year, code),
         "summary": f"未按规定报送{year}年度工作报告（截止日{due:%Y-%m-%d}）"}
        for code, dept, due in missing.filter(pl.col("department").is_not_null())
        .select("code", "department", "due").iter_rows()
        if missing_external_id(year, code) not in have
    ]  # fmt: skip
    before = len(result.errors)
    _write(actor, items, result)
    result.written_missing = len(items) - (len(result.errors) - before)
    have = _existing(LATE_KIND)
    todo = [
        row for row in late.filter(pl.col("department").is_not_null())
        .select("code", "department", "due", "report", "submitted_on").iter_rows()
        if late_external_id(row[3]) not in have
    ]  # fmt: skip
    items = [
        {"organization": code, "kind": LATE_KIND, "occurred_on": submitted, "department": dept,
         "external_id": late_external_id(report),
         "summary": f"{year}年度工作报告于{submitted:%Y-%m-%d}报送，逾期（截止日{due:%Y-%m-%d}）"}
        for code, dept, due, report, submitted in todo
    ]  # fmt: skip
    before = len(result.errors)
    ids = _write(actor, items, result)
    result.written_late = len(items) - (len(result.errors) - before)
    with transaction.atomic():  # the reports point at their late records; the run is one audit event
        for (_code, _dept, _due, report, _submitted), rid in zip(todo, ids, strict=True):
            if rid is not None:
                AnnualReport.objects.filter(pk=report, timeliness_record__isnull=True).update(
                    timeliness_record_id=rid
                )
        if not (result.written_missing or result.written_late or result.errors):
            return result  # a day with nothing new leaves no trace in the audit chain
        record_event(actor=actor, channel="system", action="annualreport.deadline_run",
                     summary=f"{year}年度工作报告报送期限检查（截至{as_of:%Y-%m-%d}）：应报送 {result.obliged}，"
                             f"未报送新记 {result.written_missing}，逾期新记 {result.written_late}",
                     data={"year": year, "as_of": as_of, "obliged": result.obliged, "missing": result.missing,
                           "late": result.late, "written_missing": result.written_missing,
                           "written_late": result.written_late, "errors": result.errors[:100]})  # fmt: skip
    return result
