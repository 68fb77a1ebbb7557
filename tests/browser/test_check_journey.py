"""A credit check as a department's officer makes it (信用核查): codes pasted on the check page for a
financial subsidy, the answer with the serious-listed organization's measures (mandatory first, each
with its basis), the printable 核查报告 downloaded as a PDF, then the feedback on what was done, and the
answer at a phone's width."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from socredit.apps.lists.models import ListProposal
from socredit.apps.lists.tests.conftest import ago, confirm
from socredit.apps.measures.models import CheckFeedback, CreditCheck
from socredit.testing import factories
from tests.browser.test_listing_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_check_from_the_staff_ui_prints_its_report_and_takes_feedback(
    live_server, page, personas, civil_affairs
):
    from playwright.sync_api import expect

    listed = factories.organization("410105", name="金水区核查旅程失信协会")
    factories.record(listed, "penalty_fine", amount="60000", occurred_on=ago(10))
    confirm(
        personas["staff_jinshui"], ListProposal.objects.get(organization=listed, status="proposed"), ago(5)
    )
    clean = factories.organization("410105", name="金水区核查旅程清白协会")

    sign_in(page, live_server.url, "staff_jinshui")
    page.locator("nav.mainnav summary", has_text="信用管理").click()  # the menu's group of credit pages
    page.get_by_role("link", name="信用核查").first.click()
    page.get_by_role("link", name="新建信用核查").click()
    page.get_by_label("业务事项").select_option(label="财政资金补助")
    page.get_by_label("社会组织统一社会信用代码").fill(f"{listed.code}\n{clean.code}\n不是代码")
    page.get_by_role("button", name="核查").click()

    check = CreditCheck.objects.get()
    expect(page).to_have_url(re.compile(rf"/checks/{check.number}/$"))
    expect(page.get_by_role("heading", name=re.compile(check.number))).to_be_visible()
    row = page.locator("tr", has_text=listed.name)
    expect(row.get_by_text("限制申请财政性资金项目", exact=False)).to_be_visible()
    expect(row.get_by_text("《社会组织信用信息管理办法》（民政部令第60号）").first).to_be_visible()
    expect(page.locator("tr", has_text="不是代码").get_by_text("未能核查")).to_be_visible()

    # the printable report, then its PDF
    page.get_by_role("link", name="核查报告").click()
    expect(page.get_by_role("heading", name="信用核查报告")).to_be_visible()
    expect(page.get_by_text(check.digest, exact=False)).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="下载PDF").click()
    pdf = Path(info.value.path()).read_bytes()
    text = (
        "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
        .replace(" ", "")
        .replace("\n", "")
    )
    assert check.number in text and listed.name in text and "不给予资金资助" in text

    # feedback: the mandatory measure carried out, the recommended one not, with the reason
    page.goto(f"{live_server.url}/checks/{check.number}/")
    page.get_by_role("link", name="反馈").first.click()
    page.locator("select[name='outcome-0:P-SERIOUS-NO-PUBLIC-FUNDS']").select_option("applied")
    page.locator("select[name='outcome-0:P-SERIOUS-NO-FUNDING']").select_option("not_applied")
    page.locator("input[name='reason-0:P-SERIOUS-NO-FUNDING']").fill("资助已于核查前拨付")
    page.get_by_role("button", name="提交反馈").click()
    expect(page.get_by_text("已反馈2项措施。")).to_be_visible()
    assert CheckFeedback.objects.filter(check_row=check).count() == 2

    # the answer at a phone's width: no sideways scrolling
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(f"{live_server.url}/checks/{check.number}/")
    expect(page.get_by_role("heading", name=re.compile(check.number))).to_be_visible()
    wide = page.evaluate(
        """() => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 380).map(e => e.tagName + '.' + e.className + ':' + (e.textContent||'').slice(0,40)).slice(0,12)"""
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= 375 + 1, wide
