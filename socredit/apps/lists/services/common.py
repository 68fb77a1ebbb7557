"""Shared by the list writers: the policy in force, legal bases and reading rows as core values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import polars as pl
from django.db import connection
from django.utils.translation import gettext

from socredit.apps.evaluation import storage
from socredit.apps.evaluation.indicators import kind_ids
from socredit.apps.evaluation.models import CreditScore
from socredit.apps.lists import documents
from socredit.apps.lists.models import (
    RED,
    RED_GROUND,
    ListDecision,
    ListEntry,
    ListProposal,
)
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.models import Organization
from socredit.apps.registry.services import authority_region, authority_region_paths
from socredit.common import policy
from socredit.common.errors import FieldErrors
from socredit.core.lists import (
    ABNORMAL,
    GROUNDS,
    SERIOUS,
    Entry,
    ListingHistory,
    ListParameters,
    ListRecord,
    RedStanding,
)
from socredit.core.lists.engine import Declined, Restart
from socredit.core.lists.grounds import GROUNDS_BY_CODE, title_of
from socredit.core.lists.red import GRADE_ORDER
from socredit.core.policy import PolicyProfile
from socredit.core.scoring.facts import COUNTED_STATUSES, NO_AMOUNT, OPEN_END, day_number, empty_memberships
from socredit.core.types import DepartmentKind, RoleKind

RESPONSIBLE_POSTS = (RoleKind.LEGAL_REPRESENTATIVE.value, RoleKind.RESPONSIBLE_PERSON.value)
"""失信惩戒落实到人 (R1.19): the posts answerable for a serious listing."""

TRIGGER_KINDS = frozenset(
    {k for g in GROUNDS for k in (*g.trigger_kinds, *g.confirm_kinds)} | {"deregistration"}
)

# --- policy --------------------------------------------------------------------------------------


def parameters(day: dt.date, region: Any = None) -> tuple[PolicyProfile, ListParameters]:
    """The profile in force on ``day`` for an authority of ``region`` (a Region, code or path; see
    ``org_region``), and the list parameters read from it."""
    try:
        profile = policy.policy_profile(day, region)
    except policy.NoProfile as exc:
        # a date no profile covers is the user's to correct (a form, a command's --as-of)
        raise FieldErrors(
            __all__=gettext("The policy parameters cannot be applied: %(message)s") % {"message": exc.message}
        ) from None
    return profile, ListParameters.from_profile(profile)


def org_region(org: Organization) -> Any:
    """The region whose rules decide the organization's listings: its registering authority's."""
    return authority_region(org)


def profile_groups(
    org_ids: Iterable[int],
    day: dt.date,
    by_path: dict[str, tuple[PolicyProfile, ListParameters]] | None = None,
) -> list[tuple[PolicyProfile, ListParameters, list[int]]]:
    """The organizations grouped by the profile their registering authority applies on ``day``
    (one group per profile version, in version order), for the runs over many organizations.
    ``by_path`` keeps the parameters of each region path read so far (a run over many chunks on one
    day passes the same dict to every call)."""
    groups: dict[str, tuple[PolicyProfile, ListParameters, list[int]]] = {}
    if by_path is None:
        by_path = {}  # many organizations, few paths
    for org_id, path in sorted(authority_region_paths(org_ids).items()):
        if path not in by_path:
            by_path[path] = parameters(day, path)
        profile, params = by_path[path]
        groups.setdefault(profile.version, (profile, params, []))[2].append(org_id)
    return [groups[v] for v in sorted(groups)]


def ground_basis(code: str) -> str:
    """The legal basis of a ground or exit as documents and staff pages cite it: the regulation by
    title and number (the article only where verified) and the situation (情形) it names."""
    return (
        f"{documents.printed_basis(code)}：{documents.situation(code)}" if documents.situation(code) else ""
    )


def ground_title(code: str) -> str:
    """The Chinese title of a ground code (empty for none; the code itself if unknown)."""
    if code == RED_GROUND:
        return "符合守信红名单条件"
    try:
        return title_of(code)
    except KeyError:
        return code


# --- reading rows as core values -----------------------------------------------------------------


def list_records(
    org_ids: Iterable[int], profile: PolicyProfile | None = None, *, kinds: Iterable[str] | None = None
) -> list[ListRecord]:
    """The organizations' records in counted statuses, as the list rules read them, with the decision
    date (决定日期) of each record that has one: penalties are dated by their decisions (R1.12(5)).

    Where ``profile`` says penalties count only when a civil-affairs department imposed them
    (``lists.abnormal.penalties_any_department`` = false; R1.6(5)), the warnings and fines of other
    departments are left out. With ``kinds``, only records of those kinds (the daily run reads the
    kinds a ground or exit can read, ``TRIGGER_KINDS``: the others cannot change its answer)."""
    ids = sorted({int(i) for i in org_ids})
    codes = {v: k for k, v in kind_ids().items()}
    rows: list[tuple[Any, ...]] = []
    qs = CreditRecord.objects.filter(status__in=COUNTED_STATUSES)
    if kinds is not None:
        wanted = set(kinds)
        qs = qs.filter(kind_id__in=sorted(i for i, code in codes.items() if code in wanted))
    for i in range(0, len(ids), storage.IN_CLAUSE):
        # one query per chunk, straight into core values (no facts frame in between)
        rows += qs.filter(organization_id__in=ids[i : i + storage.IN_CLAUSE]).values_list(
            "organization_id", "kind_id", "occurred_on", "id", "status", "ended_on", "amount", "decided_on"
        )
    rows.sort(key=lambda r: r[:4])  # the facts' order: organization, kind, day, record
    records = [
        ListRecord(record_id=rid, org_id=org, kind=codes[kind], day=day,
                   amount=None if amount is None or float(amount) == NO_AMOUNT else float(amount),
                   status=status, ended=ended, decided_on=decided)
        for org, kind, day, rid, status, ended, amount, decided in rows
        if kind in codes and day is not None
    ]  # fmt: skip
    if profile is not None and not profile.bool_value("lists.abnormal.penalties_any_department"):
        penalty_kinds = {
            k for code in ("R1.6(5)", "R1.12(4)", "R1.12(5)") for k in GROUNDS_BY_CODE[code].trigger_kinds
        }
        outside = set(
            CreditRecord.objects.filter(organization_id__in=ids, kind__code__in=penalty_kinds)
            .exclude(department__kind=DepartmentKind.CIVIL_AFFAIRS.value)
            .values_list("pk", flat=True)
        )
        records = [r for r in records if r.record_id not in outside]
    return records


def histories(org_ids: Iterable[int]) -> dict[int, ListingHistory]:
    """The listing history (abnormal and serious lists; red is separate) of each organization."""
    ids = sorted({int(i) for i in org_ids})
    entries = (
        ListEntry.objects.filter(organization_id__in=ids, list__in=(ABNORMAL, SERIOUS))
        .select_related("entry_decision")
        .prefetch_related("entry_decision__records")
        .order_by("entered_on", "id")
    )
    restarts: dict[int, list[Restart]] = {}
    for d in (
        ListDecision.objects.filter(organization_id__in=ids, kind=ListDecision.Kind.RESTART)
        .prefetch_related("records")
        .order_by("decided_on", "id")
    ):
        if d.entry_id is not None:
            restarts.setdefault(d.entry_id, []).append(
                Restart(d.decided_on, d.ground, d.arose_on or d.decided_on,
                        tuple(r.pk for r in d.records.all()), d.trigger_record_id)
            )  # fmt: skip
    by_org: dict[int, list[Entry]] = {}
    for e in entries:
        by_org.setdefault(e.organization_id, []).append(
            Entry(
                e.organization_id,
                e.list,
                e.ground,
                e.entered_on,
                e.clock_start,
                tuple(r.pk for r in e.entry_decision.records.all()),
                e.trigger_record_id,
                e.left_on,
                e.exit_ground or None,
                tuple(restarts.get(e.pk, ())),
                e.arose_on,
            )  # fmt: skip
        )
    declined: dict[int, list[Declined]] = {}
    for p in ListProposal.objects.filter(
        organization_id__in=ids,
        status__in=(ListProposal.Status.DISMISSED, ListProposal.Status.EXEMPTED),
        trigger_record__isnull=False,
    ):
        declined.setdefault(p.organization_id, []).append(
            Declined(p.organization_id, p.ground, p.decided_on or p.arose_on, p.trigger_record_id,
                     p.dismiss_reason or p.exemption_certificate)
        )  # fmt: skip
    return {i: ListingHistory(i, tuple(by_org.get(i, ())), tuple(declined.get(i, ()))) for i in ids}


def membership_frame(lo: int, hi: int, ids: np.ndarray[Any, Any] | None = None) -> pl.DataFrame:
    """The evaluation's membership source: every list entry of organizations lo <= id < hi (or ids).

    A plain statement, not a queryset: the credit answer asks this for one organization on every
    call, and the ORM's query building cost more than the rest of that answer."""
    table = connection.ops.quote_name(ListEntry._meta.db_table)
    if ids is not None:
        wanted = [int(i) for i in ids]
        if not wanted:
            return empty_memberships()
        where, params = f"organization_id IN ({', '.join(['%s'] * len(wanted))})", wanted
    else:
        where, params = "organization_id >= %s AND organization_id < %s", [lo, hi]
    with connection.cursor() as cursor:
        sql = f"SELECT organization_id, list, entered_on, left_on FROM {table} WHERE {where}"  # noqa: S608 — table from _meta, values as parameters
        cursor.execute(sql, params)
        found = cursor.fetchall()
    if not found:
        return empty_memberships()
    rows = [
        (org, lst, day_number(_as_date(entered)), day_number(_as_date(left), missing=OPEN_END))
        for org, lst, entered, left in found
    ]
    return pl.DataFrame(rows, schema=empty_memberships().schema, orient="row")


