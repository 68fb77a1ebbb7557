"""Which measures apply to a subject in a scenario (信用核查的结论), and green-channel eligibility.

The scalar path: one subject's status (``SubjectStatus``) and a catalogue → the measures that apply,
mandatory before recommended, punishments before rewards, then in catalogue order, each with the
reason its condition holds and its basis. The vectorised inputs (years clean, domains per subject)
are computed for many subjects at once in ``status``; the condition test here is the same for both.

Green channel and 容缺受理 (seed 004 §四(三)): "对诚信典型和连续三年无不良信用记录的行政相对人" —
an organization qualifies when it has had at least ``green_channel.clean_years`` full years without a
negative record and is on neither list on the day, and the profile enables the green channel
(``green_channel.enabled``). A profile without ``green_channel.clean_years`` gives no green channel.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from socredit.core.measures.catalogue import (
    PERSON_TARGETS,
    Condition,
    Measure,
    MeasureCatalogue,
    MeasureKind,
    Target,
)

ORGANIZATION = "organization"
PERSON = "person"
CIVIL_AFFAIRS_DOMAIN = "civil_affairs"
"""The 民政 domain: an organization on the serious list is on its blacklist (seed 004 §六(六))."""


@dataclass(frozen=True)
class GreenChannelRule:
    """The profile's green-channel parameters on the day (None years: the profile states none)."""

    enabled: bool
    clean_years: int | None


@dataclass(frozen=True)
class SubjectStatus:
    """信用状况 of one subject on one day, as the measures read it."""

    kind: str
    """``organization`` or ``person``."""
    level: str | None = None
    lists: frozenset[str] = frozenset()
    """The lists (``abnormal``, ``serious``) the organization is on."""
    red: bool = False
    domains: frozenset[str] = frozenset()
    """The domains whose blacklists hold the subject (``civil_affairs`` for the serious list)."""
    clean_years: int | None = None
    """Full years without a negative record or listing (organizations)."""
    bans: int = 0
    """Bans on the person in force (从业禁止、任职限制)."""
    person_listed: bool = False
    """The person is recorded against a serious listing in force (失信惩戒落实到人)."""
    green_channel: bool = False


@dataclass(frozen=True)
class ApplicableMeasure:
    measure: Measure
    reason_zh: str
    reason_en: str

    def reason(self, language: str) -> str:
        return self.reason_en if language.startswith("en") else self.reason_zh


@dataclass(frozen=True)
class CheckConclusion:
    status: SubjectStatus
    measures: tuple[ApplicableMeasure, ...] = field(default_factory=tuple)

    @property
    def mandatory(self) -> tuple[ApplicableMeasure, ...]:
        return tuple(a for a in self.measures if a.measure.mandatory)


def full_years(since: dt.date, day: dt.date) -> int:
    """Whole years from ``since`` to ``day`` (29 February counts from 28 February in other years)."""
    if day < since:
        return 0
    years = day.year - since.year
    anniversary_day = min(since.day, 28) if since.month == 2 and since.day == 29 else since.day
    if (day.month, day.day) < (since.month, anniversary_day):
        years -= 1
    return max(years, 0)


def green_channel_eligible(status: SubjectStatus, rule: GreenChannelRule) -> bool:
    """Seed 004 §四(三): enabled, N full years clean, and on neither list on the day."""
    return (
        status.kind == ORGANIZATION
        and rule.enabled
        and rule.clean_years is not None
        and status.clean_years is not None
        and status.clean_years >= rule.clean_years
        and not status.lists
    )


def condition_holds(condition: Condition, status: SubjectStatus) -> bool:
    """Every stated part of ``condition`` holds for ``status``."""
    if condition.list is not None and condition.list not in status.lists:
        return False
    if condition.red_list and not status.red:
        return False
    if condition.levels and status.level not in condition.levels:
        return False
    if condition.clean_years is not None and (
        status.clean_years is None or status.clean_years < condition.clean_years or status.lists
    ):
        return False
    if condition.green_channel and not status.green_channel:
        return False
    if condition.domains_at_least is not None and len(status.domains) < condition.domains_at_least:
        return False
    if condition.person_ban and status.bans < 1:
        return False
    return not (condition.person_listed and not status.person_listed)


def _targets_subject(measure: Measure, status: SubjectStatus) -> bool:
    if status.kind == ORGANIZATION:
        return Target.ORGANIZATION.code in measure.targets
    return bool(set(measure.targets) & PERSON_TARGETS)


def _order(measure: Measure, index: int) -> tuple[int, int, int]:
    return (0 if measure.mandatory else 1, 0 if measure.kind == MeasureKind.PUNISHMENT.code else 1, index)


def applicable_measures(
    status: SubjectStatus, scenario: str, catalogue: MeasureCatalogue, as_of: dt.date
) -> tuple[ApplicableMeasure, ...]:
    """The measures of ``catalogue`` valid on ``as_of`` whose scenario, target and condition fit,
    mandatory first (then punishments before rewards, then catalogue order)."""
    found = [
        (i, m)
        for i, m in enumerate(catalogue.measures)
        if scenario in m.scenarios and m.valid_on(as_of) and _targets_subject(m, status)
        and condition_holds(m.condition, status)
    ]  # fmt: skip
    found.sort(key=lambda pair: _order(pair[1], pair[0]))
    return tuple(
        ApplicableMeasure(m, m.condition.describe("zh-hans"), m.condition.describe("en")) for _, m in found
    )


def conclude(
    status: SubjectStatus, scenario: str, catalogue: MeasureCatalogue, as_of: dt.date
) -> CheckConclusion:
    return CheckConclusion(status, applicable_measures(status, scenario, catalogue, as_of))
