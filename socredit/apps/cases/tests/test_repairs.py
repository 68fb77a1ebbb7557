"""信用修复 services: the happy path to a repaired record (off public view and out of the evaluation,
with a change event), every refusal with nothing written, actions out of order, and the exact
boundary dates of the minimum period for each class (rules.md R2.8, R2.9)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from socredit.apps.accounts.models import User
from socredit.apps.cases import conditions
from socredit.apps.cases.models import Case, CaseDocument, CaseRecord, CaseStatus, Evidence
from socredit.apps.cases.services import repairs
from socredit.apps.commitments.models import Commitment, CommitmentTemplate
from socredit.apps.evaluation.models import CreditScore
from socredit.apps.lists.models import ListDecision, ListEntry
from socredit.apps.records.models import ChangeEvent, CreditRecord, RecordStateChange
from socredit.apps.records.publicity import published_records
from socredit.apps.records.services import revoke_record
from socredit.common.errors import FieldErrors
from socredit.core.types import DepartmentKind, RecordStatus
from socredit.testing import factories

pytestmark = pytest.mark.django_db
D = dt.date
TODAY = repairs.today


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def org(personas, civil_affairs):
    return factories.organization("410105", name="金水区养老服务协会")


@pytest.fixture
def officer(personas):
    return personas["staff_jinshui"]


@pytest.fixture
def org_user(org):
    return User.objects.create_user(username="org_self", password="x", organization=org, full_name="王经办")


def pdf(name="证明.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4 proof of payment", content_type="application/pdf")


def fine(org, decided, *, officer=None, **extra):
    """A 一般 fine decided on ``decided`` by the civil-affairs bureau."""
    extra.setdefault("amount", "3000")
    return factories.record(
        org, "penalty_fine", actor=officer, occurred_on=decided, decided_on=decided, **extra
    )


LONG_AGO = D(2020, 1, 1)


def commit(org, on=LONG_AGO):
    template = CommitmentTemplate.objects.filter(
        matter="repair"
    ).first() or CommitmentTemplate.objects.create(
        code="repair-test", title="信用修复承诺书", matter="repair", body="承诺"
    )
    return Commitment.objects.create(organization=org, template=template, matter="repair", text="承诺",
                                     signed_by_name="李理事长", signed_on=on, channel="form",
                                     entered_by_label="test")  # fmt: skip


def apply(actor, org, record, on, files=None, **extra):
    kwargs = {"reasons": "已缴清罚款并完成整改", "obligations_statement": "罚款已于当月缴清",
              "files": [pdf()] if files is None else files, "received_on": on, "applicant_name": "王经办",
              "applicant_contact": "13800000000", **extra}  # fmt: skip
    channel = "organization" if getattr(actor, "is_org_account", False) else "paper"
    return repairs.apply_for_repair(actor, channel, org, record, **kwargs)


def nothing_written(before_events):
    assert not Case.objects.exists() and not Evidence.objects.exists()
    assert ChangeEvent.objects.count() == before_events


# --- the happy path -----------------------------------------------------------------------------------


def test_repair_happy_path_leaves_public_view_and_evaluation(org, org_user, officer):
    decided = TODAY() - dt.timedelta(days=150)  # past the 3-month minimum, within the 1-year maximum
    record = fine(org, decided, officer=officer)
    commit(org)
    penalised = CreditScore.objects.get(organization=org).score
    assert (
        published_records(CreditRecord.objects.filter(organization=org), TODAY())
        .filter(pk=record.pk)
        .exists()
    )

    case = apply(org_user, org, record, TODAY(), files=[pdf("a.pdf"), pdf("b.pdf")])
    assert (case.kind, case.status, case.stage, case.organization) == (
        "repair",
        CaseStatus.OPEN,
        "accept",
        org,
    )
    assert case.details["eligibility"]["conditions"][5]["code"] == "min_period"
    assert CaseRecord.objects.get(case=case).record == record
    assert case.evidence.count() == 2
    assert case.steps.get(code="accept").due_on is not None  # repair.acceptance_working_days
    assert case.events.filter(public=True, action="apply").exists()

    repairs.accept_repair(officer, case, on=TODAY(), obligations_confirmed=True, note="材料齐全")
    case.refresh_from_db()
    assert case.stage == "decide" and case.steps.get(code="decide").due_on is not None

    repairs.decide_repair(officer, case, on=TODAY(), approve=True, reason="已履行义务，最短公示期届满")
    case.refresh_from_db()
    record.refresh_from_db()
    assert (case.status, case.outcome, case.decided_on, case.stage) == (
        CaseStatus.CLOSED,
        "repaired",
        TODAY(),
        "done",
    )
    assert (record.status, record.ended_on) == (RecordStatus.REPAIRED.value, TODAY())
    assert CaseRecord.objects.get(case=case).action == "repaired"
    assert all(s.done_on == TODAY() for s in case.steps.filter(code__in=["decide", "notify"]))
    doc = CaseDocument.objects.get(case=case, kind="repair_decision")
    assert (
        doc.title == "信用修复决定书"
        and "《信用修复管理办法》（国家发展和改革委员会令第36号）第二条、第三条" in doc.body
    )
    assert "终止公示" in doc.body and not {"R2.6", "R2.9", "national-"} & set(doc.body.split())
    assert "R2." not in doc.body and "national-" not in doc.body
    # off public view, out of the evaluation (the internal history keeps it)
    assert (
        not published_records(CreditRecord.objects.filter(organization=org), TODAY())
        .filter(pk=record.pk)
        .exists()
    )
    assert CreditScore.objects.get(organization=org).score > penalised
    assert RecordStateChange.objects.filter(record=record, to_status=RecordStatus.REPAIRED.value).exists()
    event = ChangeEvent.objects.get(kind="record.repaired")
    assert event.record == record and event.payload["case"] == case.number and "sync_by" in event.payload
    assert event.region_path == org.region.path


def test_refused_decision_keeps_the_record_and_names_the_remedies(org, officer):
    record = fine(org, D(2026, 5, 10), officer=officer)
    case = apply(officer, org, record, D(2026, 8, 11))
    repairs.accept_repair(officer, case, on=D(2026, 8, 12), obligations_confirmed=True)
    repairs.decide_repair(officer, case, on=D(2026, 8, 14), approve=False, reason="整改情况不属实")
    case.refresh_from_db()
    record.refresh_from_db()
    assert (case.status, case.outcome) == (CaseStatus.CLOSED, "refused") and record.is_effective
    assert CaseRecord.objects.get(case=case).action == "refused"
    doc = CaseDocument.objects.get(case=case, kind="repair_refusal")
    assert (
        "整改情况不属实" in doc.body
        and "行政复议" in doc.body
        and "《中华人民共和国行政复议法》第二十条" in doc.body
    )
    assert "R1.18" not in doc.body and "本机关决定不予信用修复" in doc.body
    assert not ChangeEvent.objects.filter(kind="record.repaired").exists()


def test_refuse_acceptance_closes_with_a_notice(org, officer):
    record = fine(org, D(2026, 5, 10), officer=officer)
    case = apply(officer, org, record, D(2026, 8, 11))
    with pytest.raises(FieldErrors) as exc:
        repairs.refuse_acceptance(officer, case, on=D(2026, 8, 12), reason="  ")
    assert "reason" in exc.value.errors
    repairs.refuse_acceptance(officer, case, on=D(2026, 8, 12), reason="未提交缴款凭证")
    case.refresh_from_db()
    assert (case.status, case.outcome) == (CaseStatus.REJECTED, "not_accepted")
    assert "未提交缴款凭证" in CaseDocument.objects.get(case=case).body


# --- boundary dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "decided", "last_day"),
    [
        ("penalty_fine", D(2026, 5, 10), D(2026, 8, 10)),  # 一般: 3 months
        ("penalty_fine", D(2025, 11, 30), D(2026, 2, 28)),  # end of month, no 30 February
        ("penalty_suspension", D(2025, 5, 10), D(2026, 5, 10)),  # 严重: 1 year
    ],
)
def test_application_boundary_of_the_minimum_period(org, officer, kind, decided, last_day):
    record = factories.record(org, kind, actor=officer, occurred_on=decided, decided_on=decided)
    for day in (last_day - dt.timedelta(days=1), last_day):
        with pytest.raises(FieldErrors) as exc:
            apply(officer, org, record, day)
        assert f"{last_day + dt.timedelta(days=1)}起方可申请修复" in str(exc.value)
    assert not Case.objects.exists()
    case = apply(officer, org, record, last_day + dt.timedelta(days=1))
    assert (
        case.details["eligibility"]["window"]["repair_from"] == (last_day + dt.timedelta(days=1)).isoformat()
    )


def test_decision_needs_the_minimum_on_the_decision_day_and_the_commitment(org, officer):
    record = fine(org, D(2026, 5, 10), officer=officer)
    case = apply(officer, org, record, D(2026, 8, 11))
    assert any(
        "尚未签署信用修复承诺书" in e.line for e in case.events.filter(key="repair_commitment_missing")
    )
    repairs.accept_repair(officer, case, on=D(2026, 8, 11), obligations_confirmed=True)
    with pytest.raises(FieldErrors) as exc:
        repairs.decide_repair(officer, case, on=D(2026, 8, 12), approve=True, reason="符合条件")
    assert "信用修复承诺书" in str(exc.value) and "R2.9" not in str(
        exc.value
    )  # the reason, not the rule's code
    record.refresh_from_db()
    assert record.is_effective and Case.objects.get().is_open
    commit(org, D(2026, 8, 12))
    repairs.decide_repair(officer, case, on=D(2026, 8, 12), approve=True, reason="符合条件")
    record.refresh_from_db()
    assert (record.status, record.ended_on) == (RecordStatus.REPAIRED.value, D(2026, 8, 12))


def test_minor_is_repairable_from_the_decision_day(org, officer):
    record = factories.record(
        org, "penalty_warning", actor=officer, occurred_on=D(2026, 6, 1), decided_on=D(2026, 6, 1)
    )
    assert record.dishonesty_class == "minor"
    commit(org)
    case = apply(officer, org, record, D(2026, 6, 1))
    repairs.accept_repair(officer, case, on=D(2026, 6, 1), obligations_confirmed=True)
    repairs.decide_repair(officer, case, on=D(2026, 6, 2), approve=True, reason="警告已执行，已整改")
    record.refresh_from_db()
    assert record.status == RecordStatus.REPAIRED.value


def test_xinzheng_grave_tier_needs_a_staff_judgement(personas):
    officer = personas["staff_xinzheng"]
    factories.department("xz-mzj", "新郑市民政局", "410184")
    org = factories.organization(region_code="410184", name="新郑市修复测试协会")
    record = fine(org, D(2026, 4, 10), officer=officer, dishonesty_class="grave")
    commit(org)
    check = repairs.check_repair(org, record, D(2026, 5, 1))
    assert check.condition("min_period").met is None and "“较重”失信信息" in conditions.detail(
        check.condition("min_period")
    )
    assert "xinzheng-" not in conditions.detail(check.condition("min_period"))  # no profile name
    case = apply(officer, org, record, D(2026, 5, 1))  # received: staff decide whether the period is over
    repairs.accept_repair(officer, case, on=D(2026, 5, 2), obligations_confirmed=True)
    with pytest.raises(FieldErrors) as exc:
        repairs.decide_repair(officer, case, on=D(2026, 5, 6), approve=True, reason="符合条件")
    assert "无法自动判断" in str(exc.value)
    repairs.decide_repair(
        officer, case, on=D(2026, 5, 6), approve=True, reason="符合条件", min_period_confirmed=True
    )
    case.refresh_from_db()
    assert case.outcome == "repaired" and "经工作人员认定" in case.outcome_reason


# --- refusals at application: the reason, nothing written ------------------------------------------------


def test_refused_kind_that_cannot_be_repaired(org, officer):
    record = factories.record(org, "penalty_certificate_revoked", actor=officer, occurred_on=D(2024, 5, 10),
                              decided_on=D(2024, 5, 10))  # fmt: skip
    n = ChangeEvent.objects.count()
    with pytest.raises(FieldErrors) as exc:
        apply(officer, org, record, D(2026, 8, 11))
    assert "依法不可修复" in str(exc.value) and "R2.6" not in str(exc.value)
    nothing_written(n)


def test_refused_not_negative_not_effective_and_past_maximum(org, officer):
    good = factories.record(org, "spot_check_clear", actor=officer, occurred_on=D(2026, 1, 5))
    revoked = fine(org, D(2026, 1, 5), officer=officer)
    revoke_record(actor=officer, channel="form", record=revoked, reason="录入错误")
    old = fine(org, D(2024, 1, 5), officer=officer)
    n = ChangeEvent.objects.count()
    for record, text in ((good, "不是失信信息"), (revoked, "已撤销"), (old, "自动停止公示")):
        with pytest.raises(FieldErrors) as exc:
            apply(officer, org, record, D(2026, 8, 11))
        assert text in str(exc.value)
    nothing_written(n)


def test_refused_information_of_another_authority(org, officer):
    tax = factories.department("zz-tax", "郑州市税务局", "410100", kind=DepartmentKind.TAX)
    record = factories.record(org, "tax_arrears", actor=officer, occurred_on=D(2026, 1, 5), decided_on=D(2026, 1, 5),
                              department=tax.code)  # fmt: skip
    with pytest.raises(FieldErrors) as exc:
        apply(officer, org, record, D(2026, 8, 11))
    assert "请向认定单位（郑州市税务局）申请" in str(exc.value)
    assert not Case.objects.exists()


def test_refused_record_of_another_organization(org, org_user, officer):
    other = factories.organization("410105", name="另一协会")
    record = fine(other, D(2026, 1, 5), officer=officer)
    with pytest.raises(FieldErrors, match="只能为本组织"):
        apply(org_user, other, record, D(2026, 8, 11))
    with pytest.raises(FieldErrors, match="不属于"):
        apply(org_user, org, record, D(2026, 8, 11))
    assert not Case.objects.exists()


def test_refused_record_grounding_a_listing_points_to_removal(org, officer):
    record = fine(org, D(2026, 1, 5), officer=officer)
    decision = ListDecision.objects.create(organization=org, kind="entry", list="abnormal", ground="R1.6(5)",
                                           legal_basis="R1.6(5)", document_number="郑民异〔2026〕1号",
                                           authority_name="郑州市民政局", decided_on=D(2026, 2, 1),
                                           confirmed_by_label="t", policy_version="national-2023.1")  # fmt: skip
    ListEntry.objects.create(organization=org, list="abnormal", ground="R1.6(5)", entered_on=D(2026, 2, 1),
                             clock_start=D(2026, 2, 1), trigger_record=record, entry_decision=decision)  # fmt: skip
    with pytest.raises(FieldErrors) as exc:
        apply(officer, org, record, D(2026, 8, 11))
    assert "移出程序" in str(exc.value) and "R2.13" not in str(exc.value) and "活动异常名录" in str(exc.value)
    assert not Case.objects.exists()


def test_refused_second_open_application(org, officer):
    record = fine(org, D(2026, 1, 5), officer=officer)
    first = apply(officer, org, record, D(2026, 8, 11))
    with pytest.raises(FieldErrors) as exc:
        apply(officer, org, record, D(2026, 8, 12))
    assert first.number in str(exc.value) and Case.objects.count() == 1


def test_refused_bad_files_and_missing_fields(settings, org, officer):
    record = fine(org, D(2026, 1, 5), officer=officer)
    n = ChangeEvent.objects.count()
    exe = SimpleUploadedFile("证明.pdf", b"MZ\x90\x00binary", content_type="application/pdf")
    with pytest.raises(FieldErrors) as exc:
        apply(officer, org, record, D(2026, 8, 11), files=[exe])
    assert "evidence" in exc.value.errors
    settings.SOCREDIT_EVIDENCE_MAX_BYTES = 10
    with pytest.raises(FieldErrors) as exc:
        apply(officer, org, record, D(2026, 8, 11))
    assert "超过" in exc.value.errors["evidence"][0]
    with pytest.raises(FieldErrors) as exc:
        apply(officer, org, record, D(2026, 8, 11), files=[], reasons="", applicant_name="")
    assert {"evidence", "reasons", "applicant_name"} <= set(exc.value.errors)
    nothing_written(n)


def test_read_only_staff_cannot_apply_or_act(personas, org, officer):
    record = fine(org, D(2026, 1, 5), officer=officer)
    with pytest.raises(FieldErrors, match="只读"):
        apply(personas["viewer_jinshui"], org, record, D(2026, 8, 11))
    case = apply(officer, org, record, D(2026, 8, 11))
    with pytest.raises(FieldErrors, match="只读"):
        repairs.accept_repair(personas["viewer_jinshui"], case, on=D(2026, 8, 11), obligations_confirmed=True)


# --- out of order ------------------------------------------------------------------------------------------


def test_actions_out_of_order_are_refused(org, officer):
    record = fine(org, D(2026, 1, 5), officer=officer)
    commit(org)
    case = apply(officer, org, record, D(2026, 8, 11))
    with pytest.raises(FieldErrors, match="须先完成“受理审查”"):
        repairs.decide_repair(officer, case, on=D(2026, 8, 12), approve=True, reason="符合条件")
    with pytest.raises(FieldErrors) as exc:
        repairs.accept_repair(officer, case, on=D(2026, 8, 12), obligations_confirmed=False)
    assert "obligations_confirmed" in exc.value.errors
    with pytest.raises(FieldErrors) as exc:
        repairs.accept_repair(officer, case, on=D(2026, 8, 10), obligations_confirmed=True)
    assert "on" in exc.value.errors  # before receipt
    repairs.accept_repair(officer, case, on=D(2026, 8, 12), obligations_confirmed=True)
    with pytest.raises(FieldErrors, match="不能重复办理"):
        repairs.accept_repair(officer, case, on=D(2026, 8, 12), obligations_confirmed=True)
    with pytest.raises(FieldErrors, match="已于"):
        repairs.refuse_acceptance(officer, case, on=D(2026, 8, 12), reason="迟来的拒绝")
    with pytest.raises(FieldErrors) as exc:
        repairs.decide_repair(officer, case, on=D(2026, 8, 13), approve=True, reason="")
    assert "reason" in exc.value.errors
    repairs.decide_repair(officer, case, on=D(2026, 8, 13), approve=True, reason="符合条件")
    with pytest.raises(FieldErrors, match="不能再办理"):
        repairs.decide_repair(officer, case, on=D(2026, 8, 13), approve=False, reason="再次决定")
    assert ChangeEvent.objects.filter(kind="record.repaired").count() == 1


def test_record_revoked_after_application_cannot_be_accepted(org, officer):
    record = fine(org, D(2026, 1, 5), officer=officer)
    case = apply(officer, org, record, D(2026, 8, 11))
    revoke_record(actor=officer, channel="form", record=record, reason="原处罚决定被撤销")
    with pytest.raises(FieldErrors, match="不予受理"):
        repairs.accept_repair(officer, case, on=D(2026, 8, 12), obligations_confirmed=True)
