"""The daily run's reads: the facts of every organization as Polars frames (``core.riskwarnings.Facts``).

Set-based: one query per source. Each query is built with the ORM (so the filters, and the annual
reports' access function ``access_filed_reports`` for reports and figures, stay the ones the rest of
the product uses) and then read as raw rows straight into a frame (``read``): no model instances and
no per-value converters; SQLite's ISO dates are parsed in columns by Polars. Aggregates the database
does well (the last activity, the last report year, the last election) are done there. Bans in
force are ``bans.access.binding_on``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import Max, Q, QuerySet
from django.db.models.expressions import RawSQL

from socredit.apps.annualreports.data import access_filed_reports
from socredit.apps.bans.access import binding_on
from socredit.apps.bans.models import Ban
from socredit.apps.lists.models import PersonListing
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.models import CONFIRMED_ROLE, Organization, Role
from socredit.apps.riskwarnings.models import FinancialTransaction
from socredit.apps.spotchecks.models import CheckResult, SpotCheck
from socredit.common.sql import values_subquery
from socredit.core.riskwarnings.evaluate import SCHEMAS, Facts
from socredit.core.riskwarnings.rules import RuleKind
from socredit.core.types import OrgStatus, RecordStatus, RoleKind

READ_CHUNK = 50_000
WATCHED_STATUSES = (OrgStatus.NORMAL.value, OrgStatus.SUSPENDED.value)
"""Organizations the warnings watch: registered and not deregistered or revoked."""

TERM_POSTS = (RoleKind.LEGAL_REPRESENTATIVE.value, RoleKind.CHAIR.value)
"""Posts an election renews: the start of the current one is the registry's day of the last election."""

RECENT_YEARS = 3
"""Report years read one by one (the overdue rule looks at two); older years only as each
organization's last report year and last election year."""


def read(queryset: QuerySet[Any], schema: dict[str, Any], **constants: Any) -> pl.DataFrame:
    """The rows of a ``values_list`` ``queryset`` (columns in ``schema`` order, less ``constants``,
    which are added as literal columns) as a frame of ``schema``. A date column may arrive as dates
    (a declared column) or as ISO text (an aggregate on SQLite): both become ``pl.Date``."""
    sql, params = queryset.query.sql_with_params()
    columns = [c for c in schema if c not in constants]
    dates = {c for c in columns if schema[c] == pl.Date}
    known = {c: schema[c] for c in columns if c not in dates}
    chunks = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(READ_CHUNK):
            chunk = pl.DataFrame(rows, schema=columns, orient="row", infer_schema_length=None)
            chunks.append(chunk.with_columns(
                *(pl.col(c).cast(t) for c, t in known.items()),
                *(pl.col(c).str.slice(0, 10).str.to_date("%Y-%m-%d") if chunk.schema[c] == pl.String
                  else pl.col(c).cast(pl.Date) for c in dates),
            ))  # fmt: skip
    out = pl.concat(chunks) if chunks else pl.DataFrame(schema={c: schema[c] for c in columns})
    out = out.with_columns(pl.lit(v, dtype=schema[k]).alias(k) for k, v in constants.items())
    return out.select([pl.col(c).cast(t) for c, t in schema.items()])


def _records(kinds: tuple[str, ...], since: dt.date, as_of: dt.date) -> QuerySet[CreditRecord]:
    return CreditRecord.objects.filter(
        kind__code__in=kinds, is_current=True, status=RecordStatus.EFFECTIVE.value,
        occurred_on__gte=since, occurred_on__lte=as_of,
    ).order_by()  # fmt: skip


def read_orgs(region_path: str | None) -> pl.DataFrame:
    """org, registered_on, region (id), street (id) of every watched organization (within ``region_path``)."""
    qs = Organization.objects.filter(status__in=WATCHED_STATUSES)
    if region_path:
        qs = qs.filter(region__path__startswith=region_path)
    return read(qs.order_by().values_list("pk", "registered_on", "region_id", "street_id"),
                {"org": pl.Int64, "registered_on": pl.Date, "region": pl.Int64, "street": pl.Int64})  # fmt: skip


def _reports(actor: Any, as_of: dt.date, recent_from: int) -> pl.DataFrame:
    """Filed reports: one row per report on the recent years; per organization one row of its last
    report year (with its latest submission) and one of the last year it reported an election."""
    filed = access_filed_reports(actor).filter(submitted_on__lte=as_of).order_by()
    recent = read(filed.filter(year__gte=recent_from).values_list("organization_id", "year", "submitted_on"),
                  SCHEMAS["reports"], election_held=None)  # fmt: skip
    last = read(filed.values("organization_id").annotate(y=Max("year"), s=Max("submitted_on")).values_list("organization_id", "y", "s"),
                SCHEMAS["reports"], election_held=None)  # fmt: skip
    elected = read(
        filed.filter(Q(content__election_held="yes") | Q(content__election_held=True)).values("organization_id")
        .annotate(y=Max("year"), s=Max("submitted_on")).values_list("organization_id", "y", "s"),
        SCHEMAS["reports"], election_held=True,
    )  # fmt: skip
    return pl.concat([recent, last, elected])


