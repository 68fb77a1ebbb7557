"""Proposals written as sets (列入建议批量写入): what ``propose`` writes one at a time, for the many
proposals of a daily run over a whole country or of a bulk write of records (an import, an API
batch), in a few statements per chunk: one read of the open proposals, the regions and the trigger
kinds, one multi-row insert of the proposals and one of the records they rely on, and (for an
import or a batch) one audit event per proposal appended to the chain in one statement.

The rows are those ``propose`` (and the daily run's transfer proposal) would write in the same order:
one open proposal per organization, ground and trigger record (an open one already there, or one
written earlier in the same batch, is not written again); the queue's copies of the organization's
region and the trigger record's kind; and the records relied on. ``ListProposal.save`` and the
post_save marks are made here for all at once (the daily run then schedules every organization it
read, overwriting them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from socredit.apps.audit.services import record_events
from socredit.apps.lists.models import LIST_TITLES, RED, ListProposal
from socredit.apps.lists.services.schedule import mark_changed
from socredit.apps.records.bulk import chunks, insert_rows
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.models import Organization
from socredit.core.lists import SERIOUS
from socredit.core.lists.engine import TRANSFER
from socredit.core.lists.grounds import GROUNDS_BY_CODE

TRANSFER_GROUND = "R1.12(1)"
TRANSFER_NOTE = "列入活动异常名录满期，须事先告知后决定转入严重违法失信名单"


def _open_keys(org_ids: Sequence[int]) -> set[tuple[Any, ...]]:
    """The open proposals of these organizations as ``propose`` looks them up: (organization, ground,
    trigger record) — and (organization, ground) for the red list, whatever its record."""
    keys: set[tuple[Any, ...]] = set()
    for part in chunks(sorted(set(org_ids))):
        for org, ground, trigger in (
            ListProposal.objects.filter(organization_id__in=part, status=ListProposal.Status.PROPOSED)
            .order_by()
            .values_list("organization_id", "ground", "trigger_record_id")
        ):
            keys.add((org, ground, trigger))
            keys.add((org, ground))
    return keys


def _key(p: Any) -> tuple[Any, ...]:
    if p.action == TRANSFER:
        return (p.org_id, TRANSFER_GROUND, None)
    return (p.org_id, p.ground) if p.list == RED else (p.org_id, p.ground, p.trigger_record_id)


def _row(p: Any, region_id: int | None, kind_id: int | None) -> dict[str, Any]:
    """The proposal ``propose`` writes for a core ENTER/RESTART proposal, or the daily run's transfer
    proposal (a TRANSFER that needs prior notice, R1.5), with the queue's copies of the organization's
    region and the trigger record's kind."""
    if p.action == TRANSFER:
        return {"organization_id": p.org_id, "list": SERIOUS, "action": TRANSFER, "ground": TRANSFER_GROUND,
                "trigger_record_id": None, "region_id": region_id, "trigger_kind_id": None, "arose_on": p.due_on,
                "needs_confirmation": False, "notice_required": True, "reason": p.reason, "note": TRANSFER_NOTE}  # fmt: skip
    return {"organization_id": p.org_id, "list": GROUNDS_BY_CODE[p.ground].list if p.action != "restart" else p.list,
            "action": p.action, "ground": p.ground, "trigger_record_id": p.trigger_record_id, "region_id": region_id,
            "trigger_kind_id": kind_id, "arose_on": p.due_on, "needs_confirmation": p.needs_confirmation,
            "notice_required": p.notice_required, "reason": p.reason, "note": p.note}  # fmt: skip


def write_proposals(
    proposals: Sequence[Any],
    *,
    actor: Any = None,
    channel: str = "system",
    policy_versions: dict[int, str] | None = None,
) -> list[int]:
    """Write the core proposals (ENTER/RESTART with a trigger record, or TRANSFER needing notice) that
    have no open proposal yet (nor an earlier one of the same batch), in order; the new ids.

    With an ``actor`` each proposal is audited as ``lists.propose`` with its records and the policy it
    was found under (``policy_versions`` by organization) — an import or an API batch, as ``propose``
    is audited one at a time; the daily run audits itself once. The organizations are marked for
    the next daily run, as the post_save of each proposal would."""
    open_keys = _open_keys([p.org_id for p in proposals]) if proposals else set()
    fresh = []
    for p in proposals:
        if (key := _key(p)) not in open_keys:
            open_keys.add(key)
            fresh.append(p)
    if not fresh:
        return []
    regions: dict[int, int] = {}
    for part in chunks(sorted({p.org_id for p in fresh})):
        regions.update(Organization.objects.filter(pk__in=part).order_by().values_list("pk", "region_id"))
    kinds: dict[int, int] = {}
    triggers = sorted({p.trigger_record_id for p in fresh if p.action != TRANSFER and p.trigger_record_id})
    for part in chunks(triggers):
        kinds.update(CreditRecord.objects.filter(pk__in=part).order_by().values_list("pk", "kind_id"))
    rows = [
        _row(p, regions.get(p.org_id), kinds.get(p.trigger_record_id) if p.action != TRANSFER else None)
        for p in fresh
    ]
    if connection.features.can_return_rows_from_bulk_insert:
        ids = insert_rows(ListProposal, rows, returning=True)
    else:  # a backend that cannot read keys back from a multi-row insert
        ids = [o.pk for o in ListProposal.objects.bulk_create([ListProposal(**row) for row in rows])]
    m2m = ListProposal._meta.get_field("records")
    through = m2m.remote_field.through
    mine, theirs = m2m.m2m_column_name(), m2m.m2m_reverse_name()
    insert_rows(through, [{mine: pk, theirs: r} for pk, p in zip(ids, fresh, strict=True)
                          for r in sorted(set(p.record_ids))])  # fmt: skip
    mark_changed(p.org_id for p in fresh)
    if actor is not None:
        versions = policy_versions or {}
        record_events(
            actor=actor, channel=channel,
            events=[{"action": "lists.propose", "target_type": ListProposal._meta.label_lower, "target_id": str(pk),
                     "summary": f"列入建议：{LIST_TITLES[row['list']]} {GROUNDS_BY_CODE[row['ground']].title}",
                     "data": {"organization": p.org_id, "ground": row["ground"], "records": sorted(p.record_ids),
                              "policy": versions.get(p.org_id, "")}}
                    for pk, p, row in zip(ids, fresh, rows, strict=True)],
        )  # fmt: skip
    return ids


__all__ = ["TRANSFER_GROUND", "TRANSFER_NOTE", "write_proposals"]
