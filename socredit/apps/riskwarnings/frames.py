"""The daily run's reads: the facts of every organization as Polars frames (``core.riskwarnings.Facts``).

Set-based: one query per source, read in chunks (``READ_CHUNK`` rows) into frames; aggregates that
the database does well (the last activity per organization) are done there. Annual reports and
their figures are read through the annual reports' access function (``access_filed_reports``:
filed and concluded reports only), bans through ``bans.access.binding_on``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import polars as pl
from django.db.models import Max, Q
from django.db.models.expressions import RawSQL

from socredit.apps.annualreports.data import access_filed_reports
from socredit.apps.bans.access import binding_on
from socredit.apps.bans.models import Ban
from socredit.apps.lists.models import PersonListing
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.models import CONFIRMED_ROLE, Organization, RegistrationChange, Role
from socredit.apps.spotchecks.models import CheckResult, SpotCheck
from socredit.common.sql import values_subquery
from socredit.core.annualreports.schema import yes
from socredit.core.riskwarnings.evaluate import SCHEMAS, Facts
from socredit.core.riskwarnings.rules import RuleKind
from socredit.core.types import OrgStatus, RecordStatus

READ_CHUNK = 20_000
WATCHED_STATUSES = (OrgStatus.NORMAL.value, OrgStatus.SUSPENDED.value)
"""Organizations the warnings watch: registered and not deregistered or revoked."""

ABSENCE_KINDS = (
    "annual_report_missing", "address_unreachable", "rectification_overdue", "election_overdue",
    "public_fundraising_lapsed",
)  # fmt: skip
"""Credit records that record an absence or a failure to act: not activity for the dormant rule."""

HISTORY_YEARS = 10
"""Report years read back (the last election a report names; the last report year)."""


def frame(rows: Iterable[tuple[Any, ...]], schema: dict[str, Any]) -> pl.DataFrame:
    """Rows into a frame of ``schema``, built ``READ_CHUNK`` rows at a time."""
    chunks, batch = [], []
    for row in rows:
        batch.append(row)
        if len(batch) >= READ_CHUNK:
            chunks.append(pl.DataFrame(batch, schema=schema, orient="row"))
            batch = []
    if batch or not chunks:
        chunks.append(pl.DataFrame(batch, schema=schema, orient="row"))
    return pl.concat(chunks, how="vertical")


def _records(kinds: tuple[str, ...], since: dt.date, as_of: dt.date) -> Any:
    return CreditRecord.objects.filter(
        kind__code__in=kinds, is_current=True, status=RecordStatus.EFFECTIVE.value,
        occurred_on__gte=since, occurred_on__lte=as_of,
    ).order_by()  # fmt: skip


def read_orgs(region_path: str | None) -> pl.DataFrame:
    """org, registered_on, region (id), street (id) of every watched organization (within ``region_path``)."""
    qs = Organization.objects.filter(status__in=WATCHED_STATUSES)
    if region_path:
        qs = qs.filter(region__path__startswith=region_path)
    return frame(
        qs.order_by().values_list("pk", "registered_on", "region_id", "street_id").iterator(chunk_size=READ_CHUNK),
        {"org": pl.Int64, "registered_on": pl.Date, "region": pl.Int64, "street": pl.Int64},
    )  # fmt: skip


def read_facts(
    actor: Any, kinds: set[str], as_of: dt.date, orgs: pl.DataFrame, spans: dict[str, int]
) -> Facts:
    """The frames the rules of ``kinds`` read, as of ``as_of``. ``spans`` holds the longest look-back
    in days each kind needs (address, complaints)."""
    facts = Facts(orgs=orgs.select("org", "registered_on"))
    need_reports = kinds & {
        RuleKind.ANNUAL_REPORT_OVERDUE.value,
        RuleKind.DORMANT.value,
        RuleKind.ELECTION_OVERDUE.value,
    }
    if need_reports:
        rows = (
            access_filed_reports(actor).filter(year__gte=as_of.year - HISTORY_YEARS, submitted_on__lte=as_of)
            .order_by().values_list("organization_id", "year", "submitted_on", "content__election_held")
            .iterator(chunk_size=READ_CHUNK)
        )  # fmt: skip
        facts.reports = frame(
            ((o, y, s, None if e is None else yes(e)) for o, y, s, e in rows), SCHEMAS["reports"]
        )
    if RuleKind.ANNUAL_REPORT_OVERDUE.value in kinds:
        rows = _records(("annual_report_missing",), dt.date(as_of.year - 3, 1, 1), as_of).values_list(
            "organization_id", "external_id", "occurred_on"
        )
        raw = frame(
            rows.iterator(chunk_size=READ_CHUNK),
            {"org": pl.Int64, "external_id": pl.String, "since": pl.Date},
        )
        facts.missing = raw.select(
            "org",
            pl.coalesce(
                pl.col("external_id")
                .str.extract(r"^annualreport-missing-(\d{4})-", 1)
                .cast(pl.Int32, strict=False),
                (pl.col("since").dt.year() - 1).cast(pl.Int32),
            ).alias("year"),
            "since",
        )
    if RuleKind.DORMANT.value in kinds:
        records = (
            CreditRecord.objects.filter(is_current=True, status=RecordStatus.EFFECTIVE.value, occurred_on__lte=as_of)
            .exclude(kind__code__in=ABSENCE_KINDS).order_by().values("organization_id")
            .annotate(on=Max("occurred_on")).values_list("organization_id", "on")
        )  # fmt: skip
        changes = (
            RegistrationChange.objects.filter(effective_on__lte=as_of).order_by().values("organization_id")
            .annotate(on=Max("effective_on")).values_list("organization_id", "on")
        )  # fmt: skip
        facts.activity = pl.concat([
            frame(records.iterator(chunk_size=READ_CHUNK), SCHEMAS["activity"]),
            frame(changes.iterator(chunk_size=READ_CHUNK), SCHEMAS["activity"]),
            facts.reports.select("org", pl.col("submitted_on").alias("on")),
        ])  # fmt: skip
    if RuleKind.ADDRESS_UNREACHABLE.value in kinds:
        since = as_of - dt.timedelta(days=spans.get(RuleKind.ADDRESS_UNREACHABLE.value, 365))
        checks = SpotCheck.objects.filter(
            result=CheckResult.UNREACHABLE, checked_on__gte=since, checked_on__lte=as_of
        )
        letters = _records(("address_unreachable",), since, as_of)
        facts.unreachable = pl.concat([
            frame(((o, d, "spot_check") for o, d in checks.order_by().values_list("organization_id", "checked_on")), SCHEMAS["unreachable"]),
            frame(((o, d, "letters") for o, d in letters.values_list("organization_id", "occurred_on")), SCHEMAS["unreachable"]),
        ])  # fmt: skip
    if RuleKind.ELECTION_OVERDUE.value in kinds:
        rows = _records(("election_on_time",), dt.date(as_of.year - HISTORY_YEARS, 1, 1), as_of)
        facts.elections = frame(rows.values_list("organization_id", "occurred_on").iterator(chunk_size=READ_CHUNK), SCHEMAS["elections"])  # fmt: skip
    if RuleKind.BANNED_PERSON.value in kinds:
        facts.flagged, facts.posts = _flagged_posts(as_of)
    if RuleKind.COMPLAINT_BURST.value in kinds:
        since = as_of - dt.timedelta(days=spans.get(RuleKind.COMPLAINT_BURST.value, 365))
        rows = _records(("complaint_verified",), since, as_of).values_list("organization_id", "occurred_on")
        facts.complaints = frame(rows.iterator(chunk_size=READ_CHUNK), SCHEMAS["complaints"])
    return facts


def read_figures(actor: Any, codes: list[str], as_of: dt.date) -> pl.DataFrame:
    """Figures ``codes`` of the filed reports on the last three report years (org, year, code, value)."""
    if not codes:
        return pl.DataFrame(schema=SCHEMAS["figures"])
    rows = (
        access_filed_reports(actor).filter(year__gte=as_of.year - 3, year__lt=as_of.year, figures__code__in=codes)
        .order_by().values_list("organization_id", "year", "figures__code", "figures__value")
        .iterator(chunk_size=READ_CHUNK)
    )  # fmt: skip
    return frame(((o, y, c, float(v)) for o, y, c, v in rows), SCHEMAS["figures"])


def _flagged_posts(as_of: dt.date) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Persons with a ban in force (``ban``) or a serious-list listing in force (``serious``: public,
    not erased or archived, within its retention period) on ``as_of``, and the confirmed posts they
    hold that day."""
    bans = (
        Ban.objects.filter(binding_on(as_of), person__isnull=False)
        .order_by()
        .values_list("person_id", "until")
    )
    listings = (
        PersonListing.objects.filter(person__isnull=False, public=True, erased=False, archived_on__isnull=True,
                                     from_date__lte=as_of, retention_until__gte=as_of)
        .order_by().values_list("person_id", "retention_until")
    )  # fmt: skip
    flagged = pl.concat([
        frame(((p, "ban", u) for p, u in bans.iterator(chunk_size=READ_CHUNK)), SCHEMAS["flagged"]),
        frame(((p, "serious", u) for p, u in listings.iterator(chunk_size=READ_CHUNK)), SCHEMAS["flagged"]),
    ])  # fmt: skip
    persons = flagged["person"].unique().to_list()
    if not persons:
        return flagged, pl.DataFrame(schema=SCHEMAS["posts"])
    subquery, params = values_subquery(persons, pg_type="bigint")
    roles = (
        Role.objects.filter(CONFIRMED_ROLE, start_on__lte=as_of, person_id__in=RawSQL(subquery, params))  # noqa: S611 # one bound parameter (common.sql)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=as_of)).order_by()
        .values_list("organization_id", "person_id", "person__name", "kind", "start_on", "end_on")
    )  # fmt: skip
    return flagged, frame(roles.iterator(chunk_size=READ_CHUNK), SCHEMAS["posts"])
