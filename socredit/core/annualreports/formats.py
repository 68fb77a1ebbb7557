"""The text forms of the annual-report parameters of a policy profile, parsed and checked.

Kept apart from ``deadlines`` and ``checks`` so that the profile loader (``socredit.core.policy``)
can refuse a malformed value with its line without importing the rules that use it.

- a deadline is ``MM-DD`` of the year after the reported year (``"05-31"``);
- a pair of ratios is ``min:max`` (``"0.70:0.10"``: 慈善活动支出 at least 70% of the previous
  year's income, 管理费用 at most 10% of this year's expenses);
- a band is ``floor:min:max`` or ``floor:min:max:income_min`` (net assets from ``floor`` yuan
  upwards; the optional fourth part is a floor on the previous year's income as well).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import NamedTuple


class Band(NamedTuple):
    """One band of the 2016 规定 by net assets at the end of the previous year."""

    floor: Decimal
    """Net assets (yuan) from which the band applies (含本数)."""
    min_ratio: Decimal
    """慈善活动支出 / 上年末净资产 at least this."""
    max_management: Decimal
    """管理费用 / 当年总支出 at most this."""
    min_income_ratio: Decimal | None = None
    """慈善活动支出 / 上年总收入 at least this as well (the smallest band of 第九条)."""


def parse_month_day(text: str) -> tuple[int, int]:
    """``"05-31"`` → (5, 31); ValueError naming the problem. 02-29 is refused (not every year has it)."""
    parts = text.strip().split("-")
    if len(parts) != 2 or not all(p.isdigit() and len(p) == 2 for p in parts):
        raise ValueError(f"“{text}” 应写成 MM-DD（如 05-31）")
    month, day = int(parts[0]), int(parts[1])
    try:
        dt.date(2001, month, day)  # a common year: 02-29 is refused
    except ValueError:
        raise ValueError(f"“{text}” 不是每年都有的日期") from None
    return month, day


def _ratio(text: str, what: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"{what}“{text}”不是数值") from None
    if not value.is_finite() or value < 0 or value > 1:
        raise ValueError(f"{what}“{text}”应在 0 至 1 之间")
    return value


def parse_ratio_pair(text: str) -> tuple[Decimal, Decimal]:
    """``"0.70:0.10"`` → (Decimal("0.70"), Decimal("0.10")); ValueError naming the problem."""
    parts = text.split(":")
    if len(parts) != 2:
        raise ValueError(f"“{text}” 应写成 支出下限:管理费用上限（如 0.70:0.10）")
    return _ratio(parts[0], "支出下限"), _ratio(parts[1], "管理费用上限")


def parse_bands(items: tuple[str, ...] | list[str]) -> tuple[Band, ...]:
    """Bands from the highest floor down, the last from 0; ValueError naming the bad item."""
    bands: list[Band] = []
    for item in items:
        parts = item.split(":")
        if len(parts) not in (3, 4):
            raise ValueError(f"“{item}” 应写成 净资产下限:支出下限:管理费用上限[:占上年总收入下限]")
        try:
            floor = Decimal(parts[0].strip())
        except InvalidOperation:
            raise ValueError(f"“{item}” 的净资产下限不是数值") from None
        if not floor.is_finite() or floor < 0:
            raise ValueError(f"“{item}” 的净资产下限应为非负数")
        income = _ratio(parts[3], "占上年总收入下限") if len(parts) == 4 else None
        bands.append(Band(floor, _ratio(parts[1], "支出下限"), _ratio(parts[2], "管理费用上限"), income))
    floors = [b.floor for b in bands]
    if floors != sorted(floors, reverse=True) or len(set(floors)) != len(floors):
        raise ValueError("各档应按净资产下限由高到低排列，且不重复")
    if not bands or floors[-1] != 0:
        raise ValueError("最后一档的净资产下限应为 0（覆盖所有组织）")
    return tuple(bands)
