"""A city administrator subscribes the city's civil-affairs bureau to a district's changes with a
webhook (订阅), copies the signing secret shown once, and finds the subscription and its delivery log;
the pages fit a 375 px phone."""

from __future__ import annotations

import pytest
from django.db import transaction

from socredit.apps.records import outbox
from socredit.apps.subscriptions import services
from socredit.apps.subscriptions.models import Subscription
from socredit.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_city_admin_subscribes_a_department(live_server, page, personas, civil_affairs, settings):
    from playwright.sync_api import expect

    from socredit.testing.factories import PASSWORD

    settings.SOCREDIT_WEBHOOK_ALLOW_LOOPBACK = True
    org = factories.organization("410105", name="金水区订阅测试协会")
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("city_admin")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(live_server.url + "/subscriptions/")
    expect(page.get_by_role("heading", name="订阅", exact=True).first).to_be_visible()
    page.get_by_role("link", name="新建订阅").click()
    page.get_by_label("部门").select_option(label=civil_affairs.name)
    page.get_by_label("名称").fill("财政补助前核查")
    page.get_by_label("行政区划").fill("410105")
    page.get_by_label("信用等级变化").check()
    page.get_by_label("记录撤销").check()
    page.get_by_label("推送地址").fill("http://127.0.0.1:9/hook")
    assert _fits(page), "the subscription form is wider than a 375 px phone"
    page.get_by_role("button", name="订阅", exact=True).click()

    expect(page.get_by_text("只显示这一次")).to_be_visible()
    subscription = Subscription.objects.get()
    assert page.locator("#secret-value").inner_text().strip() == subscription.secret
    assert set(subscription.kinds) == {"credit.level_changed", "record.revoked"}

    with transaction.atomic():
        outbox.emit("record.revoked", org, None, {"reason": "决定被撤销"})
    services.fan_out()
    page.get_by_role("link", name="返回订阅").click()
    expect(page.get_by_role("heading", name="财政补助前核查")).to_be_visible()
    expect(page.get_by_text(org.name)).to_be_visible()
    expect(page.get_by_text("待推送").first).to_be_visible()
    assert _fits(page), "the subscription page is wider than a 375 px phone"
