"""The hook by which apps above the case engine join the nightly duties (``socredit cases daily``).

The command sends ``daily_duties`` once its own duties are done, with ``as_of`` (the day) and
``actor``; each receiver does its own daily run (idempotent) and returns a line of text for the
command's output (or None). An app above the case engine connects in its ``AppConfig.ready``: the
floors import only downward, so the command cannot call it.
"""

from __future__ import annotations

from django.dispatch import Signal

daily_duties = Signal()
"""Sent with ``as_of`` (datetime.date) and ``actor``; receivers return a line of text or None."""
