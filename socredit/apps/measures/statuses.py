"""The credit status of many subjects on one day, read with a few set-based queries.

A check of 10,000 organizations reads each table once for all of them (the identifiers travel as one
JSON array: ``json_each`` on SQLite, ``= ANY`` on PostgreSQL), never one query per subject:

* the organizations (code → id, name, region, registration, status) within the caller's region;
* the level on the day (the stored score, or the level history for an earlier day);
* the list stays entered on or before the day (in force: lists and red list; ended: clean years);
* the last negative record on or before the day (clean years);
* the domain blacklists holding the codes or ID numbers on the day.

Persons add the serious listings recorded against them (失信惩戒落实到人, ``lists.PersonListing``) and
the bans on persons in force (the bans register: see ``bans_in_force`` below).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from socredit.apps.bans.access import bans_in_force as register_bans_in_force
from socredit.apps.evaluation.models import CreditScore, LevelChange
from socredit.apps.lists.models import ListEntry, PersonListing
from socredit.apps.measures.models import DomainListing
from socredit.apps.records.models import CreditRecord, RecordKind
from socredit.apps.registry.models import Organization, Person, Region
from socredit.apps.registry.services import authority_paths_of_rows, authority_region_paths
from socredit.common import policy
from socredit.common.sql import column_in, fetch_rows
from socredit.core.measures.evaluate import CIVIL_AFFAIRS_DOMAIN, GreenChannelRule, SubjectStatus
from socredit.core.measures.status import clean_years_frame
from socredit.core.scoring.facts import COUNTED_STATUSES

LISTS = ("abnormal", "serious")


def _table(model: Any) -> str:
    return str(model._meta.db_table)


def _day(value: Any) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def _text(column: str) -> str:
    """A date column read as its ISO text: SQLite's date converter costs more than the query at 10,000
    rows, and ``date.fromisoformat`` is quick (the same text on PostgreSQL)."""
    return f"CAST({column} AS TEXT)"


_CLEAN_ORGANIZATION = SubjectStatus("organization")


@dataclass
class OrgRow:
    id: int
    code: str
    name: str
    registered_on: dt.date
    status: SubjectStatus = _CLEAN_ORGANIZATION
    lists: list[dict[str, Any]] = field(default_factory=list)
    domains: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class FoundOrganization:
    id: int
    name: str
    registered_on: dt.date
    region_path: str = ""
    registration_authority: str = ""


def organizations_in_scope(codes: Iterable[str], scope_path: str) -> dict[str, FoundOrganization]:
    """Code → the organization among ``codes`` within ``scope_path`` (id, name, registration, the
    region and authority its rules follow)."""
    wanted = sorted(set(codes))
    if not wanted:
        return {}
    where, params = column_in("o.code", wanted)
    sql = (
        f"SELECT o.id, o.code, o.name, {_text('o.registered_on')}, r.path, o.registration_authority "
        f"FROM {_table(Organization)} o JOIN {_table(Region)} r ON r.id = o.region_id "
        f"WHERE {where} AND r.path LIKE %s"
    )
    rows = fetch_rows(sql, [*params, scope_path.replace("%", "") + "%"])
    return {
        code: FoundOrganization(pk, name, _day(reg) or dt.date.min, path, authority)
        for pk, code, name, reg, path, authority in rows
    }


def _levels(ids: list[int], day: dt.date) -> dict[int, str]:
    where, params = column_in("organization_id", ids)
    # the stored level, where it was computed for the day or before (else the history says)
    out = dict(
        fetch_rows(
            f"SELECT organization_id, level FROM {_table(CreditScore)} WHERE {where} AND as_of <= %s",
            [*params, day],
        )  # fmt: skip
    )
    earlier = [org for org in ids if org not in out]
    if earlier:
        # a past day: the level the history says was in force then (the last change on or before it)
        where, params = column_in("organization_id", earlier)
        rows = fetch_rows(
            f"SELECT organization_id, to_level FROM {_table(LevelChange)} WHERE {where} AND as_of <= %s "
            "ORDER BY organization_id, as_of, id",
            [*params, day],
        )
        for org, level in rows:
            out[org] = level
    return out


def _list_stays(ids: list[int], day: dt.date) -> list[tuple[int, str, dt.date, dt.date | None]]:
    where, params = column_in("organization_id", ids)
    rows = fetch_rows(
        f"SELECT organization_id, list, {_text('entered_on')}, {_text('left_on')} FROM {_table(ListEntry)} "
        f"WHERE {where} AND entered_on <= %s",
        [*params, day],
    )
    return [(org, lst, _day(entered), _day(left)) for org, lst, entered, left in rows]


def _last_negative(ids: list[int], day: dt.date) -> dict[int, dt.date]:
    negative = list(RecordKind.objects.filter(polarity="negative").values_list("id", flat=True))
    if not negative:
        return {}
    where, params = column_in("organization_id", ids)
    kinds = ",".join(str(int(k)) for k in negative)
    statuses = ",".join(str(int(s)) for s in COUNTED_STATUSES)
    sql = (
        f"SELECT organization_id, MAX(COALESCE(decided_on, occurred_on)) FROM {_table(CreditRecord)} "
        # "+": kind and status are filtered while the organization's index range is read, not used as
        # seek keys (18 kinds × 3 statuses would make 54 seeks per organization)
        f"WHERE {where} AND +kind_id IN ({kinds}) AND +status IN ({statuses}) "
        "AND COALESCE(decided_on, occurred_on) <= %s GROUP BY organization_id"
    )
    out: dict[int, dt.date] = {}
    for org, last in fetch_rows(sql, [*params, day]):
        day_of = _day(last)
        if day_of is not None:
            out[org] = day_of
    return out


def domain_listings(keys: Sequence[str], day: dt.date) -> dict[str, list[dict[str, Any]]]:
    """Code or ID number → the domain blacklist entries holding it on ``day``."""
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    if not keys:
        return out
    where, params = column_in("subject_key", sorted(set(keys)))
    sql = (
        f"SELECT subject_key, domain, {_text('entered_on')}, document_number FROM {_table(DomainListing)} "
        f"WHERE {where} AND entered_on <= %s AND (left_on IS NULL OR left_on > %s) ORDER BY entered_on, id"
    )
    for key, domain, entered, number in fetch_rows(sql, [*params, day, day]):
        out[key].append({"domain": domain, "entered_on": _day(entered), "document_number": number})
    return out


_rules: dict[tuple[dt.date, str], GreenChannelRule] = {}
"""The green-channel rule per (day, authority region path), kept in the process: the shipped profiles
do not change while it runs, and a national check meets some 3,000 county paths."""


def green_channel_rule(day: dt.date, path: str) -> GreenChannelRule:
    rule = _rules.get((day, path))
    if rule is None:
        if len(_rules) > 50_000:
            _rules.clear()
        profile = policy.policy_profile(day, path)
        years = profile.get("green_channel.clean_years")
        rule = _rules[(day, path)] = GreenChannelRule(
            enabled=bool(profile.get("green_channel.enabled", False)),
            clean_years=int(years) if years is not None else None,
        )
    return rule


def green_channel_rules(found: Iterable[FoundOrganization], day: dt.date) -> dict[int, GreenChannelRule]:
    """Each organization's green-channel rule: the profile of its registering authority's region."""
    paths = authority_paths_of_rows([(o.id, o.region_path, o.registration_authority) for o in found])
    return {org_id: green_channel_rule(day, path) for org_id, path in paths.items()}


def organization_statuses(found: dict[str, FoundOrganization], day: dt.date) -> dict[str, OrgRow]:
    """Code → the organization's status on ``day`` (level, lists, red list, domains, clean years,
    green channel), for the organizations ``organizations_in_scope`` found."""
    rows = {code: OrgRow(o.id, code, o.name, o.registered_on) for code, o in found.items()}
    if not rows:
        return rows
    by_id = {r.id: r for r in rows.values()}
    ids = sorted(by_id)
    levels = _levels(ids, day)
    in_force: dict[int, set[str]] = defaultdict(set)
    last_listed: dict[int, dt.date] = {}
    for org, lst, entered, left in _list_stays(ids, day):
        current = left is None or left > day
        if current:
            in_force[org].add(lst)
            by_id[org].lists.append({"list": lst, "since": entered})
        if lst in LISTS:
            end = day if current else left
            if end is not None and (org not in last_listed or end > last_listed[org]):
                last_listed[org] = end
    negative = _last_negative(ids, day)
    domains = domain_listings(list(rows), day)
    # clean since: the day after the last negative record, the end of the last listing, else registration
    since = []
    for pk in ids:
        candidates = [by_id[pk].registered_on]
        if pk in negative:
            candidates.append(negative[pk] + dt.timedelta(days=1))
        if pk in last_listed:
            candidates.append(last_listed[pk])
        since.append(max(candidates))
    listed = [bool(in_force[pk] & set(LISTS)) for pk in ids]
    rules = green_channel_rules(found.values(), day)
    by_rule: dict[GreenChannelRule, list[int]] = defaultdict(list)
    for i, pk in enumerate(ids):
        by_rule[rules[pk]].append(i)
    frames = []
    for rule, picked in by_rule.items():
        frame = pl.DataFrame({
            "org": [ids[i] for i in picked], "clean_since": [since[i] for i in picked],
            "listed": [listed[i] for i in picked],
        }, schema={"org": pl.Int64, "clean_since": pl.Date, "listed": pl.Boolean})  # fmt: skip
        frames.append(clean_years_frame(frame, day, rule))
    for org, years, green in pl.concat(frames).select("org", "clean_years", "green_channel").iter_rows():
        row = by_id[org]
        held = domains.get(row.code, [])
        row.domains = list(held)
        domain_set = {d["domain"] for d in held}
        if "serious" in in_force[org]:
            domain_set.add(CIVIL_AFFAIRS_DOMAIN)
        row.status = SubjectStatus(
            "organization", level=levels.get(org), lists=frozenset(in_force[org] & set(LISTS)),
            red="red" in in_force[org], domains=frozenset(domain_set), clean_years=years, green_channel=green,
        )  # fmt: skip
    return rows


# --- persons ---------------------------------------------------------------------------------------


def bans_in_force(id_numbers: Sequence[str], day: dt.date) -> dict[str, list[dict[str, Any]]]:
    """ID number → the bans on the person in force on ``day`` (从业禁止、任职限制: the bans register,
    ``bans.access.bans_in_force``), each as the answer carries it."""
    found = register_bans_in_force(list(id_numbers), day)
    return {number: [dataclasses.asdict(b) for b in bans] for number, bans in found.items()}


@dataclass
class PersonRow:
    id_number: str
    name: str = ""
    status: SubjectStatus = field(default_factory=lambda: SubjectStatus("person"))
    listings: list[dict[str, Any]] = field(default_factory=list)
    domains: list[dict[str, Any]] = field(default_factory=list)
    bans: list[dict[str, Any]] = field(default_factory=list)


def person_statuses(id_numbers: Sequence[str], day: dt.date, scope_path: str) -> dict[str, PersonRow]:
    """ID number → the person's status on ``day``: bans in force, serious listings recorded against the
    person in force and within ``scope_path`` (as the screening reads them), domain blacklists."""
    numbers = sorted(set(id_numbers))
    rows = {n: PersonRow(n) for n in numbers}
    if not numbers:
        return rows
    persons = dict(Person.objects.filter(id_number__in=numbers).values_list("id", "id_number"))
    for pk, name in Person.objects.filter(pk__in=list(persons)).values_list("id", "name"):
        rows[persons[pk]].name = name
    listings = (
        PersonListing.objects.filter(
            person_id__in=list(persons), public=True, erased=False, archived_on__isnull=True, from_date__lte=day,
            organization__region__path__startswith=scope_path,
        )
        .select_related("organization", "entry")
        .order_by("from_date", "id")
    )  # fmt: skip
    extend: dict[int, bool] = {}
    paths = authority_region_paths({pl_.organization_id for pl_ in listings}) if listings else {}
    for pl_ in listings:
        still_listed = pl_.entry.left_on is None or pl_.entry.left_on > day
        if pl_.retention_until < day:
            if pl_.organization_id not in extend:
                profile = policy.policy_profile(day, paths.get(pl_.organization_id))
                extend[pl_.organization_id] = bool(profile.get("persons.extend_until_list_removal", False))
            if not (still_listed and extend[pl_.organization_id]):
                continue
        rows[persons[pl_.person_id]].listings.append({
            "organization_name": pl_.organization.name, "organization_code": pl_.organization.code,
            "list": pl_.entry.list, "post": pl_.post, "from_date": pl_.from_date, "in_force": still_listed,
        })  # fmt: skip
    domains = domain_listings(numbers, day)
    bans = bans_in_force(numbers, day)
    for number, row in rows.items():
        row.domains = domains.get(number, [])
        row.bans = bans.get(number, [])
        domain_set = {d["domain"] for d in row.domains}
        if any(item["in_force"] and item["list"] == "serious" for item in row.listings):
            domain_set.add(CIVIL_AFFAIRS_DOMAIN)
        row.status = SubjectStatus(
            "person", domains=frozenset(domain_set), bans=len(row.bans), person_listed=bool(row.listings)
        )
    return rows
