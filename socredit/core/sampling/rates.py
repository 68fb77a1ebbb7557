"""抽查比例 — the legal floors of an authority's level and the rate of each organization.

The floors (rules.md R4.3; a locality's own, e.g. 衢州 5 % / 0.5 % on site, come through its policy
profile) bind the plan as a whole: a regular plan (定期抽查) draws at least ``min_ratio`` of the
organizations in its scope, whatever the adjustments. The adjustments (R4.8, 信用风险分类监管) are
the plan's own: a base rate multiplied by a factor for the credit level, one for the field of
activity (the risk field) and one for each list the organization is on (活动异常名录 and 严重违法
失信名单: 提高抽查比例和频次, measures catalogue P-ABNORMAL-SPOT-CHECK / P-SERIOUS-KEY-SUPERVISION;
level A: 减少检查频次, R-FEWER-INSPECTIONS), capped at 100 %. A field may instead carry a fixed
rate (charities at 100 %, as 通州 and 广州白云 do: R4.3 local practice).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

from socredit.core.types import RegionLevel

if TYPE_CHECKING:
    from socredit.core.policy import PolicyProfile

LEVEL_KEYS: Mapping[RegionLevel, str] = MappingProxyType(
    {
        RegionLevel.NATIONAL: "spot_check.min_ratio_ministry",
        RegionLevel.PROVINCE: "spot_check.min_ratio_province",
        RegionLevel.CITY: "spot_check.min_ratio_city",
        RegionLevel.DISTRICT: "spot_check.min_ratio_county",
    }
)
"""The floor parameter of each level of registering authority (R4.3: 民政部, 省级, 市级, 县级)."""

LEVEL_FACTOR_KEYS: Mapping[str, str] = MappingProxyType(
    {
        "A": "spot_check.level_factor_a",
        "B": "spot_check.level_factor_b",
        "C": "spot_check.level_factor_c",
        "D": "spot_check.level_factor_d",
    }
)
LIST_FACTOR_KEYS: Mapping[str, str] = MappingProxyType(
    {
        "abnormal": "spot_check.list_factor_abnormal",
        "serious": "spot_check.list_factor_serious",
        "red": "spot_check.list_factor_red",
    }
)
"""Default factors a new plan starts from (design defaults of the profile: R4.8 gives no national values)."""


def authority_floor_key(level: RegionLevel) -> str:
    """The floor parameter of an authority of ``level``; ValueError for a level that registers nobody
    (a street or town is not a 登记管理机关)."""
    try:
        return LEVEL_KEYS[level]
    except KeyError:
        raise ValueError(f"{level.zh}不是登记管理机关的层级") from None


@dataclass(frozen=True, slots=True)
class Floors:
    """What the law (and the locality) require of a plan of one authority."""

    min_ratio: float
    """Share of the organizations in scope to be checked in a regular plan (R4.3)."""
    min_onsite_ratio: float
    """Share to be checked on site (0 where the profile states none: no national on-site floor)."""
    min_inspectors_onsite: int
    """Inspectors at an on-site check (R4.5: at least 2)."""
    regular_per_year: int
    """Regular plans per year (R4.3, R4.7: once a year)."""
    recent_exempt_years: int
    """Organizations checked in a regular plan within this many previous years are left out of the
    next regular draw unless the floor needs them or they are listed (design default, UNVERIFIED)."""


def floors(profile: PolicyProfile, level: RegionLevel) -> Floors:
    """The floors of an authority of ``level`` under ``profile``."""
    onsite = profile.get("spot_check.min_onsite_ratio", 0.0)
    recent = profile.get("spot_check.recent_check_exempt_years", 0)
    return Floors(
        min_ratio=profile.float_value(authority_floor_key(level)),
        min_onsite_ratio=float(onsite) if isinstance(onsite, int | float) else 0.0,
        min_inspectors_onsite=profile.int_value("spot_check.min_inspectors_onsite"),
        regular_per_year=profile.int_value("spot_check.regular_per_year"),
        recent_exempt_years=int(recent) if isinstance(recent, int) else 0,
    )


def default_factors(profile: PolicyProfile) -> tuple[dict[str, float], dict[str, float]]:
    """(level factors, list factors) a new plan starts from; 1.0 where the profile states none."""

    def read(keys: Mapping[str, str]) -> dict[str, float]:
        out: dict[str, float] = {}
        for code, key in keys.items():
            value = profile.get(key, 1.0)
            out[code] = float(value) if isinstance(value, int | float) else 1.0
        return out

    return read(LEVEL_FACTOR_KEYS), read(LIST_FACTOR_KEYS)


@dataclass(frozen=True)
class SamplingRates:
    """A plan's rates: base × level factor × field factor × list factors, capped at 1; a fixed rate
    by field replaces the product. Missing keys mean a factor of 1 (an organization not yet rated
    has the level "" and the base rate)."""

    base: float
    level_factors: Mapping[str, float] = field(default_factory=dict)
    field_factors: Mapping[str, float] = field(default_factory=dict)
    list_factors: Mapping[str, float] = field(default_factory=dict)
    fixed_field_rates: Mapping[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, object]:
        """A canonical, JSON-ready form (sorted keys), published with the seed."""
        return {
            "base": self.base,
            "level_factors": dict(sorted(self.level_factors.items())),
            "field_factors": dict(sorted(self.field_factors.items())),
            "list_factors": dict(sorted(self.list_factors.items())),
            "fixed_field_rates": dict(sorted(self.fixed_field_rates.items())),
        }

    def problems(self) -> list[tuple[str, str]]:
        """(part, message) for every rate or factor that is not a finite number in range."""
        out: list[tuple[str, str]] = []
        if not (math.isfinite(self.base) and 0 < self.base <= 1):
            out.append(("base", "基础抽查比例应大于0且不超过100%"))
        for part, values, high in (
            ("level_factors", self.level_factors, 100.0),
            ("field_factors", self.field_factors, 100.0),
            ("list_factors", self.list_factors, 100.0),
            ("fixed_field_rates", self.fixed_field_rates, 1.0),
        ):
            for key, value in values.items():
                if not (math.isfinite(value) and 0 <= value <= high):
                    out.append((part, f"{key}：{value} 超出范围（0至{high:g}）"))
        return out


def stratum_key(level: str, field_: str, lists: frozenset[str]) -> str:
    """The stratum of an organization: credit level, field and the lists it is on, e.g. "C/education/abnormal"."""
    return f"{level or '-'}/{field_ or '-'}/{'+'.join(sorted(lists)) or '-'}"


def subject_rate(level: str, field_: str, lists: frozenset[str], rates: SamplingRates) -> float:
    """The probability of being drawn for an organization with this level, field and lists."""
    fixed = rates.fixed_field_rates.get(field_)
    if fixed is not None:
        return min(1.0, fixed)
    rate = rates.base * rates.level_factors.get(level, 1.0) * rates.field_factors.get(field_, 1.0)
    for name in sorted(lists):
        rate *= rates.list_factors.get(name, 1.0)
    return min(1.0, rate)
