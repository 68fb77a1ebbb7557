"""A member of the public, not signed in: from the home page a two-character search finds an
organization, its public credit profile shows what is public (and not what is not), and 举报 from the
profile opens the complaint form with the organization filled in. Then the published lists: filtered,
downloaded as Excel and opened with openpyxl; and the same pages at a phone's width."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import openpyxl
import pytest

from socredit.apps.portal.tests.conftest import SECRET
from socredit.apps.portal.tests.conftest import world as crafted  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("SOCREDIT_SCREENSHOTS")


def shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"portal-{name}.png"), full_page=True)


def test_search_profile_and_report(live_server, page, crafted):  # noqa: F811
    from playwright.sync_api import expect

    org = crafted["org"]
    page.goto(live_server.url + "/")
    expect(page.get_by_role("heading", name="社会组织信用信息公示")).to_be_visible()
    expect(page.get_by_role("link", name="工作人员登录")).to_be_visible()
    page.get_by_label("名称或统一社会信用代码").fill("养老")
    page.get_by_role("button", name="查询").click()
    expect(page.get_by_text("找到 1 个社会组织")).to_be_visible()
    shot(page, "1-search")
    page.get_by_role("link", name=org.name).click()

    expect(page.get_by_role("heading", name=org.name)).to_be_visible()
    expect(page.get_by_text("金民罚〔2026〕1号", exact=True)).to_be_visible()
    expect(page.get_by_text("异议中").first).to_be_visible()
    body = page.content()
    assert crafted["internal"].document_number not in body and SECRET not in body
    shot(page, "2-profile")

    page.get_by_role("link", name="举报该组织").first.click()
    expect(page).to_have_url(re.compile(r"/public/complaints/new/\?org="))
    expect(page.get_by_label("统一社会信用代码")).to_have_value(org.code)
    expect(page.get_by_label("被举报组织")).to_have_value(org.name)
    shot(page, "3-report")


def test_lists_page_and_its_excel_download(live_server, page, crafted):  # noqa: F811
    from playwright.sync_api import expect

    page.goto(live_server.url + "/")
    page.get_by_role("link", name="活动异常名录").click()
    expect(page.get_by_role("heading", name="活动异常名录")).to_be_visible()
    expect(page.get_by_text("金民异〔2026〕1号", exact=True)).to_be_visible()
    page.get_by_label("状态").select_option(label="全部")
    page.get_by_role("button", name="筛选").click()
    expect(page.get_by_text("金民异〔2023〕2号", exact=True)).to_be_visible()
    shot(page, "4-list")
    with page.expect_download() as info:
        page.get_by_role("link", name="导出 Excel").click()
    download = info.value
    assert download.suggested_filename.endswith(".xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.path()).read_bytes())).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("活动异常名录")
    assert {r[7] for r in rows[2:]} == {"金民异〔2026〕1号", "金民异〔2023〕2号"}  # the page's filter
    removed = next(r for r in rows[2:] if r[7] == "金民异〔2023〕2号")
    assert str(removed[8]).startswith("2023-09-01") and removed[4] and removed[5].startswith("《")


def test_portal_at_a_phones_width_in_english(live_server, page, crafted):  # noqa: F811
    from playwright.sync_api import expect

    page.set_viewport_size({"width": 390, "height": 844})
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    for url in ("/", "/search/?q=养老", f"/o/{crafted['org'].code}/", "/public/lists/abnormal/?status=all"):
        page.goto(live_server.url + url)
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
    expect(page.get_by_role("heading", name="List of organizations with abnormal activities")).to_be_visible()
    shot(page, "5-phone-en")
