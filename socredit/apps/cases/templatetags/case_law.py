"""How case pages cite the law: as the documents do (``core.citations``), never by item code."""

from __future__ import annotations

import datetime as dt

from django import template

from socredit.apps.cases import labels
from socredit.core.citations import repair_citation

register = template.Library()


@register.simple_tag
def repair_basis(day: dt.date | None) -> str:
    """The credit-repair rule in force on ``day`` (发改委令第36号 from 2026-04-01, 第58号 before)."""
    if day is None:
        return ""
    return repair_citation(day.year, day.month, day.day).text


@register.filter
def step_title(title: str) -> str:
    """``{{ s.title|step_title }}``: a case step's label in the reader's language."""
    return labels.step_title(title)


@register.filter
def case_actor(label: str) -> str:
    """``{{ e.actor_label|case_actor }}``: a timeline's actor (the daily job by its name, not ``system``)."""
    return labels.actor(label)
