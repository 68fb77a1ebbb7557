"""The assessment report (考核报告) on the crafted world: each section's figures against values
counted by hand, the report against the dashboard and the lists' own query, bad input, the files,
the pages' scoping and the command.

The world (``conftest.world``) plus, for the first quarter of 2026 (the report's period; the
previous period is the fourth quarter of 2025):

- cases in 金水区: an objection closed 02-10 (due 02-20: within), a complaint closed 03-15 (due
  03-01: after), a complaint not accepted 01-20 (no deadline), a repair open since 02-01 and due
  03-20 (open at the period's end past its deadline), an objection closed 04-05 (after the period);
  in 新郑市: a repair closed 03-01 (due 03-05: within);
- credit checks: 金水区 by 金水区市场监管局 on 02-05, 4 subjects, feedback carried out twice and one
  exemption; 新郑市 by the registration authority's staff on 03-02, 2 subjects, one not carried out;
- figures aggregated on 2025-12-31 and 2026-03-31 (and on the data date 2026-04-15).
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from socredit.apps.audit.models import AuditEvent
from socredit.apps.cases.models import Case
from socredit.apps.lists.access import access_entries
from socredit.apps.lists.models import LIST_LABELS
from socredit.apps.measures.models import CheckFeedback, CreditCheck
from socredit.apps.registry.models import Region
from socredit.apps.statistics.aggregate import aggregate_day, window_start
from socredit.apps.statistics.assessment.periods import Period, check_period, parse_preset, quarter_period
from socredit.apps.statistics.assessment.services import generate_assessment_report
from socredit.apps.statistics.models import AssessmentReport, Figure
from socredit.apps.statistics.tests.conftest import DAY, JINSHUI, XINZHENG
from socredit.common.access import SystemPrincipal
from socredit.common.errors import FieldErrors
from socredit.testing import factories

pytestmark = pytest.mark.django_db
Q1 = (dt.date(2026, 1, 1), dt.date(2026, 3, 31))


def _case(number: str, kind: str, region: str, status: str, due: dt.date | None, closed: dt.date | None,
          received: dt.date = dt.date(2026, 1, 5)) -> None:  # fmt: skip
    Case.objects.create(
        number=number, kind=kind, status=status, stage="done", region=factories.region(region), channel="staff",
        reasons="测试", received_on=received, filed_by_label="staff", profile_version="t", due_on=due,
        closed_on=closed,
    )  # fmt: skip


def _check(number: str, path: str, made: dt.date, subjects: int, dept: Any, outcomes: list[str]) -> None:
    check = CreditCheck.objects.create(
        number=number, scenario="licensing", as_of=made, catalogue_version="t",
        made_at=timezone.make_aware(dt.datetime.combine(made, dt.time(10))), made_by_label="staff",
        department=dept, channel="form", region_path=path, subjects_count=subjects, answered_count=subjects,
        pairs_count=len(outcomes), mandatory_count=0, subjects=b"", answer=b"", digest="x",
    )  # fmt: skip
    for i, outcome in enumerate(outcomes):
        CheckFeedback.objects.create(check_row=check, subject_index=i, measure_code="m", outcome=outcome,
                                     recorded_by_label="dept")  # fmt: skip


@pytest.fixture
def quarter(world):
    _case("A1", "objection", "410105", "closed", dt.date(2026, 2, 20), dt.date(2026, 2, 10))
    _case("A2", "complaint", "410105", "closed", dt.date(2026, 3, 1), dt.date(2026, 3, 15))
    _case("A3", "complaint", "410105", "rejected", None, dt.date(2026, 1, 20))
    _case("A4", "repair", "410105", "open", dt.date(2026, 3, 20), None, received=dt.date(2026, 2, 1))
    _case("A5", "objection", "410105", "closed", dt.date(2026, 4, 20), dt.date(2026, 4, 5))
    _case("B1", "repair", "410184", "closed", dt.date(2026, 3, 5), dt.date(2026, 3, 1))
    market = factories.department("js-scjg", "金水区市场监管局", "410105")
    _check("HC-Q1", JINSHUI, dt.date(2026, 2, 5), 4, market, ["applied", "applied", "exempted"])
    _check("HC-Q2", XINZHENG, dt.date(2026, 3, 2), 2, None, ["not_applied"])
    for day in (dt.date(2025, 12, 31), dt.date(2026, 3, 31), DAY):
        aggregate_day(SystemPrincipal(), day)
    return world


def report(code: str = "410105", start: dt.date = Q1[0], end: dt.date = Q1[1], language: str = "zh-hans"):
    return generate_assessment_report(SystemPrincipal(), factories.region(code), start, end, language)


def section(rep: AssessmentReport, key: str) -> dict[str, Any]:
    return next(s for s in rep.content["sections"] if s["key"] == key)


def row(rep: AssessmentReport, label: str) -> list[Any]:
    return next(r for r in section(rep, "figures")["rows"] if r[0] == label)


# --- the periods ---------------------------------------------------------------------------------


def test_periods_and_their_previous_ones():
    assert parse_preset("2026Q3") == Period(dt.date(2026, 7, 1), dt.date(2026, 9, 30), "quarter")
    assert parse_preset("2026q1").previous() == quarter_period(2025, 4)
    assert parse_preset("2026-03").previous() == Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28), "month")
    assert parse_preset("2026").previous() == Period(dt.date(2025, 1, 1), dt.date(2025, 12, 31), "year")
    custom = check_period(dt.date(2026, 3, 10), dt.date(2026, 3, 19), DAY)
    assert custom.kind == "custom" and custom.previous() == Period(dt.date(2026, 2, 28), dt.date(2026, 3, 9))
    assert check_period(*Q1, DAY).kind == "quarter"
    with pytest.raises(FieldErrors, match="2026Q5"):
        parse_preset("2026Q5")


# --- section 1: the figures and their change -----------------------------------------------------


def test_the_data_dates_are_the_last_aggregated_days_of_each_period(quarter):
    rep = report()
    assert rep.data_date == dt.date(2026, 3, 31) and rep.previous_data_date == dt.date(2025, 12, 31)


def test_organization_counts_and_levels(quarter):
    rep = report()
    assert row(rep, "存续的社会组织") == ["存续的社会组织", 3, 3, 0]  # a1, a2, c1 (a3 deregistered)
    assert row(rep, "社会组织类型分布：社会团体")[1:] == [2, 2, 0]
    assert row(rep, "信用等级：A")[1:] == [1, 1, 0]
    assert row(rep, "信用等级：未评价")[1:] == [2, 2, 0]


def test_lists_in_force_change(quarter):
    rep = report()
    abnormal = f"在名录中的社会组织：{LIST_LABELS['abnormal']}"
    red = f"在名录中的社会组织：{LIST_LABELS['red']}"
    assert row(rep, abnormal)[1:] == [1, 0, 1]  # a2 since 2026-02-03
    assert row(rep, red)[1:] == [1, 0, 1]  # a1 since 2026-01-15


def test_annual_report_rate_changes_in_percentage_points(quarter):
    rep = report()
    assert row(rep, "应报送年度工作报告")[1:] == [2, 2, 0]  # a1, a2 (c1 registered in 2026)
    assert row(rep, "年度工作报告报送率（%）")[1:] == [50.0, 0.0, 50.0]  # 2025: a1 by 03-31; 2024: none
    party = next(r for r in section(rep, "figures")["rows"] if r[0].startswith("党建入章"))
    assert party[1:] == [100.0, None, None]  # nothing filed on 2024: no rate to compare with


def test_open_cases_at_the_data_date(quarter):
    rep = report()
    # the figures count cases open now that were received by the data date: the world's objection
    # and A4 (overdue since 03-20); A1–A3 are concluded
    assert row(rep, "办理中的案件")[1:] == [2, 0, 2]
    assert row(rep, "超过期限仍在办理的案件")[1:] == [1, 0, 1]


# --- sections 2–4 --------------------------------------------------------------------------------


def test_list_movements_of_the_period(quarter):
    rep = report("410100")  # the city: 金水区 and 新郑市
    rows = section(rep, "lists")["rows"]
    abnormal, red = str(LIST_LABELS["abnormal"]), str(LIST_LABELS["red"])
    assert [r[0] for r in rows] == [abnormal, abnormal, red, "合计"]
    assert [r[2:] for r in rows] == [[1, 0], [0, 1], [1, 0], [2, 1]]  # a2 in; b1 out (corrected); a1 red
    assert rows[2][1] == "符合守信红名单条件"
    assert not any(c in str(rows) for c in ("annual_report", "corrected", "red_model", "R1."))


def test_list_movements_agree_with_the_lists_and_the_monthly_figures(quarter, personas):
    rep = report()
    total = section(rep, "lists")["rows"][-1]
    entries = access_entries(personas["staff_jinshui"])
    assert total[2] == entries.filter(entered_on__range=Q1).count() == 2
    assert total[3] == entries.filter(left_on__range=Q1).count() == 0
    monthly = Figure.objects.filter(day=dt.date(2026, 3, 31), path=JINSHUI, metric="list_entries",
                                    dimension__regex=r"^2026-0[1-3]/")  # fmt: skip
    assert sum(monthly.values_list("value", flat=True)) == total[2]


def test_cases_concluded_within_and_after_their_deadline(quarter):
    rows = section(report(), "cases")["rows"]
    assert rows == [
        ["金水区", "异议", 1, 1, 0, 0, 0],
        ["金水区", "信用修复", 0, 0, 0, 0, 1],
        ["金水区", "举报", 2, 0, 1, 1, 0],
        ["合计", "", 3, 1, 1, 1, 1],
    ]
    city = section(report("410100"), "cases")["rows"]
    assert ["新郑市", "信用修复", 1, 1, 0, 0, 0] in city and city[-1] == ["合计", "", 4, 2, 1, 1, 1]


def test_departments_feedback_on_checks(quarter):
    assert section(report(), "feedback")["rows"] == [
        ["金水区市场监管局", 1, 4, 2, 0, 1],
        ["合计", 1, 4, 2, 0, 1],
    ]
    city = section(report("410100"), "feedback")["rows"]
    assert ["登记管理机关工作人员", 1, 2, 0, 1, 0] in city and city[-1] == ["合计", 2, 6, 2, 1, 1]


def test_feedback_agrees_with_the_measures_figure(quarter):
    """Over the dashboard's window (12 months to the data date) the report counts what the figure does."""
    rep = report(start=window_start(DAY), end=DAY)
    total = section(rep, "feedback")["rows"][-1]
    figure = dict(
        Figure.objects.filter(day=DAY, path=JINSHUI, metric="measures").values_list("dimension", "value")
    )
    assert figure == {"applied": 3, "exempted": 1}  # the world's April check and HC-Q1
    assert total[3:] == [figure.get("applied", 0), figure.get("not_applied", 0), figure.get("exempted", 0)]


