"""Switch to English on every page kind, on a phone (390 px): an officer and an organization account
press "English" once and then read each kind of page (list, detail, form, the case inbox and a case,
the organization's own area) in English — the language of the page, its navigation and its <main> —
with nothing scrolling sideways. Screenshots of each page go into a temporary directory (or
SOCREDIT_SCREENSHOTS)."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.urls import reverse

from socredit.apps.cases.services import objections
from socredit.testing import factories
from tests.system.test_no_internal_codes import EnglishText

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
WIDEST = """() => [...document.querySelectorAll('main *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('.table-wrap'))
  .slice(0, 3).map(e => e.tagName + '.' + e.className + ' ' + (e.textContent || '').trim().slice(0, 60))"""
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")


def sign_in(page, base, username, log_out="退出"):
    from playwright.sync_api import expect

    page.goto(base + "/accounts/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(factories.PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.get_by_role("button", name=log_out)).to_be_visible()


def read_in_english(page, url, name, shots, english):
    """Open ``url``: the page is English (lang, navigation, <main>), fits the phone, and is saved."""
    response = page.goto(url)
    assert response is not None and response.status == 200, url
    assert page.evaluate("document.documentElement.lang") == "en", url
    nav = " ".join(page.locator("nav.mainnav").all_text_contents())  # the closed groups' links too
    assert not CJK.search(nav), f"{url}: navigation in Chinese: {nav}"
    main = page.locator("main").inner_text()
    untranslated = english.untranslated_in(main)
    assert not untranslated, f"{url}: " + "; ".join(untranslated[:5])
    page.screenshot(path=os.path.join(shots, f"{name}.png"), full_page=True)
    width = page.evaluate("document.scrollingElement.scrollWidth")
    wide = page.evaluate(WIDEST)
    assert width <= PHONE["width"], f"{url} scrolls sideways ({width} px): {wide}"


def test_english_on_every_page_kind(live_server, page, personas, civil_affairs, tmp_path):
    from playwright.sync_api import expect

    shots = os.environ.get("SOCREDIT_SCREENSHOTS") or str(tmp_path)
    base = live_server.url
    org = factories.organization(name="金水区英文旅程志愿者协会")
    record = factories.record(org, "penalty_warning", document_number="金民罚〔2026〕8号",
                              occurred_on=dt.date(2026, 10, 9))  # fmt: skip
    account = factories.org_account(org, "english-org")
    case = objections.file_objection(account, channel="organization", organization=org, records=[record],
                                     reasons="警告决定书所载日期有误，请予核查。")  # fmt: skip
    page.set_viewport_size(PHONE)

    sign_in(page, base, "staff_jinshui")
    page.get_by_role("button", name="English").click()  # the switch: once, then every page follows
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    english = EnglishText()
    staff_pages = {
        "organization-list": reverse("registry:organization_list"),
        "organization": reverse("registry:organization_detail", args=[org.code]),
        "record": reverse("records:record_detail", args=[record.pk]),
        "credit": reverse("evaluation:organization_credit", args=[org.code]),
        "proposals": reverse("lists:proposal_list"),
        "case-inbox": reverse("cases:case_list"),
        "case": reverse("cases:case_detail", args=[case.number]),
        "closed-cases": reverse("cases:case_list") + "?status=closed",
        "calendar": reverse("workdays:year_list"),
        "commitments": reverse("commitments:commitment_list"),
        "imports": reverse("imports:importrun_list"),
    }
    for name, path in staff_pages.items():
        read_in_english(page, base + path, f"staff-{name}", shots, english)
    # the inbox on a phone: each case a stacked card, its step by name, its deadline counting down
    page.goto(base + reverse("cases:case_list"))
    row = page.locator("tbody tr").filter(has_text=case.number)
    expect(row).to_contain_text("Decision on the objection")  # the own-information plan: marked, then decided
    expect(row).to_contain_text(re.compile(r"working days? left|due today"))
    page.get_by_role("button", name="Log out").click()

    sign_in(page, base, account.username, "Log out")  # the language stays with the browser
    for name, path in {
        "home": reverse("my:home"),
        "case": reverse("my:case_detail", args=[case.number]),
        "objection": reverse("my:objection_new"),
        "repairs": reverse("my:repair_index"),
        "repair-check": reverse("my:repair_check", args=[record.pk]),
        "commitments": reverse("my_commitments:commitment_list"),
    }.items():
        read_in_english(page, base + path, f"org-{name}", shots, english)
    expect(page.get_by_role("link", name="My credit file")).to_be_visible()
    assert len(os.listdir(shots)) >= 17
