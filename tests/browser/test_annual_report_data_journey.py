"""A member of the public opens an organization's profile and reads the public part of its concluded
annual work report (and not the staff pay the rules keep private), at a desktop's and a phone's
width; a staff member exports a year's figures of the region as Excel and opens it."""

from __future__ import annotations

import io
import os

import openpyxl
import pytest

from socredit.apps.annualreports.tests.figures_helpers import filed_report
from socredit.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("SOCREDIT_SCREENSHOTS")


def shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"annual-data-{name}.png"), full_page=True)


def no_sideways_scroll(page):
    """The page's own content fits the width (the staff navigation bar scrolls on its own)."""
    assert page.evaluate(
        "(() => { const m = document.querySelector('main'); return m.scrollWidth <= m.clientWidth + 1; })()"
    )


@pytest.fixture
def reported(personas, civil_affairs):
    org = factories.organization("410105", name="金水区年报公开浏览器测试协会")
    filed_report(org, 2024, content={"activities_summary": "全年开展社区助老服务十二次，服务老人三百余人次。",
                                     "contact_phone": "13800000000", "charity_organization": False})  # fmt: skip
    return org


def test_public_profile_shows_the_public_part_of_the_report(live_server, page, reported):
    from playwright.sync_api import expect

    for width, name in ((1280, "desktop"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/o/{reported.code}/")
        section = page.locator("section", has=page.get_by_role("heading", name="年度工作报告", exact=True))
        expect(section.get_by_text("2024年度工作报告")).to_be_visible()
        expect(section.get_by_text("全年开展社区助老服务十二次", exact=False)).to_be_visible()
        expect(section.get_by_role("cell", name="资产总计")).to_be_visible()
        content = page.content()
        assert "123456.78" not in content and "13800000000" not in content
        no_sideways_scroll(page)
        shot(page, f"profile-{name}")


def test_staff_exports_the_figures_as_excel(live_server, page, reported, login, personas):
    from playwright.sync_api import expect

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("city_admin")
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    for width, name in ((1280, "desktop"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/annual-reports/")
        page.get_by_role("link", name="年度工作报告财务数据：按年度导出 CSV 或 Excel").click()
        page.get_by_label("报告年度").fill("2024")
        page.get_by_role("button", name="筛选").click()
        expect(page.get_by_role("heading", name="年度工作报告财务数据")).to_be_visible()
        expect(page.get_by_text("1 份报告")).to_be_visible()
        shot(page, f"figures-{name}")
        no_sideways_scroll(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="导出 Excel").click()
    with open(download.value.path(), "rb") as f:
        book = openpyxl.load_workbook(io.BytesIO(f.read()), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[2][1] == reported.name and "资产总计（元）" in rows[1]
