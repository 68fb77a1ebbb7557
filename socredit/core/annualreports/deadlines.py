"""年度工作报告报送期限 — who must file the report on year N, by which day, and whether a filing was on time.

The dates are data of the policy profile (``annual_report.*``), one per kind of filer
(``formats``/``ANNUAL_REPORT_FILERS``): 社会团体 and 社会服务机构 report to the registration authority by
05-31 of year N+1 (《民办非企业单位年度检查办法》（民政部令第27号）第四条; 《社会团体登记管理条例》第三十一条 as
quoted by the authorities), 基金会 by 03-31 (《基金会年度检查办法》（民政部令第30号）第三条), and
organizations registered or recognized as 慈善组织 by 03-31 (民办函〔2024〕8号). Each profile value
carries its source and tag; the figures here are only what the shipped profiles say.

Who must file for year N (``must_file``): an organization registered on or before 31 December of N
whose registration, on that day, is older than ``annual_report.new_org_months_<kind>`` months
(民政部令第27号 第三条第二款: 截至上年度12月31日，成立登记时间未超过6个月的……不参加当年的年检). Months
are counted as 民法典 第二百零一条、第二百零二条 count them (the start day not counted, the period ending
on the corresponding day): registered on 30 June, six months end on 30 December, so on 31 December
the registration is older than six months and the organization files; registered on 1 July, it
does not.

The day a filing is due (``due_date``): the profile's MM-DD of N+1, moved to the next working day
when it falls on a rest day or public holiday and ``annual_report.roll_to_working_day`` is set
(民法典 第二百零三条: 期间的最后一日是法定休假日的，以法定休假日结束的次日为期间的最后一日), on the
working-day calendar (``socredit.core.calendar``: the editable holiday table of the workdays app).
A filing on the due date is on time; the day after is late (``timeliness``).
"""

from __future__ import annotations

import calendar as _cal
import datetime as dt
from dataclasses import dataclass
from typing import Final, Literal

from socredit.core.annualreports.formats import parse_month_day
from socredit.core.calendar import Deadline, WorkingCalendar
from socredit.core.policy import PolicyProfile
from socredit.core.policy_parameters import ANNUAL_REPORT_FILERS

FILER_KINDS: Final = tuple(ANNUAL_REPORT_FILERS)
"""association, service_institution, foundation, charity."""

ORG_TYPE_FILER: Final = {"1": "association", "2": "service_institution", "3": "foundation"}
"""``OrgType`` code (the 2nd character of the USCC) → the filer kind; other types file nothing."""

OBLIGED_STATUSES: Final = ("normal", "suspended")
"""``OrgStatus`` codes of organizations that must file: an organization ordered to suspend its
activities (限期停止活动) still exists and still reports; deregistered and revoked ones do not."""

Timeliness = Literal["on_time", "late"]


def filer_kind(org_type: str, *, is_charity: bool = False) -> str | None:
    """The filer kind of an organization: ``charity`` for one registered or recognized as a charity,
    else by its type; None for a type that files no annual work report here (``9`` 其他)."""
    if org_type not in ORG_TYPE_FILER:
        return None
    return "charity" if is_charity else ORG_TYPE_FILER[org_type]


@dataclass(frozen=True, slots=True)
class FilingRule:
    """The profile's rule for one kind of filer."""

    kind: str
    month: int
    day: int
    new_org_months: int
    roll_to_working_day: bool
    reminder_days: int

    @classmethod
    def from_profile(cls, profile: PolicyProfile, kind: str) -> FilingRule:
        if kind not in FILER_KINDS:
            raise ValueError(f"未知的报送主体类别：{kind}")
        month, day = parse_month_day(profile.str_value(f"annual_report.deadline_{kind}"))
        return cls(
            kind=kind,
            month=month,
            day=day,
            new_org_months=profile.int_value(f"annual_report.new_org_months_{kind}"),
            roll_to_working_day=profile.bool_value("annual_report.roll_to_working_day"),
            reminder_days=profile.int_value("annual_report.reminder_days"),
        )

    def nominal(self, year: int) -> dt.date:
        """The day the profile names for the report on ``year`` (in ``year + 1``), before any moving."""
        return dt.date(year + 1, self.month, self.day)


