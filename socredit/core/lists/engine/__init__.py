"""The list engine (名录规则引擎): grounds met on a day, the listing state machine, exits — one module
per workflow (``records``: inputs and grounds met; ``history``: the listing history, proposals and
the state machine; ``exits``: transfers and removals; ``run``: the daily run), re-exported here.

Pure functions over plain inputs. Records are ``ListRecord`` values (``records_from_facts`` makes
them from the evaluation's integer-coded facts frame and a kind-id → code mapping); a listing
history is a ``ListingHistory`` per organization. Every function takes records of one or many
organizations alike and groups them by ``org_id``.

State machine (rules.md §1 note)::

    NORMAL ──R1.6──▶ ABNORMAL ──R1.10(a)/(b)──▶ NORMAL
                        │  ╰──R1.11 (2 full years) / R1.12(n) directly──▶ SERIOUS
    NORMAL ──R1.12──▶ SERIOUS ──R1.14(a)/(b)/(c)──▶ NORMAL

A new ground while listed restarts the clock of the current entry (R1.9, R1.13); while on the
abnormal list, a serious ground moves the organization to the serious list instead. An organization
is on one list at a time. Memberships are half-open: on the list from ``entered_on`` up to, not
including, ``left_on`` (the evaluation's ``MEMBERSHIP_SCHEMA`` convention).

Counting periods ("满2年", "满6个月")
------------------------------------
民法典 第二百零一条: the day a period starts is not counted, it runs from the next day; 第二百零二条:
a period in months or years ends on the corresponding day of the final month (its last day where
there is none). An entry on 2024-03-10 has therefore run 2 years at the end of 2026-03-10, and the
first day on which it *has been listed for a full 2 years* is 2026-03-11: the transfer (R1.11), the
automatic removal (R1.10(b)) and the serious-list minimum (R1.14(a)) fall due on the day after the
anniversary (``period_complete_on``). An entry on 2024-02-29 completes 2 years at the end of
2026-02-28 and is due on 2026-03-01. The same rule fixes the R1.12(5) window: a second penalty on
the corresponding day three years after the first is still "三年内"; one day later it is not.

Which records count
-------------------
A record counts on a day if its status counts (有效; 已修复/已过期 before the day it ended; never
已更正 or 已撤销, ``COUNTED_STATUSES``) and it happened on or before the day. Its publicity period
does not matter: a penalty stays a penalty after its publicity ends. A record that has been acted on
(an entry, a clock restart, a declined proposal) is *consumed*: it never lists again, which makes
the daily run idempotent and keeps a removed organization from being re-listed on the same fact.
"""

from socredit.core.lists.engine.exits import (
    Fulfilment,
    auto_removals_due,
    removal_after_deregistration,
    removal_on_application,
    serious_removal_on_application,
    transfer_due,
)
from socredit.core.lists.engine.history import (
    ENTER,
    REMOVE,
    RESTART,
    TRANSFER,
    Declined,
    Entry,
    ExitDecision,
    ListingHistory,
    Proposal,
    Restart,
    apply,
    notice_required,
    restart_clock,
    status_on,
)
from socredit.core.lists.engine.records import (
    GroundHit,
    ListRecord,
    WorkingCalendar,
    by_org,
    decisive_hits,
    entry_grounds,
    fundraising_idle_established,
    period_complete_on,
    records_from_facts,
)
from socredit.core.lists.engine.run import (
    apply_all,
    daily_run,
)
from socredit.core.lists.grounds import EXITS_BY_CODE

__all__ = [
    "ENTER",
    "EXITS_BY_CODE",
    "REMOVE",
    "RESTART",
    "TRANSFER",
    "Declined",
    "Entry",
    "ExitDecision",
    "Fulfilment",
    "GroundHit",
    "ListRecord",
    "ListingHistory",
    "Proposal",
    "Restart",
    "WorkingCalendar",
    "apply",
    "apply_all",
    "auto_removals_due",
    "by_org",
    "daily_run",
    "decisive_hits",
    "entry_grounds",
    "fundraising_idle_established",
    "notice_required",
    "period_complete_on",
    "records_from_facts",
    "removal_after_deregistration",
    "removal_on_application",
    "restart_clock",
    "serious_removal_on_application",
    "status_on",
    "transfer_due",
]
