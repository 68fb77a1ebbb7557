"""An administrator on a phone shows one person's whole ID number (HTMX swaps just that number, under
the Content-Security-Policy) and finds the read on the 敏感信息查阅记录 page."""

from __future__ import annotations

import pytest

from socredit.apps.audit.models import AuditEvent
from socredit.apps.audit.services import ID_NUMBER_READ
from socredit.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_shows_one_number_and_reviews_the_read(live_server, page, personas):
    from playwright.sync_api import expect

    org = factories.organization(name="金水区查阅浏览器测试协会")
    who = factories.person("刘洋")
    factories.role(org, who, "legal_rep")
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("city_admin")
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.goto(live_server.url + f"/organizations/{org.code}/")
    url = page.url
    cell = page.locator(".id-number").first
    expect(cell).to_contain_text(who.masked_id)
    assert who.id_number not in page.content()
    cell.get_by_role("button", name="显示完整号码").click()
    expect(page.locator(".id-number").first).to_contain_text(who.id_number)
    assert page.url == url  # swapped in place, not a new page
    expect(page.get_by_role("button", name="显示完整号码")).to_have_count(0)
    assert AuditEvent.objects.filter(action=ID_NUMBER_READ, target_id=str(who.pk)).count() == 1

    page.goto(live_server.url + "/audit/reads/")
    expect(page.get_by_role("heading", name="敏感信息查阅记录")).to_be_visible()
    expect(page.get_by_text("查看刘洋的完整身份证号码（组织页面）")).to_be_visible()
    assert who.id_number not in page.content()
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= 390, f"the review page is {width}px wide on a 390px phone"
