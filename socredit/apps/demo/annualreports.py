"""Demo annual work reports (年度工作报告): a few organizations of 金水区 filed last year's report —
some wait in the staff queue, one was returned with reasons, some are concluded (合格, 基本合格) —
and the demo organization account (zuzhi) has one concluded and one returned, so that the queue and
/my/annual-reports/ show something real. Filed through the services on their own days (the clock is
set back for each step), so the on-time and inspection records are written like in use.

Deterministic: the organizations are the first (by id) of 金水区 that fit.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from socredit.apps.accounts.models import User
from socredit.apps.annualreports import services
from socredit.apps.annualreports.models import AnnualReport
from socredit.apps.registry.models import Organization
from socredit.common import clock
from socredit.common.access import SystemPrincipal
from socredit.core.types import OrgStatus, OrgType

DEMO_PDF = b"%PDF-1.4\n% demo audit report\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _figures(scale: int | Decimal, *, loss: bool = False) -> dict[str, Decimal]:
    """Statements that hold together, in proportion to ``scale`` (yuan)."""
    s = Decimal(scale)
    current, fixed, investments = s * 5, s * 3, s * 2
    assets = current + fixed + investments
    liabilities = s * 2
    restricted = s * 3
    net = assets - liabilities
    income = {
        "ia_donation": s * 2,
        "ia_membership_fees": s * 3,
        "ia_service": s * 2,
        "ia_government_grants": s,
    }
    total_income = sum(income.values(), Decimal(0))
    program, management = s * 6, s * (3 if loss else 1)
    total_expenses = program + management
    return {
        "bs_cash": current - s, "bs_current_assets": current, "bs_long_term_investments": investments,
        "bs_fixed_assets": fixed, "bs_total_assets": assets, "bs_current_liabilities": liabilities,
        "bs_total_liabilities": liabilities, "bs_unrestricted_net_assets": net - restricted,
        "bs_restricted_net_assets": restricted, "bs_total_net_assets": net,
        "bs_total_liabilities_and_net_assets": assets, **income, "ia_total_income": total_income,
        "ia_program_costs": program, "ia_management_expenses": management, "ia_total_expenses": total_expenses,
        "ia_net_asset_change": total_income - total_expenses, "staff_compensation": s * 2,
    }  # fmt: skip


def _facts(org: Organization, n: int) -> dict[str, Any]:
    foundation = org.org_type == OrgType.FOUNDATION.value
    facts: dict[str, Any] = {
        "legal_representative": ["王建国", "李秀英", "张志强", "刘海燕", "陈立新"][n % 5],
        "residence": org.address or "郑州市金水区文化路 80 号", "contact_person": ["赵敏", "孙磊", "周婷"][n % 3],
        "contact_phone": f"0371-6{n:03d}8{n:03d}"[:13], "charity_organization": "yes" if foundation else "no",
        "public_fundraising": "no", "changes": "无" if n % 2 else "本年度办理住所变更登记。",
        "activities_summary": ["全年举办行业培训 8 场、交流会 3 次，服务会员单位 260 家。",
                               "开展社区养老助餐服务，全年服务老年人 1.2 万人次。",
                               "资助困难学生 135 名，开展助学回访 2 次。"][n % 3],
        "projects": "“助学圆梦”项目：资助 60 名学生；“银龄互助”项目：组织志愿服务 40 次。",
        "council_meetings": 2 + n % 2, "supervisory_meetings": 1, "election_held": "no",
        "party_organization": ["branch", "joint_branch", "liaison"][n % 3],
        "party_building_in_charter": "yes", "staff_total": 4 + n % 6, "volunteers": 20 + 5 * n,
        "council_members": 9 + n % 7, "audit_firm": "河南中原会计师事务所有限公司", "audit_opinion": "unqualified",
        "major_events": "无", "rewards_penalties": "无",
    }  # fmt: skip
    if org.org_type == OrgType.ASSOCIATION.value:
        facts.update({"general_meetings": 1, "members_individual": 80 + 10 * n, "members_unit": 40 + 7 * n})
    return facts


def _on(day: dt.date, today: dt.date) -> dt.date:
    return min(day, today)


def create_demo_annual_reports(
    *, today: dt.date, officer: str = "jinshui", org_account: str = "zuzhi"
) -> Counter[str]:
    """Last year's reports in 金水区 (submitted, returned, concluded) and the demo account's two years."""
    out: Counter[str] = Counter()
    staff = User.objects.filter(username=officer).first()
    year = today.year - 1
    if staff is None or AnnualReport.objects.exists() or today < dt.date(year + 1, 1, 10):
        return out
    account = User.objects.filter(username=org_account).select_related("organization").first()
    own = account.organization if account is not None else None
    candidates = list(
        Organization.objects.filter(region__code="410105", status=OrgStatus.NORMAL.value,
                                    registered_on__year__lt=year - 1)
        .exclude(pk=own.pk if own else None).order_by("id")[:8]
    )  # fmt: skip
    plan = ["submitted", "submitted", "submitted", "returned", "pass", "pass", "basic", "submitted"]
    for n, (org, fate) in enumerate(zip(candidates, plan, strict=False)):
        filer = staff if n == 7 else _account_for(org)
        submit_day = _on(dt.date(year + 1, 3, 3 + 3 * n), today)
        with clock.fixed(submit_day - dt.timedelta(days=5)):
            report = services.save_draft(filer, "system", org, year,
                                         content=_facts(org, n), figures=_figures(20_000 * (n + 1), loss=fate == "basic"),
                                         report_channel="paper" if n == 7 else "online")  # fmt: skip
            if org.org_type == OrgType.FOUNDATION.value:
                services.add_attachments(filer, "system", report, "audit_report",
                                         [SimpleUploadedFile("审计报告.pdf", DEMO_PDF)])  # fmt: skip
        with clock.fixed(submit_day):
            report = services.submit_report(filer, "system", report,
                                            declared_by_name=_facts(org, n)["legal_representative"],
                                            received_on=submit_day if n == 7 else None)  # fmt: skip
        out["submitted"] += 1
        with clock.fixed(_on(submit_day + dt.timedelta(days=12), today)):
            if fate == "returned":
                services.return_report(staff, "system", report, reasons="业务活动表“收入合计”与审计报告不一致，"
                                       "请核对后修改；理事会会议纪要请作为附件上传。")  # fmt: skip
                out["returned"] += 1
            elif fate in ("pass", "basic"):
                note = "" if fate == "pass" else "本年度管理费用占比偏高，理事会召开次数不足章程规定。"
                services.conclude_report(staff, "system", report, result=fate, note=note)
                out["concluded"] += 1
    if own is not None and own.registered_on.year < year - 1:
        _own_reports(account, own, staff, year, today, out)
    return out


def _account_for(org: Organization) -> Any:
    """Who files for an organization without a demo account (the demo has one organization account)."""
    return SystemPrincipal(f"{org.name}（网上报送）")


def _own_reports(
    account: Any, org: Organization, staff: Any, year: int, today: dt.date, out: Counter[str]
) -> None:
    """The demo account's report on the year before last, concluded 合格, and on last year, returned."""
    for y, fate in ((year - 1, "pass"), (year, "returned")):
        submit_day = _on(dt.date(y + 1, 4, 20), today)
        with clock.fixed(submit_day):
            report = services.save_draft(account, "system", org, y, content=_facts(org, y % 5),
                                         figures=_figures(35_000 + y % 7 * 1000))  # fmt: skip
            report = services.submit_report(account, "system", report, declared_by_name="周敏")
        with clock.fixed(_on(submit_day + dt.timedelta(days=10), today)):
            if fate == "pass":
                services.conclude_report(staff, "system", report, result="pass")
            else:
                services.return_report(staff, "system", report,
                                       reasons="“净资产变动额”与资产负债表期初期末差额不符，请核对；请补充党组织活动情况说明。")  # fmt: skip
        out[f"own_{fate}"] += 1
