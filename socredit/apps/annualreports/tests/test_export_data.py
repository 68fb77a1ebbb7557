"""The figures' export: the staff page, CSV and XLSX contents, labels by language, region, audit, command."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse

from socredit.apps.annualreports.tests.figures_helpers import filed_report
from socredit.apps.audit.models import AuditEvent
from socredit.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(personas, civil_affairs):
    jinshui = factories.organization("410105", name="郑州市金水区导出测试协会")
    xinzheng = factories.organization("410184", name="新郑市导出测试协会")
    return (
        filed_report(jinshui, 2024),
        filed_report(xinzheng, 2024, {"bs_total_assets": "7.00"}, state="submitted"),
        filed_report(jinshui, 2023, {"bs_total_assets": "1.00"}),
        filed_report(factories.organization("410105", name="郑州市金水区草稿协会"), 2024, {"bs_total_assets": "3.00"},
                     state="draft", result=None),
    )  # fmt: skip


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_lines(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body(response).decode("utf-8-sig"))))


def url(fmt: str, query: str) -> str:
    return reverse("annualreport_data:figure_export", args=[fmt]) + "?" + query


def test_csv_has_one_line_per_filed_report_with_chinese_headers(client, reports, personas):
    client.force_login(personas["city_admin"])
    lines = csv_lines(client.get(url("csv", "year=2024")))
    assert lines[0][0].startswith("2024年度工作报告财务数据")
    headers = lines[1]
    assert headers[:4] == ["统一社会信用代码", "名称", "行政区划", "报告年度"]
    assert "资产总计（元）" in headers and "工作人员工资福利（元）" in headers
    rows = {line[1]: dict(zip(headers, line, strict=True)) for line in lines[2:]}
    assert set(rows) == {"郑州市金水区导出测试协会", "新郑市导出测试协会"}  # not the draft, not 2023
    assert rows["郑州市金水区导出测试协会"]["资产总计（元）"] == "1000000.00"
    assert rows["郑州市金水区导出测试协会"]["年检结论"] == "合格"
    assert rows["新郑市导出测试协会"]["货币资金（元）"] == ""  # not reported


def test_english_headers_in_english_mode(client, reports, personas):
    client.force_login(personas["city_admin"])
    client.cookies["django_language"] = "en"
    headers = csv_lines(client.get(url("csv", "year=2024")))[1]
    assert "Total assets (yuan)" in headers and "Unified social credit code" in headers


def test_xlsx_has_the_same_rows(client, reports, personas):
    client.force_login(personas["city_admin"])
    response = client.get(url("xlsx", "year=2024&region=410105"))
    sheet = openpyxl.load_workbook(io.BytesIO(body(response)), read_only=True).active
    lines = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert len(lines) == 3 and lines[2][1] == "郑州市金水区导出测试协会"
    assert lines[2][lines[1].index("资产总计（元）")] in (1000000, 1000000.0)


def test_the_account_region_bounds_the_export(client, reports, personas):
    client.force_login(personas["staff_xinzheng"])
    rows = csv_lines(client.get(url("csv", "year=2024")))[2:]
    assert [r[1] for r in rows] == ["新郑市导出测试协会"]
    assert client.get(url("csv", "year=2024&region=410105")).status_code == 400


def test_bad_filter_is_refused_and_the_download_is_recorded(client, reports, personas):
    client.force_login(personas["city_admin"])
    assert client.get(url("csv", "year=abc")).status_code == 400
    assert client.get(url("pdf", "year=2024")).status_code == 404
    before = AuditEvent.objects.count()
    client.get(url("csv", "year=2024"))
    event = AuditEvent.objects.order_by("-id").first()
    assert AuditEvent.objects.count() == before + 1 and event.data["file"] == "export_annual_report_figures"


def test_the_page_counts_and_links(client, reports, personas):
    client.force_login(personas["city_admin"])
    html = client.get(reverse("annualreport_data:figure_page") + "?year=2024").content.decode()
    assert "export.csv?year=2024" in html
    client.force_login(factories.org_account(reports[0].organization))
    assert client.get(reverse("annualreport_data:figure_page")).status_code == 403


def test_command_writes_csv_and_xlsx(tmp_path, reports):
    target = tmp_path / "f.csv"
    call_command("annualreport_figures", "--year", "2024", "--region", "410184", "--output", str(target))
    lines = list(csv.reader(io.StringIO(target.read_text("utf-8-sig"))))
    assert [line[1] for line in lines[2:]] == ["新郑市导出测试协会"]
    xlsx = tmp_path / "f.xlsx"
    call_command(
        "annualreport_figures", "--year", "2024", "--format", "xlsx", "--output", str(xlsx), "--lang", "en"
    )
    sheet = openpyxl.load_workbook(xlsx, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "Total assets (yuan)" in rows[1] and len(rows) == 4
