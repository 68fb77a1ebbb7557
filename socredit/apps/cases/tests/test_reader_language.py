"""What the product itself writes on case pages reads in the reader's language: the conditions of
credit repair and the lines of a case's timeline are English on an English page (Chinese only where a
person wrote it or it names something) and read on a Chinese page exactly as they always have. The
lines timelines held before events had keys are turned into keys by a data migration."""

from __future__ import annotations

import datetime as dt
import importlib
import re

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from socredit.apps.cases import conditions, timeline
from socredit.apps.cases.services import complaints, objections, repairs
from socredit.apps.cases.tests.test_repairs import apply, commit, fine, pdf
from socredit.apps.commitments.models import Commitment
from socredit.core.types import DepartmentKind
from socredit.testing import factories

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
migration = importlib.import_module("socredit.apps.cases.migrations.0005_event_keys_from_text")


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


@pytest.fixture
def org(personas, civil_affairs):
    return factories.organization("410105", name="金水区读者语言协会")


def _page(client, user, url, language):
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def _text(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _between(html, start, end):
    i = html.index(start)
    return html[i : html.index(end, i)]


def _cjk(text, *allowed):
    """The Chinese in ``text`` that none of ``allowed`` (names, what people wrote) accounts for."""
    for quoted in allowed:
        text = text.replace(quoted, "")
    return CJK.findall(text)


# --- the conditions of repair -------------------------------------------------------------------------


def test_repair_conditions_read_in_english_and_in_chinese_unchanged(client, personas, org):
    record = fine(org, repairs.today() - dt.timedelta(days=30), officer=personas["staff_jinshui"])
    url = reverse("cases:repair_eligibility", args=[record.pk])
    en = _text(_between(_page(client, personas["staff_jinshui"], url, "en"), "<table", "</table>"))
    assert "Minimum publicity period completed" in en and "Credit commitment made" in en
    assert "dishonesty information is published for at least 3 months" in en and "General" in en
    assert "The credit repair commitment is not signed yet" in en
    assert not _cjk(en), en
    zh = _text(_between(_page(client, personas["staff_jinshui"], url, "zh-hans"), "<table", "</table>"))
    window = repairs.check_repair(org, record, repairs.today()).window
    assert (
        f"一般失信信息最短公示3个月，自{record.decided_on}起算至{window.min_end}届满，{window.repair_from}起方可申请修复"
        in zh
    )
    assert "尚未签署信用修复承诺书（公开承诺所提交材料真实并承担失信责任）" in zh and "最短公示期已满" in zh


def test_a_bar_names_the_record_in_the_readers_language(client, personas, org):
    tax = factories.department("zz-tax-words", "郑州市税务局", kind=DepartmentKind.TAX)
    record = factories.record(org, "tax_arrears", department=tax.code, occurred_on=repairs.today())
    account = factories.org_account(org)
    url = reverse("my:repair_check", args=[record.pk])
    en = _text(_page(client, account, url, "en"))
    assert "apply for repair to the deciding authority (郑州市税务局)" in en  # the department's name is data
    assert f"Cannot apply {'This information was decided by 郑州市税务局'}" in en
    zh = _text(_page(client, account, url, "zh-hans"))
    assert "按“谁认定、谁修复”原则，请向认定单位（郑州市税务局）申请修复" in zh


def test_the_refusal_of_an_application_is_in_the_readers_language(personas, org):
    record = fine(org, repairs.today() - dt.timedelta(days=10), officer=personas["staff_jinshui"])
    from socredit.common.errors import FieldErrors

    with translation.override("en"), pytest.raises(FieldErrors) as exc:
        apply(personas["staff_jinshui"], org, record, repairs.today())
    assert "repair may be applied for from" in str(exc.value) and not CJK.search(str(exc.value))
    with translation.override("zh-hans"), pytest.raises(FieldErrors) as exc:
        apply(personas["staff_jinshui"], org, record, repairs.today())
    assert "起方可申请修复" in str(exc.value)


def test_the_decision_document_states_the_conditions_in_chinese_whatever_the_staff_language(personas, org):
    officer = personas["staff_jinshui"]
    record = fine(org, repairs.today() - dt.timedelta(days=150), officer=officer)
    commit(org)
    with translation.override("en"):
        case = apply(officer, org, record, repairs.today())
        repairs.accept_repair(officer, case, on=repairs.today(), obligations_confirmed=True)
        repairs.decide_repair(officer, case, on=repairs.today(), approve=True, reason="罚款已缴清。")
    body = case.documents.get(kind="repair_decision").body
    assert "依法可以修复：符合（可以申请修复）" in body and "行政处罚：罚款" in body
    assert "Repairable" not in body and "fine" not in body.lower()


# --- the timeline -------------------------------------------------------------------------------------


@pytest.fixture
def repaired(personas, org):
    officer = personas["staff_jinshui"]
    record = fine(
        org, repairs.today() - dt.timedelta(days=150), officer=officer, document_number="金民罚〔2026〕7号"
    )
    case = apply(officer, org, record, repairs.today(), files=[pdf("缴款凭证.pdf")])
    Commitment.objects.all().delete()
    commit(org)
    repairs.accept_repair(officer, case, on=repairs.today(), obligations_confirmed=True, note="材料齐全")
    repairs.decide_repair(officer, case, on=repairs.today(), approve=True, reason="罚款已缴清，整改到位。")
    return case


def test_a_repair_timeline_reads_in_english(client, personas, repaired):
    html = _page(
        client, personas["staff_jinshui"], reverse("cases:case_detail", args=[repaired.number]), "en"
    )
    lines = _text(_between(html, '<ol class="timeline">', "</ol>"))
    day = repairs.today()
    assert (
        "Credit repair application received: Penalty: fine (金民罚〔2026〕7号, General dishonesty)" in lines
    )
    assert "The applicant has not yet signed the credit repair commitment" in lines
    assert "Evidence uploaded: 缴款凭证.pdf" in lines
    assert f"{day} accepted; on verification, the applicant has performed the obligations" in lines
    assert "(材料齐全)" in lines and f"{day} decided to repair the record: 罚款已缴清，整改到位。" in lines
    assert "Made the document “信用修复决定书”" in lines
    written = ["缴款凭证", "材料齐全", "罚款已缴清，整改到位。", "信用修复决定书", "信用修复申请受理通知书",
               "金民罚〔2026〕7号", "王经办", personas["staff_jinshui"].full_name or "@@"]  # fmt: skip
    assert not _cjk(lines, *written), lines


def test_a_repair_timeline_reads_in_chinese_as_before(client, personas, repaired):
    html = _page(
        client, personas["staff_jinshui"], reverse("cases:case_detail", args=[repaired.number]), "zh-hans"
    )
    lines = _text(_between(html, '<ol class="timeline">', "</ol>"))
    day = repairs.today()
    assert "收到信用修复申请：行政处罚：罚款（金民罚〔2026〕7号，一般失信）" in lines
    assert "上传证明材料：缴款凭证.pdf" in lines
    assert f"{day} 受理；经核查，申请人已履行义务、纠正失信行为（材料齐全）" in lines
    assert f"{day} 决定予以修复：罚款已缴清，整改到位。" in lines
    assert "制作《信用修复决定书》（" in lines


def test_objection_and_complaint_lines_in_both_languages(personas, org):
    officer = personas["staff_jinshui"]
    tax = factories.department("zz-tax-words", "郑州市税务局", kind=DepartmentKind.TAX)
    arrears = factories.record(org, "tax_arrears", department=tax.code, occurred_on=dt.date(2025, 3, 1))
    case = objections.file_objection(officer, channel="paper", organization=org, records=[arrears],
                                     reasons="税款已于2025年4月缴清，申请核查。", applicant_name="李娜", applicant_contact="0371-1")  # fmt: skip
    objections.forward(officer, case)
    complaint, _ = complaints.submit_complaint(officer, "staff", subject_name=org.name, organization_code=org.code,
                                               content="该组织长期未开展活动，请核查处理。")  # fmt: skip
    objections.withdraw(officer, case, reason="已与税务机关核对。")
    with translation.override("en"):
        lines = [e.line for e in [*case.events.all(), *complaint.events.all()]]
    joined = "\n".join(lines)
    assert f"Objection received (Paper, entered by staff): {arrears.kind.name_en}" in joined
    assert "The information is marked “under objection”" in joined
    assert "Forwarded for verification to the departments that supplied it: 郑州市税务局" in joined
    assert "The applicant withdrew the objection: 已与税务机关核对。" in joined
    assert "Complaint received (Entered by staff)" in joined
    documents = [d.title for d in case.documents.all()]  # documents are named as issued (in Chinese)
    assert not _cjk(joined, "郑州市税务局", "已与税务机关核对。", arrears.document_number, *documents), joined
    with translation.override("zh-hans"):
        zh = "\n".join(e.line for e in [*case.events.all(), *complaint.events.all()])
    assert "收到异议申请（书面申请（工作人员登记））：" in zh and "已转交信息提供单位核查：郑州市税务局" in zh
    assert "申请人撤回异议：已与税务机关核对。" in zh and "收到举报（工作人员录入）" in zh


def test_assignment_lines_keep_the_reason_as_written(personas):
    params = {"handler": "张三", "before": "李四"}
    with translation.override("en"):
        assert timeline.event_text("assign", params, "督办提级") == (
            "Assigned to 张三 (previously handled by 李四). Reason: 督办提级"
        )
        assert timeline.event_text("unassign", {}, "") == "Assignment taken back"
    with translation.override("zh-hans"):
        assert (
            timeline.event_text("assign", params, "督办提级")
            == "分办给 张三（原承办人 李四）。理由：督办提级"
        )


def test_a_line_without_a_known_key_is_shown_as_written():
    assert timeline.event_text("", {}, "电话联系了举报人") == "电话联系了举报人"
    assert timeline.event_text("no_such_event", {"x": 1}, "原文") == "原文"
    assert timeline.event_text("document", {"title": "回执"}, "原文") == "原文"  # params missing: as written


# --- the data migration -------------------------------------------------------------------------------

OLD_LINES = [
    "制作《异议申请受理回执》（郑民异〔2026〕3号）",
    "上传证明材料：a.pdf、b.pdf",
    "分办给 张三（原承办人 李四）。理由：督办提级",
    "收回分办",
    "“信息提供单位核查”已超期（应于2026-11-20前完成），提请金水区登记管理机关督办",
    "办理总期限已超（应于2026-11-30前答复），提请督办",
    "节假日安排已录入，期限按正式安排重新计算",
    "期限已重新计算（仍有年份未录入放假安排，按周末推算）",
    "收到举报（网上举报）",
    "经审查予以受理，转入调查核实",
    "关联被举报组织：金水区某协会（51410105MJY1234567），原为 金水区另一协会",
    "举报事项经查属实，记入信用记录（投诉举报经查属实 JB-2026-000001）",
    "举报事项经查不属实",
    "收到信用修复申请：行政处罚：罚款（金民罚〔2026〕7号，一般失信）",
    "2026-11-02 受理；经核查，申请人已履行义务、纠正失信行为（材料齐全）",
    "2026-11-02 不予受理：材料不全",
    "2026-11-03 决定予以修复：罚款已缴清。",
    "2026-11-03 决定不予修复：未整改",
    "收到异议申请（书面申请（工作人员登记））：欠缴税款（税〔2025〕1号）、名录决定 金民异〔2026〕2号",
    "收到异议申请（Organization account）：欠缴税款",
    "相关信息已标注“异议中”；异议处理期间，名录列入暂停公示",
    "相关信息已标注“异议中”；异议处理期间信息继续有效并公示",
    "已转交信息提供单位核查：郑州市税务局、郑州市市场监督管理局",
    "郑州市税务局反馈核查结果：信息有误（超过核查期限）",
    "处理决定：异议部分成立，已依法更正相关信息，其余维持。理由：金额有误",
    "已书面告知申请人处理结果（超过答复总期限）",
    "申请人撤回异议：已核对",
]


@pytest.mark.parametrize("line", OLD_LINES)
def test_each_known_old_line_becomes_its_key_and_reads_the_same_in_chinese(line):
    found = migration.parse(line)
    assert found is not None, line
    key, params, text = found
    assert key in timeline.EVENTS
    with translation.override("zh-hans"):
        expected = line
        if key == "objection_received" and "Organization account" in line:
            expected = line.replace("Organization account", "组织账号")
        assert timeline.event_text(key, params, text) == expected
    with translation.override("en"):
        english = timeline.event_text(key, params, text)
    assert english != line and re.search(r"[A-Za-z]{3}", english), english


def test_the_old_commitment_line_loses_its_rule_code_and_unknown_lines_stay():
    key, params, text = migration.parse("申请人尚未签署信用修复承诺书；作出修复决定前须签署（R2.9(3)）")
    with translation.override("zh-hans"):
        assert timeline.event_text(key, params, text) == "申请人尚未签署信用修复承诺书；作出修复决定前须签署"
    assert migration.parse("电话联系了举报人，补充了材料") is None
    assert migration.parse("收到举报（传真）") is None  # a channel no one knows: kept as written


def test_the_migration_rewrites_stored_lines(personas, org):
    from django.apps import apps

    from socredit.apps.cases.models import CaseEvent

    case = objections.file_objection(personas["staff_jinshui"], channel="paper", organization=org,
                                     records=[factories.record(org, "penalty_warning")], reasons="处罚决定书上的日期与实际不符，请核查。",
                                     applicant_name="李娜", applicant_contact="0371-1")  # fmt: skip
    old = CaseEvent.objects.create(
        case=case, action="withdraw", text="申请人撤回异议：已核对", actor_label="x"
    )
    note = CaseEvent.objects.create(case=case, action="note", text="电话联系了申请人", actor_label="x")
    migration.forward(apps, None)
    old.refresh_from_db()
    note.refresh_from_db()
    assert (old.key, old.params, old.text) == ("objection_withdrawn", {}, "已核对")
    assert (note.key, note.text) == ("", "电话联系了申请人")
    migration.backward(apps, None)
    old.refresh_from_db()
    assert (old.key, old.text) == ("", "申请人撤回异议：已核对")


def test_every_condition_and_event_has_its_chinese(personas):
    """Each sentence is in the catalogue: a Chinese reader never gets the English msgid."""
    with translation.override("zh-hans"):
        for words in [*conditions.TITLES.values(), *conditions.DETAILS.values(), *timeline.EVENTS.values()]:
            assert CJK.search(str(words)) or str(words) == "%(outcome)s", str(words)


# --- service errors and flash messages ------------------------------------------------------------------


def test_a_service_error_reads_in_english_and_in_chinese_unchanged(personas, org):
    from socredit.common.errors import FieldErrors

    case = objections.file_objection(personas["staff_jinshui"], channel="paper", organization=org,
                                     records=[factories.record(org, "penalty_warning")],
                                     reasons="处罚决定书上的日期与实际不符，请核查。", applicant_name="李娜",
                                     applicant_contact="0371-1")  # fmt: skip
    with translation.override("en"), pytest.raises(FieldErrors) as exc:
        objections.withdraw(personas["staff_jinshui"], case, reason=" ")
    assert exc.value.errors == {"reason": ["Enter the reason for withdrawing"]}
    with translation.override("en"), pytest.raises(FieldErrors) as exc:
        objections.forward(personas["staff_jinshui"], case)
    [message] = exc.value.errors["__all__"]
    assert message.startswith("This case has no step") and not CJK.search(message)
    with translation.override("zh-hans"), pytest.raises(FieldErrors) as exc:
        objections.withdraw(personas["staff_jinshui"], case, reason=" ")
    assert exc.value.errors == {"reason": ["请填写撤回理由"]}


def test_a_flash_message_reads_in_english_without_field_names(client, personas, org):
    officer = personas["staff_jinshui"]
    complaint, _ = complaints.submit_complaint(officer, "staff", subject_name=org.name, organization_code=org.code,
                                               content="该组织长期未开展活动，请核查处理。")  # fmt: skip
    url = reverse("cases:case_assign", args=[complaint.number])
    for language, expected in [
        ("en", "Assigning a complaint to yourself, or taking it back from or reassigning it away from its handler, "
               "needs a reason"),
        ("zh-hans", "将举报案件分办给自己或从原承办人处收回、改派，须写明理由"),
    ]:  # fmt: skip
        client.force_login(officer)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        page = client.post(url, {"handler": str(officer.pk), "reason": ""}, follow=True).content.decode()
        assert expected in page
        assert "reason：" not in page and "reason:" not in page  # the field's name is not shown
    complaint.refresh_from_db()
    assert complaint.assigned_to is None


def test_the_reporters_lookup_shows_status_and_step_in_the_readers_language(personas, org):
    complaint, code = complaints.submit_complaint(personas["staff_jinshui"], "staff", subject_name=org.name,
                                                  organization_code=org.code,
                                                  content="该组织长期未开展活动，请核查处理。")  # fmt: skip
    with translation.override("en"):
        found = complaints.lookup(complaint.number, code)
        assert (found["status_text"], found["stage"]) == ("Open", "Registration and assignment")
    with translation.override("zh-hans"):
        found = complaints.lookup(complaint.number, code)
        assert (found["status_text"], found["stage"]) == ("办理中", "登记分办")
    with translation.override("en"):
        assert (
            complaints.resolve_region("火星区")[1]
            == "No region is named “火星区”; enter the 6-digit region code"
        )
