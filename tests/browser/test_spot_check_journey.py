"""A spot-check plan as the registration authority runs it (双随机、一公开): staff create an ad hoc
plan, publish its seed, draw the organizations and the inspectors, record every result and publish
them; the public then finds the results on the public results page and on the organization's
public credit profile — and at a phone's width nothing scrolls sideways."""

from __future__ import annotations

import re

import pytest

from socredit.apps.spotchecks.models import Inspector, SpotCheck, SpotCheckPlan
from socredit.common.clock import today
from socredit.testing import factories
from tests.browser.test_listing_journey import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _post(page, action: str) -> None:
    page.locator(f"form[action$='/{action}/'] button[type=submit]").click()


def test_a_plan_from_draft_to_published_results(live_server, page, personas, civil_affairs, browser):
    from playwright.sync_api import expect

    orgs = [factories.organization("410105", name=f"金水区抽查旅程协会{i}号") for i in range(3)]
    for i in range(3):
        Inspector.objects.create(
            name=f"旅程检查员{i}", badge_number=f"豫金旅{i:03d}", region=factories.region("410105")
        )

    sign_in(page, live_server.url, "staff_jinshui")
    page.goto(live_server.url + "/spot-checks/new/")
    page.locator("input[name=title]").fill("抽查旅程专项检查")
    page.locator("select[name=kind]").select_option("special")
    page.locator("input[name=base_rate]").fill("100")
    page.locator("input[name=onsite_ratio]").fill("0")
    page.locator("form button.btn-primary[type=submit]").click()
    plan = SpotCheckPlan.objects.get(title="抽查旅程专项检查")
    expect(page).to_have_url(re.compile(rf"/spot-checks/{plan.pk}/$"))

    _post(page, "announce")
    plan.refresh_from_db()
    expect(page.get_by_text(plan.seed)).to_be_visible()
    _post(page, "draw")
    expect(page.locator(f"form[action$='/{plan.pk}/assign/']")).to_be_visible()
    _post(page, "assign")
    checks = list(SpotCheck.objects.filter(plan=plan).order_by("order"))
    assert {c.organization_id for c in checks} == {o.pk for o in orgs}
    assert all(c.assignments.filter(active=True).exists() for c in checks)

    for check in checks:
        page.goto(f"{live_server.url}/spot-checks/checks/{check.pk}/")
        page.locator("input[name=result][value=no_problem]").check()
        page.locator("input[name=checked_on]").fill(today().isoformat())
        page.locator(f"form[action$='/checks/{check.pk}/result/'] button[type=submit]").click()
        expect(page.locator(f"form[action$='/checks/{check.pk}/result/']")).to_have_count(0)
    assert not SpotCheck.objects.filter(plan=plan, result="").exists()

    page.goto(f"{live_server.url}/spot-checks/{plan.pk}/")
    _post(page, "publish")
    expect(page.locator(f"a[href$='/public/spot-checks/{plan.pk}/']")).to_be_visible()

    # the public: no sign-in, the results page, then the organization's profile
    public = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}).new_page()
    public.goto(live_server.url + "/public/spot-checks/")
    public.get_by_role("link", name=re.compile("抽查旅程专项检查")).click()
    row = public.locator("tr", has_text=orgs[0].name)
    expect(row.get_by_text("未发现问题")).to_be_visible()
    row.get_by_role("link", name=orgs[0].name).click()
    expect(public).to_have_url(re.compile(rf"/o/{orgs[0].code}/$"))
    section = public.locator("section", has=public.locator("#h-spot-checks"))
    expect(section.get_by_text("抽查旅程专项检查")).to_be_visible()
    expect(section.get_by_text("未发现问题")).to_be_visible()
    assert public.evaluate("document.documentElement.scrollWidth") <= 390
    public.context.close()
