"""An officer uploads a file on the import page: the run's page says it waits for the background
worker, follows the import by itself (htmx polling under the Content-Security-Policy) and shows the
result with the row errors once the worker has run it."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from socredit.testing import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("SOCREDIT_SCREENSHOTS")  # a directory: save pages to look at them


def shot(page, name):
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"import-{name}.png"), full_page=True)


def test_officer_uploads_and_the_page_follows_the_background_import(
    live_server, page, personas, civil_affairs, run_worker, tmp_path
):
    from playwright.sync_api import expect

    from socredit.apps.imports.columns import RECORD_COLUMNS
    from socredit.apps.records.models import CreditRecord
    from socredit.common.imports import write_csv

    org = factories.organization("410105", registered_on=dt.date(2015, 3, 1))
    rows = [[org.code, "penalty_warning", "2024-05-10", "", doc, "", "郑州市民政局", "", "", "", "", ""]
            for doc in ("浏览器罚〔2024〕1号", "浏览器罚〔2024〕2号", "浏览器罚〔2024〕1号")]  # fmt: skip
    path = tmp_path / "信用记录.csv"
    path.write_bytes(write_csv([c.header for c in RECORD_COLUMNS], rows))

    page.goto(live_server.url + "/accounts/login/?next=/imports/")
    page.get_by_label("用户名").fill("staff_jinshui")
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_label("文件内容").select_option("records")
    page.get_by_label("文件（CSV 或 XLSX）").set_input_files(str(path))
    page.get_by_role("button", name="导入").click()

    expect(page.get_by_text("文件已保存，正在等待后台任务处理导入。")).to_be_visible()
    shot(page, "1-waiting")
    assert not CreditRecord.objects.exists()  # nothing imported by the request

    assert run_worker() == 1
    # the page's next poll sees the end and shows the result, without anyone reloading it
    expect(page.get_by_role("heading", name="结果: 完成（有错误）")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("与第 2 行的文书号重复")).to_be_visible()
    shot(page, "2-result")
    assert CreditRecord.objects.count() == 2
