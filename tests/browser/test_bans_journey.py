"""A district officer records a ban on a person (任职限制) by form, finds it in the register, then
registers an organization with that person as legal representative: the screening shows the ban with
its legal basis before saving. The register's pages fit a 375 px phone, in Chinese and in English,
and never show the whole ID number."""

from __future__ import annotations

import datetime as dt

import pytest

from socredit.common.clock import today
from socredit.core.codes import make_social_org_code
from socredit.core.types import OrgType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_record_a_ban_find_it_and_see_it_at_registration(live_server, page, personas, civil_affairs):
    from playwright.sync_api import expect

    from socredit.testing import factories
    from socredit.testing.factories import PASSWORD

    person = factories.person("孙受限")
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("staff_jinshui")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.goto(live_server.url + "/bans/new/")
    page.get_by_label("姓名", exact=True).fill(person.name)
    page.get_by_label("身份证号码").fill(person.id_number)
    page.get_by_label("事由", exact=True).select_option("other")
    page.get_by_label("种类").select_option("post_restriction")
    page.get_by_label("事由（文字）").fill("对协会违法行为负有直接责任")
    page.get_by_label("依据", exact=True).fill("《社会团体登记管理条例》第三十条")
    page.get_by_label("禁止或限制的职务、行业").fill("不得担任社会团体负责人")
    page.get_by_label("文书号", exact=True).fill("金民禁〔2026〕3号")
    page.get_by_label("决定日期").fill((today() - dt.timedelta(days=5)).isoformat())
    page.get_by_label("期限（年）").fill("2")
    assert _fits(page)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".page-head")).to_contain_text("孙受限")
    expect(page.locator("main")).to_contain_text("《社会团体登记管理条例》第三十条")
    assert person.id_number not in page.content()
    assert _fits(page)

    page.goto(live_server.url + "/bans/?state=in_force")
    expect(page.locator("table.data")).to_contain_text("孙受限")
    assert _fits(page)

    # the screening at registration
    page.goto(live_server.url + "/organizations/register/")
    page.get_by_label("名称").fill("郑州市金水区受限测试协会")
    page.get_by_label("类型").select_option("1")
    page.get_by_label("统一社会信用代码").fill(make_social_org_code("410105", OrgType.ASSOCIATION, 770_101))
    page.get_by_label("法定代表人姓名").fill(person.name)
    page.get_by_label("法定代表人身份证号码").fill(person.id_number)
    page.get_by_label("法定代表人身份证号码").blur()
    expect(page.locator("main")).to_contain_text("任职限制生效中")
    expect(page.locator("main")).to_contain_text("《社会团体登记管理条例》第三十条")

    # the register in English
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/bans/")
    page.locator("button[name=language][value=en]").click()
    page.set_viewport_size({"width": 375, "height": 812})
    page.goto(live_server.url + "/bans/")
    expect(page.get_by_role("heading", name="Bans on persons")).to_be_visible()
    expect(page.locator("table.data")).to_contain_text("Restriction on holding posts")
    assert _fits(page)
