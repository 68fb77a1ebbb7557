"""Demo dormant organizations (僵尸型社会组织): four 金水区 organizations registered years ago that
have filed nothing and done nothing since (the generated city has none: every generated organization
has recent records), one of them not reachable at its address; the identification run opens their
cases, and the officer has taken them to different steps — one notified, one proposed for listing,
one closed because it resumed its activities, one waiting for its notice.

Everything goes through the services with the clock set to each step's day, like the rest of the
demo office (``demo.office``). Deterministic: fixed names and codes.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

from socredit.apps.demo.spotchecks import DISTRICT, _step
from socredit.apps.dormancy import services
from socredit.apps.dormancy.models import DormancyCase
from socredit.apps.registry.models import Department, Organization
from socredit.apps.registry.services import create_organization
from socredit.core.codes import make_social_org_code
from socredit.core.types import DepartmentKind, OrgType

DORMANT = (
    ("郑州市金水区书画爱好者联谊会", "金水区纬五路12号"),
    ("郑州市金水区民俗文化研究会", "金水区黄河路3号院"),
    ("郑州市金水区社区养老服务促进会", "金水区东风路9号"),
    ("郑州市金水区青少年围棋协会", "金水区农业路66号"),
)


def demo_codes() -> list[str]:
    """The codes of the demo's dormant organizations (not the generator's: it makes none)."""
    return [make_social_org_code(DISTRICT, OrgType.ASSOCIATION, 990_001 + i) for i in range(len(DORMANT))]


def demo_dormancy(officer: Any, today: dt.date, out: Counter[str]) -> None:
    if DormancyCase.objects.exists():
        return
    orgs = []
    for i, ((name, address), code) in enumerate(zip(DORMANT, demo_codes(), strict=True)):
        org = Organization.objects.filter(code=code).first() or create_organization(
            actor=officer, channel="system",
            data={"code": code, "name": name, "region": DISTRICT, "registered_on": dt.date(2016 + i % 2, 4, 8),
                  "address": address, "registration_authority": "郑州市金水区民政局"},
        )  # fmt: skip
        orgs.append(org)
    dept = Department.objects.filter(region__code=DISTRICT, kind=DepartmentKind.CIVIL_AFFAIRS.value).first()
    if dept is not None:
        from socredit.apps.records.services import create_record

        _step(out, "dormancy_unreachable", today - dt.timedelta(days=120), lambda: create_record(
            actor=officer, channel="system", data={
                "organization": orgs[3].code, "kind": "address_unreachable", "department": dept.code,
                "occurred_on": today - dt.timedelta(days=120), "external_id": "demo-dormancy-unreachable",
                "summary": "两次专用信函均无人签收，通过登记的住所无法取得联系"}))  # fmt: skip
    found = today - dt.timedelta(days=75)
    result = _step(
        out,
        "dormancy_identified",
        found,
        lambda: services.identify(actor=officer, channel="form", as_of=found),
    )
    if result is None:
        return
    cases = {c.organization_id: c for c in DormancyCase.objects.filter(organization__in=orgs)}
    notice_day = found + dt.timedelta(days=10)
    for i, org in enumerate(orgs[:3]):
        if org.pk not in cases:
            continue
        data = {
            "served_on": notice_day,
            "method": "by_post",
            "document_number": f"金民督〔{notice_day.year}〕{i + 1}号",
        }
        _step(out, "dormancy_notified", notice_day, lambda c=cases[org.pk], d=data: services.notify(
            actor=officer, channel="form", case=c, data=d))  # fmt: skip
    later = notice_day + dt.timedelta(days=45)
    if orgs[1].pk in cases:
        _step(out, "dormancy_proposed", later, lambda: services.propose_listing(
            actor=officer, channel="form", case=cases[orgs[1].pk], data={"on": later}))  # fmt: skip
    if orgs[2].pk in cases:
        _step(out, "dormancy_resumed", later, lambda: services.resume(
            actor=officer, channel="form", case=cases[orgs[2].pk],
            data={"on": later, "note": "已补报两个年度的工作报告，恢复开展社区助老活动"}))  # fmt: skip