def test_the_report_agrees_with_the_dashboard(quarter, personas, login):
    rep = report()
    client = login(personas["staff_jinshui"])
    from socredit.apps.statistics.tests.test_views import panel

    page = client.get("/statistics/", {"region": "410105", "day": "2026-03-31"})
    for label, n in panel(page, "org_type")["rows"]:
        assert row(rep, f"社会组织类型分布：{label}")[1] == n
    for label, n in panel(page, "list_in_force")["rows"]:
        assert row(rep, f"在名录中的社会组织：{label}")[1] == n
    for label, n in panel(page, "credit_level")["rows"]:
        assert row(rep, f"信用等级：{label}")[1] == n
    due, filed, rate = panel(page, "annual_reports")["rows"][0]
    assert [row(rep, "应报送年度工作报告")[1], row(rep, "已报送年度工作报告")[1]] == [due, filed]
    assert f"{row(rep, '年度工作报告报送率（%）')[1]:.1f}" == rate
    clean = panel(page, "target_clean")
    assert f"{row(rep, clean['title'] + '（%）')[1]:.1f}" == clean["rows"][0][2]
    open_, overdue = (sum(r[i] for r in panel(page, "cases")["rows"]) for i in (1, 2))
    assert [row(rep, "办理中的案件")[1], row(rep, "超过期限仍在办理的案件")[1]] == [open_, overdue]


