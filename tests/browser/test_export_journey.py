"""An officer filters the organization list, exports it to Excel and opens the file with openpyxl:
one line per organization of the filter (the count the page shows), under the title and header
lines; the same in English, and at a phone's width the export links are on screen."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import openpyxl
import pytest

from socredit.core.types import OrgField
from socredit.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("SOCREDIT_SCREENSHOTS")  # a directory: save pages to look at them


def shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"export-{name}.png"), full_page=True)


def sign_in(page, url, username="staff_jinshui"):
    page.goto(url + "/accounts/login/?next=/organizations/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_officer_exports_the_filtered_list_to_excel(live_server, page, personas):
    from playwright.sync_api import expect

    for i in range(7):
        factories.organization("410105", name=f"金水区第{i}养老服务中心", field=OrgField.ELDER_CARE.value)
    for i in range(4):
        factories.organization("410105", name=f"金水区第{i}行业商会", field=OrgField.INDUSTRY.value)
    factories.organization(
        "410184", name="新郑市养老服务中心", field=OrgField.ELDER_CARE.value
    )  # another region

    sign_in(page, live_server.url)
    page.get_by_label("业务领域").select_option(OrgField.ELDER_CARE.value)
    expect(page.get_by_text("7 个匹配")).to_be_visible()  # the htmx table follows the filter
    shot(page, "1-filtered")
    with page.expect_download() as info:
        page.get_by_role("link", name="导出 Excel").click()
    download = info.value
    assert re.fullmatch(r"organizations-\d{4}-\d{2}-\d{2}\.xlsx", download.suggested_filename)
    body = Path(download.path()).read_bytes()
    sheet = openpyxl.load_workbook(io.BytesIO(body), read_only=True).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0].startswith("社会组织 · 数据日期 ")
    assert rows[1][0] == "名称"
    assert len(rows) - 2 == 7  # rows = the filter's total
    assert {r[3] for r in rows[2:]} == {"养老服务"}  # labels, not codes

    with page.expect_download() as info:
        page.get_by_role("link", name="导出 CSV").click()
    text = Path(info.value.path()).read_bytes().decode("utf-8-sig")
    assert len(text.strip().splitlines()) == 2 + 7


def test_export_links_at_a_phones_width_and_in_english(live_server, page, personas):
    from playwright.sync_api import expect

    factories.organization("410105", name="金水区示例协会")
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server.url)
    link = page.get_by_role("link", name="导出 Excel")
    expect(link).to_be_visible()
    box = link.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390
    shot(page, "2-phone")
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page.goto(live_server.url + "/organizations/")
    expect(page.get_by_role("link", name="Export Excel")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Export CSV").click()
    lines = Path(info.value.path()).read_bytes().decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Social organizations · data as of ") and lines[1].startswith("Name,")
