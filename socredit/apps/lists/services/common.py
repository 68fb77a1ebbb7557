"""Shared by the list writers: the policy in force, legal bases and reading rows as core values."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import polars as pl

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
from socredit.apps.registry.models import Organization
from socredit.common import policy
from socredit.core.lists import (
    ABNORMAL,
    GROUNDS,
    SERIOUS,
    Entry,
    ListingHistory,
    ListParameters,
    ListRecord,
    RedStanding,
    records_from_facts,
)
from socredit.core.lists.engine import Declined, Restart
from socredit.core.lists.grounds import title_of
from socredit.core.lists.red import GRADE_ORDER
from socredit.core.policy import PolicyProfile
from socredit.core.scoring.facts import OPEN_END, day_number, empty_memberships
from socredit.core.types import RoleKind

RESPONSIBLE_POSTS = (RoleKind.LEGAL_REPRESENTATIVE.value, RoleKind.RESPONSIBLE_PERSON.value)
"""失信惩戒落实到人 (R1.19): the posts answerable for a serious listing."""

TRIGGER_KINDS = frozenset(
    {k for g in GROUNDS for k in (*g.trigger_kinds, *g.confirm_kinds)} | {"deregistration"}
)

# --- policy --------------------------------------------------------------------------------------


def parameters(day: dt.date) -> tuple[PolicyProfile, ListParameters]:
    profile = policy.policy_profile(day)
    return profile, ListParameters.from_profile(profile)


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


def list_records(org_ids: Iterable[int]) -> list[ListRecord]:
    """The organizations' records in counted statuses, as the list rules read them."""
    codes = {v: k for k, v in kind_ids().items()}
    return records_from_facts(storage.record_facts(org_ids), codes)


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
    """The evaluation's membership source: every list entry of organizations lo <= id < hi (or ids)."""
    qs = ListEntry.objects.all()
    if ids is not None:
        qs = qs.filter(organization_id__in=[int(i) for i in ids])
    else:
        qs = qs.filter(organization_id__gte=lo, organization_id__lt=hi)
    rows = [
        (org, lst, day_number(entered), day_number(left, missing=OPEN_END))
        for org, lst, entered, left in qs.values_list("organization_id", "list", "entered_on", "left_on")
    ]
    if not rows:
        return empty_memberships()
    return pl.DataFrame(rows, schema=empty_memberships().schema, orient="row")


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
        newer = r.org_id not in grades or grades[r.org_id][0] <= r.day
        if r.kind in GRADE_ORDER and r.counts_on(day) and newer:
            grades[r.org_id] = (r.day, r.kind)
    return [RedStanding(i, levels[i], grades[i][1] if i in grades else None) for i in org_ids if i in levels]