def test_an_empty_region_gets_zeros_and_empty_sections(quarter):
    rep = report("410102")  # 中原区: no organizations, cases or checks
    assert row(rep, "存续的社会组织")[1:] == [0, 0, 0]
    assert all(section(rep, k)["rows"] == [] for k in ("lists", "cases", "feedback"))


# --- bad input -----------------------------------------------------------------------------------


def test_bad_periods_are_refused_with_their_reason(quarter):
    with pytest.raises(FieldErrors, match="早于|before it starts"):
        report(start=dt.date(2026, 3, 1), end=dt.date(2026, 2, 1))
    with pytest.raises(FieldErrors, match="今天|after today"):
        report(start=dt.date(2026, 4, 1), end=dt.date(2026, 6, 30))
    with pytest.raises(FieldErrors, match="statistics aggregate"):
        report(start=dt.date(2025, 1, 1), end=dt.date(2025, 3, 31))
    assert not AssessmentReport.objects.exists()


# --- the files, versions and audit ---------------------------------------------------------------


def test_the_pdf_embeds_its_fonts_and_the_xlsx_holds_numbers(quarter):
    rep = report()
    pdf = rep.pdf.read()
    assert pdf.startswith(b"%PDF")
    embedded = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for each in [font, *[d.get_object() for d in font.get("/DescendantFonts", [])]]:
                described = each.get("/FontDescriptor")
                if described and {"/FontFile", "/FontFile2", "/FontFile3"} & set(described.get_object()):
                    embedded.add(str(each["/BaseFont"]))
    assert any("CJK" in name for name in embedded), embedded  # embedded, not referenced
    book = load_workbook(io.BytesIO(rep.xlsx.read()))
    assert len(book.sheetnames) == 4
    sheet = book[book.sheetnames[2]]  # the cases
    values = [[c.value for c in r] for r in sheet.iter_rows(min_row=4)]
    assert ["合计", None, 3, 1, 1, 1, 1] in values
    import hashlib

    rep.xlsx.seek(0)
    assert hashlib.sha256(rep.xlsx.read()).hexdigest() == rep.xlsx_sha256


