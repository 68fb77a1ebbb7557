"""The report's period: a quarter (``2026Q3``), a month (``2026-07``), a year (``2026``) or two dates,
and the period before it, of the same kind (the quarter, month or year before; for two dates the
same number of days ending the day before the start)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from socredit.common.errors import FieldErrors

QUARTER = re.compile(r"^(\d{4})\s*[Qq]([1-4])$")
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
YEAR = re.compile(r"^(\d{4})$")


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    kind: str = "custom"
    """``quarter``, ``month``, ``year`` or ``custom``."""

    def previous(self) -> Period:
        if self.kind == "quarter":
            return quarter_period(self.start.year - (self.start.month == 1), (self.start.month - 1) // 3 or 4)
        if self.kind == "month":
            last = self.start - dt.timedelta(days=1)
            return Period(last.replace(day=1), last, "month")
        if self.kind == "year":
            return Period(dt.date(self.start.year - 1, 1, 1), dt.date(self.start.year - 1, 12, 31), "year")
        length = self.end - self.start
        end = self.start - dt.timedelta(days=1)
        return Period(end - length, end, "custom")

    @property
    def label(self) -> str:
        if self.kind == "quarter":
            return _("%(year)s, quarter %(q)s") % {
                "year": self.start.year,
                "q": (self.start.month - 1) // 3 + 1,
            }
        if self.kind == "month":
            return _("%(year)s, month %(m)s") % {"year": self.start.year, "m": self.start.month}
        if self.kind == "year":
            return _("Year %(year)s") % {"year": self.start.year}
        return f"{self.start.isoformat()} – {self.end.isoformat()}"


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)


def quarter_period(year: int, quarter: int) -> Period:
    first = 3 * (quarter - 1) + 1
    return Period(dt.date(year, first, 1), _month_end(year, first + 2), "quarter")


def classify(start: dt.date, end: dt.date) -> Period:
    """Two dates as a period, recognised as a calendar quarter, month or year when they are one."""
    if start.day == 1:
        if start.month == 1 and end == dt.date(start.year, 12, 31):
            return Period(start, end, "year")
        if end == _month_end(start.year, start.month):
            return Period(start, end, "month")
        if start.month % 3 == 1 and end == _month_end(start.year, start.month + 2):
            return Period(start, end, "quarter")
    return Period(start, end, "custom")


def parse_preset(text: str) -> Period:
    """``2026Q3``, ``2026-07`` or ``2026`` as a period; FieldErrors on the field ``period`` otherwise."""
    text = (text or "").strip()
    if m := QUARTER.match(text):
        return quarter_period(int(m[1]), int(m[2]))
    if (m := MONTH.match(text)) and 1 <= int(m[2]) <= 12:
        return Period(dt.date(int(m[1]), int(m[2]), 1), _month_end(int(m[1]), int(m[2])), "month")
    if (m := YEAR.match(text)) and int(m[1]) >= 1949:
        return Period(dt.date(int(m[1]), 1, 1), dt.date(int(m[1]), 12, 31), "year")
    raise FieldErrors(
        {"period": [_("“%(text)s” is not a period: write a quarter (2026Q3), a month (2026-07) or a year (2026).")
                    % {"text": text}]}
    )  # fmt: skip


def check_period(start: dt.date, end: dt.date, today: dt.date) -> Period:
    """The period of two dates; FieldErrors when it ends before it starts or ends after today."""
    if end < start:
        raise FieldErrors({"end": [
            _("The period ends (%(end)s) before it starts (%(start)s).") % {"end": end, "start": start}
        ]})  # fmt: skip
    if end > today:
        raise FieldErrors({"end": [
            _("The period ends on %(end)s, after today (%(today)s): a report covers days that have passed.")
            % {"end": end, "today": today}
        ]})  # fmt: skip
    return classify(start, end)


def recent_quarters(today: dt.date, count: int = 8) -> list[Period]:
    """The last ``count`` quarters that have ended by ``today``, newest first (the form's presets)."""
    out = []
    year, q = today.year, (today.month - 1) // 3 + 1
    while len(out) < count:
        period = quarter_period(year, q)
        if period.end <= today:
            out.append(period)
        year, q = (year - 1, 4) if q == 1 else (year, q - 1)
    return out
