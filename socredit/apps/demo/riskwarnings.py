"""Demo risk warnings: the daily warning run three weeks ago and today (the older ones not handled
in time go one level up), a street visit reported for an organization of 经八路街道, and a few
warnings acknowledged, taken into handling and closed by the 金水区 officer — so that the inbox of
city_admin, jinshui and jingbalu is not empty and shows every state. A few transactions reported by
the city's finance bureau (资金往来: a large payment, related-party payments, money from abroad)
raise the amount warnings from that source too.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from socredit.apps.accounts.models import User
from socredit.apps.registry.models import Department, Organization
from socredit.apps.riskwarnings import services
from socredit.apps.riskwarnings.models import RiskWarning
from socredit.apps.riskwarnings.run import run_daily
from socredit.apps.riskwarnings.transactions import record_transactions
from socredit.common import clock
from socredit.common.access import SystemPrincipal
from socredit.common.errors import FieldErrors
from socredit.core.types import DepartmentKind

STREET = "410105001"  # 经八路街道, the street of the demo account jingbalu
VISITS = ("走访发现该组织登记住所已改作他用，工作人员称正在办理住所变更。", "社区反映该组织近期频繁以“养老体验”名义组织老人购买保健品，需核实。")  # fmt: skip


TRANSACTIONS = (
    # (days ago, amount, direction, counterparty, related party, overseas, purpose)
    (40, "6800000.00", "out", "河南中原建工集团有限公司", False, False, "养老服务综合楼改造工程款"),
    (
        75,
        "650000.00",
        "out",
        "郑州仁和康养物业服务有限公司",
        True,
        False,
        "物业及餐饮外包服务费（理事长亲属控股）",
    ),
    (20, "580000.00", "out", "郑州仁和康养物业服务有限公司", True, False, "设备采购款（理事长亲属控股）"),
    (55, "350000.00", "in", "香港仁爱慈善基金会", False, True, "境外捐赠：助学项目"),
    (12, "86000.00", "out", "郑州市金水区某某文化传播有限公司", False, False, "年度公益活动宣传费"),
)
"""Which organization gets which: the first of 金水区's normal organizations the large payment and the
small one, the second the related-party payments, the third the money from abroad."""


def _transactions(today: dt.date, system: SystemPrincipal) -> int:
    finance = Department.objects.filter(region__code="410100", kind=DepartmentKind.FINANCE.value).first()
    orgs = list(Organization.objects.filter(region__code="410105", status="normal").order_by("pk")[:3])
    if finance is None or len(orgs) < 3:
        return 0
    owner = [orgs[0], orgs[1], orgs[1], orgs[2], orgs[0]]
    items = [
        {"organization": org.code, "reference": f"CZ-{today.year}-{i + 1:05d}",
         "occurred_on": today - dt.timedelta(days=ago), "amount": amount, "direction": direction,
         "counterparty": party, "related_party": related, "overseas": abroad, "purpose": purpose}
        for i, (org, (ago, amount, direction, party, related, abroad, purpose)) in enumerate(zip(owner, TRANSACTIONS, strict=True))
    ]  # fmt: skip
    with clock.fixed(today):
        return len(record_transactions(actor=system, channel="system", items=items, fixed_department=finance,
                                       batch="演示数据").written)  # fmt: skip


def create_demo_warnings(*, today: dt.date, officer: str = "jinshui") -> Counter[str]:
    """The demo's warnings (nothing when there are some already, or without the officer's account)."""
    out: Counter[str] = Counter()
    staff = User.objects.filter(username=officer).first()
    if staff is None or RiskWarning.objects.exists():
        return out
    system = SystemPrincipal("demo")
    out["transactions"] = _transactions(today, system)
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