def test_english_report_has_english_labels(quarter):
    rep = report(language="en")
    assert rep.language == "en" and row(rep, "Existing organizations")[1:] == [3, 3, 0]
    assert section(rep, "cases")["rows"][-1][0] == "Total"


def test_regenerating_adds_a_version_and_audits_each(quarter):
    first, second = report(), report()
    assert (first.version, second.version) == (1, 2)
    assert first.pdf.name != second.pdf.name
    assert AuditEvent.objects.filter(action="statistics.assessment").count() == 2


# --- the pages -----------------------------------------------------------------------------------

URL = "/statistics/assessment/"


def test_the_page_generates_a_report_and_shows_it(quarter, personas, login):
    client = login(personas["staff_jinshui"])
    assert "考核报告" in client.get("/statistics/").content.decode()
    response = client.post(URL, {"region": "", "period": "2026Q1", "language": "zh-hans"})
    assert response.status_code == 302
    rep = AssessmentReport.objects.get()
    assert rep.region == Region.objects.get(code="410105") and rep.language == "zh-hans"
    html = client.get(response["Location"]).content.decode()
    assert "异议" in html and "2026-03-31" in html and "金水区市场监管局" in html
    pdf = client.get(f"{URL}{rep.pk}/report.pdf")
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")
    assert timezone.localtime(rep.generated_at).strftime("%Y-%m-%d %H:%M") in client.get(URL).content.decode()


def test_the_page_explains_bad_input(quarter, personas, login):
    client = login(personas["staff_jinshui"])
    cases = [
        ({"start": "2026-03-01", "end": "2026-02-01"}, "早于"),
        ({"period": "2026Q2"}, "今天"),
        ({"period": "2025Q1"}, "statistics aggregate"),
        ({"period": "2026Q9"}, "2026Q9"),
        ({}, "请选择"),
    ]
    for data, message in cases:
        response = client.post(URL, {"language": "zh-hans", **data})
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    response = client.post(URL, {"region": "410184", "period": "2026Q1", "language": "zh-hans"})
    assert response.status_code == 404 and "您所辖范围内没有此代码的区划" in response.content.decode()
    assert not AssessmentReport.objects.exists()


def test_another_regions_report_is_not_found(quarter, personas, login):
    rep = report("410184")
    client = login(personas["staff_jinshui"])
    assert client.get(f"{URL}{rep.pk}/").status_code == 404
    assert client.get(f"{URL}{rep.pk}/report.xlsx").status_code == 404
    assert "新郑市" not in client.get(URL).content.decode()
    city = login(personas["city_admin"])
    assert city.get(f"{URL}{rep.pk}/report.xlsx").status_code == 200


def test_a_viewer_reads_but_does_not_generate(quarter, personas, login):
    report()
    client = login(personas["viewer_jinshui"])
    page = client.get(URL)
    assert page.status_code == 200 and '<form method="post"' not in page.content.decode()
    assert client.post(URL, {"period": "2026Q1", "language": "zh-hans"}).status_code == 403


def test_the_page_in_english(quarter, personas, login):
    client = login(personas["staff_jinshui"])
    response = client.post(URL, {"period": "2026Q1", "language": "en"}, HTTP_ACCEPT_LANGUAGE="en")
    rep = AssessmentReport.objects.get()
    assert rep.language == "en"
    html = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Cases concluded in the period" in html


# --- the command ---------------------------------------------------------------------------------


def test_the_command_generates_and_refuses(quarter, capsys):
    call_command("statistics", "assessment", "--region", "410105", "--quarter", "2026Q1")
    out = capsys.readouterr().out
    rep = AssessmentReport.objects.get()
    assert rep.pdf.path in out and rep.xlsx.path in out and "数据日期 2026-03-31" in out
    call_command("statistics", "assessment", "--region", "410105", "--from", "2026-01-01", "--to", "2026-03-31",
                 "--language", "en")  # fmt: skip
    assert AssessmentReport.objects.filter(version=2, language="en").exists()
    with pytest.raises(CommandError, match="410999"):
        call_command("statistics", "assessment", "--region", "410999", "--quarter", "2026Q1")
    with pytest.raises(CommandError, match="--quarter"):
        call_command("statistics", "assessment", "--region", "410105")
    with pytest.raises(CommandError, match="今天"):
        call_command("statistics", "assessment", "--region", "410105", "--quarter", "2026Q4")
