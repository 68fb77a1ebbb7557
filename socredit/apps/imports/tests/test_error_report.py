"""The error report repeats each failed row's values in the template's columns: fixed and uploaded
again, it imports those rows (and only those: rows imported the first time are not duplicated).
Every error names its real cause (a wrong USCC check digit is not an unknown organization). The
templates carry a sheet of valid values; the upload page lists record kinds and departments."""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from socredit.apps.imports.columns import ORGANIZATION_COLUMNS, RECORD_COLUMNS, valid_values
from socredit.apps.imports.services import run_import
from socredit.apps.records.models import CreditRecord
from socredit.apps.registry.models import Department, Organization
from socredit.common.imports import read_table, write_csv
from socredit.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(personas, civil_affairs):
    return factories.organization("410105", registered_on=dt.date(2015, 3, 1))


def wrong_check_digit(code):
    last = "0" if code[-1] != "0" else "1"
    return code[:-1] + last


def record(code, doc, day="2024-05-10", kind="行政处罚：警告"):
    return [code, kind, day, "", doc, "", "郑州市民政局", "摘要", "", "", "", ""]


def report_of(client, run, fmt="csv"):
    response = client.get(reverse("imports:importrun_report", args=[run.pk, fmt]))
    assert response.status_code == 200
    return response.content


def test_the_fixed_report_imports_the_failed_rows_only(login, personas, org):
    staff = personas["staff_jinshui"]
    rows = [record(org.code, "R-1"), record(wrong_check_digit(org.code), "R-2"), record(org.code, "R-3", day="2024-13-40"),
            record(org.code, "R-4")]  # fmt: skip
    first = run_import(actor=staff, channel="import", kind="records", file_name="r.csv",
                       content=write_csv([c.title for c in RECORD_COLUMNS], rows))  # fmt: skip
    assert (first.created, first.error_rows) == (2, 2)

    report = report_of(login(staff), first)
    lines = list(csv.reader(io.StringIO(report.decode("utf-8-sig"))))
    assert [line[0] for line in lines[1:]] == ["3", "4"]
    assert "校验位错误" in lines[1][1] and "未知的社会组织" not in lines[1][1]  # the real cause
    assert lines[1][2:] == record(wrong_check_digit(org.code), "R-2")  # the row's own values, in place
    assert lines[2][2:] == record(org.code, "R-3", day="2024-13-40")

    # fix the two rows in the report itself, upload it again
    lines[1][2] = org.code
    lines[2][4] = "2024-06-01"
    fixed = io.StringIO()
    csv.writer(fixed).writerows(lines)
    second = run_import(actor=staff, channel="import", kind="records", file_name="fixed.csv",
                        content=fixed.getvalue().encode("utf-8-sig"))  # fmt: skip
    assert (second.created, second.unchanged, second.error_rows) == (2, 0, 0)
    assert sorted(CreditRecord.objects.values_list("document_number", flat=True)) == [
        "R-1",
        "R-2",
        "R-3",
        "R-4",
    ]
    # the whole first file again: nothing new (imports are re-runnable by natural key)
    again = run_import(actor=staff, channel="import", kind="records", file_name="r.csv",
                       content=write_csv([c.title for c in RECORD_COLUMNS], rows))  # fmt: skip
    assert again.created == 0 and CreditRecord.objects.count() == 4


def test_an_xlsx_report_reads_back_as_an_import(login, personas, org):
    staff = personas["staff_jinshui"]
    run = run_import(actor=staff, channel="import", kind="records", file_name="r.csv",
                     content=write_csv([c.header for c in RECORD_COLUMNS], [record(org.code, "X-1", kind="no-such-kind")]))  # fmt: skip
    body = report_of(login(staff), run, "xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(body)).worksheets[0]
    assert sheet.cell(2, 2).value == "信用信息事项（kind）：未知的信用信息事项“no-such-kind”"
    rows = list(read_table(body, "report.xlsx", RECORD_COLUMNS))
    assert rows[0][1]["organization"] == org.code and rows[0][1]["kind"] == "no-such-kind"


def test_organization_errors_keep_their_values_even_when_found_late(login, personas, org):
    """The scope check of the organization import reports after every row was read."""
    staff = personas["staff_jinshui"]
    other = factories.organization("410184")
    rows = [[other.code, "新名称协会", "", "", "", "", "", "2015-03-01", "", "", "", ""]]
    run = run_import(actor=staff, channel="import", kind="organizations", file_name="o.csv",
                     content=write_csv([c.title for c in ORGANIZATION_COLUMNS], rows))  # fmt: skip
    assert run.error_rows == 1
    lines = list(csv.reader(io.StringIO(report_of(login(staff), run).decode("utf-8-sig"))))
    assert lines[1][2:4] == [other.code, "新名称协会"]
    assert Organization.objects.get(pk=other.pk).name != "新名称协会"


def test_a_role_with_a_wrong_check_digit_names_it(personas, org):
    rows = [[wrong_check_digit(org.code), "张伟", "410105198506010012", "法定代表人", "2016-01-01", ""]]
    from socredit.apps.imports.columns import ROLE_COLUMNS

    run = run_import(actor=personas["staff_jinshui"], channel="import", kind="roles", file_name="p.csv",
                     content=write_csv([c.header for c in ROLE_COLUMNS], rows))  # fmt: skip
    assert run.errors[0]["field"] == "organization" and "校验位错误" in run.errors[0]["message"]


def test_a_well_formed_unknown_code_is_still_unknown(personas, org):
    code = factories.organization("410184").code
    run = run_import(actor=personas["staff_jinshui"], channel="import", kind="records", file_name="r.csv",
                     content=write_csv([c.header for c in RECORD_COLUMNS], [record(code, "U-1")]))  # fmt: skip
    assert run.errors[0]["message"] == f"未知的社会组织（统一社会信用代码 {code} 未登记或不在本辖区）"


def test_template_second_sheet_lists_kinds_and_the_regions_departments(login, personas, civil_affairs):
    from socredit.apps.registry.models import Region

    Department.objects.create(
        code="xz-sw", name="新郑市税务局", kind="tax", region=Region.objects.get(code="410184")
    )
    body = (
        login(personas["staff_jinshui"])
        .get(reverse("imports:import_template", args=["records", "xlsx"]))
        .content
    )
    sheet = openpyxl.load_workbook(io.BytesIO(body))["可填写的值"]
    values = [tuple(r) for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert ("信用信息事项（kind）", "行政处罚：警告", "Penalty: warning") in values
    depts = {v[1] for v in values if v[0] == "发布部门（department）"}
    assert (
        "郑州市民政局" in depts and "新郑市税务局" not in depts
    )  # 金水区's own and the city's, not 新郑市's
    xinzheng = {
        v[1] for v in valid_values("records", personas["staff_xinzheng"]) if v[0] == "发布部门（department）"
    }
    assert "新郑市税务局" in xinzheng  # per region


def test_upload_page_lists_record_kinds_and_departments(login, personas, civil_affairs):
    html = login(personas["staff_jinshui"]).get(reverse("imports:importrun_list")).content.decode()
    assert "可填写的值" in html and "行政处罚：警告" in html and "郑州市民政局" in html
