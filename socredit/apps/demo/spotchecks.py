"""Demo streets and spot checks: the city's 乡镇/街道 with each organization's street, an inspector
pool for 金水区, last year's regular spot check published and this year's in progress.

Streets: an organization whose address names a road that gives a street its name (文化路 → 文化路
街道) gets that street; the others a street of their district picked from their code (stable from
one load to the next). The spot checks go through the services with the clock set to each step's
day, like the rest of the demo office (``demo.office``). This year's draw takes the first seed of a
few (the date, then the date with a suffix) under which the officer's own account is among the
inspectors, so that its persona finds checks of its own however small the demo city (a city of a few
hundred organizations draws only a check or two in 金水区).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import math
from collections import Counter
from typing import Any

from django.db import transaction

from socredit.apps.registry.models import Organization, Region
from socredit.apps.registry.services.streets import load_streets
from socredit.apps.spotchecks import services
from socredit.apps.spotchecks.models import Assignment, CheckResult, Inspector, SpotCheck, SpotCheckPlan
from socredit.common import clock
from socredit.common.errors import FieldErrors
from socredit.core.regions import street_regions
from socredit.core.types import RegionLevel

INSPECTORS = ("周立新", "吴晓燕", "郑海涛", "孙丽华", "冯建军", "陈思远", "褚文博", "卫红梅")
DISTRICT = "410105"
SEED_TRIES = 64
"""Seeds tried for this year's draw before the last one is kept whatever it assigned: a check that needs
one inspector of eight finds the officer under one seed in eight, so 64 leave a chance in about
5,000 of none; a demo of the usual size assigns the officer under the first."""


def _pick(code: str, n: int) -> int:
    return int.from_bytes(hashlib.sha256(code.encode()).digest()[:4], "big") % n


def assign_streets(city: str) -> int:
    """Load the city's streets and give every organization of the city the street of its address."""
    load_streets(street_regions(under=city[:4]), channel="system")
    streets: dict[int, list[Region]] = {}
    for s in Region.objects.filter(level=RegionLevel.STREET.value, code__startswith=city[:4]).order_by(
        "code"
    ):
        streets.setdefault(s.parent_id or 0, []).append(s)
    changed = []
    for org in Organization.objects.filter(region_id__in=list(streets)).only(
        "id", "code", "address", "region_id"
    ):
        options = streets[org.region_id]
        named = [s for s in options if s.name.endswith("街道") and s.name[:-2] and s.name[:-2] in org.address]
        org.street = named[0] if named else options[_pick(org.code, len(options))]
        changed.append(org)
    Organization.objects.bulk_update(changed, ["street"], batch_size=2000)
    return len(changed)


def _step(out: Counter[str], key: str, day: dt.date, fn: Any) -> Any:
    try:
        with clock.fixed(day):
            result = fn()
    except FieldErrors:
        out[f"{key}_skipped"] += 1
        return None
    out[key] += 1
    return result


def _results(officer: Any, plan: SpotCheckPlan, start: dt.date, share: float, out: Counter[str]) -> None:
    checks = list(SpotCheck.objects.filter(plan=plan).select_related("organization").order_by("order"))
    for i, check in enumerate(checks[: math.ceil(len(checks) * share)]):
        day = start + dt.timedelta(days=i % 20)
        kind = i % 10
        data: dict[str, Any] = {"result": CheckResult.NO_PROBLEM, "checked_on": day}
        if kind in (3, 7):
            data = {"result": CheckResult.PROBLEMS, "checked_on": day, "findings": "未按规定公开年度工作报告；财务票据管理不规范",
                    "rectify_by": day + dt.timedelta(days=30)}  # fmt: skip
        elif kind == 5 and i < 20:
            data = {"result": CheckResult.UNREACHABLE, "checked_on": day}
        _step(out, "spot_check_results", day, lambda d=data, c=check: services.record_result(
            actor=officer, channel="form", plan=plan, organization=c.organization, data=d))  # fmt: skip
        if data["result"] == CheckResult.UNREACHABLE:
            for n in (0, 20):
                mailed = day + dt.timedelta(days=1 + n)
                _step(out, "spot_check_letters", mailed, lambda m=mailed, c=check: services.add_letter(
                    actor=officer, channel="form", check=c, mailed_on=m, unsigned=True))  # fmt: skip
        if data["result"] == CheckResult.PROBLEMS and i % 20 == 3:
            done = day + dt.timedelta(days=20)
            _step(out, "spot_check_rectified", done, lambda d=done, c=check: services.mark_rectified(
                actor=officer, channel="form", check=c, on=d))  # fmt: skip


