"""An organization files an objection from its own account; staff forward nothing (own information),
decide it in the case inbox; the organization reads the result notice."""

from __future__ import annotations

import re

import pytest

from socredit.apps.cases.models import Case
from socredit.core.types import RecordStatus
from socredit.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, username):
    from playwright.sync_api import expect

    page.goto(base + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def test_organization_objects_and_staff_decide(live_server, page, personas, civil_affairs, tmp_path):
    from playwright.sync_api import expect

    org = factories.organization(name="金水区异议旅程志愿者协会")
    record = factories.record(org, "penalty_warning", document_number="金民罚〔2026〕7号")
    account = factories.org_account(org, "xiehui")

    sign_in(page, live_server.url, account.username)
    expect(page).to_have_url(re.compile(r"/my/$"))
    expect(page.get_by_role("heading", name=org.name)).to_be_visible()
    page.locator(f"#record-{record.pk}").get_by_role("link", name="异议").click()
    page.get_by_label("异议的事实和理由").fill("警告决定书载明的违法事实发生时本会尚未成立，请予核查。")
    evidence = tmp_path / "成立登记证书.pdf"
    evidence.write_bytes(b"%PDF-1.4 certificate")
    page.get_by_label(re.compile("证明材料")).set_input_files(str(evidence))
    page.get_by_role("button", name="提交异议").click()
    case = Case.objects.get()
    expect(page.get_by_role("heading", name=re.compile(case.number))).to_be_visible()
    expect(page.get_by_text("异议中").first).to_be_visible()
    expect(page.get_by_role("link", name="成立登记证书.pdf")).to_be_visible()
    page.get_by_role("button", name="退出").click()

    sign_in(page, live_server.url, "staff_jinshui")
    page.goto(live_server.url + "/cases/")
    expect(page.get_by_text(re.compile("剩\\d+个工作日")).first).to_be_visible()
    page.get_by_role("link", name=case.number).click()
    # Deciding without a reason is refused and changes nothing.
    page.get_by_label("撤销").check()
    page.get_by_role("button", name="作出处理决定").click()
    expect(page.get_by_text("必须写明处理决定的理由")).to_be_visible()
    record.refresh_from_db()
    assert record.status == RecordStatus.EFFECTIVE.value
    page.get_by_label("撤销").check()
    page.get_by_label("理由（必填）").fill("经核查，违法事实发生时该会尚未成立，撤销该警告记录。")
    page.get_by_role("button", name="作出处理决定").click()
    page.get_by_role("button", name="告知并办结").click()
    expect(page.get_by_text("已办结").first).to_be_visible()
    record.refresh_from_db()
    assert record.status == RecordStatus.REVOKED.value
    page.get_by_role("button", name="退出").click()

    sign_in(page, live_server.url, account.username)
    page.goto(live_server.url + f"/my/cases/{case.number}/")
    expect(
        page.get_by_text("异议成立，已依法撤销相关信息").first
    ).to_be_visible()  # not "已更正": it was revoked
    page.get_by_role("link", name="《异议处理结果告知书》").click()
    expect(page.get_by_role("heading", name="异议处理结果告知书")).to_be_visible()
