"""Time limits on the records themselves (信息录入、撤回公示的期限), from the issuing department's profile.

- ``records.entry_working_days`` (R1.4): credit information is entered within N working days of
  being formed (the decision date, else the date of the conduct). ``entry_lateness`` tells staff
  that a record was entered later (录入超期) and by how many working days.
- ``publicity.withdraw_working_days`` (R6.3, 行政处罚法第四十八条): a published decision that is
  revoked or changed is withdrawn within N working days. ``withdraw_deadline`` gives the date;
  revocation and correction put it in the change event that the publishing systems read (outbox)
  and the record page shows it to staff.

Both are read from the profile in force for the issuing department's region on the relevant day.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from socredit.apps.records.models import CreditRecord
from socredit.apps.workdays.services import working_calendar
from socredit.common.policy import policy_profile
from socredit.core.calendar import CalendarError, Deadline


@dataclass(frozen=True)
class EntryLateness:
    """录入超期: the record was entered ``late_by`` working days after its entry deadline ``due_on``."""

    formed_on: dt.date
    entered_on: dt.date
    due_on: dt.date
    working_days: int
    late_by: int
    provisional: bool
    """The deadline rests on a year without a holiday schedule (weekdays assumed)."""


def entered_on(record: CreditRecord) -> dt.date:
    """The day the record was entered into the system (the local date of its creation)."""
    return timezone.localtime(record.created_at).date()


def entry_lateness(record: CreditRecord) -> EntryLateness | None:
    """The lateness of the record's entry, or None when it was entered in time (or the time limit
    cannot be known: no profile for that date, or no calendar for the year)."""
    formed = record.decided_on or record.occurred_on
    entered = entered_on(record)
    if entered <= formed:
        return None
    try:
        profile = policy_profile(formed, record.department.region)
        days = profile.int_value("records.entry_working_days")
        calendar = working_calendar()
        due: Deadline = calendar.deadline(formed, days)
        if entered <= due.due:
            return None
        late_by = calendar.working_days_between(due.due, entered)
    except (KeyError, CalendarError):
        return None
    return EntryLateness(formed, entered, due.due, days, late_by, due.provisional)


def withdraw_deadline(record: CreditRecord, on: dt.date) -> Deadline | None:
    """The last day to withdraw the record's publicity after its revocation or change on ``on``
    (``publicity.withdraw_working_days``); None when no profile or calendar gives it."""
    try:
        profile = policy_profile(on, record.department.region)
        return working_calendar().deadline(on, profile.int_value("publicity.withdraw_working_days"))
    except (KeyError, CalendarError):
        return None
