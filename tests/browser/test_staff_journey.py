"""A staff officer signs in, finds an organization, adds a credit record and sees it in the timeline."""

from __future__ import annotations

import os
import re

import pytest

from socredit.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("SOCREDIT_SCREENSHOTS")  # a directory: save pages to look at them


def shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_officer_adds_a_record_from_search_to_timeline(live_server, page, personas, civil_affairs):
    from playwright.sync_api import expect

    org = factories.organization(name="金水区浏览器测试养老服务中心", address="郑州市金水区纬五路2号")
    factories.organization(name="金水区另一家协会")
    who = factories.person("刘洋")
    factories.role(org, who, "legal_rep")
    factories.record(org, "annual_report_on_time", document_number="")

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="工作人员登录").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("用户名").fill("staff_jinshui")
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="社会组织", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="金水区另一家协会")).to_be_visible()
    shot(page, "1-list")

    # Live filtering: typing swaps only the results table (HTMX), the URL follows the query.
    page.get_by_label("名称或代码").fill("浏览器测试")
    expect(page.get_by_role("link", name="金水区另一家协会")).to_have_count(0)
    expect(page).to_have_url(re.compile(r"q=%E6%B5%8F"))
    page.get_by_role("link", name=org.name).click()

    expect(page.get_by_role("heading", name=org.name)).to_be_visible()
    expect(page.get_by_text("郑州市金水区纬五路2号")).to_be_visible()
    shot(page, "2-organization")
    page.get_by_role("link", name="新增信用记录").click()

    page.get_by_label("信用信息事项").select_option("penalty_warning")
    page.get_by_label("发生日期").fill("2024-06-01")
    page.get_by_label("决定日期").fill("2024-06-20")
    page.get_by_label("文书号").fill("金民罚〔2024〕21号")
    page.get_by_label("发布部门").select_option(civil_affairs.code)
    page.get_by_label("内容摘要").fill("未按规定办理变更登记")
    page.get_by_label(re.compile("刘洋")).check()
    shot(page, "3-form")
    page.get_by_role("button", name="保存记录").click()

    expect(page).to_have_url(re.compile(rf"/organizations/{org.code}/#record-\d+$"))
    item = page.locator("#credit-file li", has_text="金民罚〔2024〕21号")
    expect(item).to_be_visible()
    expect(item).to_contain_text("行政处罚：警告")
    expect(item).to_contain_text("刘洋")
    expect(item).to_contain_text("有效")
    expect(page.locator(".messages")).to_contain_text("已新增信用记录")
    shot(page, "4-timeline")

    # The credit panel loads by HTMX and shows the score the live update stored for the new record.
    from socredit.apps.evaluation.models import CreditScore

    stored = CreditScore.objects.get(organization=org)
    panel = page.locator("#credit-eval")
    expect(panel.locator(".score-big")).to_have_text(str(stored.score))
    expect(panel).to_contain_text(stored.level)
    expect(page.locator("#what-if")).to_contain_text("行政处罚：警告")
    shot(page, "5-credit")

    # A 400 answer (a record that is not this organization's) is swapped in with its message: app.js
    # does what an hx-on attribute did before (hx-on needs 'unsafe-eval', which the policy refuses).
    page.locator("#what-if input[name=exclude]").first.evaluate(
        "el => { el.value = '999999999'; el.checked = true; }"
    )
    page.locator("#what-if").get_by_role("button").first.click()
    expect(page.locator("#what-if .form-errors")).to_be_visible()

    # Nothing on these pages was refused by the Content-Security-Policy (the page fixture collects
    # chromium's "Refused to …" console messages), and the policy was there to refuse it.
    assert page.csp_violations == []
    policy = page.request.get(live_server.url + f"/organizations/{org.code}/").headers[
        "content-security-policy"
    ]
    assert "script-src 'self'" in policy and "unsafe" not in policy


def test_the_policy_refuses_inline_code_and_the_check_sees_it(live_server, page):
    """The listener of the page fixture does catch a refusal: an injected inline script and style."""
    page.goto(live_server.url + "/accounts/login/")
    page.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.ran = 1";
                   document.head.appendChild(s);
                   document.body.setAttribute("style", "background: red"); }"""
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ran") is None
    assert any("inline script" in text for text in page.csp_violations), page.csp_violations
    page.csp_violations.clear()
