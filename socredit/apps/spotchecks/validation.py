"""The rules of plan input, shared by the form, the API and the command: FieldErrors naming the field."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext

from socredit.apps.registry.models import Region
from socredit.apps.spotchecks.models import CheckContent, PlanKind, PlanState, SpotCheckPlan
from socredit.common import policy
from socredit.common.access import scope_path_of
from socredit.common.errors import FieldErrors
from socredit.core.sampling import Floors, SamplingRates, floors
from socredit.core.scoring.model import LEVEL_CODES
from socredit.core.types import OrgField, OrgType, RegionLevel

LISTS = ("abnormal", "serious", "red")
FLOOR_BASIS = "《社会组织抽查暂行办法》（民发〔2017〕45号）第五条"


def percent(value: float) -> str:
    return f"{value * 100:g}%"


def plan_floors(authority: Region, day: dt.date) -> tuple[Floors, str, str]:
    """(floors, profile version, the rules' title) for an authority on ``day``; FieldErrors if none."""
    try:
        profile = policy.policy_profile(day, authority)
    except policy.NoProfile as exc:
        raise FieldErrors(
            __all__=gettext("The policy parameters cannot be applied: %(message)s") % {"message": exc.message}
        ) from None
    return floors(profile, RegionLevel(authority.level)), profile.version, profile.title


def _number(errors: FieldErrors, data: Mapping[str, Any], key: str, default: float | None = None) -> float:
    raw = data.get(key, default)
    try:
        value = float(raw)  # type: ignore[arg-type]  # checked just below
    except (TypeError, ValueError):
        errors.add(key, gettext("Enter a number"))
        return math.nan
    if not math.isfinite(value):
        errors.add(key, gettext("Enter a number"))
    return value


def _factors(errors: FieldErrors, data: Mapping[str, Any], key: str, allowed: tuple[str, ...],
             high: float) -> dict[str, float]:  # fmt: skip
    raw = data.get(key) or {}
    if not isinstance(raw, Mapping):
        errors.add(key, gettext("Expected a table of values"))
        return {}
    out: dict[str, float] = {}
    for name, value in raw.items():
        if name not in allowed:
            errors.add(key, gettext("Unknown key %(name)s") % {"name": repr(name)})
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            errors.add(key, gettext("%(name)s: enter a number") % {"name": name})
            continue
        if not (math.isfinite(number) and 0 <= number <= high):
            errors.add(key, gettext("%(name)s: %(value)s is outside 0 to %(high)s") % {"name": name, "value": value, "high": f"{high:g}"})  # fmt: skip
            continue
        out[name] = number
    return out


def _codes(errors: FieldErrors, data: Mapping[str, Any], key: str, allowed: set[str]) -> list[str]:
    raw = data.get(key) or []
    if isinstance(raw, str):
        raw = [raw]
    values = [str(v) for v in raw]
    unknown = [v for v in values if v not in allowed]
    if unknown:
        errors.add(key, gettext("Unknown values: %(values)s") % {"values": "、".join(unknown)})
    return sorted(set(values) - set(unknown))


def clean_plan(principal: Any, data: Mapping[str, Any], *, day: dt.date,
               instance: SpotCheckPlan | None = None) -> dict[str, Any]:  # fmt: skip
    """The plan's values from raw input; FieldErrors naming each bad field, nothing written."""
    errors = FieldErrors()
    if instance is not None and instance.state != PlanState.DRAFT:
        raise FieldErrors(
            __all__=gettext("The plan's seed is published: the plan can no longer be changed (the draw must stay auditable)")
        )  # fmt: skip
    title = str(data.get("title") or "").strip()
    if not title:
        errors.add("title", gettext("Enter a title"))
    elif len(title) > 120:
        errors.add("title", gettext("At most 120 characters"))
    try:
        year = int(data.get("year") or 0)
    except (TypeError, ValueError):
        year = 0
    if not 2000 <= year <= day.year + 1:
        errors.add("year", gettext("Enter a year between 2000 and %(last)s") % {"last": day.year + 1})
    kind = str(data.get("kind") or PlanKind.REGULAR)
    if kind not in PlanKind.values:
        errors.add("kind", gettext("Unknown kind of plan"))
    scope = scope_path_of(principal)
    authority_code = str(data.get("authority") or "").strip()
    authority = Region.objects.filter(code=authority_code).first() if authority_code else None
    if authority is None or scope is None or not authority.path.startswith(scope):
        errors.add("authority", gettext("Choose a region within your own as the authority"))
        authority = None
    elif authority.level > RegionLevel.DISTRICT.value:
        errors.add("authority", gettext("A township or street is not a registration authority: choose a county, city, province or the nation"))  # fmt: skip
        authority = None
    regions = [str(c).strip() for c in (data.get("scope_regions") or []) if str(c).strip()]
    if authority is not None and regions:
        found = {r.code: r for r in Region.objects.filter(code__in=regions)}
        outside = [c for c in regions if c not in found or not found[c].path.startswith(authority.path)]
        if outside:
            errors.add("scope_regions", gettext("Not within the authority's region: %(codes)s") % {"codes": "、".join(outside)})  # fmt: skip
    values: dict[str, Any] = {
        "title": title, "year": year, "kind": kind, "authority": authority, "scope_regions": sorted(set(regions)),
        "scope_types": _codes(errors, data, "scope_types", {t.value for t in OrgType}),
        "scope_fields": _codes(errors, data, "scope_fields", {f.value for f in OrgField}),
        "content": _codes(errors, data, "content", set(CheckContent.values)),
        "base_rate": _number(errors, data, "base_rate"),
        "onsite_ratio": _number(errors, data, "onsite_ratio", 0.0),
        "level_factors": _factors(errors, data, "level_factors", LEVEL_CODES, 100.0),
        "field_factors": _factors(errors, data, "field_factors", tuple(f.value for f in OrgField), 100.0),
        "list_factors": _factors(errors, data, "list_factors", LISTS, 100.0),
        "fixed_field_rates": _factors(errors, data, "fixed_field_rates", tuple(f.value for f in OrgField), 1.0),
    }  # fmt: skip
    for key in ("inspectors_onsite", "inspectors_written"):
        try:
            values[key] = int(data.get(key) or (2 if key == "inspectors_onsite" else 1))
        except (TypeError, ValueError):
            errors.add(key, gettext("Enter a whole number"))
            values[key] = 0
        if values[key] < 1 or values[key] > 10:
            errors.add(key, gettext("Between 1 and 10 inspectors"))
    base, onsite = values["base_rate"], values["onsite_ratio"]
    if math.isfinite(base) and not 0 < base <= 1:
        errors.add("base_rate", gettext("The base rate must be above 0% and at most 100%"))
    if math.isfinite(onsite) and not 0 <= onsite <= 1:
        errors.add("onsite_ratio", gettext("The on-site share must be between 0% and 100%"))
    if authority is not None and not errors:
        _check_floors(errors, values, authority, day, instance)
    errors.raise_if_any()
    return values


def _check_floors(errors: FieldErrors, values: dict[str, Any], authority: Region, day: dt.date,
                  instance: SpotCheckPlan | None) -> None:  # fmt: skip
    """The legal minimums of the authority's level and locality (R4.3, R4.5; 衢州 5 % / 0.5 %)."""
    f, _version, title = plan_floors(authority, day)
    level = RegionLevel(authority.level).label()
    regular = values["kind"] == PlanKind.REGULAR
    if regular and values["base_rate"] < f.min_ratio - 1e-12:
        errors.add("base_rate", gettext("The base rate %(rate)s is below the legal minimum of %(floor)s for a %(level)s registration authority (%(basis)s; rules applied: %(title)s)") % {"rate": percent(values["base_rate"]), "floor": percent(f.min_ratio), "level": level, "basis": FLOOR_BASIS, "title": title})  # fmt: skip
    if regular and values["onsite_ratio"] < f.min_onsite_ratio - 1e-12:
        errors.add("onsite_ratio", gettext("The on-site share %(rate)s is below the minimum of %(floor)s (rules applied: %(title)s)") % {"rate": percent(values["onsite_ratio"]), "floor": percent(f.min_onsite_ratio), "title": title})  # fmt: skip
    if values["inspectors_onsite"] < f.min_inspectors_onsite:
        errors.add("inspectors_onsite", gettext("An on-site check needs at least %(n)s inspectors") % {"n": f.min_inspectors_onsite})  # fmt: skip
    rates = SamplingRates(values["base_rate"], values["level_factors"], values["field_factors"],
                          values["list_factors"], values["fixed_field_rates"])  # fmt: skip
    for part, message in rates.problems():
        errors.add(part, message)
    if regular:
        others = SpotCheckPlan.objects.filter(authority=authority, year=values["year"], kind=PlanKind.REGULAR)
        if instance is not None:
            others = others.exclude(pk=instance.pk)
        if others.count() >= f.regular_per_year:
            errors.add("kind", gettext("This authority already has %(n)s regular plan(s) for %(year)s: regular spot checks are made %(n)s time(s) a year (%(basis)s)") % {"n": f.regular_per_year, "year": values["year"], "basis": FLOOR_BASIS})  # fmt: skip
