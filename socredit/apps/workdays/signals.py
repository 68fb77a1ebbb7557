"""The hook by which apps above learn that the working-day calendar (工作日历) changed.

The workdays app sits below the cases and lists in the floors, so it cannot call them. Every
service that changes the holiday table sends ``calendar_changed`` inside its transaction, after the
table is written and the cached calendar invalidated: a receiver that recomputes deadlines (e.g.
the provisional ones of a year just entered) sees the new calendar through ``working_calendar()``,
and its writes commit or roll back with the change.
"""

from __future__ import annotations

from django.dispatch import Signal

calendar_changed = Signal()
"""Sent with ``years`` (sorted list of int: the years whose schedule changed) and ``actor``."""
