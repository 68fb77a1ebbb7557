"""Annual-report services: a draft keeps what is valid and refuses what is not (nothing written),
submission needs a complete report and a signature, the first timely submission writes
annual_report_on_time once, a return lets the organization correct and resubmit, the conclusion
writes the inspection record once and re-scores the organization."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from socredit.apps.annualreports import services
from socredit.apps.annualreports.models import AnnualReport, ReportFigure
from socredit.apps.annualreports.tests.conftest import YEAR, facts, figures
from socredit.apps.audit.models import AuditEvent
from socredit.apps.audit.services import verify_chain
from socredit.apps.evaluation.models import CreditScore
from socredit.apps.records.models import CreditRecord
from socredit.common.errors import FieldErrors
from socredit.testing import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def kinds(org):
    return list(
        CreditRecord.objects.filter(organization=org).order_by("id").values_list("kind__code", flat=True)
    )


def draft(actor, org, year=YEAR, **kw):
    return services.save_draft(actor, "form", org, year, content=kw.pop("content", facts()),
                               figures=kw.pop("figures", figures()), **kw)  # fmt: skip


def test_full_cycle_draft_submit_return_resubmit_pass_writes_each_record_once(
    org, org_self, personas, on_day
):
    staff = personas["staff_jinshui"]
    report = draft(org_self, org)
    assert report.state == "draft" and report.channel == "online" and report.submitted_on is None
    assert ReportFigure.objects.get(report=report, code="bs_total_assets").value == 1_000_000
    assert report.content["staff_total"] == 5 and "bs_cash" not in report.content

    report = services.submit_report(org_self, "form", report, declared_by_name="王立新")
    assert report.state == "submitted" and report.submitted_on == on_day
    assert report.declared_by == org_self and report.declared_by_name == "王立新"
    assert "真实、准确、完整" in report.declaration_text and report.declared_at is not None
    assert kinds(org) == ["annual_report_on_time"]
    assert report.timeliness_record.external_id == f"annualreport-{report.pk}-on-time"
    assert report.timeliness_record.occurred_on == on_day

    report = services.return_report(staff, "form", report, reasons="资产负债表附注缺失，请补充。")
    assert report.state == "returned" and report.return_reasons.startswith("资产负债表")
    report = draft(org_self, org, content=facts(changes="补充了附注说明"))
    assert report.state == "returned" and report.content["changes"] == "补充了附注说明"
    report = services.submit_report(org_self, "form", report, declared_by_name="王立新")
    assert report.state == "submitted" and report.submitted_on == on_day
    assert kinds(org) == ["annual_report_on_time"]  # a resubmission writes nothing more

    report = services.conclude_report(staff, "form", report, result="pass")
    assert report.state == "concluded" and report.result == "pass" and report.concluded_by == staff
    assert kinds(org) == ["annual_report_on_time", "annual_inspection_pass"]
    assert report.inspection_record.external_id == f"annualreport-{report.pk}-inspection"
    assert CreditScore.objects.filter(organization=org).exists()  # the record re-scored the organization
    history = list(report.history.values_list("from_state", "to_state"))
    assert history == [("", "draft"), ("draft", "submitted"), ("submitted", "returned"),
                       ("returned", "submitted"), ("submitted", "concluded")]  # fmt: skip
    actions = list(AuditEvent.objects.filter(target_id=str(report.pk), target_type="annualreports.annualreport")
                   .order_by("id").values_list("action", flat=True))  # fmt: skip
    assert actions == ["annualreport.create", "annualreport.submit", "annualreport.return", "annualreport.save",
                       "annualreport.submit", "annualreport.conclude"]  # fmt: skip
    assert verify_chain() is None  # the audit chain is intact

    with pytest.raises(FieldErrors):  # concluded: no more changes, no second conclusion
        draft(org_self, org)
    with pytest.raises(FieldErrors):
        services.conclude_report(staff, "form", report, result="fail", note="x")
    assert kinds(org) == ["annual_report_on_time", "annual_inspection_pass"]


def test_late_first_submission_writes_no_on_time_record(org, org_self, today_is):
    today_is(dt.date(2026, 6, 2))  # 2026-05-31 is a Sunday: the deadline moves to Monday 06-01
    report = services.submit_report(org_self, "form", draft(org_self, org), declared_by_name="王立新")
    assert report.state == "submitted" and report.timeliness_record is None
    assert kinds(org) == []


def test_deadline_day_itself_is_on_time(org, org_self, today_is):
    today_is(dt.date(2026, 6, 1))  # 05-31 is a Sunday: the last day is Monday 06-01 (民法典 第二百零三条)
    assert services.filing_deadline(org, YEAR) == dt.date(2026, 6, 1)
    services.submit_report(org_self, "form", draft(org_self, org), declared_by_name="王立新")
    assert kinds(org) == ["annual_report_on_time"]


def test_bad_draft_writes_nothing_and_names_each_field(org, org_self, on_day):
    with pytest.raises(FieldErrors) as exc:
        draft(org_self, org, figures=figures(bs_fixed_assets="401000", bs_total_assets="1001000", ia_donation="-5",
                                             bs_cash="abc"))  # fmt: skip
    errors = exc.value.errors
    assert "不平衡" in errors["bs_total_liabilities_and_net_assets"][0]
    assert "不能为负数" in errors["ia_donation"][0] and "abc" in errors["bs_cash"][0]
    assert not AnnualReport.objects.filter(organization=org).exists()
    assert not AuditEvent.objects.filter(action__startswith="annualreport").exists()


def test_year_not_ended_or_before_registration_is_refused(org, org_self, on_day):
    with pytest.raises(FieldErrors) as exc:
        draft(org_self, org, year=2026)
    assert "尚未结束" in exc.value.errors["year"][0]
    with pytest.raises(FieldErrors) as exc:
        draft(org_self, org, year=2010)
    assert "2015" in exc.value.errors["year"][0]


def test_submission_needs_required_facts_totals_and_signature(org, org_self, on_day):
    report = draft(org_self, org, content={"legal_representative": "王立新"}, figures={"bs_cash": "100"})
    with pytest.raises(FieldErrors) as exc:
        services.submit_report(org_self, "form", report, declared_by_name="")
    assert "declared_by_name" in exc.value.errors
    with pytest.raises(FieldErrors) as exc:
        services.submit_report(org_self, "form", report, declared_by_name="王立新")
    assert {"residence", "activities_summary", "bs_total_assets", "ia_total_income"} <= set(exc.value.errors)
    report.refresh_from_db()
    assert report.state == "draft" and kinds(org) == []


def test_foundation_needs_audit_report_attached(foundation, on_day):
    user = factories.org_account(foundation)
    report = draft(
        user, foundation, content=facts(members_individual=None, members_unit=None, general_meetings=None)
    )
    with pytest.raises(FieldErrors) as exc:
        services.submit_report(user, "form", report, declared_by_name="赵理事长")
    assert (
        "审计报告" in exc.value.errors["attachments"][0]
        and "基金会年度检查办法" in exc.value.errors["attachments"][0]
    )
    services.add_attachments(user, "form", report, "audit_report", [SimpleUploadedFile("审计报告.pdf", PDF)])
    report = services.submit_report(user, "form", report, declared_by_name="赵理事长")
    assert report.state == "submitted"


def test_attachment_checked_by_content(org, org_self, on_day):
    report = draft(org_self, org)
    with pytest.raises(FieldErrors) as exc:
        services.add_attachments(
            org_self, "form", report, "other", [SimpleUploadedFile("a.pdf", b"MZ\x90\x00")]
        )
    assert "a.pdf" in exc.value.errors["files"][0]
    assert not report.attachments.exists()


def test_paper_report_entered_by_staff_with_day_of_receipt(org, personas, on_day):
    staff = personas["staff_jinshui"]
    report = draft(staff, org, report_channel="paper")
    with pytest.raises(FieldErrors) as exc:
        services.submit_report(
            staff, "form", report, declared_by_name="王立新", received_on=on_day + dt.timedelta(1)
        )
    assert "received_on" in exc.value.errors
    report = services.submit_report(staff, "form", report, declared_by_name="王立新",
                                    received_on=dt.date(2026, 3, 2))  # fmt: skip
    assert report.channel == "paper" and report.submitted_on == dt.date(2026, 3, 2)
    assert report.timeliness_record.occurred_on == dt.date(2026, 3, 2) and report.declared_by == staff


def test_conclusion_other_than_pass_needs_a_note_and_fail_is_negative(org, org_self, personas, on_day):
    staff = personas["staff_jinshui"]
    report = services.submit_report(org_self, "form", draft(org_self, org), declared_by_name="王立新")
    with pytest.raises(FieldErrors) as exc:
        services.conclude_report(staff, "form", report, result="fail")
    assert "note" in exc.value.errors
    with pytest.raises(FieldErrors):
        services.conclude_report(staff, "form", report, result="excellent")
    report = services.conclude_report(staff, "form", report, result="fail", note="未按章程召开理事会")
    assert report.inspection_record.kind.code == "annual_inspection_fail"
    assert "未按章程召开理事会" in report.inspection_record.summary


def test_return_needs_reasons_and_a_submitted_report(org, org_self, personas, on_day):
    staff = personas["staff_jinshui"]
    report = draft(org_self, org)
    with pytest.raises(FieldErrors):
        services.return_report(staff, "form", report, reasons="请补充")  # still a draft
    report = services.submit_report(org_self, "form", report, declared_by_name="王立新")
    with pytest.raises(FieldErrors) as exc:
        services.return_report(staff, "form", report, reasons="  ")
    assert "reasons" in exc.value.errors
    report.refresh_from_db()
    assert report.state == "submitted"


def test_a_type_that_files_no_report_is_shown_the_associations_day_of_its_profile(org, monkeypatch):
    from socredit.apps.annualreports import deadlines
    from socredit.core.types import OrgType

    other = factories.organization(name="金水区其他类型组织", org_type=OrgType.OTHER)
    assert deadlines.due_date_for(other, YEAR) is None
    national = deadlines.profile_for_year(None, YEAR)
    local = national.with_overrides({"annual_report.deadline_association": "04-30"}, authority="测试")
    monkeypatch.setattr(deadlines, "profile_for_year", lambda region, year: local)
    assert (
        services.filing_deadline(other, YEAR) == services.filing_deadline(org, YEAR) == dt.date(2026, 4, 30)
    )
