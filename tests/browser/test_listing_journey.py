"""A listing as the office and the organization live it: staff find the proposal in the queue and
serve the prior notice; a decision during the 陈述申辩 period is refused; the organization states
its case from its own account; staff answer it after review and decide; the decision prints the
review and downloads as a PDF."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from socredit.apps.lists.models import ListDecision, ListProposal
from socredit.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sign_in(page, base, username):
    from playwright.sync_api import expect

    page.goto(base + "/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("button", name="退出")).to_be_visible()


def test_a_listing_waits_for_the_statement_and_prints_its_review(
    live_server, page, personas, civil_affairs, today_is
):
    from playwright.sync_api import expect

    # Tuesday 2026-11-17: five working days from service end on Tuesday 2026-11-24.
    today_is(dt.date(2026, 11, 17))
    org = factories.organization(name="金水区陈述申辩旅程协会")
    factories.record(org, "penalty_warning", occurred_on=dt.date(2026, 10, 20), decided_on=dt.date(2026, 11, 2),
                     document_number="金民罚〔2026〕31号")  # fmt: skip
    account = factories.org_account(org, "chenshu")
    proposal = ListProposal.objects.get(organization=org)

    sign_in(page, live_server.url, "staff_jinshui")
    page.goto(live_server.url + "/lists/proposals/")
    page.get_by_role("link", name=org.name).first.click()
    expect(page).to_have_url(re.compile(rf"/lists/proposals/{proposal.pk}/"))
    notice_form = page.locator(f"form[action*='/proposals/{proposal.pk}/notice/']")
    if not notice_form.is_visible():
        page.locator("summary", has_text=re.compile("^事先告知$")).click()
    notice_form.get_by_label("文书号").fill("金民告〔2026〕31号")
    notice_form.get_by_role("button", name="送达事先告知书").click()
    expect(page.get_by_text("剩5个工作日").first).to_be_visible()

    # Deciding during the period is refused, with the day it ends.
    page.goto(live_server.url + f"/lists/proposals/{proposal.pk}/")
    decide = page.locator(f"form[action*='/proposals/{proposal.pk}/confirm/']")
    if not decide.is_visible():
        page.locator("summary", has_text=re.compile("^决定列入$")).click()
    decide.get_by_label("文书号").fill("金民列〔2026〕31号")
    decide.get_by_role("button", name="确认列入").click()
    expect(
        page.get_by_role("alert").get_by_text(re.compile("陈述申辩期限尚未届满.*2026-11-24"))
    ).to_be_visible()
    assert not ListDecision.objects.exists()
    page.get_by_role("button", name="退出").click()

    # The organization states its case from its own account, within the period.
    sign_in(page, live_server.url, account.username)
    page.goto(live_server.url + "/my/lists/")
    page.get_by_role("link", name=re.compile("金民告〔2026〕31号")).first.click()
    expect(
        page.get_by_text("你单位可以自收到本告知书之日起5个工作日内（至2026年11月24日）提出陈述、申辩")
    ).to_be_visible()
    page.get_by_label("陈述申辩：事实和理由").fill("警告所涉问题已于处罚前整改完毕，请求不予列入。")
    page.get_by_role("button", name="提交陈述申辩").click()
    expect(page.get_by_text("警告所涉问题已于处罚前整改完毕").first).to_be_visible()
    page.get_by_role("button", name="退出").click()

    # After the period: staff answer the statement after review, then decide.
    today_is(dt.date(2026, 11, 26))
    sign_in(page, live_server.url, "staff_jinshui")
    page.goto(live_server.url + f"/lists/proposals/{proposal.pk}/")
    if not page.get_by_label("复核意见").is_visible():
        page.locator("summary", has_text="复核并答复陈述申辩").click()
    page.get_by_label("理由不成立：可以作出决定").check()
    page.get_by_label("复核意见").fill("整改材料形成于处罚决定之后，不能证明处罚前已纠正。")
    page.get_by_role("button", name="登记复核意见").click()
    page.goto(live_server.url + f"/lists/proposals/{proposal.pk}/")
    decide = page.locator(f"form[action*='/proposals/{proposal.pk}/confirm/']")
    if not decide.is_visible():
        page.locator("summary", has_text=re.compile("^决定列入$")).click()
    decide.get_by_label("文书号").fill("金民列〔2026〕31号")
    decide.get_by_role("button", name="确认列入").click()
    decision = ListDecision.objects.get(organization=org)
    page.goto(live_server.url + f"/lists/decisions/{decision.pk}/")
    expect(page.get_by_text("经复核，你单位陈述、申辩的理由不成立").first).to_be_visible()
    body = page.locator("main").inner_text()
    assert not re.search(r"R\d+\.\d+|VERIFIED|SECONDARY|national-20|#\d+", body), body
    pdf = page.get_by_role("link", name="下载PDF").first.get_attribute("href")
    answer = page.request.get(
        live_server.url + f"/lists/decisions/{decision.pk}/" + pdf
        if pdf.startswith("?")
        else live_server.url + pdf
    )
    assert answer.ok and answer.body().startswith(b"%PDF")
