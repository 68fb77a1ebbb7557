"""Who may sign a 容缺受理 commitment: the hook the measures app plugs into.

Seed 004 §四(三) grants 容缺受理 (acceptance with missing documents on a written promise) to the
organizations of the green channel: "诚信典型和连续三年无不良信用记录的行政相对人". Whether an
organization qualifies is read from its lists and records, which live in apps above this one, so the
measures app registers the check in its AppConfig.ready(); with none registered everyone qualifies.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class ToleranceEligibility:
    """Whether the rule applies where the organization is, and if so whether it is met, and why."""

    applies: bool
    eligible: bool
    reason: str = ""


ToleranceCheck = Callable[[Any, dt.date], ToleranceEligibility]
_checks: list[ToleranceCheck] = []


def register_tolerance_check(check: ToleranceCheck) -> None:
    if check not in _checks:
        _checks.append(check)


def tolerance_eligibility(organization: Any, day: dt.date) -> ToleranceEligibility:
    """The first registered check's answer; eligible with no rule when none is registered."""
    for check in _checks:
        return check(organization, day)
    return ToleranceEligibility(applies=False, eligible=True)
