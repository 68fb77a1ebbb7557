"""A city administrator creates an officer of a district (账号管理); the officer signs in with the
password shown once, is made to set a password of their own, and reaches the organization list.
The administration pages fit a 390 px phone."""

from __future__ import annotations

import re

import pytest

from socredit.apps.accounts.models import User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_city_admin_creates_an_officer_who_then_signs_in(live_server, page, personas):
    from playwright.sync_api import expect

    from socredit.testing.factories import PASSWORD

    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("city_admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.locator("nav.mainnav summary", has_text="系统").click()  # the menu's group of system pages
    page.get_by_role("link", name="账号管理").click()
    expect(page.get_by_role("heading", name="账号管理")).to_be_visible()
    expect(page.get_by_role("link", name="staff_jinshui")).to_be_visible()
    page.get_by_role("link", name="新建工作人员账号").click()

    page.get_by_label("登录账号").fill("zhao_lei")
    page.get_by_label("姓名").fill("赵磊")
    page.get_by_label("行政区划").select_option(label="金水区（410105）")
    page.get_by_label("岗位").select_option("officer")
    page.get_by_role("button", name="创建账号").click()

    expect(page.get_by_role("heading", name="已创建账号 zhao_lei")).to_be_visible()
    expect(page.get_by_text("只显示这一次")).to_be_visible()
    password = page.locator("#secret-value").inner_text().strip()
    assert re.fullmatch(r"[A-Za-z0-9]{4}-[A-Za-z0-9]{4}-[A-Za-z0-9]{4}", password)
    officer = User.objects.get(username="zhao_lei")
    assert (officer.region.code, officer.staff_role, officer.must_change_password) == (
        "410105",
        "officer",
        True,
    )

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/office/accounts/")
    expect(page.get_by_role("link", name="zhao_lei")).to_be_visible()
    assert _fits(page), "the account list is wider than a 390 px phone"

    # the officer, on another browser's session, signs in with the password read out to them
    page.context.clear_cookies()
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("zhao_lei")
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/accounts/password/"))
    expect(page.get_by_text("您的密码由管理员设置")).to_be_visible()
    assert _fits(page)
    page.get_by_label("旧密码").fill(password)
    page.get_by_label(re.compile(r"^新密码\*?$")).fill("Zhao-Lei-2026!")
    page.get_by_label("新密码确认").fill("Zhao-Lei-2026!")
    page.get_by_role("button", name="修改密码").click()
    expect(page.get_by_role("heading", name="社会组织", exact=True)).to_be_visible()
    expect(page.get_by_text("密码已修改")).to_be_visible()
    expect(page.get_by_role("link", name="账号管理")).to_have_count(0)  # an officer does not administer
    officer.refresh_from_db()
    assert not officer.must_change_password and officer.last_login is not None
