"""The 404 and 403 pages on a phone (390 px): the product's top bar, the message, the ways back, no
sideways scrolling; in Chinese and, through the language switch, in English."""

from __future__ import annotations

import os

import pytest

from socredit.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("SOCREDIT_SCREENSHOTS")  # a directory: save pages to look at them
PHONE = {"width": 390, "height": 844}


def shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def _fits_the_phone(page) -> None:
    width = page.evaluate("document.scrollingElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways ({width} px)"


def _sign_in(page, base, username):
    page.goto(base + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_error_pages_on_a_phone(live_server, page, personas):
    from playwright.sync_api import expect

    page.set_viewport_size(PHONE)
    base = live_server.url

    # Not signed in: a missing page offers the sign-in and the public services.
    response = page.goto(base + "/no-such-page/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    ways = page.get_by_role("navigation", name="返回途径")
    expect(ways.get_by_role("link", name="工作人员登录")).to_be_visible()
    expect(ways.get_by_role("link", name="信用信息公示")).to_be_visible()
    _fits_the_phone(page)
    shot(page, "404-anonymous-zh")

    # The read-only post opening an officer's page: why, and the way back to its organization list.
    _sign_in(page, base, "viewer_jinshui")
    response = page.goto(base + "/cases/complaints/new/", referer=base + "/cases/")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", name="您无权使用此页面")).to_be_visible()
    expect(page.get_by_text("您的岗位只能查阅信用档案")).to_be_visible()
    expect(page.get_by_role("link", name="返回上一页")).to_be_visible()
    _fits_the_phone(page)
    shot(page, "403-viewer-zh")
    page.get_by_role("link", name="社会组织列表").click()
    expect(page.get_by_role("heading", name="社会组织", exact=True)).to_be_visible()

    # The language switch works from an error page and keeps the user there.
    page.goto(base + "/organizations/9999999/")
    expect(page.get_by_role("heading", name="页面不存在")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Page not found")).to_be_visible()
    expect(page.get_by_role("link", name="Organization list")).to_be_visible()
    _fits_the_phone(page)
    shot(page, "404-staff-en")
    page.goto(base + "/imports/")
    expect(page.get_by_role("heading", name="You may not use this page")).to_be_visible()
    _fits_the_phone(page)
    shot(page, "403-viewer-en")

    # An organization's account on a staff page: its own credit file is the way home.
    page.get_by_role("button", name="Log out").click()
    page.get_by_role("button", name="中文").click()
    account = factories.org_account(factories.organization(region_code="410105", name="金水区手机测试协会"))
    _sign_in(page, base, account.username)
    response = page.goto(base + "/organizations/")
    assert response is not None and response.status == 403
    expect(page.get_by_text("社会组织账号只能使用本组织的信用档案")).to_be_visible()
    _fits_the_phone(page)
    shot(page, "403-organization-zh")
    page.get_by_role("link", name="我的信用档案").last.click()
    expect(page).to_have_url(base + "/my/")
