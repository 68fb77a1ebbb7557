"""Objections (异议): filing, marking, forwarding, verification, decision, notice; every refusal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from socredit.apps.audit.services import verify_chain
from socredit.apps.cases.models import Case, CaseRecord, CaseStatus, Verification
from socredit.apps.cases.services import common, objections
from socredit.apps.records.models import CreditRecord
from socredit.apps.workdays.services import working_calendar
from socredit.common.errors import FieldErrors
from socredit.core.calendar import WorkingCalendar
from socredit.core.types import DepartmentKind, RecordStatus
from socredit.testing import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% evidence\n"


def pdf(name: str = "说明.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def tax(db):
    return factories.department("zz-sw", "郑州市税务局", kind=DepartmentKind.TAX)


@pytest.fixture
def org(db):
    return factories.organization(region_code="410105", name="郑州市金水区异议测试协会")


def cal() -> WorkingCalendar:
    return working_calendar()


def test_an_objection_to_own_information_marks_the_record_and_runs_the_own_plan(org, personas):
    record = factories.record(org, "penalty_warning")
    user = factories.org_account(org)
    case = objections.file_objection(user, channel="organization", organization=org, records=[record],
                                     reasons="该警告所依据的事实已于决定前整改，文书日期有误。", files=[pdf()])  # fmt: skip
    record.refresh_from_db()
    assert record.under_objection and record.status == RecordStatus.EFFECTIVE.value  # still effective (R6.2)
    assert case.number.startswith(f"YY-{case.received_on.year}-")
    assert [s.code for s in case.steps.all()] == ["mark", "decide", "notify"]
    mark, decide, notify = case.steps.all()
    assert mark.done_on == common.today()
    # national-2026.1: decide within 5 working days of receipt, answer within 20 (R6.1)
    assert decide.due_on == cal().add_working_days(case.received_on, 5)
    assert case.due_on == cal().add_working_days(case.received_on, 20)
    assert case.parameters["objection.total_working_days"]["value"] == 20
    assert case.evidence.count() == 1 and case.documents.filter(kind="receipt").exists()

    staff = personas["staff_jinshui"]
    with pytest.raises(FieldErrors, match="必须写明处理决定的理由"):
        objections.decide(staff, case, reason=" ", actions={record.pk: {"action": "revoke"}})
    with pytest.raises(FieldErrors) as refused:  # no action for the record: named by kind and number
        objections.decide(staff, case, reason="经核查，依法作出处理决定。", actions={})
    assert f"请为记录“{record.kind.name_zh} {record.document_number}”选择处理方式" in str(refused.value)
    assert f"#{record.pk}" not in str(refused.value)
    objections.decide(staff, case, reason="经核查，警告决定书送达前已整改完毕，撤销该记录。",
                      actions={record.pk: {"action": "revoke"}})  # fmt: skip
    record.refresh_from_db()
    assert record.status == RecordStatus.REVOKED.value and not record.under_objection
    case = objections.notify(staff, case)
    assert case.status == CaseStatus.CLOSED and case.outcome == "corrected"
    result = case.documents.get(kind="result")
    assert "异议成立" in result.body and "行政复议" in result.body
    assert verify_chain() is None


def test_forwarded_objection_follows_the_xinzheng_deadlines(personas, tax):
    factories.department(
        "xz-mzj", "新郑市民政局", "410184"
    )  # the registering authority of 新郑's organizations
    org = factories.organization(region_code="410184", name="新郑市异议测试协会")
    record = factories.record(org, "tax_arrears", department=tax.code, document_number="郑税〔2025〕8号")
    staff = personas["staff_xinzheng"]
    # the organization's registering authority is in 新郑市: its profile applies, no setting needed
    case = objections.file_objection(staff, channel="paper", organization=org, records=[record],
                                     reasons="欠税已于2025年3月缴清，税务部门记录未更新。",
                                     received_on=common.today() - dt.timedelta(days=3))  # fmt: skip
    assert case.profile_version.startswith("xinzheng-2019.1+national-")
    steps = {s.code: s for s in case.steps.all()}
    assert list(steps) == ["mark", "forward", "verify", "decide", "notify"]
    assert steps["forward"].due_on == cal().add_working_days(case.received_on, 5)  # seed 004: 5
    assert case.due_on == cal().add_working_days(case.received_on, 12)  # seed 004: 12 overall
    assert steps["verify"].due_on is None  # counted from the forwarding

    with pytest.raises(FieldErrors, match="须先完成“转交信息提供单位”"):
        objections.decide(staff, case, reason="x", actions={record.pk: {"action": "upheld"}})
    with pytest.raises(FieldErrors, match="尚未转交"):
        objections.record_verification(staff, case, department=tax, result="error", note="有误")

    on = common.today() - dt.timedelta(days=1)
    (v,) = objections.forward(staff, case, on=on)
    assert v.department == tax and v.due_on == cal().add_working_days(on, 5)
    assert case.documents.filter(kind="forward", addressee=tax.name).exists()
    with pytest.raises(FieldErrors, match="核查结果应为"):
        objections.record_verification(staff, case, department=tax, result="maybe", note="?")
    objections.record_verification(staff, case, department=tax, result="error", note="已于2025年3月缴清",
                                   corrections=[{"record_id": record.pk, "action": "correct",
                                                 "data": {"summary": "欠税已缴清（异议更正）"}}])  # fmt: skip
    with pytest.raises(FieldErrors, match="不能重复反馈"):
        objections.record_verification(staff, case, department=tax, result="error", note="again")
    case.refresh_from_db()
    assert case.stage == "decide"
    notify = case.steps.get(code="notify")
    # seed 004: the applicant is told within 2 working days of receiving the verification result
    assert notify.due_on == cal().add_working_days(case.steps.get(code="verify").done_on, 2)
    objections.decide(staff, case, reason="税务部门核实欠税已缴清，更正摘要。",
                      actions={record.pk: {"action": "correct", "data": {"summary": "欠税已缴清（异议更正）"}}})  # fmt: skip
    link = CaseRecord.objects.get(case=case)
    assert link.action == "corrected" and link.result_record.summary == "欠税已缴清（异议更正）"
    record.refresh_from_db()
    assert record.status == RecordStatus.CORRECTED.value and record.superseded_by == link.result_record
    assert case.steps.get(code="notify").due_on == cal().add_working_days(
        case.steps.get(code="verify").done_on, 2
    )


def test_refusals_change_nothing(org, personas):
    other = factories.organization(region_code="410105", name="郑州市金水区另一协会")
    foreign = factories.record(other, "penalty_warning")
    mine = factories.record(org, "penalty_warning")
    user = factories.org_account(org)
    before = Case.objects.count()
    with pytest.raises(FieldErrors, match="不属于"):
        objections.file_objection(user, channel="organization", organization=org, records=[foreign],
                                  reasons="这条记录不是我们的，请核实后更正。")  # fmt: skip
    with pytest.raises(FieldErrors, match="只能对本组织"):
        objections.file_objection(user, channel="organization", organization=other, records=[foreign],
                                  reasons="这条记录不是我们的，请核实后更正。")  # fmt: skip
    with pytest.raises(FieldErrors, match="至少10个字|至少"):
        objections.file_objection(
            user, channel="organization", organization=org, records=[mine], reasons="有误"
        )
    with pytest.raises(FieldErrors, match="请至少选择"):
        objections.file_objection(user, channel="organization", organization=org, records=[],
                                  reasons="没有选择任何记录的异议申请。")  # fmt: skip
    with pytest.raises(FieldErrors, match="文件类型不被接受"):
        objections.file_objection(user, channel="organization", organization=org, records=[mine],
                                  reasons="附件是可执行文件，应当被拒绝。", files=[pdf("virus.exe", b"MZ\x90\x00")])  # fmt: skip
    with pytest.raises(FieldErrors, match="与扩展名"):
        objections.file_objection(user, channel="organization", organization=org, records=[mine],
                                  reasons="PDF 内容却是 PNG 扩展名。", files=[pdf("scan.png")])  # fmt: skip
    with override_settings(SOCREDIT_EVIDENCE_MAX_BYTES=10), pytest.raises(FieldErrors, match="超过"):
        objections.file_objection(user, channel="organization", organization=org, records=[mine],
                                  reasons="附件太大，应当被拒绝。", files=[pdf()])  # fmt: skip
    assert Case.objects.count() == before
    mine.refresh_from_db()
    assert not mine.under_objection

    objections.file_objection(user, channel="organization", organization=org, records=[mine],
                              reasons="第一次异议：文书号有误。")  # fmt: skip
    with pytest.raises(FieldErrors, match="已有办理中的异议"):
        objections.file_objection(user, channel="organization", organization=org, records=[mine],
                                  reasons="第二次异议：同一条记录。")  # fmt: skip
    revoked = factories.record(org, "penalty_warning")
    from socredit.apps.records.services import revoke_record

    revoke_record(actor=personas["staff_jinshui"], channel="form", record=revoked, reason="测试撤销")
    with pytest.raises(FieldErrors, match="只能对有效记录"):
        objections.file_objection(user, channel="organization", organization=org, records=[revoked],
                                  reasons="对已撤销记录的异议应被拒绝。")  # fmt: skip


def test_notify_before_decision_and_actions_on_a_closed_case_are_refused(org, personas):
    record = factories.record(org, "penalty_warning")
    staff = personas["staff_jinshui"]
    case = objections.file_objection(staff, channel="paper", organization=org, records=[record],
                                     reasons="书面异议：处罚对象错误。", received_on=common.today())  # fmt: skip
    with pytest.raises(FieldErrors, match="须先完成“核查并作出处理决定”"):
        objections.notify(staff, case)
    with pytest.raises(FieldErrors, match="请为记录"):
        objections.decide(staff, case, reason="理由", actions={})
    objections.decide(
        staff, case, reason="经核查原处罚无误，维持。", actions={record.pk: {"action": "upheld"}}
    )
    case = objections.notify(staff, case)
    assert case.outcome == "upheld"
    record.refresh_from_db()
    assert record.status == RecordStatus.EFFECTIVE.value and not record.under_objection
    with pytest.raises(FieldErrors, match="已办结|已"):
        objections.withdraw(staff, case, reason="撤回")


def test_withdrawal_clears_the_mark(org):
    record = factories.record(org, "penalty_warning")
    user = factories.org_account(org)
    case = objections.file_objection(user, channel="organization", organization=org, records=[record],
                                     reasons="我们认为记录有误，申请核查。")  # fmt: skip
    with pytest.raises(FieldErrors, match="撤回理由"):
        objections.withdraw(user, case, reason="")
    objections.withdraw(user, case, reason="已与登记管理机关沟通，撤回异议。")
    record.refresh_from_db()
    case.refresh_from_db()
    assert not record.under_objection and case.status == CaseStatus.WITHDRAWN


def test_escalation_marks_overdue_steps_once(org, personas):
    record = factories.record(org, "penalty_warning")
    staff = personas["staff_jinshui"]
    received = common.today() - dt.timedelta(days=40)
    case = objections.file_objection(staff, channel="paper", organization=org, records=[record],
                                     reasons="书面异议：金额有误，应为五百元。", received_on=received)  # fmt: skip
    assert common.escalate_overdue() >= 2  # the decision step and the overall limit
    assert common.escalate_overdue() == 0
    step = case.steps.get(code="decide")
    assert step.escalated_on == common.today()
    assert case.events.filter(action="escalate").count() == 2


def test_a_listing_decision_is_annulled_by_a_founded_objection(org, personas):
    from socredit.apps.lists import services as lists
    from socredit.apps.lists.models import ListEntry, ListProposal

    staff = personas["staff_jinshui"]
    factories.record(org, "annual_report_missing", occurred_on=lists.today() - dt.timedelta(days=100))
    proposal = ListProposal.objects.get(organization=org)
    notice = lists.serve_notice(
        staff, proposal, "written", lists.today() - dt.timedelta(days=95), "告〔2026〕9号"
    )
    lists.file_statement(staff, notice, text="", received_on=notice.served_on, channel="paper", waive=True)
    decision = lists.confirm_proposal(staff, proposal, document_number="名〔2026〕9号",
                                      decided_on=lists.today() - dt.timedelta(days=90))  # fmt: skip
    user = factories.org_account(org)
    case = objections.file_objection(user, channel="organization", organization=org, list_decision=decision,
                                     records=[], reasons="年度报告已按时报送，有邮寄回执为证。")  # fmt: skip
    objections.decide(
        staff, case, reason="查实年度报告已按时报送，撤销列入。", actions={}, list_action="annul"
    )
    entry = ListEntry.objects.get(entry_decision=decision)
    assert entry.left_on == common.today() and entry.exit_ground == "R1.18"
    case.refresh_from_db()
    assert case.outcome == "corrected"


def test_case_numbers_are_sequential_per_kind_and_year(org):
    user = factories.org_account(org)
    numbers = []
    for i in range(3):
        r = factories.record(org, "penalty_warning")
        numbers.append(objections.file_objection(user, channel="organization", organization=org, records=[r],
                                                 reasons=f"第{i + 1}份异议申请，事实有误。").number)  # fmt: skip
    seq = [int(n.rsplit("-", 1)[1]) for n in numbers]
    assert seq == [seq[0], seq[0] + 1, seq[0] + 2]


def test_verification_model_is_unique_per_department(org, tax, personas):
    r1 = factories.record(org, "tax_arrears", department=tax.code)
    r2 = factories.record(org, "tax_arrears", department=tax.code)
    staff = personas["staff_jinshui"]
    case = objections.file_objection(staff, channel="paper", organization=org, records=[r1, r2],
                                     reasons="两条欠税记录均已缴清。", received_on=common.today())  # fmt: skip
    objections.forward(staff, case)
    assert Verification.objects.filter(case=case).count() == 1
    assert set(Verification.objects.get(case=case).records.values_list("pk", flat=True)) == {r1.pk, r2.pk}
    assert CreditRecord.objects.filter(pk__in=[r1.pk, r2.pk], under_objection=True).count() == 2
