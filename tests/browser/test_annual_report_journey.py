"""An organization fills in and submits its annual work report online (a balance-sheet error first,
nothing typed lost); staff of its region return it with a reason; the organization corrects and
resubmits; staff conclude the annual inspection 合格, which lands in its credit file."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from socredit.apps.annualreports.models import AnnualReport
from socredit.apps.annualreports.tests.conftest import facts, figures
from socredit.apps.records.models import CreditRecord
from socredit.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, username):
    from playwright.sync_api import expect

    page.goto(base + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def fill_report(page, **over):
    for name, value in {**facts(), **figures(), **over}.items():
        box = page.locator(f'[name="{name}"]')
        kind = box.first.get_attribute("type")
        if kind == "radio":
            page.locator(f'input[name="{name}"][value="{value}"]').check()
        elif box.first.evaluate("e => e.tagName") == "SELECT":
            box.select_option(str(value))
        else:
            box.fill(str(value))


def test_file_return_resubmit_conclude(live_server, page, personas, civil_affairs, today_is):
    from playwright.sync_api import expect

    today_is(dt.date(2026, 4, 15))
    org = factories.organization(name="金水区年报旅程行业协会")
    account = factories.org_account(org, "nianbao")

    sign_in(page, live_server.url, account.username)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="年度工作报告").click()
    page.get_by_role("link", name="填报2025年度报告").click()
    fill_report(page, bs_fixed_assets="401000", bs_total_assets="1001000")
    page.get_by_role("button", name="保存并预览").click()
    expect(page.get_by_text("资产负债表不平衡").first).to_be_visible()
    expect(page.locator('[name="bs_total_assets"]')).to_have_value("1001000")  # nothing typed is lost
    assert not AnnualReport.objects.exists()
    page.locator('[name="bs_fixed_assets"]').fill("400000")
    page.locator('[name="bs_total_assets"]').fill("1000000")
    page.get_by_role("button", name="保存并预览").click()
    public = page.locator("section", has=page.get_by_role("heading", name="将公开的内容"))
    expect(public.get_by_text("王立新")).to_be_visible()
    expect(public.get_by_text("0371-66660000")).to_have_count(0)
    page.get_by_label(re.compile("签署人")).fill("王立新")
    page.get_by_label("本组织已阅读上述声明并确认。").check()
    page.get_by_role("button", name="签署并提交").click()
    expect(page.get_by_text("报告已提交登记管理机关。")).to_be_visible()
    expect(page.get_by_text("已提交，待审核").first).to_be_visible()
    page.get_by_role("button", name="退出").click()

    sign_in(page, live_server.url, "staff_jinshui")
    page.goto(live_server.url + "/annual-reports/?state=submitted")
    page.get_by_role("link", name=org.name).click()
    page.get_by_text("退回修改", exact=True).click()
    page.get_by_label("需要修改的内容").fill("请在“本年度业务活动情况”中补充培训场次和参加人数。")
    page.get_by_role("button", name="退回", exact=True).click()
    expect(page.get_by_text("报告已退回组织修改。")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    sign_in(page, live_server.url, account.username)
    page.goto(live_server.url + "/my/annual-reports/2025/")
    expect(page.get_by_text("请在“本年度业务活动情况”中补充培训场次和参加人数。").first).to_be_visible()
    page.get_by_role("link", name="修改报告").click()
    page.get_by_label("本年度业务活动情况").fill("举办行业培训 6 场，参加 420 人次；服务会员 300 余家。")
    page.get_by_role("button", name="保存并预览").click()
    page.get_by_label(re.compile("签署人")).fill("王立新")
    page.get_by_label("本组织已阅读上述声明并确认。").check()
    page.get_by_role("button", name="签署并提交").click()
    expect(page.get_by_text("报告已提交登记管理机关。")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    sign_in(page, live_server.url, "staff_jinshui")
    page.goto(live_server.url + "/annual-reports/")
    page.get_by_role("link", name=org.name).click()
    page.get_by_label("合格", exact=True).check()
    page.get_by_role("button", name="办结").click()
    expect(page.get_by_text("年检已办结并记入信用档案。")).to_be_visible()
    expect(page.get_by_text("已办结 · 合格").first).to_be_visible()

    report = AnnualReport.objects.get(organization=org)
    assert report.state == "concluded" and report.result == "pass"
    assert "420 人次" in report.content["activities_summary"]
    kinds = sorted(CreditRecord.objects.filter(organization=org).values_list("kind__code", flat=True))
    assert kinds == ["annual_inspection_pass", "annual_report_on_time"]
