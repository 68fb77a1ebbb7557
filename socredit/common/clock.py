"""The product's one clock (今天): every date that "today" means is read here.

Deadlines, decisions, publicity and evaluations all count from today; one source means a test sets
the day in one place (``socredit.testing.fixtures.today_is``) and every module sees the same day, so
no test can run half on one day and half on another.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager

from django.utils import timezone

from socredit.common.errors import FieldErrors

_fixed_day: dt.date | None = None


def today() -> dt.date:
    """Today in the deployment's time zone (``SOCREDIT_TIME_ZONE``), or the day a test fixed."""
    return _fixed_day if _fixed_day is not None else timezone.localdate()


@contextmanager
def fixed(day: dt.date) -> Iterator[dt.date]:
    """Run the block as if today were ``day`` (tests and replays only)."""
    global _fixed_day
    before, _fixed_day = _fixed_day, day
    try:
        yield day
    finally:
        _fixed_day = before


def refuse_future(day: dt.date, what: str = "日期", field: str = "as_of") -> None:
    """Refuse ``day`` after today, as an error on ``field``: nothing is decided or written in the future."""
    now = today()
    if day > now:
        raise FieldErrors(
            {field: [f"{what} {day.isoformat()} 晚于今天（{now.isoformat()}），不能记录未来日期的决定。"]}
        )
