"""Proposals written as sets (列入建议批量写入): what ``propose`` writes one at a time, for the many
proposals of a daily run over a whole country, in a few statements per chunk.

The rows are those ``propose`` (and the daily run's transfer proposal) would write in the same order:
one open proposal per organization, ground and trigger record (an open one already there, or one
written earlier in the same batch, is not written again); the queue's copies of the organization's
region and the trigger record's kind; and the records relied on. ``ListProposal.save`` and the
post_save marks are skipped: the copies are filled here, and the daily run schedules every
organization it read after writing (the mark a save would have made is overwritten by that anyway).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from socredit.apps.evaluation import storage
from socredit.apps.lists.models import ListProposal
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.models import Organization
from socredit.core.lists import SERIOUS
from socredit.core.lists.engine import TRANSFER
from socredit.core.lists.grounds import GROUNDS_BY_CODE

TRANSFER_GROUND = "R1.12(1)"
TRANSFER_NOTE = "列入活动异常名录满期，须事先告知后决定转入（R1.5、R1.11）"


def _chunks(ids: Sequence[int]) -> list[list[int]]:
    return [list(ids[i : i + storage.IN_CLAUSE]) for i in range(0, len(ids), storage.IN_CLAUSE)]


def _open_keys(org_ids: Sequence[int]) -> set[tuple[int, str, int | None]]:
    """(organization, ground, trigger record) of every open proposal of these organizations."""
    keys: set[tuple[int, str, int | None]] = set()
    for part in _chunks(sorted(set(org_ids))):
        keys.update(
            ListProposal.objects.filter(organization_id__in=part, status=ListProposal.Status.PROPOSED)
            .values_list("organization_id", "ground", "trigger_record_id")
        )  # fmt: skip
    return keys


def _row(p: Any) -> ListProposal:
    """The proposal ``propose`` writes for a core ENTER/RESTART proposal, or the daily run's transfer
    proposal (a TRANSFER that needs prior notice, R1.5)."""
    if p.action == TRANSFER:
        return ListProposal(
            organization_id=p.org_id, list=SERIOUS, action=TRANSFER, ground=TRANSFER_GROUND,
            arose_on=p.due_on, needs_confirmation=False, notice_required=True, reason=p.reason,
            note=TRANSFER_NOTE,
        )  # fmt: skip
    return ListProposal(
        organization_id=p.org_id,
        list=GROUNDS_BY_CODE[p.ground].list if p.action != "restart" else p.list,
        action=p.action,
        ground=p.ground,
        trigger_record_id=p.trigger_record_id,
        arose_on=p.due_on,
        needs_confirmation=p.needs_confirmation,
        notice_required=p.notice_required,
        reason=p.reason,
        note=p.note,
    )


def write_proposals(proposals: Sequence[Any]) -> list[ListProposal]:
    """Write the core proposals (ENTER/RESTART with a trigger record, or TRANSFER needing notice) that
    have no open proposal yet, in order; the rows written. A few statements per 500 proposals."""
    if not proposals:
        return []
    open_keys = _open_keys([p.org_id for p in proposals])
    rows: list[ListProposal] = []
    relied: list[tuple[int, ...]] = []
    for p in proposals:
        key = (
            (p.org_id, TRANSFER_GROUND, None)
            if p.action == TRANSFER
            else (p.org_id, p.ground, p.trigger_record_id)
        )
        if key in open_keys:
            continue
        open_keys.add(key)
        rows.append(_row(p))
        relied.append(tuple(p.record_ids))
    if not rows:
        return []
    regions: dict[int, int | None] = {}
    for part in _chunks(sorted({r.organization_id for r in rows})):
        regions.update(Organization.objects.filter(pk__in=part).values_list("pk", "region_id"))
    kinds: dict[int, int] = {}
    for part in _chunks(sorted({r.trigger_record_id for r in rows if r.trigger_record_id is not None})):
        kinds.update(CreditRecord.objects.filter(pk__in=part).values_list("pk", "kind_id"))
    for r in rows:
        r.region_id = regions.get(r.organization_id)
        r.trigger_kind_id = kinds.get(r.trigger_record_id) if r.trigger_record_id is not None else None
    made = ListProposal.objects.bulk_create(rows, batch_size=storage.IN_CLAUSE)
    through = ListProposal.records.through
    links = [
        through(listproposal_id=r.pk, creditrecord_id=rid)
        for r, ids in zip(made, relied, strict=True)
        for rid in sorted(set(ids))
    ]
    through.objects.bulk_create(links, batch_size=storage.IN_CLAUSE)
    return made


__all__ = ["TRANSFER_GROUND", "TRANSFER_NOTE", "write_proposals"]
