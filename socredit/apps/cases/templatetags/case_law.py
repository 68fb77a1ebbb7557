"""How case pages cite the law: as the documents do (``core.citations``), never by item code."""

from __future__ import annotations

import datetime as dt

from django import template

from socredit.core.citations import repair_citation

register = template.Library()


@register.simple_tag
def repair_basis(day: dt.date | None) -> str:
    """The credit-repair rule in force on ``day`` (发改委令第36号 from 2026-04-01, 第58号 before)."""
    if day is None:
        return ""
    return repair_citation(day.year, day.month, day.day).text
