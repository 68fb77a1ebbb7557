"""The working-day calendar the case and list engines count deadlines on."""

from __future__ import annotations

from socredit.core.calendar import WorkingCalendar


def working_calendar() -> WorkingCalendar:
    """The calendar of the holiday table; years without a schedule count weekends only (and say so)."""
    return WorkingCalendar(fallback_weekends=True)
