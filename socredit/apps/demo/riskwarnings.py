"""Demo risk warnings: the daily warning run three weeks ago and today (the older ones not handled
in time go one level up), a street visit reported for an organization of 经八路街道, and a few
warnings acknowledged, taken into handling and closed by the 金水区 officer — so that the inbox of
city_admin, jinshui and jingbalu is not empty and shows every state.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from socredit.apps.accounts.models import User
from socredit.apps.registry.models import Organization
from socredit.apps.riskwarnings import services
from socredit.apps.riskwarnings.models import RiskWarning
from socredit.apps.riskwarnings.run import run_daily
from socredit.common import clock
from socredit.common.access import SystemPrincipal
from socredit.common.errors import FieldErrors

STREET = "410105001"  # 经八路街道, the street of the demo account jingbalu
VISITS = ("走访发现该组织登记住所已改作他用，工作人员称正在办理住所变更。", "社区反映该组织近期频繁以“养老体验”名义组织老人购买保健品，需核实。")  # fmt: skip


def create_demo_warnings(*, today: dt.date, officer: str = "jinshui") -> Counter[str]:
    """The demo's warnings (nothing when there are some already, or without the officer's account)."""
    out: Counter[str] = Counter()
    staff = User.objects.filter(username=officer).first()
    if staff is None or RiskWarning.objects.exists():
        return out
    system = SystemPrincipal("demo")
    earlier = today - dt.timedelta(days=21)
    with clock.fixed(earlier):
        out["raised_earlier"] = run_daily(system, as_of=earlier).raised
    orgs = list(Organization.objects.filter(street__code=STREET, status="normal").order_by("pk")[:2])
    for org, reason in zip(orgs, VISITS, strict=False):
        with clock.fixed(today - dt.timedelta(days=3)):
            try:
                services.self_report(
                    actor=staff, channel="form", code=org.code, rule_code="street-visit", reason=reason
                )
                out["visits"] += 1
            except FieldErrors:
                out["visits_skipped"] += 1
    mine = list(
        RiskWarning.objects.filter(organization__region__code="410105", self_reported=False).order_by("pk")[
            :6
        ]
    )
    steps = [
        (services.acknowledge, ""),
        (services.take_into_handling, "已电话联系负责人，约定下周上门核实。"),
        (services.close, "经核实，该组织已于近日补报年度工作报告，风险已消除。"),
    ]
    with clock.fixed(today - dt.timedelta(days=14)):
        for warning, (step, note) in zip(mine, steps * 2, strict=False):
            try:
                step(actor=staff, channel="form", warning=warning, note=note)
                out[step.__name__] += 1
            except FieldErrors:
                out["steps_skipped"] += 1
    with clock.fixed(today):
        result = run_daily(system, as_of=today)
    out.update({"raised": result.raised, "cleared": result.cleared, "escalated": result.escalated})
    out["open"] = RiskWarning.objects.filter(state__in=("open", "acknowledged", "handled")).count()
    return out
