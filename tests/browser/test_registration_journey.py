"""A district officer registers an organization (成立登记), changes its legal representative to a
person on the serious list — the screening is shown before saving and must be confirmed — adds a
branch whose person in charge is screened the same way, and deregisters it (注销登记). The registration pages fit a 390 px phone, in Chinese and in English."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from socredit.apps.audit.models import AuditEvent
from socredit.apps.registry.models import Organization, Role
from socredit.common.clock import today
from socredit.core.codes import make_id_number, make_social_org_code
from socredit.core.types import OrgType

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.fixture
def listed_person(personas, civil_affairs):
    """The legal representative of a 金水区 organization on the serious list (a fine of 60,000)."""
    from socredit.apps.lists.models import ListProposal
    from socredit.apps.lists.tests.conftest import ago, confirm
    from socredit.testing import factories

    org = factories.organization("410105", name="郑州市金水区失信协会")
    person = factories.person("赵失信")
    factories.role(org, person, "legal_rep", dt.date(2016, 1, 1))
    factories.record(org, "penalty_fine", amount="60000", occurred_on=ago(10))
    confirm(personas["staff_jinshui"], ListProposal.objects.get(organization=org, status="proposed"), ago(5))
    return person


def test_register_change_legal_representative_with_screening_and_deregister(live_server, page, listed_person):
    from playwright.sync_api import expect

    from socredit.testing.factories import PASSWORD

    code = make_social_org_code("410105", OrgType.ASSOCIATION, 770_001)
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_label("用户名").fill("staff_jinshui")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    # 成立登记
    page.get_by_role("link", name="成立登记").click()
    expect(page.get_by_role("heading", name="成立登记")).to_be_visible()
    page.get_by_label("名称").fill("郑州市金水区浏览器协会")
    page.get_by_label("类型").select_option("1")
    page.get_by_label("统一社会信用代码").fill(code)
    page.get_by_label("成立日期").fill((today() - dt.timedelta(days=30)).isoformat())
    page.get_by_label("法定代表人姓名").fill("钱清白")
    page.get_by_label("法定代表人身份证号码").fill(make_id_number("410105", dt.date(1985, 6, 1), 771))
    page.get_by_label("法定代表人身份证号码").blur()
    expect(page.locator("[data-screening=clear]")).to_be_visible()
    page.get_by_label("业务范围").fill("学术交流")
    page.get_by_label("批准文号").fill("金民登〔2026〕77号")
    page.get_by_role("button", name="保存成立登记").click()
    expect(page.get_by_role("heading", name="郑州市金水区浏览器协会")).to_be_visible()
    expect(page.locator("#registration-history")).to_contain_text("金民登〔2026〕77号")

    # 变更登记: the new legal representative is on the serious list
    page.get_by_role("link", name="法定代表人", exact=True).click()
    expect(page.get_by_role("heading", name="变更法定代表人")).to_be_visible()
    page.get_by_label("法定代表人姓名").fill(listed_person.name)
    page.get_by_label("法定代表人身份证号码").fill(listed_person.id_number)
    page.get_by_label("法定代表人身份证号码").blur()
    screening = page.locator("[data-screening=found]")
    expect(screening).to_contain_text("郑州市金水区失信协会")
    expect(screening).to_contain_text("严重违法失信名单")
    page.get_by_label("生效日期").fill(today().isoformat())
    page.get_by_label("文书号").fill("金民变〔2026〕5号")
    page.get_by_label("文书日期").fill(today().isoformat())
    page.set_viewport_size({"width": 390, "height": 844})
    assert _fits(page), "the change form is wider than a 390 px phone"
    # saving without the confirmation is refused, the screening shown again
    page.get_by_role("button", name="保存变更登记").click()
    expect(page.get_by_text("筛查发现该人员有相关记录")).to_be_visible()
    org = Organization.objects.get(code=code)
    assert Role.objects.get(organization=org, kind="legal_rep", end_on__isnull=True).person.name == "钱清白"
    page.get_by_label("文书日期").fill(today().isoformat())
    page.get_by_label("我已阅读筛查结果，仍登记该人员。").check()
    page.get_by_role("button", name="保存变更登记").click()
    expect(page.locator("#registration-history")).to_contain_text("金民变〔2026〕5号")
    assert Role.objects.get(organization=org, kind="legal_rep", end_on__isnull=True).person == listed_person
    assert (
        AuditEvent.objects.get(action="organization.change_registration").data["screening_confirmed"] is True
    )

    # 分支机构: its person in charge is screened as a legal representative is
    page.get_by_role("link", name="设立分支（代表）机构").click()
    page.locator("#id_kind").select_option("branch")
    page.locator("#id_name").fill("学术专业委员会")
    page.locator("#id_head").fill(listed_person.name)
    page.locator("#id_head_id_number").fill(listed_person.id_number)
    page.locator("#id_head_id_number").blur()
    expect(page.locator("[data-screening=found]")).to_contain_text("郑州市金水区失信协会")
    assert _fits(page), "the branch form is wider than a 390 px phone"
    page.locator("#id_established_on").fill(today().isoformat())
    page.locator("#id_document_number").fill("金民分〔2026〕3号")
    page.locator("#id_document_date").fill(today().isoformat())
    page.get_by_label("我已阅读筛查结果，仍登记该人员。").check()
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#branches")).to_contain_text("学术专业委员会")
    expect(page.locator("#branches")).to_contain_text(listed_person.masked_id)
    assert AuditEvent.objects.get(action="branch.add").data["screening_confirmed"] is True

    # 注销登记
    page.get_by_role("link", name="注销登记").click()
    assert _fits(page), "the deregistration form is wider than a 390 px phone"
    page.get_by_label("生效日期").fill(today().isoformat())
    page.get_by_label(re.compile(r"^(理由|原因)")).fill("经会员大会决议解散，清算完毕。")
    page.get_by_label("文书号").fill("金民注〔2026〕2号")
    page.get_by_label("文书日期").fill(today().isoformat())
    page.get_by_role("button", name="办理注销登记").click()
    expect(page.locator(".page-head")).to_contain_text("已注销")
    expect(page.get_by_role("link", name="注销登记")).to_have_count(0)
    org.refresh_from_db()
    assert org.status == "deregistered"

    # the same pages in English
    page.set_viewport_size({"width": 1280, "height": 900})
    page.locator("button[name=language][value=en]").click()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/organizations/{code}/")
    expect(page.locator("#registration-history")).to_contain_text("Deregistration")
    history = page.locator("#registration-history")
    expect(history).to_contain_text("Registration of change")
    expect(history).to_contain_text("Deregistered")
    # (the page's own width also depends on the evaluation app's panel: the registration parts are checked)
    for part in ("#registration-history", "#branches"):
        assert page.evaluate(
            f"document.querySelector('{part}').getBoundingClientRect().right <= window.innerWidth"
        )
