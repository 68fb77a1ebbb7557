"""The red list (诚信示范 / 红名单): candidates and automatic removal.

No national text defines a red list for social organizations: R1.16 grants incentives to
organizations of "good credit" without a definition [UNVERIFIED], R5.4(a)/R5.5 tie class A to
grades 5A/4A, and seed 004 asks for a "红黑榜" publication. This module is therefore a *design*
whose every criterion is a profile value (``lists.red.*``), and a candidate is a proposal for
the authority to publish, never an automatic listing. A member that fails a criterion leaves
automatically, with the failing criteria as reasons.

Criteria on ``as_of`` (all must hold):

1. credit level at least ``red_min_level`` (A best, D worst);
2. evaluation grade at least ``red_min_grade`` (``grade_5a`` best);
3. ``red_clean_years`` full years clean: no negative record (catalogue polarity ``negative``)
   dated in the window ``(as_of − years, as_of]`` that counts (a repaired record still happened, so
   it counts; a corrected or revoked one does not), and no day on either list in that window;
4. if ``red_require_commitment``: a ``commitment_signed`` record in force, and no
   ``commitment_broken`` record after it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Final

from socredit.core.catalogue import reference_kinds
from socredit.core.lists.engine import ListingHistory, ListRecord, by_org
from socredit.core.lists.params import ListParameters
from socredit.core.scoring.facts import COUNTED_STATUSES, add_months

LEVEL_ORDER: Final = ("D", "C", "B", "A")
GRADE_ORDER: Final = ("grade_1a", "grade_2a", "grade_3a", "grade_4a", "grade_5a")
RED_BASIS: Final = (
    "rules.md R1.16、R5.4(a)、R5.5（信用良好无法定标准，红名单为本系统设计）［UNVERIFIED］；参数 lists.red.*"
)


def _grade_words(grade: str) -> str:
    """``grade_3a`` → ``3A级`` (社会组织评估等级 as a reader writes it)."""
    return f"{grade.removeprefix('grade_').upper()}级"


@cache
def _kind_names() -> dict[str, str]:
    return {row["code"]: row["name_zh"] for row in reference_kinds()}


@cache
def _negative_kinds() -> frozenset[str]:
    return frozenset(row["code"] for row in reference_kinds() if row["polarity"] == "negative")


@dataclass(frozen=True)
class RedStanding:
    """An organization's standing as the red list reads it."""

    org_id: int
    level: str
    """Credit level A/B/C/D on the day."""
    grade: str | None
    """Evaluation grade in force (record-kind code, e.g. ``grade_4a``), or None."""


@dataclass(frozen=True)
class RedFinding:
    org_id: int
    eligible: bool
    reasons: tuple[str, ...]
    """For a candidate, the criteria met; for a failure, the criteria not met."""
    basis: str = RED_BASIS


def red_criteria(
    standing: RedStanding,
    records: Iterable[ListRecord],
    history: ListingHistory | None,
    as_of: dt.date,
    params: ListParameters,
) -> list[tuple[bool, str]]:
    """Each criterion as (met, reason in Chinese)."""
    out: list[tuple[bool, str]] = []
    min_level = params.red_min_level
    met = standing.level in LEVEL_ORDER and LEVEL_ORDER.index(standing.level) >= LEVEL_ORDER.index(min_level)
    out.append((met, f"信用等级为{standing.level}" + ("" if met else f"，低于{min_level}")))
    min_grade = params.red_min_grade
    g_met = standing.grade in GRADE_ORDER and GRADE_ORDER.index(standing.grade) >= GRADE_ORDER.index(
        min_grade
    )
    grade_text = f"评估等级为{_grade_words(standing.grade)}" if standing.grade else "无评估等级"
    out.append((g_met, grade_text + ("" if g_met else f"，低于{_grade_words(min_grade)}")))
    start = add_months(as_of, -12 * params.red_clean_years)
    rs = list(records)
    negative = [
        r
        for r in rs
        if r.kind in _negative_kinds() and r.status in COUNTED_STATUSES and start < r.effective_on <= as_of
    ]
    listed = [
        e
        for e in (history.entries if history else ())
        if e.entered_on <= as_of and (e.left_on is None or e.left_on > start + dt.timedelta(days=1))
    ]
    if negative:
        out.append(
            (
                False,
                f"近{params.red_clean_years}年内有失信记录（{_kind_names().get(negative[-1].kind, '失信记录')}，"
                f"{negative[-1].effective_on}）",
            )
        )
    elif listed:
        out.append((False, f"近{params.red_clean_years}年内曾被列入名录（{listed[-1].entered_on}）"))
    else:
        out.append((True, f"近{params.red_clean_years}年内无失信记录且未被列入名录"))
    if params.red_require_commitment:
        signed = [r for r in rs if r.kind == "commitment_signed" and r.counts_on(as_of)]
        latest = max((r.effective_on for r in signed), default=None)
        broken = [r for r in rs if r.kind == "commitment_broken" and r.counts_on(as_of)]
        if latest is None:
            out.append((False, "未签署信用承诺"))
        elif any(b.effective_on >= latest for b in broken):
            out.append((False, "违背信用承诺"))
        else:
            out.append((True, f"已于{latest}签署信用承诺且未违背"))
    return out


def _findings(
    standings: Iterable[RedStanding],
    records: Iterable[ListRecord],
    as_of: dt.date,
    params: ListParameters,
    histories: Mapping[int, ListingHistory] | None,
) -> list[tuple[RedStanding, list[tuple[bool, str]]]]:
    grouped = by_org(records)
    hist = histories or {}
    return [
        (s, red_criteria(s, grouped.get(s.org_id, []), hist.get(s.org_id), as_of, params))
        for s in sorted(standings, key=lambda s: s.org_id)
    ]


def red_list_candidates(
    standings: Iterable[RedStanding],
    records: Iterable[ListRecord],
    as_of: dt.date,
    params: ListParameters,
    histories: Mapping[int, ListingHistory] | None = None,
) -> list[RedFinding]:
    """Organizations meeting every criterion on ``as_of`` (proposals for the authority to publish)."""
    return [
        RedFinding(s.org_id, True, tuple(reason for _, reason in crit))
        for s, crit in _findings(standings, records, as_of, params, histories)
        if all(ok for ok, _ in crit)
    ]


def red_list_failures(
    members: Iterable[RedStanding],
    records: Iterable[ListRecord],
    as_of: dt.date,
    params: ListParameters,
    histories: Mapping[int, ListingHistory] | None = None,
) -> list[RedFinding]:
    """Current red-list members failing a criterion on ``as_of``: removed automatically, with reasons."""
    return [
        RedFinding(s.org_id, False, tuple(reason for ok, reason in crit if not ok))
        for s, crit in _findings(members, records, as_of, params, histories)
        if not all(ok for ok, _ in crit)
    ]
