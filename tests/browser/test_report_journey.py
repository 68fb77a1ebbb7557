"""A buyer checks a bidder's credit report: a two-character search finds the organization, and from
its public profile the report is downloaded (a PDF with its verification code), verified on the public page by its code (what it said,
no change since), then the file itself is uploaded (verified byte for byte), and an altered copy is
uploaded and refused. The organization's own QR page and the open data page at a phone's width, in
both languages."""

from __future__ import annotations

import io
import os
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from socredit.apps.portal.tests.conftest import SECRET
from socredit.apps.portal.tests.conftest import world as crafted  # noqa: F401  (a fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("SOCREDIT_SCREENSHOTS")


def shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"report-{name}.png"), full_page=True)


def test_download_verify_and_detect_an_altered_report(live_server, page, crafted, tmp_path):  # noqa: F811
    from playwright.sync_api import expect

    org = crafted["org"]
    page.goto(f"{live_server.url}/")
    page.get_by_label("名称或统一社会信用代码").fill("养老")  # two characters
    page.get_by_role("button", name="查询").click()
    page.get_by_role("link", name=org.name).click()
    expect(page.get_by_role("heading", name=org.name)).to_be_visible()
    page.wait_for_function(
        "() => document.querySelector('img.qr').naturalWidth > 0"
    )  # 一社一码 on the profile
    with page.expect_download() as info:  # the report of the organization whose profile is open
        page.get_by_role("link", name="下载信用报告（PDF）").first.click()
    pdf = Path(info.value.path()).read_bytes()
    assert info.value.suggested_filename.endswith(".pdf")
    text = (
        "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
        .replace(" ", "")
        .replace("\n", "")
    )
    assert org.name in text and "金民罚〔2026〕1号" in text and SECRET not in text
    code = re.search(r"验证码([0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4})", text).group(1)  # type: ignore[union-attr]

    page.goto(f"{live_server.url}/reports/verify/")
    page.get_by_label("验证码").fill(code.lower().replace("-", " "))  # as someone types it
    page.get_by_role("button", name="验证报告").click()
    expect(page.get_by_text("本平台出具，存档内容与签名一致")).to_be_visible()
    expect(
        page.get_by_text("报告出具后，信用等级、名单、行政处罚、评估等级和登记状态均无变化。")
    ).to_be_visible()
    expect(page.get_by_text("金民罚〔2026〕1号")).to_be_visible()
    shot(page, "1-verified-by-code")

    original = tmp_path / "信用报告.pdf"
    original.write_bytes(pdf)
    page.get_by_label("报告 PDF 文件").set_input_files(str(original))
    page.get_by_role("button", name="核验文件").click()
    expect(page.locator("#file-outcome")).to_contain_text("验证通过")

    altered = bytearray(pdf)
    at = pdf.index(b"/Producer") if b"/Producer" in pdf else len(pdf) // 2
    altered[at + 12] ^= 0x01  # one bit of the file
    forged = tmp_path / "改过的信用报告.pdf"
    forged.write_bytes(bytes(altered))
    page.get_by_label("报告 PDF 文件").set_input_files(str(forged))
    page.get_by_role("button", name="核验文件").click()
    expect(page.locator("#file-outcome")).to_contain_text("验证未通过")
    shot(page, "2-altered-refused")

    page.goto(f"{live_server.url}/reports/verify/?code=7KQ2-M9XD-3FH")
    expect(page.get_by_text("验证码为报告上印的12位字母和数字")).to_be_visible()


def test_qr_and_open_data_pages_at_a_phones_width(live_server, page, crafted, login):  # noqa: F811
    from playwright.sync_api import expect

    from socredit.apps.reports import opendata
    from socredit.common.clock import today
    from socredit.testing import factories

    opendata.build(today())
    account = factories.org_account(crafted["org"])
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("用户名").fill(account.username)
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server.url}/my/")
    page.get_by_role("link", name="一社一码").click()
    expect(page.get_by_role("heading", name="本组织“一社一码”")).to_be_visible()
    page.wait_for_function("() => document.querySelector('img.qr').naturalWidth > 100")  # the image loaded
    shot(page, "3-my-qr")
    for language in ("zh-hans", "en"):
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        for url in ("/my/", "/my/qr/", "/open-data/", "/reports/verify/"):
            page.goto(live_server.url + url)
            wide = page.evaluate(
                "[...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > 391).map(e => e.tagName + '.' + e.className + ':' + (e.textContent || '').slice(0, 40))"
            )
            assert page.evaluate("document.documentElement.scrollWidth") <= 390, (language, url, wide[:8])
        shot(page, f"4-verify-{language}")
    page.goto(f"{live_server.url}/open-data/")
    expect(page.get_by_role("link", name=re.compile(r"organizations-.*\.csv\.gz"))).to_be_visible()
    shot(page, "5-open-data")


def test_public_api_docs_page(live_server, page):
    from playwright.sync_api import expect

    page.goto(f"{live_server.url}/api/public/v1/docs")
    expect(page.get_by_text("socredit public API").first).to_be_visible()
    expect(page.get_by_text("/api/public/v1/organizations/{code}").first).to_be_visible()