def _as_date(value: Any) -> dt.date | None:
    """A date column's value (SQLite gives ISO text, PostgreSQL a date)."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def active_entry(org_id: int, day: dt.date, *, red: bool = False) -> ListEntry | None:
    """The organization's entry in force on ``day`` (the serious one first), or the red one."""
    lists = (RED,) if red else (SERIOUS, ABNORMAL)
    found = [
        e
        for e in ListEntry.objects.in_force(day)
        .filter(organization_id=org_id, list__in=lists)
        .order_by("-entered_on", "-id")
    ]
    found.sort(key=lambda e: e.list != SERIOUS)
    return found[0] if found else None


def status_on(organization: Organization, day: dt.date) -> list[ListEntry]:
    """Every entry (any list) in force on ``day``."""
    return list(ListEntry.objects.in_force(day).filter(organization=organization).order_by("list"))


def red_standings(org_ids: Sequence[int], day: dt.date, records: Sequence[ListRecord]) -> list[RedStanding]:
    levels = dict(
        CreditScore.objects.filter(organization_id__in=org_ids).values_list("organization_id", "level")
    )
    grades: dict[int, tuple[dt.date, str]] = {}
    for r in records:
        newer = r.org_id not in grades or grades[r.org_id][0] <= r.effective_on
        if r.kind in GRADE_ORDER and r.counts_on(day) and newer:
            grades[r.org_id] = (r.effective_on, r.kind)
    return [RedStanding(i, levels[i], grades[i][1] if i in grades else None) for i in org_ids if i in levels]
