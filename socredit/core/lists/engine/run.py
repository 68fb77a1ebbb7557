"""The daily run over many organizations (``daily_run``) and ``apply_all``."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from socredit.core.lists.engine.exits import (
    _pending,
    auto_removals_due,
    removal_after_deregistration,
    transfer_due,
)
from socredit.core.lists.engine.history import (
    REMOVE,
    ListingHistory,
    Proposal,
    _proposal_for_hit,
    apply,
)
from socredit.core.lists.engine.records import (
    ListRecord,
    by_org,
)
from socredit.core.lists.grounds import (
    SERIOUS,
)
from socredit.core.lists.params import ListParameters

# --- the daily run -----------------------------------------------------------------------------


@dataclass
class _OrgRun:
    history: ListingHistory
    proposals: list[Proposal] = field(default_factory=list)


def daily_run(
    histories: Mapping[int, ListingHistory] | Iterable[ListingHistory],
    records: Iterable[ListRecord],
    as_of: dt.date,
    params: ListParameters,
) -> list[Proposal]:
    """Everything the lists need on ``as_of``, for every organization with records or a history.

    In order, per organization: each record not yet acted on gives its most severe ground (a new
    entry, a move from the abnormal to the serious list, or a clock restart); then transfers that
    fall due (R1.11); then automatic removals (R1.10(b)) and removals after deregistration
    (R1.14(c)). Later steps see the effect of earlier automatic ones; proposals needing
    confirmation take effect only when staff decide them. Idempotent: once the proposals of a run
    are applied (``apply``), the same run proposes nothing new.
    """
    hist_map: dict[int, ListingHistory] = (
        dict(histories) if isinstance(histories, Mapping) else {h.org_id: h for h in histories}
    )
    grouped = by_org(records)
    out: list[Proposal] = []
    for org_id in sorted(set(hist_map) | set(grouped)):
        run = _OrgRun(hist_map.get(org_id, ListingHistory(org_id)))
        org_records = grouped.get(org_id, [])
        for hit in _pending(run.history, org_records, as_of, params):
            p = _proposal_for_hit(run.history, hit, as_of, params)
            run.proposals.append(p)
            if not p.needs_confirmation:
                run.history = apply(run.history, p)
        transfers = transfer_due([run.history], as_of, params)
        for p in transfers:
            run.proposals.append(p)
            run.history = apply(run.history, p)
        if not transfers:
            run.proposals.extend(auto_removals_due([run.history], org_records, as_of, params))
            out_c = removal_after_deregistration(run.history, org_records, as_of)
            if out_c.allowed:
                run.proposals.append(
                    Proposal(REMOVE, org_id, SERIOUS, "R1.14(c)", as_of, as_of, reason=out_c.reason)
                )
        out.extend(run.proposals)
    return out


def apply_all(
    histories: Mapping[int, ListingHistory], proposals: Iterable[Proposal]
) -> dict[int, ListingHistory]:
    """Histories after every proposal is decided as proposed, in order."""
    result = dict(histories)
    for p in proposals:
        result[p.org_id] = apply(result.get(p.org_id, ListingHistory(p.org_id)), p)
    return result