def rules_from_profile(profile: PolicyProfile) -> dict[str, FilingRule]:
    """Every filer kind's rule under ``profile``."""
    return {kind: FilingRule.from_profile(profile, kind) for kind in FILER_KINDS}


def add_months(day: dt.date, months: int) -> dt.date:
    """The corresponding day ``months`` later; the month's last day where there is none (民法典 第二百零二条)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, _cal.monthrange(year, month)[1]))


def first_reported_year(registered_on: dt.date, rule: FilingRule) -> int:
    """The first year an organization registered on ``registered_on`` reports on under ``rule``."""
    year = registered_on.year
    return year if must_file(registered_on, year, rule) else year + 1


def must_file(registered_on: dt.date, year: int, rule: FilingRule) -> bool:
    """Whether an organization registered on ``registered_on`` must file the report on ``year``.

    Registered after 31 December of ``year``: no. Otherwise yes, unless on that day its registration
    is not older than ``rule.new_org_months`` months (0: every organization registered by then files).
    """
    end = dt.date(year, 12, 31)
    if registered_on > end:
        return False
    if rule.new_org_months == 0:
        return True
    return add_months(registered_on, rule.new_org_months) < end


def latest_registration(year: int, rule: FilingRule) -> dt.date:
    """The last registration date that still obliges a report on ``year`` (for set-based queries:
    ``registered_on <= latest_registration(year, rule)`` is ``must_file``)."""
    end = dt.date(year, 12, 31)
    if rule.new_org_months == 0:
        return end
    # add_months is monotone: walk back from the end of June-ish to the last day that still qualifies
    day = add_months(end, -rule.new_org_months)
    while add_months(day, rule.new_org_months) >= end:
        day -= dt.timedelta(days=1)
    while add_months(day + dt.timedelta(days=1), rule.new_org_months) < end:
        day += dt.timedelta(days=1)
    return day


def next_working_day(day: dt.date, calendar: WorkingCalendar) -> dt.date:
    """``day`` itself when it is a working day, else the first working day after it."""
    return day if calendar.is_working_day(day) else calendar.add_working_days(day, 1)


def due_date(year: int, rule: FilingRule, calendar: WorkingCalendar) -> Deadline:
    """The last day for filing the report on ``year``: the profile's day of ``year + 1``, moved to
    the next working day when it is a rest day or holiday and the profile says so (民法典 第二百零三条).

    ``provisional`` when the moving relied on a year without a holiday schedule (a calendar built
    with ``fallback_weekends``); ``CalendarError`` for such a year otherwise.
    """
    nominal = rule.nominal(year)
    if not rule.roll_to_working_day:
        return Deadline(nominal)
    due = next_working_day(nominal, calendar)
    unknown = tuple(y for y in sorted({nominal.year, due.year}) if y not in calendar.known_years)
    return Deadline(due, bool(unknown), unknown)


def timeliness(submitted_on: dt.date, due: dt.date) -> Timeliness:
    """``on_time`` for a first submission on or before the due date, ``late`` after it."""
    return "on_time" if submitted_on <= due else "late"


def is_missing(due: dt.date, as_of: dt.date, submitted_on: dt.date | None) -> bool:
    """Whether, on ``as_of``, the report is missing: the due date has passed (``as_of`` is after it)
    and nothing was submitted by the due date. A report submitted late is not missing after its
    submission (it is ``late``); one not submitted at all stays missing."""
    return as_of > due and (submitted_on is None or submitted_on > as_of)


def reminder_days_left(today: dt.date, due: dt.date, rule: FilingRule) -> int | None:
    """Calendar days left until ``due`` when ``today`` is within the reminder window (0 on the due
    date), else None (too early, or already past)."""
    left = (due - today).days
    return left if 0 <= left <= rule.reminder_days else None
