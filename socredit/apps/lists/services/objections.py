"""A listing annulled on an objection (R1.18)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from socredit.apps.audit.services import record_event
from socredit.apps.lists.models import (
    ListDecision,
    ListEntry,
)
from socredit.apps.lists.services.common import org_region
from socredit.apps.lists.services.decisions import (
    close_entry,
    new_decision,
    rescore,
)
from socredit.common import policy
from socredit.core.lists.grounds import OBJECTION_EXIT

# --- objections (R1.18) ----------------------------------------------------------------------------


def suspend_on_objection(entry: ListEntry | None, *, day: dt.date, open_: bool) -> bool:
    """异议期间: where the profile of the organization's registering authority says the listing does
    not continue during an objection (``objection.listing_continues`` = false), the entry leaves
    public view while the objection is open (``open_``) and returns when it is closed. Returns
    whether the entry's publicity is now suspended. Runs in the objection service's transaction."""
    if entry is None:
        return False
    # closing always lifts the suspension; opening asks the rule in force on the day of receipt
    suspended = open_ and not policy.policy_profile(day, org_region(entry.organization)).bool_value(
        "objection.listing_continues"
    )
    if entry.publicity_suspended != suspended:
        entry.publicity_suspended = suspended
        entry.save(update_fields=["publicity_suspended"])
    return suspended


@transaction.atomic
def annul_entry_on_objection(
    actor: Any, decision: ListDecision, *, case_number: str, reason: str, decided_on: dt.date
) -> ListDecision | None:
    """撤销列入: an objection found the listing decision wrong; the entry it opened ends on ``decided_on``.

    The history keeps the entry and both decisions (nothing is deleted); the removal decision cites
    the objection case. Returns None when the entry had already ended (nothing left to annul).
    """
    entry = ListEntry.objects.select_for_update().filter(entry_decision=decision).first()
    if entry is None:
        entry = getattr(decision, "entry", None)
    if entry is None or entry.left_on is not None:
        return None
    profile = policy.policy_profile(decided_on, org_region(decision.organization))
    removal = new_decision(
        decision.organization, kind=ListDecision.Kind.REMOVAL, lst=entry.list, ground=OBJECTION_EXIT.code,
        profile=profile, document_number=f"{case_number}（异议）", decided_on=decided_on,
        authority=decision.authority or decision.authority_name, actor=actor,
        reason=f"你单位提出的异议（编号 {case_number}）经核实成立：{reason}"[:1000],
        action_text=f"撤销将你单位列入{entry.list_title}的决定（{decision.document_number}），将你单位移出{entry.list_title}",
        document={"listed_on": entry.entered_on, "entry_number": decision.document_number},
    )  # fmt: skip
    removal.entry = entry
    removal.save(update_fields=["entry"])
    close_entry(entry, removal, decided_on, OBJECTION_EXIT.code)
    record_event(actor=actor, channel="form", action="lists.annul", target=removal,
                 summary=f"异议成立，撤销列入{entry.list_title}：{decision.document_number}",
                 data={"entry": entry.pk, "case": case_number})  # fmt: skip
    rescore([entry.organization_id], f"异议{case_number}成立，撤销列入{entry.list_title}", actor)
    return removal
