"""Rules for a year's holiday schedule (年度放假安排), shared by the form and ``enter_year``.

The State Council's notice lists each holiday as a block of days off (e.g. 国庆节 10月1日至7日)
and the weekend days worked in exchange (调休上班). The table stores only the exceptions to
Monday–Friday, but staff copy whole blocks from the notice, so a block may include its weekend
days: they are accepted and simply not stored.

Text format of the form, one item per line:

    holidays:      2027-01-01 元旦          or   2027-02-06~2027-02-12 春节
    working days:  2027-02-14               or   2027-02-14 春节

Every error names its line (or item) and says why, in Chinese.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from socredit.common.errors import FieldErrors

HolidayItem = tuple[dt.date | tuple[dt.date, dt.date], str]
"""One holiday: a day or a (first, last) block, and its name (元旦, 春节 …)."""
WorkingItem = dt.date | tuple[dt.date, str]
"""One 调休 working weekend day, optionally with the holiday it makes up for."""

MAX_BLOCK_DAYS = 15
"""No holiday block of a notice is longer than 9 days; 15 leaves room and catches typing errors."""
NAME_MAX = 30
WEEKDAY_NAMES = (
    _("Monday"),
    _("Tuesday"),
    _("Wednesday"),
    _("Thursday"),
    _("Friday"),
    _("Saturday"),
    _("Sunday"),
)

_DATE = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_HOLIDAY_LINE = re.compile(rf"^{_DATE}(?:\s*(?:~|～|至|--|—|–)\s*{_DATE})?\s*(.*)$")
_WORKING_LINE = re.compile(rf"^{_DATE}\s*(.*)$")
HOLIDAY_EXAMPLE = "“2027-01-01 元旦”或“2027-02-06~2027-02-12 春节”"


@dataclass(frozen=True)
class ParsedSchedule:
    """The items of the two textareas, ready for ``enter_year`` (already checked line by line)."""

    holidays: list[HolidayItem]
    working_weekends: list[WorkingItem]


def _weekday(day: dt.date) -> str:
    """The day of the week by its name in the active language (星期一 … 星期日)."""
    return str(WEEKDAY_NAMES[day.weekday()])


def _date(label: str, y: str, m: str, d: str) -> dt.date:
    try:
        return dt.date(int(y), int(m), int(d))
    except ValueError:
        raise ValueError(
            gettext("%(label)s: the date %(y)s-%(m)s-%(d)s does not exist")
            % {"label": label, "y": y, "m": m, "d": d}
        ) from None


def schedule_days(
    year: int,
    holidays: Sequence[HolidayItem],
    working_weekends: Sequence[WorkingItem],
    *,
    holiday_labels: Sequence[str] | None = None,
    working_labels: Sequence[str] | None = None,
) -> dict[dt.date, tuple[bool, str]]:
    """The exceptions to Monday–Friday of ``year`` (date → (working, name)); FieldErrors if wrong.

    Checks: every day in ``year``; a block runs forwards and is at most MAX_BLOCK_DAYS long; a name
    is given; no day twice; a working day is a Saturday or Sunday and not also a holiday.
    """
    errors = FieldErrors()
    hlabels = list(holiday_labels or [gettext("item %(n)s") % {"n": i} for i in range(1, len(holidays) + 1)])
    wlabels = list(
        working_labels or [gettext("item %(n)s") % {"n": i} for i in range(1, len(working_weekends) + 1)]
    )
    if not holidays:
        errors.add("holidays", gettext("Enter at least one holiday"))
    off: dict[dt.date, tuple[str, str]] = {}  # day → (name, label of the line that gave it)
    for label, (when, raw_name) in zip(hlabels, holidays, strict=True):
        first, last = when if isinstance(when, tuple) else (when, when)
        name = raw_name.strip()
        if not name:
            errors.add(
                "holidays",
                gettext("%(label)s: the holiday's name is missing (e.g. 元旦, 春节, 国庆节)")
                % {"label": label},
            )
        elif len(name) > NAME_MAX:
            errors.add(
                "holidays",
                gettext("%(label)s: the holiday's name is too long (at most %(name_max)s characters)")
                % {"label": label, "name_max": NAME_MAX},
            )
        if last < first:
            errors.add(
                "holidays",
                gettext("%(label)s: the last day %(last)s is earlier than the first day %(first)s")
                % {"label": label, "last": last, "first": first},
            )
            continue
        if (last - first).days + 1 > MAX_BLOCK_DAYS:
            errors.add(
                "holidays",
                gettext("%(label)s: more than %(max_block_days)s days off in a row; check the dates")
                % {"label": label, "max_block_days": MAX_BLOCK_DAYS},
            )
            continue
        outside = [d for d in (first, last) if d.year != year]
        if outside:
            errors.add(
                "holidays",
                gettext("%(label)s: %(value)s is not in %(year)s")
                % {"label": label, "value": outside[0], "year": year},
            )
            continue
        for i in range((last - first).days + 1):
            day = first + dt.timedelta(days=i)
            if day in off:
                errors.add(
                    "holidays",
                    gettext("%(label)s: %(day)s is already listed in %(value)s")
                    % {"label": label, "day": day, "value": off[day][1]},
                )
            else:
                off[day] = (name, label)
    schedule = {d: (False, name) for d, (name, _) in off.items() if d.weekday() < 5}
    seen: dict[dt.date, str] = {}
    for label, item in zip(wlabels, working_weekends, strict=True):
        day, name = item if isinstance(item, tuple) else (item, "")
        name = name.strip()
        if day.year != year:
            errors.add(
                "working_days",
                gettext("%(label)s: %(day)s is not in %(year)s") % {"label": label, "day": day, "year": year},
            )
        elif day.weekday() < 5:
            errors.add(
                "working_days",
                gettext(
                    "%(label)s: %(day)s is a %(weekday)s; a weekend working day must be a Saturday or Sunday"
                )
                % {"label": label, "day": day, "weekday": _weekday(day)},
            )
        elif day in off:
            errors.add(
                "working_days",
                gettext("%(label)s: %(day)s is already a day off in the holiday %(value)s")
                % {"label": label, "day": day, "value": off[day][1]},
            )
        elif day in seen:
            errors.add(
                "working_days",
                gettext("%(label)s: %(day)s repeats %(value)s")
                % {"label": label, "day": day, "value": seen[day]},
            )
        elif len(name) > NAME_MAX:
            errors.add(
                "working_days",
                gettext("%(label)s: the holiday's name is too long (at most %(name_max)s characters)")
                % {"label": label, "name_max": NAME_MAX},
            )
        else:
            seen[day] = label
            schedule[day] = (True, name or _nearest_holiday(day, off))
    errors.raise_if_any()
    return dict(sorted(schedule.items()))


def _nearest_holiday(day: dt.date, off: dict[dt.date, tuple[str, str]]) -> str:
    """The holiday a 调休 day makes up for: the nearest block within three weeks, else 调休."""
    near = [(abs((d - day).days), name) for d, (name, _) in off.items() if abs((d - day).days) <= 21]
    return min(near)[1] if near else "调休"


def parse_schedule(year: int, holidays_text: str, working_text: str) -> ParsedSchedule:
    """Parse the two textareas (one item per line) and check them; FieldErrors name the line."""
    errors = FieldErrors()
    holidays: list[HolidayItem] = []
    hlabels: list[str] = []
    for n, line in enumerate(holidays_text.splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        label = gettext("row %(n)s") % {"n": n}
        match = _HOLIDAY_LINE.match(text)
        if not match:
            errors.add(
                "holidays",
                gettext("%(label)s “%(text)s”: not understood; write it as %(holiday_example)s")
                % {"label": label, "text": text, "holiday_example": HOLIDAY_EXAMPLE},
            )
            continue
        g = match.groups()
        try:
            first = _date(label, *g[0:3])
            last = _date(label, *g[3:6]) if g[3] else first
        except ValueError as exc:
            errors.add("holidays", str(exc))
            continue
        holidays.append(((first, last) if last != first else first, g[6]))
        hlabels.append(label)
    working: list[WorkingItem] = []
    wlabels: list[str] = []
    for n, line in enumerate(working_text.splitlines(), start=1):
        text = line.strip()
        if not text or text.startswith("#"):
            continue
        label = gettext("row %(n)s") % {"n": n}
        match = _WORKING_LINE.match(text)
        if not match:
            errors.add(
                "working_days",
                gettext(
                    "%(label)s “%(text)s”: not understood; write it as “2027-02-14” (a holiday's name may follow)"
                )
                % {"label": label, "text": text},
            )
            continue
        try:
            day = _date(label, *match.groups()[0:3])
        except ValueError as exc:
            errors.add("working_days", str(exc))
            continue
        name = match.group(4).strip()
        working.append((day, name) if name else day)
        wlabels.append(label)
    try:
        schedule_days(year, holidays, working, holiday_labels=hlabels, working_labels=wlabels)
    except FieldErrors as exc:
        for field, messages in exc.errors.items():
            for message in messages:
                errors.add(field, message)
    errors.raise_if_any()
    return ParsedSchedule(holidays, working)


def schedule_text(schedule: dict[dt.date, tuple[bool, str]]) -> tuple[str, str]:
    """A stored year back as the two textareas (weekday holidays grouped into blocks by name)."""
    lines: list[str] = []
    block: list[dt.date] = []
    block_name = ""
    for day, (working, name) in schedule.items():
        if working:  # a block never spans a working day
            if block:
                lines.append(_block_line(block, block_name))
            block = []
            continue
        if block and name == block_name and (day - block[-1]).days <= 3:
            block.append(day)
            continue
        if block:
            lines.append(_block_line(block, block_name))
        block, block_name = [day], name
    if block:
        lines.append(_block_line(block, block_name))
    working_lines = [f"{d} {name}".strip() for d, (w, name) in schedule.items() if w]
    return "\n".join(lines), "\n".join(working_lines)


def _block_line(block: list[dt.date], name: str) -> str:
    return f"{block[0]} {name}" if len(block) == 1 else f"{block[0]}~{block[-1]} {name}"
