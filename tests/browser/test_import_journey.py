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


def test_officer_fixes_a_failed_row_from_the_report_and_imports_it_again(
    live_server, page, personas, civil_affairs, run_worker, tmp_path
):
    """The error report repeats the failed row's values: corrected in the report itself, uploaded
    again, the row is imported; the rows imported the first time are not imported twice."""
    import csv
    import io
    from pathlib import Path

    from playwright.sync_api import expect

    from socredit.apps.imports.columns import RECORD_COLUMNS
    from socredit.apps.records.models import CreditRecord
    from socredit.common.imports import write_csv

    org = factories.organization("410105", registered_on=dt.date(2015, 3, 1))
    wrong = org.code[:-1] + ("0" if org.code[-1] != "0" else "1")  # a wrong check digit
    rows = [[code, "行政处罚：警告", "2024-05-10", "", doc, "", "郑州市民政局", "", "", "", "", ""]
            for code, doc in ((org.code, "修正罚〔2024〕1号"), (wrong, "修正罚〔2024〕2号"))]  # fmt: skip
    path = tmp_path / "记录.csv"
    path.write_bytes(write_csv([c.title for c in RECORD_COLUMNS], rows))

    page.goto(live_server.url + "/accounts/login/?next=/imports/")
    page.get_by_label("用户名").fill("staff_jinshui")
    page.get_by_label("密码").fill(factories.PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("行政处罚：警告").first).to_be_attached()  # the page lists the valid kinds
    page.get_by_label("文件内容").select_option("records")
    page.get_by_label("文件（CSV 或 XLSX）").set_input_files(str(path))
    page.get_by_role("button", name="导入").click()
    assert run_worker() == 1
    expect(page.get_by_role("heading", name="结果: 完成（有错误）")).to_be_visible(timeout=15_000)
    expect(
        page.get_by_text("校验位错误").first
    ).to_be_visible()  # the real cause, not an unknown organization
    shot(page, "3-failed-row")

    with page.expect_download() as info:
        page.get_by_role("link", name="CSV", exact=True).click()
    report = list(csv.reader(io.StringIO(Path(info.value.path()).read_bytes().decode("utf-8-sig"))))
    assert len(report) == 2 and report[1][2] == wrong  # the failed row, with its own values
    report[1][2] = org.code  # the fix, made in the report itself
    fixed = io.StringIO()
    csv.writer(fixed).writerows(report)
    fixed_path = tmp_path / "记录-已改正.csv"
    fixed_path.write_bytes(fixed.getvalue().encode("utf-8-sig"))

    page.goto(live_server.url + "/imports/")
    page.get_by_label("文件内容").select_option("records")
    page.get_by_label("文件（CSV 或 XLSX）").set_input_files(str(fixed_path))
    page.get_by_role("button", name="导入").click()
    assert run_worker() == 1
    expect(page.get_by_role("heading", name="结果: 成功")).to_be_visible(timeout=15_000)
    shot(page, "4-reimported")
    assert sorted(CreditRecord.objects.values_list("document_number", flat=True)) == [
        "修正罚〔2024〕1号",
        "修正罚〔2024〕2号",
    ]
