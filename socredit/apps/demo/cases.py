"""Demo cases: an organization account with an open objection, a complaint received today, and the
office's past weeks (`demo.office`: decided listings, the red list, open and closed cases of every
kind, a forwarded objection already overdue), so that the lists, the inbox, the countdowns and the
escalation show something real.

Deterministic: the organizations are the first (by id) that fit, the dates are counted back from the
demo's "today".
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from socredit.apps.accounts.models import User
from socredit.apps.accounts.services import create_organization_account
from socredit.apps.cases.services import common, complaints, objections
from socredit.apps.demo.office import create_demo_office
from socredit.apps.records.models import CreditRecord
from socredit.common.access import SystemPrincipal
from socredit.core.types import DepartmentKind, Polarity, RecordStatus

ORG_ACCOUNT = "zuzhi"
"""The demo organization account (组织账号), printed by demo-logins."""


def _negative(region_code: str, *, own: bool) -> CreditRecord | None:
    qs = CreditRecord.objects.filter(
        organization__region__code=region_code, status=RecordStatus.EFFECTIVE.value, is_current=True,
        kind__polarity=Polarity.NEGATIVE.value, under_objection=False,
    ).select_related("organization", "department", "kind")  # fmt: skip
    qs = (
        qs.filter(department__kind=DepartmentKind.CIVIL_AFFAIRS.value)
        if own
        else qs.exclude(department__kind=DepartmentKind.CIVIL_AFFAIRS.value)
    )
    return qs.order_by("organization_id", "id").first()


def create_demo_cases(*, password: str, today: dt.date, staff_username: str = "jinshui",
                      county_username: str = "xinzheng") -> dict[str, Any]:  # fmt: skip
    """An organization account (zuzhi) with an open objection, today's complaint, and the office's past weeks."""
    out: dict[str, Any] = {}
    own = _negative("410105", own=True)
    if own is not None and not User.objects.filter(username=ORG_ACCOUNT).exists():
        account = create_organization_account(actor=SystemPrincipal("demo"), channel="system",
                                              organization=own.organization, username=ORG_ACCOUNT,
                                              password=password, full_name="周敏")  # fmt: skip
        case = objections.file_objection(account, channel="organization", organization=own.organization,
                                         records=[own], reasons="该记录所载事实与本单位实际情况不符，相关材料已于决定前补正，请予核查更正。")  # fmt: skip
        out["objection"] = case.number
        out["org_account"] = ORG_ACCOUNT
    # the office's past weeks (listings, the red list, cases of every kind, registration changes),
    # each step on its own day; the overdue forwarded objection in 新郑 is among them
    out["office"] = dict(create_demo_office(today=today, officer=staff_username, county=county_username))
    org = CreditRecord.objects.filter(organization__region__code="410105").order_by("organization_id").first()
    if org is not None:
        case, _ = complaints.submit_complaint(
            None, "public", organization_code=org.organization.code, subject_name=org.organization.name,
            content="该单位在开展培训活动时以会员费名义强制收取费用，未开具票据，多名学员反映。",
            reporter={"anonymous": False, "name": "张敏", "phone": "13800000000"}, received_on=today,
        )  # fmt: skip
        out["complaint"] = case.number
    out["escalated"] = common.escalate_overdue(SystemPrincipal("demo"), today)
    return out
