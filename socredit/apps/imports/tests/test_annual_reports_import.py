"""Import of past years' annual work reports: per-row errors (row, column, reason) for negative
amounts, unbalanced statements, unknown codes, years not ended, duplicate rows; valid rows land as
paper reports (concluded with their inspection record, or submitted); a re-run changes nothing;
Chinese headers are read; the template round-trips."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest

from socredit.apps.annualreports.models import AnnualReport
from socredit.apps.annualreports.tests.figures_helpers import filed_report
from socredit.apps.imports.columns import ANNUAL_REPORT_COLUMNS, template_file
from socredit.apps.imports.models import ImportKind, ImportStatus
from socredit.apps.imports.services import run_import
from socredit.apps.records.models import CreditRecord
from socredit.common.imports import write_csv, write_xlsx
from socredit.testing import factories

pytestmark = pytest.mark.django_db

KIND = ImportKind.ANNUAL_REPORTS
FIELDS = [c.field for c in ANNUAL_REPORT_COLUMNS]
GOOD = {
    "bs_current_assets": "800000", "bs_fixed_assets": "200,000.00", "bs_total_assets": "1000000",
    "bs_current_liabilities": "300000", "bs_total_liabilities": "300000",
    "bs_unrestricted_net_assets": "700000", "bs_total_net_assets": "700000",
    "bs_total_liabilities_and_net_assets": "1000000", "ia_donation": "400000", "ia_total_income": "400000",
    "ia_program_costs": "300000", "ia_total_expenses": "300000", "ia_net_asset_change": "100000",
}  # fmt: skip


def row(org, year, result="合格", submitted="", concluded="", **figures):
    values = {"organization": org.code if hasattr(org, "code") else org, "year": str(year), "result": result,
              "submitted_on": submitted, "concluded_on": concluded or (f"{year + 1}-05-10" if result else ""),
              **GOOD, **figures}  # fmt: skip
    return [values.get(f, "") for f in FIELDS]


def imp(actor, rows, *, headers=None, name="f.csv", dry_run=False):
    head = headers or [c.title for c in ANNUAL_REPORT_COLUMNS]
    content = write_xlsx(head, rows) if name.endswith(".xlsx") else write_csv(head, rows)
    return run_import(
        actor=actor, channel="import", kind=KIND, content=content, file_name=name, dry_run=dry_run
    )


def errors_of(run):
    return {(e["row"], e["field"]): e["message"] for e in run.errors}


@pytest.fixture
def setup(personas, civil_affairs):
    org = factories.organization("410105", registered_on=dt.date(2015, 3, 1), name="金水区导入年报协会")
    second = factories.organization("410105", registered_on=dt.date(2015, 3, 1), name="金水区导入年报二会")
    other = factories.organization("410184")  # 新郑: outside 金水's scope
    return {"org": org, "second": second, "other": other, "user": personas["staff_jinshui"]}


def test_bad_rows_get_clear_errors_and_good_rows_land(setup):
    org, second, user = setup["org"], setup["second"], setup["user"]
    this_year = dt.date.today().year
    rows = [
        row(org, 2022),  # 2: good, concluded
        row(org, 2023, bs_cash="-5"),  # 3: a negative amount
        row(
            org,
            2021,
            bs_current_liabilities="400000",
            bs_total_liabilities="400000",
            bs_total_liabilities_and_net_assets="1100000",
        ),  # 4: sub-totals right, but does not balance
        row("51410105MJ000001XX", 2022),  # 5: a malformed code
        row(setup["other"], 2022),  # 6: outside the region
        row(second, this_year),  # 7: the year has not ended
        row(org, 2022, result=""),  # 8: repeats row 2
        row(second, 2023, result=""),  # 9: good, submitted
        row(org, 2020, result="优秀"),  # 10: unknown result
        row(org, 2019, ia_total_income=""),  # 11: a total a filed report states is missing
    ]
    run = imp(user, rows)
    assert run.status == ImportStatus.PARTIAL and run.created == 2 and run.error_rows == 8
    errors = errors_of(run)
    assert "不能为负数" in errors[(3, "bs_cash")] and "货币资金" in errors[(3, "bs_cash")]
    assert "不平衡" in errors[(4, "bs_total_liabilities_and_net_assets")]
    assert (5, "organization") in errors and (6, "organization") in errors
    assert "未登记或不在本辖区" in errors[(6, "organization")]
    assert "尚未结束" in errors[(7, "year")]
    assert "2" in errors[(8, "year")]  # names the row it repeats
    assert (10, "result") in errors and (11, "ia_total_income") in errors
    columns = {(e["row"], e["field"]): e["column"] for e in run.errors}
    assert columns[(3, "bs_cash")] == "货币资金（bs_cash）"
    concluded = AnnualReport.objects.get(organization=org, year=2022)
    assert (concluded.state, concluded.result, concluded.channel) == ("concluded", "pass", "paper")
    assert (
        concluded.concluded_on == dt.date(2023, 5, 10)
        and concluded.figure_values()["bs_fixed_assets"] == 200000
    )
    assert concluded.inspection_record.kind.code == "annual_inspection_pass"
    submitted = AnnualReport.objects.get(organization=second, year=2023)
    assert submitted.state == "submitted" and submitted.result is None and submitted.inspection_record is None
    assert AnnualReport.objects.count() == 2


def test_rerun_is_idempotent_and_a_fixed_row_is_added(setup):
    org, user = setup["org"], setup["user"]
    first = imp(user, [row(org, 2022), row(org, 2023, bs_cash="-5")])
    assert (first.created, first.error_rows) == (1, 1)
    records = CreditRecord.objects.count()
    again = imp(user, [row(org, 2022), row(org, 2023)])
    assert (again.created, again.unchanged, again.error_rows) == (1, 1, 0)
    assert AnnualReport.objects.filter(organization=org).count() == 2
    assert CreditRecord.objects.count() == records + 1  # only the new year's inspection record
    changed = imp(user, [row(org, 2022, result="不合格")])
    assert changed.created == 0 and "导入过" in errors_of(changed)[(2, "year")]
    assert AnnualReport.objects.get(organization=org, year=2022).result == "pass"


def test_a_report_filed_in_the_system_is_never_overwritten(setup):
    org, user = setup["org"], setup["user"]
    filed_report(org, 2022, {"bs_total_assets": "1.00"}, state="submitted")
    run = imp(user, [row(org, 2022)])
    assert run.created == 0 and "不能用文件覆盖" in errors_of(run)[(2, "year")]
    assert AnnualReport.objects.get(organization=org, year=2022).figure_values() == {"bs_total_assets": 1}


def test_chinese_headers_xlsx_and_dry_run(setup):
    org, user = setup["org"], setup["user"]
    headers = [c.header for c in ANNUAL_REPORT_COLUMNS]  # plain Chinese names, as offices write them
    dry = imp(user, [row(org, 2022)], headers=headers, name="old.xlsx", dry_run=True)
    assert dry.created == 1 and not AnnualReport.objects.exists()
    real = imp(user, [row(org, 2022)], headers=headers, name="old.xlsx")
    assert (
        real.status == ImportStatus.SUCCEEDED and AnnualReport.objects.filter(organization=org).count() == 1
    )


def test_the_template_lists_every_figure_and_the_results(setup, tmp_path):
    data = template_file(KIND, "xlsx", setup["user"])
    path = tmp_path / "t.xlsx"
    path.write_bytes(data)
    book = openpyxl.load_workbook(path, read_only=True)
    headers = next(book.worksheets[0].iter_rows(values_only=True))
    assert "资产总计（bs_total_assets）" in headers and "年检结论（result）" in headers
    values = [r[1] for r in book.worksheets[1].iter_rows(values_only=True)]
    assert {"合格", "基本合格", "不合格"} <= set(values)
    # the template's example row is itself a valid past report for a registered organization
    example = next(book.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert example[headers.index("资产总计（bs_total_assets）")] == "1000000.00"
