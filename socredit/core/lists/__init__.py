"""List rules (名录规则): 活动异常名录 (R1.6–R1.11), 严重违法失信名单 (R1.12–R1.14), prior notice
(R1.5, R1.7, R1.8) and the red list — rules.md §1, as pure functions and data.

* ``grounds``: every ground of entry and exit, with its legal basis and whether records decide it;
* ``engine``: grounds met on a day, the listing state machine, exits, the daily run;
* ``notice``: prior notice and the "address unreachable" test;
* ``red``: red-list candidates and automatic removal;
* ``params``: ``ListParameters``, the profile values the rules read.
"""

from socredit.core.lists.engine import (
    Entry,
    ExitDecision,
    Fulfilment,
    GroundHit,
    ListingHistory,
    ListRecord,
    Proposal,
    WorkingCalendar,
    apply,
    apply_all,
    auto_removals_due,
    daily_run,
    entry_grounds,
    fundraising_idle_established,
    notice_required,
    period_complete_on,
    records_from_facts,
    removal_after_deregistration,
    removal_on_application,
    restart_clock,
    serious_removal_on_application,
    status_on,
    transfer_due,
)
from socredit.core.lists.grounds import ABNORMAL, EXITS, GROUNDS, NORMAL, SERIOUS, Ground, ground
from socredit.core.lists.notice import Mailing, address_unreachable_established
from socredit.core.lists.params import ListParameters
from socredit.core.lists.red import RedFinding, RedStanding, red_list_candidates, red_list_failures

__all__ = [
    "ABNORMAL",
    "EXITS",
    "GROUNDS",
    "NORMAL",
    "SERIOUS",
    "Entry",
    "ExitDecision",
    "Fulfilment",
    "Ground",
    "GroundHit",
    "ListParameters",
    "ListRecord",
    "ListingHistory",
    "Mailing",
    "Proposal",
    "RedFinding",
    "RedStanding",
    "WorkingCalendar",
    "address_unreachable_established",
    "apply",
    "apply_all",
    "auto_removals_due",
    "daily_run",
    "entry_grounds",
    "fundraising_idle_established",
    "ground",
    "notice_required",
    "period_complete_on",
    "records_from_facts",
    "red_list_candidates",
    "red_list_failures",
    "removal_after_deregistration",
    "removal_on_application",
    "restart_clock",
    "serious_removal_on_application",
    "status_on",
    "transfer_due",
]