def read_facts(
    actor: Any, kinds: set[str], as_of: dt.date, orgs: pl.DataFrame, spans: dict[str, int]
) -> Facts:
    """The frames the rules of ``kinds`` read, as of ``as_of``. ``spans`` holds the longest look-back
    in days (address, complaints) each kind needs. The dormant rule's frame is ``dormant.find_dormant``'s."""
    facts = Facts(orgs=orgs.select("org", "registered_on"))
    if kinds & {RuleKind.ANNUAL_REPORT_OVERDUE.value, RuleKind.ELECTION_OVERDUE.value}:
        facts.reports = _reports(actor, as_of, as_of.year - RECENT_YEARS)
    if RuleKind.ANNUAL_REPORT_OVERDUE.value in kinds:
        raw = read(
            _records(("annual_report_missing",), dt.date(as_of.year - 3, 1, 1), as_of).values_list("organization_id", "external_id", "occurred_on"),
            {"org": pl.Int64, "external_id": pl.String, "since": pl.Date},
        )  # fmt: skip
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
    if RuleKind.ADDRESS_UNREACHABLE.value in kinds:
        since = as_of - dt.timedelta(days=spans.get(RuleKind.ADDRESS_UNREACHABLE.value, 365))
        checks = SpotCheck.objects.filter(
            result=CheckResult.UNREACHABLE, checked_on__gte=since, checked_on__lte=as_of
        )
        facts.unreachable = pl.concat([
            read(checks.order_by().values_list("organization_id", "checked_on"), SCHEMAS["unreachable"], source="spot_check"),
            read(_records(("address_unreachable",), since, as_of).values_list("organization_id", "occurred_on"),
                 SCHEMAS["unreachable"], source="letters"),
        ])  # fmt: skip
    if RuleKind.ELECTION_OVERDUE.value in kinds:
        records = (
            _records(("election_on_time",), dt.date(1949, 10, 1), as_of).values("organization_id")
            .annotate(on=Max("occurred_on")).values_list("organization_id", "on")
        )  # fmt: skip
        posts = (
            Role.objects.filter(CONFIRMED_ROLE, kind__in=TERM_POSTS, start_on__lte=as_of)
            .filter(Q(end_on__isnull=True) | Q(end_on__gte=as_of)).order_by().values("organization_id")
            .annotate(on=Max("start_on")).values_list("organization_id", "on")
        )  # fmt: skip
        facts.elections = pl.concat([read(records, SCHEMAS["elections"], source="record"),
                                     read(posts, SCHEMAS["elections"], source="registry")])  # fmt: skip
    if RuleKind.BANNED_PERSON.value in kinds:
        facts.flagged, facts.posts = _flagged_posts(as_of)
    if RuleKind.COMPLAINT_BURST.value in kinds:
        since = as_of - dt.timedelta(days=spans.get(RuleKind.COMPLAINT_BURST.value, 365))
        facts.complaints = read(_records(("complaint_verified",), since, as_of).values_list("organization_id", "occurred_on"),
                                SCHEMAS["complaints"])  # fmt: skip
    return facts


def read_figures(actor: Any, codes: list[str], as_of: dt.date) -> pl.DataFrame:
    """Figures ``codes`` of the filed reports on the last three report years (org, year, code, value)."""
    if not codes:
        return pl.DataFrame(schema=SCHEMAS["figures"])
    qs = (
        access_filed_reports(actor).filter(year__gte=as_of.year - 3, year__lt=as_of.year, figures__code__in=codes)
        .order_by().values_list("organization_id", "year", "figures__code", "figures__value")
    )  # fmt: skip
    return read(qs, SCHEMAS["figures"])


def read_transactions(lookback_days: int, as_of: dt.date) -> pl.DataFrame:
    """Transactions finance and banking departments reported (``FinancialTransaction``) on the
    ``lookback_days`` days up to ``as_of``: one set-based read."""
    if lookback_days <= 0:
        return pl.DataFrame(schema=SCHEMAS["transactions"])
    qs = (
        FinancialTransaction.objects.filter(occurred_on__gte=as_of - dt.timedelta(days=lookback_days), occurred_on__lte=as_of)
        .order_by().values_list("organization_id", "occurred_on", "amount", "direction", "counterparty",
                                "department__name", "related_party", "overseas")
    )  # fmt: skip
    return read(qs, SCHEMAS["transactions"])


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
        read(bans, {"person": pl.Int64, "until": pl.Date, "cause": pl.String}, cause="ban"),
        read(listings, {"person": pl.Int64, "until": pl.Date, "cause": pl.String}, cause="serious"),
    ]).select(list(SCHEMAS["flagged"]))  # fmt: skip
    persons = flagged["person"].unique().to_list()
    if not persons:
        return flagged, pl.DataFrame(schema=SCHEMAS["posts"])
    subquery, params = values_subquery(persons, pg_type="bigint")
    roles = (
        Role.objects.filter(CONFIRMED_ROLE, start_on__lte=as_of, person_id__in=RawSQL(subquery, params))  # noqa: S611 # one bound parameter (common.sql)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=as_of)).order_by()
        .values_list("organization_id", "person_id", "person__name", "kind", "start_on", "end_on")
    )  # fmt: skip
    return flagged, read(roles, SCHEMAS["posts"])