class _Redraw(Exception):
    """The officer drew no check under this seed: roll the draw back and try the next."""


def _draw(officer: Any, plan: SpotCheckPlan, day: dt.date, base: str, tries: int, out: Counter[str]) -> None:
    """Announce the seed, draw and assign inspectors; with ``tries`` > 1, the first seed under which
    the officer's account is assigned a check (the last tried if none)."""
    for attempt in range(tries):
        seed = base if attempt == 0 else f"{base}-{attempt}"
        done: Counter[str] = Counter()
        try:
            with transaction.atomic():
                _step(done, "spot_check_draws", day, lambda s=seed: (
                    services.announce_plan(actor=officer, channel="form", plan=plan, seed=s),
                    services.draw_plan(actor=officer, channel="form", plan=plan),
                    services.assign_plan(actor=officer, channel="form", plan=plan)))  # fmt: skip
                mine = Assignment.objects.filter(check_item__plan=plan, inspector__user=officer, active=True)
                if done["spot_check_draws"] and attempt < tries - 1 and not mine.exists():
                    raise _Redraw
        except _Redraw:
            continue
        out.update(done)
        return


def demo_spot_checks(officer: Any, today: dt.date, out: Counter[str]) -> None:
    """金水区's inspector pool (one of them the officer's own account), last year's plan published,
    this year's drawn with inspectors and about half of its results recorded."""
    district = Region.objects.get(code=DISTRICT)
    if Inspector.objects.filter(region=district).exists():
        return
    for i, name in enumerate(INSPECTORS):
        _step(out, "inspectors", today - dt.timedelta(days=400), lambda n=name, k=i: services.add_inspector(
            actor=officer, channel="form", name=n, badge_number=f"豫金民执{2019000 + k}", region=district,
            user=officer if k == 0 else None))  # fmt: skip
    for year, start, share in ((today.year - 1, dt.date(today.year - 1, 3, 1), 1.0),
                               (today.year, today - dt.timedelta(days=60), 0.5)):  # fmt: skip
        data = {"title": f"{year}年度社会组织“双随机、一公开”定期抽查", "year": year, "kind": "regular",
                "authority": DISTRICT, "base_rate": 0.05, "onsite_ratio": 0.01, "inspectors_onsite": 2,
                "inspectors_written": 1, "level_factors": {"A": 0.5, "C": 2, "D": 4},
                "list_factors": {"abnormal": 2, "serious": 4}, "field_factors": {"education": 1.5, "elder_care": 1.5},
                "fixed_field_rates": {"charity": 1.0}, "content": ["annual_report", "disclosure", "governance", "finance", "activities"]}  # fmt: skip
        plan = _step(
            out,
            "spot_check_plans",
            start,
            lambda d=data: services.create_plan(actor=officer, channel="form", data=d),
        )
        if plan is None:
            continue
        _draw(officer, plan, start + dt.timedelta(days=3), f"{year}{start.month:02d}{start.day:02d}-金水",
              SEED_TRIES if share < 1.0 else 1, out)  # fmt: skip
        plan.refresh_from_db()
        _results(officer, plan, start + dt.timedelta(days=10), share, out)
        if share == 1.0:
            _step(out, "spot_check_published", start + dt.timedelta(days=60),
                  lambda p=plan: services.publish_results(actor=officer, channel="form", plan=p))  # fmt: skip
    _step(out, "spot_check_overdue", today, lambda: services.record_overdue(actor=officer, channel="system"))
