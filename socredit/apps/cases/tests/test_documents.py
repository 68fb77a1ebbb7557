"""Every document the office serves, on every decision path, as stored and as printed: it cites the law
(never an internal code), states facts, reasons, basis, decision, rights and their periods, the
authority, the date and the seal; letterheads and number patterns per authority; A4 print and PDF."""

from __future__ import annotations

import datetime as dt
import re
import zlib
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from socredit.apps.audit.models import AuditEvent
from socredit.apps.cases.models import CaseChannel, CaseDocument
from socredit.apps.cases.services import complaints, objections, repairs
from socredit.apps.commitments.models import Commitment, CommitmentTemplate
from socredit.apps.lists import services
from socredit.apps.lists.models import ListDecision, ListEntry, ListProposal
from socredit.apps.registry.documents import allocate_number, next_number
from socredit.apps.registry.models import DocumentNumberPattern, DocumentType, Letterhead
from socredit.common.documents import blocks, print_label, zh_date
from socredit.common.errors import FieldErrors
from socredit.common.pdf import html_to_pdf
from socredit.core.citations import internal_codes_in
from socredit.core.types import DepartmentKind
from socredit.testing import factories

pytestmark = pytest.mark.django_db

FORBIDDEN = [
    re.compile(r"R\d+\.\d+"),
    re.compile(r"VERIFIED|SECONDARY|DRAFT-ONLY|UNVERIFIED|已核实|二手资料|未核实|仅见征求意见稿"),
    re.compile(r"\b[a-z_]+\.[a-z_]+\.[a-z_]+"),
    re.compile(r"national-20|xinzheng-|quzhou-"),
    re.compile(r"#\d+"),
    re.compile(r"\{#|\{%|\{\{"),
    re.compile(r"参数 "),
]
"""The issue's list, written out here (not imported from the code under test)."""

REMEDIES = ("行政复议", "《中华人民共和国行政复议法》第二十条", "60日内", "行政诉讼",
            "《中华人民共和国行政诉讼法》第四十六条", "6个月内")  # fmt: skip
CREDIT_MEASURES = "《社会组织信用信息管理办法》（民政部令第60号）"


def assert_servable(text: str, *, seal: bool = True) -> None:
    """No internal code; the closing block (authority, seal, date) where the document has one."""
    found = [m.group(0) for p in FORBIDDEN for m in p.finditer(text)]
    assert found == [], f"internal codes {found} in:\n{text}"
    assert not re.search(r"\d{4}-\d{2}-\d{2}", text), f"dates are written 2026年12月3日:\n{text}"
    if seal:
        lines = text.rstrip().split("\n")
        assert lines[-2] == "（印章）", text
        assert re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日", lines[-1]), lines[-1]
        assert lines[-3].endswith(("民政局", "登记管理机关")), lines[-3]
        assert text.count("（印章）") == 1  # one signature block, never two


def assert_decision(text: str) -> None:
    assert_servable(text)
    for part in ("一、事实", "二、理由和依据", "三、决定", "四、救济途径", *REMEDIES):
        assert part in text, part


def ago(days: int) -> dt.date:
    return services.today() - dt.timedelta(days=days)


@pytest.fixture
def actor(personas):
    return personas["staff_jinshui"]


@pytest.fixture
def org(personas, civil_affairs):
    o = factories.organization("410105", name="金水区文书测试协会")
    factories.role(o, factories.person("李法人"), "legal_rep", dt.date(2016, 1, 1))
    return o


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)


def waived(actor, notice, day=None):
    """The organization waives its 陈述申辩 on the day of service (on paper), so the decision may follow."""
    services.file_statement(
        actor, notice, text="", received_on=day or notice.served_on, channel="paper", waive=True
    )
    return notice


def proposal_of(org, ground=None) -> ListProposal:
    qs = ListProposal.objects.filter(organization=org, status="proposed")
    return qs.get(ground=ground) if ground else qs.get()


# --- list documents -------------------------------------------------------------------------------------


def test_prior_notice_abnormal_states_facts_basis_and_the_period_for_a_statement(org, actor):
    factories.record(
        org, "penalty_warning", occurred_on=ago(20), decided_on=ago(20), document_number="金民罚〔2026〕7号"
    )
    notice = services.serve_notice(actor, proposal_of(org), "written", ago(10), "金民告〔2026〕1号")
    text = notice.text
    assert_servable(text)
    assert text.startswith(f"{org.name}（统一社会信用代码：{org.code}）：")
    for part in ("一、拟作出决定的事实", f"郑州市民政局于{zh_date(ago(20))}以金民罚〔2026〕7号对你单位作出“行政处罚：警告”的认定", "二、理由",
                 "三、依据", CREDIT_MEASURES, "受到警告或者不满5万元罚款处罚", "列入活动异常名录",
                 f"你单位可以自收到本告知书之日起5个工作日内（至{zh_date(notice.statement_due_on)}）提出陈述、申辩"):  # fmt: skip
        assert part in text, part
    assert notice.document_number == "金民告〔2026〕1号"  # the number prints in the header, not the body


def test_prior_notice_for_the_serious_list_states_the_fine_and_the_period(org, actor):
    factories.record(org, "penalty_fine", amount="60000", occurred_on=ago(20))
    notice = services.serve_notice(actor, proposal_of(org), "written", ago(10), "金民告〔2026〕2号")
    assert_servable(notice.text)
    assert "受到5万元以上罚款处罚" in notice.text and "列入严重违法失信名单" in notice.text
    assert f"5个工作日内（至{zh_date(notice.statement_due_on)}）提出陈述、申辩" in notice.text
    assert "罚款60000元" in notice.text


def test_listing_decision_prints_the_notice_served_and_the_review_of_the_statement(org, actor):
    factories.record(org, "penalty_warning", occurred_on=ago(30), document_number="金民罚〔2026〕8号")
    p = proposal_of(org)
    notice = services.serve_notice(actor, p, "written", ago(20), "金民告〔2026〕3号")
    statement = services.file_statement(
        actor, notice, text="警告已履行。", received_on=ago(15), channel="paper"
    )
    services.answer_statement(actor, statement, upheld=False, answer="警告决定合法有效，履行不影响列入情形的认定。",
                              answered_on=ago(12))  # fmt: skip
    decision = services.confirm_proposal(actor, p, document_number="金民列〔2026〕1号", decided_on=ago(10))
    text = decision.notice_text
    assert_decision(text)
    assert f"本机关已于{zh_date(ago(20))}向你单位送达列入事先告知书（金民告〔2026〕3号）" in text
    assert f"你单位于{zh_date(ago(15))}提出陈述、申辩" in text
    assert "经复核，你单位陈述、申辩的理由不成立：警告决定合法有效" in text
    assert "本机关决定：列入活动异常名录。" in text and CREDIT_MEASURES in text
    assert decision.legal_basis == f"{CREDIT_MEASURES}：受到警告或者不满5万元罚款处罚"


@pytest.mark.parametrize("outcome,said", [("waived", "书面表示放弃陈述、申辩"),
                                          ("none", "在规定期限内未提出陈述、申辩")])  # fmt: skip
def test_the_decision_says_when_no_statement_was_made(org, actor, outcome, said):
    factories.record(org, "penalty_warning", occurred_on=ago(30))
    p = proposal_of(org)
    notice = services.serve_notice(actor, p, "written", ago(20), "金民告〔2026〕4号")
    if outcome == "waived":
        waived(actor, notice, ago(18))
    decision = services.confirm_proposal(actor, p, document_number="金民列〔2026〕2号", decided_on=ago(10))
    assert said in decision.notice_text
    assert_decision(decision.notice_text)


def test_transfer_notice_and_decision(org, actor, client):
    factories.record(org, "annual_report_missing", occurred_on=dt.date(2024, 3, 1))
    first = waived(
        actor, services.serve_notice(actor, proposal_of(org), "written", dt.date(2024, 3, 5), "告A")
    )
    assert "未按照规定时限和要求向登记管理机关报送年度工作报告" in first.text
    services.confirm_proposal(actor, proposal_of(org), document_number="列A", decided_on=dt.date(2024, 3, 10))
    services.daily_run(actor, dt.date(2026, 3, 11))
    transfer = proposal_of(org)
    notice = waived(actor, services.serve_notice(actor, transfer, "written", dt.date(2026, 3, 11), "告T"))
    assert_servable(notice.text)
    assert "移出活动异常名录，列入严重违法失信名单" in notice.text and "满2年" in notice.text
    decision = services.confirm_proposal(
        actor, transfer, document_number="转T", decided_on=dt.date(2026, 3, 11)
    )
    assert decision.kind == "transfer"
    assert_decision(decision.notice_text)
    assert "你单位于2024年3月10日被列入活动异常名录" in decision.notice_text
    assert "本机关决定：将你单位移出活动异常名录，列入严重违法失信名单。" in decision.notice_text
    assert not internal_codes_in(
        decision.reason + decision.legal_basis
    )  # stored in words, the code in ground …
    assert decision.ground == "R1.12(1)"
    client.force_login(actor)
    page = (
        client.get(reverse("lists:decision_detail", args=[decision.pk])).content.decode().split("<main", 1)[1]
    )
    assert not re.search(r"R\d+\.\d+", page)  # … and the staff page shows none


def test_removal_on_application_and_automatic_removal(org, actor):
    factories.record(org, "annual_report_missing", occurred_on=ago(60))
    p = proposal_of(org)
    waived(actor, services.serve_notice(actor, p, "written", ago(55), "告B"))
    services.confirm_proposal(actor, p, document_number="金民列〔2026〕5号", decided_on=ago(50))
    entry = ListEntry.objects.get(organization=org)
    app = services.apply_for_removal(actor, entry, evidence="已补报年度工作报告", applied_on=ago(6))
    app = services.verify_removal(actor, app, verified_on=ago(5))
    app = services.decide_removal(
        actor, app, approve=True, decided_on=ago(4), document_number="金民移〔2026〕1号"
    )
    text = app.decision.notice_text
    assert_decision(text)
    for part in (f"你单位于{zh_date(ago(50))}经本机关金民列〔2026〕5号决定被列入活动异常名录",
                 f"你单位于{zh_date(ago(6))}申请移出活动异常名录，本机关于{zh_date(ago(5))}查实",
                 "已履行相关义务或者完成整改", "本机关决定：将你单位移出活动异常名录。"):  # fmt: skip
        assert part in text, part

    other = factories.organization("410105", name="金水区自动移出测试协会")
    factories.record(other, "penalty_warning", occurred_on=dt.date(2025, 1, 2))
    q = proposal_of(other)
    waived(actor, services.serve_notice(actor, q, "written", dt.date(2025, 1, 5), "告C"))
    services.confirm_proposal(actor, q, document_number="列C", decided_on=dt.date(2025, 1, 10))
    services.daily_run(actor, dt.date(2025, 7, 11))
    auto = ListDecision.objects.get(organization=other, kind="removal")
    assert auto.automatic and auto.document_number == "名录自动〔2025〕1号"
    assert_decision(auto.notice_text)
    assert "自列入之日起已满规定期限" in auto.notice_text and "R1.10" not in auto.reason + auto.notice_text


def test_red_list_decision_and_automatic_red_removal(org, actor):
    factories.record(org, "grade_5a", occurred_on=ago(400))
    factories.record(org, "commitment_signed", occurred_on=ago(300))
    [made] = services.red_list_publication(actor, ago(0).year)
    decision = services.confirm_red(actor, made, document_number="红〔2026〕1号", decided_on=ago(0))
    assert_decision(decision.notice_text)
    assert "本机关决定：将你单位列入守信红名单。" in decision.notice_text
    factories.record(org, "penalty_warning", occurred_on=ago(0))
    services.daily_run(actor, ago(0))
    removal = ListDecision.objects.get(organization=org, list="red", kind="removal")
    assert_decision(removal.notice_text)
    assert "已不再符合守信红名单的条件" in removal.notice_text


def test_exemption_decision(org, actor):
    factories.record(org, "penalty_warning", occurred_on=ago(10))
    decision = services.exempt_proposal(actor, proposal_of(org), certificate="业务主管单位证明",
                                        document_number="金民免〔2026〕1号", decided_on=ago(1))  # fmt: skip
    assert_decision(decision.notice_text)
    assert "本机关决定：对你单位不予列入活动异常名录。" in decision.notice_text
    assert "不负直接责任" in decision.notice_text


# --- case documents -------------------------------------------------------------------------------------


@pytest.fixture
def tax(db):
    return factories.department("zz-sw", "郑州市税务局", kind=DepartmentKind.TAX)


def _objection(org, records, reasons="该信息与事实不符，请予核实更正。", **kw):
    user = factories.org_account(org)
    return objections.file_objection(user, channel="organization", organization=org, records=records,
                                     reasons=reasons, **kw)  # fmt: skip


@pytest.mark.parametrize(
    "actions,outcome",
    [
        (("upheld",), "异议不成立，维持原信息"),
        (("correct",), "异议成立，已依法更正相关信息"),
        (("revoke",), "异议成立，已依法撤销相关信息"),
        (("revoke", "upheld"), "异议部分成立，已依法撤销相关信息，其余维持"),
    ],
)
def test_objection_receipt_and_result_say_what_was_done(org, personas, actions, outcome):
    records = [factories.record(org, "penalty_warning", document_number=f"金民罚〔2024〕{i + 20}号")
               for i in range(len(actions))]  # fmt: skip
    case = _objection(org, records)
    receipt = case.documents.get(kind="receipt")
    assert_servable(receipt.body)
    assert "金民罚〔2024〕20号" in receipt.body and case.number in receipt.body and "异议中" in receipt.body
    staff = personas["staff_jinshui"]
    plan = {r.pk: ({"action": a, "data": {"summary": "已更正"}} if a == "correct" else {"action": a})
            for r, a in zip(records, actions, strict=True)}  # fmt: skip
    objections.decide(staff, case, reason="经核查，依法作出处理。", actions=plan)
    case = objections.notify(staff, case)
    result = case.documents.get(kind="result").body
    assert_servable(result)
    assert f"经核查，{outcome}。" in result
    for part in REMEDIES:
        assert part in result, part
    if "revoke" in actions:
        assert (
            "已撤销" in result
            and "已更正" not in result
            and "《中华人民共和国行政处罚法》第四十八条" in result
        )
    if actions == ("correct",):
        assert "已更正" in result and "已撤销" not in result


def test_objection_forwarding_letter_and_list_annulment(org, personas, tax):
    staff = personas["staff_jinshui"]
    record = factories.record(org, "tax_arrears", department=tax.code, document_number="郑税〔2025〕8号")
    case = _objection(org, [record])
    objections.forward(staff, case, on=services.today())
    letter = case.documents.get(kind="forward")
    assert_servable(letter.body)
    assert letter.body.startswith("郑州市税务局：") and "郑税〔2025〕8号" in letter.body

    factories.record(org, "annual_report_missing", occurred_on=ago(100))
    p = proposal_of(org)
    waived(staff, services.serve_notice(staff, p, "written", ago(95), "告〔2026〕9号"))
    decision = services.confirm_proposal(staff, p, document_number="名〔2026〕9号", decided_on=ago(90))
    annul = _objection(org, [], list_decision=decision, reasons="年度报告已按时报送，有邮寄回执为证。")
    assert "名〔2026〕9号" in annul.documents.get(kind="receipt").body
    objections.decide(
        staff, annul, reason="查实年度报告已按时报送，撤销列入。", actions={}, list_action="annul"
    )
    removal = ListDecision.objects.get(organization=org, ground="R1.18")
    assert_decision(removal.notice_text)
    assert "撤销将你单位列入活动异常名录的决定（名〔2026〕9号）" in removal.notice_text
    annul = objections.notify(staff, annul)
    result = annul.documents.get(kind="result").body
    assert_servable(result)
    assert "异议成立，已依法撤销列入决定相关信息" in result and "名〔2026〕9号）：已撤销" in result


def _commit(org):
    template = CommitmentTemplate.objects.filter(
        matter="repair"
    ).first() or CommitmentTemplate.objects.create(
        code="repair-doc", title="信用修复承诺书", matter="repair", body="承诺"
    )
    Commitment.objects.create(organization=org, template=template, matter="repair", text="承诺",
                              signed_by_name="李理事长", signed_on=dt.date(2020, 1, 1), channel="form",
                              entered_by_label="test")  # fmt: skip


def _repair_case(org, officer, decided):
    record = factories.record(org, "penalty_fine", actor=officer, occurred_on=decided, decided_on=decided,
                              amount="3000", document_number="金民罚〔2026〕30号")  # fmt: skip
    pdf = SimpleUploadedFile("证明.pdf", b"%PDF-1.4 proof", content_type="application/pdf")
    case = repairs.apply_for_repair(officer, "paper", org, record, reasons="已缴清罚款并完成整改",
                                    obligations_statement="罚款已缴清", files=[pdf], received_on=services.today(),
                                    applicant_name="王经办", applicant_contact="13800000000")  # fmt: skip
    return case, record


@pytest.mark.parametrize("approve", [True, False])
def test_repair_acceptance_and_decision(org, actor, approve):
    _commit(org)
    case, record = _repair_case(org, actor, services.today() - dt.timedelta(days=150))
    repairs.accept_repair(actor, case, on=services.today(), obligations_confirmed=True)
    accepted = case.documents.get(kind="repair_acceptance")
    assert_servable(accepted.body)
    assert "决定予以受理" in accepted.body and "金民罚〔2026〕30号" in accepted.body
    repairs.decide_repair(actor, case, on=services.today(), approve=approve, reason="罚款已缴清，整改到位")
    doc = case.documents.get(kind="repair_decision" if approve else "repair_refusal")
    assert_decision(doc.body.replace("一、审查情况", "一、事实"))
    assert "《信用修复管理办法》（国家发展和改革委员会令第36号）第二条、第三条" in doc.body
    assert ("本机关决定予以信用修复" in doc.body) is approve


def test_repair_not_accepted(org, actor):
    case, _record = _repair_case(org, actor, services.today() - dt.timedelta(days=150))
    repairs.refuse_acceptance(actor, case, on=services.today(), reason="罚款尚未缴纳")
    doc = case.documents.get(kind="repair_not_accepted")
    assert_servable(doc.body)
    assert "本机关决定不予受理" in doc.body and "罚款尚未缴纳" in doc.body


def test_complaint_reply_and_rejection_sign_once(personas, org, client):
    staff = personas["staff_jinshui"]
    content = "该协会以评比表彰名义向会员单位收取费用，每家三千元，有收据为证。"
    case, _code = complaints.submit_complaint(None, CaseChannel.PUBLIC, subject_name="某某协会", region_code="410105",
                                              content=content, organization_code=org.code)  # fmt: skip
    complaints.triage(staff, case, accept=True, handler=staff, reason="本人承办")
    complaints.conclude(staff, case, founded=False, reason="经查，所收费用为会员自愿缴纳的会费，举报不属实。")
    doc = complaints.reply(staff, case, text="经调查，您反映的问题不属实。")
    assert_servable(doc.body)
    assert doc.body.startswith("举报人：") and "举报事项经查不属实" in doc.body
    client.force_login(staff)
    page = client.get(reverse("cases:complaint_document", args=[case.pk, doc.pk])).content.decode()
    authority = doc.body.rstrip().split("\n")[-3]
    # signed once, not twice: one closing block (authority, seal, date), the letterhead apart
    assert page.count("（印章）") == 1 and page.count('class="closing') == 3
    assert f'<div class="letterhead">{authority}</div>' in page and page.count(f">{authority}<") == 2
    assert "打印答复书" in page and "下载PDF" in page
    other, _ = complaints.submit_complaint(None, CaseChannel.PUBLIC, subject_name="某某协会", region_code="410105",
                                           content=content)  # fmt: skip
    complaints.triage(staff, other, accept=False, ground="no_facts", reason="未提供时间、地点等具体事实。")
    rejected = other.documents.get()
    assert_servable(rejected.body)
    assert "本机关决定不予受理" in rejected.body


# --- print pages, PDF, staff pages ------------------------------------------------------------------------


def test_every_stored_document_prints_without_internal_codes(org, personas, client, tax):
    """All documents made on the paths above, printed through the pages staff use."""
    staff = personas["staff_jinshui"]
    factories.record(org, "penalty_warning", occurred_on=ago(30))
    p = proposal_of(org)
    notice = services.serve_notice(staff, p, "written", ago(20), "金民告〔2026〕9号")
    decision = services.confirm_proposal(staff, p, document_number="金民列〔2026〕9号", decided_on=ago(10))
    record = factories.record(org, "tax_arrears", department=tax.code, document_number="郑税〔2025〕9号")
    case = _objection(org, [record])
    objections.forward(staff, case, on=services.today())
    client.force_login(staff)
    pages = {
        "列入事先告知书": reverse("lists:notice_detail", args=[notice.pk]),
        "列入活动异常名录决定书": reverse("lists:decision_detail", args=[decision.pk]),
    }
    for doc in CaseDocument.objects.filter(case=case):
        pages[doc.title] = reverse("cases:document_print", args=[case.number, doc.pk])
    for title, url in pages.items():
        html = client.get(url, {"print": "1"}).content.decode()
        assert f"<h1>{title}</h1>" in html, title
        assert print_label(title) in html and "下载PDF" in html and "format=pdf" in html
        assert_servable(re.sub(r"<[^>]+>", "", html.split("<article", 1)[1]), seal=False)
        assert 'class="closing first">郑州市' in html or 'class="closing first">金水区' in html
    # the staff pages about the decision cite the law the same way (no codes, tags, profile names)
    for url in (
        reverse("lists:decision_detail", args=[decision.pk]),
        reverse("lists:notice_detail", args=[notice.pk]),
    ):
        page = client.get(url).content.decode()
        main = page.split("<main", 1)[1]
        assert CREDIT_MEASURES in main and not re.search(r"R\d+\.\d+|national-20", main), url


def test_pdf_embeds_a_cjk_font(org, personas, client):
    staff = personas["staff_jinshui"]
    factories.record(org, "penalty_warning", occurred_on=ago(30))
    notice = services.serve_notice(staff, proposal_of(org), "written", ago(20), "金民告〔2026〕10号")
    client.force_login(staff)
    response = client.get(reverse("lists:notice_detail", args=[notice.pk]), {"print": "1", "format": "pdf"})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    body = response.content
    assert body.startswith(b"%PDF")
    objects = pdf_objects(body)
    fonts = set(re.findall(rb"/BaseFont\s*/([^\s/>]+)", objects))
    assert any(b"Noto-Serif-CJK-SC" in f for f in fonts), fonts  # a subset (ABCDEF+) of the CJK serif font
    assert b"/FontFile" in objects  # embedded, not referenced


def pdf_objects(pdf: bytes) -> bytes:
    """The PDF's objects with its compressed object streams inflated (WeasyPrint compresses them)."""
    out = [pdf]
    for m in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            out.append(zlib.decompress(m.group(1)))
        except zlib.error:
            continue
    return b"".join(out)


def test_html_to_pdf_fetches_nothing_from_the_network_or_the_disk(monkeypatch):
    import urllib.request

    opened: list[object] = []  # WeasyPrint swallows fetch errors: record the attempts instead
    monkeypatch.setattr(urllib.request.OpenerDirector, "open", lambda self, *a, **k: opened.append(a))
    pdf = html_to_pdf('<html><body><p>文书</p><img src="http://example.invalid/x.png">'
                      '<img src="file:///etc/passwd"></body></html>')  # fmt: skip
    assert pdf.startswith(b"%PDF") and opened == []


def test_closing_block_is_recognised_only_with_a_seal():
    text = "某协会：\n\n正文。\n\n金水区民政局\n（印章）\n2026年12月3日\n"
    assert [b.closing for b in blocks(text)] == [False, False, False, False, True, True, True]
    assert not any(b.closing for b in blocks("旧文书：\n正文。\n金水区民政局\n2026-12-03"))


# --- letterheads and numbers -------------------------------------------------------------------------------


@pytest.fixture
def jinshui(db):
    return factories.department("js-mzj", "金水区民政局", "410105")


def test_a_blank_number_takes_the_next_of_the_authoritys_pattern_and_a_refusal_gives_it_back(
    org, actor, jinshui
):
    DocumentNumberPattern.objects.create(department=jinshui, doc_type=DocumentType.PRIOR_NOTICE,
                                         pattern="金民信告〔{year}〕{seq}号")  # fmt: skip
    DocumentNumberPattern.objects.create(department=jinshui, doc_type=DocumentType.LIST_DECISION,
                                         pattern="金民信列〔{year}〕{seq}号")  # fmt: skip
    Letterhead.objects.create(
        department=jinshui, name="郑州市金水区民政局", address="金水路1号", phone="0371-0000"
    )
    factories.record(org, "penalty_warning", occurred_on=ago(30))
    p = proposal_of(org)
    year = ago(20).year
    assert next_number(jinshui, DocumentType.PRIOR_NOTICE, year) == f"金民信告〔{year}〕1号"
    notice = services.serve_notice(actor, p, "written", ago(20), "", authority=jinshui)
    assert notice.document_number == f"金民信告〔{year}〕1号"
    with pytest.raises(FieldErrors):
        services.confirm_proposal(actor, p, document_number="", decided_on=ago(25), authority=jinshui)
    # the refused decision took no number
    assert next_number(jinshui, DocumentType.LIST_DECISION, ago(10).year) == f"金民信列〔{ago(10).year}〕1号"
    decision = services.confirm_proposal(actor, p, document_number="", decided_on=ago(10), authority=jinshui)
    assert decision.document_number == f"金民信列〔{ago(10).year}〕1号"
    assert (
        allocate_number(jinshui, DocumentType.LIST_DECISION, ago(10).year) == f"金民信列〔{ago(10).year}〕2号"
    )
    assert allocate_number(jinshui, DocumentType.REMOVAL_DECISION, 2026) == ""  # no pattern: staff type it
    # typed numbers stay possible
    other = factories.organization("410105", name="金水区手工文号协会")
    factories.record(other, "penalty_warning", occurred_on=ago(30))
    typed = services.serve_notice(
        actor, proposal_of(other), "written", ago(20), "手工〔2026〕1号", authority=jinshui
    )
    assert typed.document_number == "手工〔2026〕1号"


def test_the_letterhead_heads_the_printed_document(org, actor, jinshui, client):
    Letterhead.objects.create(department=jinshui, name="郑州市金水区民政局", address="金水路1号", postcode="450000",
                              phone="0371-12345678", contact="张三")  # fmt: skip
    factories.record(org, "penalty_warning", occurred_on=ago(30))
    notice = services.serve_notice(
        actor, proposal_of(org), "written", ago(20), "金民告〔2026〕11号", authority=jinshui
    )
    client.force_login(actor)
    html = client.get(reverse("lists:notice_detail", args=[notice.pk]), {"print": "1"}).content.decode()
    assert '<div class="letterhead">郑州市金水区民政局</div>' in html
    assert "金水路1号" in html and "0371-12345678" in html and "张三" in html


def test_letterheads_and_patterns_are_edited_in_the_admin_and_audited(personas, client, jinshui):
    from socredit.apps.accounts.models import User

    root = User.objects.create_superuser("docroot", password="x-Long-enough-2026")
    client.force_login(root)
    url = reverse("admin:registry_documentnumberpattern_add")
    bad = client.post(
        url, {"department": jinshui.pk, "doc_type": "list_decision", "pattern": "金民〔{year}〕号"}
    )
    assert bad.status_code == 200 and "缺少" in bad.content.decode()
    assert not DocumentNumberPattern.objects.exists()
    ok = client.post(
        url, {"department": jinshui.pk, "doc_type": "list_decision", "pattern": "金民〔{year}〕{seq}号"}
    )
    assert ok.status_code == 302
    assert AuditEvent.objects.filter(action="documentnumberpattern.create").exists()
    ok = client.post(
        reverse("admin:registry_letterhead_add"), {"department": jinshui.pk, "name": "郑州市金水区民政局"}
    )
    assert ok.status_code == 302 and AuditEvent.objects.filter(action="letterhead.create").exists()


def test_document_dates_are_written_in_chinese():
    assert zh_date(dt.date(2026, 12, 3)) == "2026年12月3日"
    assert zh_date(dt.date(2026, 1, 9)) == "2026年1月9日"


def test_statement_object_shape_is_what_the_decision_reads():
    s = SimpleNamespace(outcome="upheld", text="理由", answer="成立", received_on=dt.date(2026, 1, 2))
    from socredit.apps.lists.documents import _statement

    assert _statement(s) == {
        "outcome": "upheld",
        "text": "理由",
        "answer": "成立",
        "received_on": "2026年1月2日",
    }
    assert _statement(None) is None


def test_the_removal_form_offers_the_next_number(org, actor, jinshui, client):
    DocumentNumberPattern.objects.create(department=jinshui, doc_type=DocumentType.REMOVAL_DECISION,
                                         pattern="金民信移〔{year}〕{seq}号")  # fmt: skip
    org.registration_authority = jinshui.name
    org.save(update_fields=["registration_authority"])
    factories.record(org, "annual_report_missing", occurred_on=ago(60))
    p = proposal_of(org)
    waived(actor, services.serve_notice(actor, p, "written", ago(55), "告R"))
    services.confirm_proposal(actor, p, document_number="列R", decided_on=ago(50))
    services.apply_for_removal(
        actor, ListEntry.objects.get(organization=org), evidence="已补报", applied_on=ago(3)
    )
    client.force_login(actor)
    page = client.get(reverse("lists:removals_due")).content.decode()
    assert f'placeholder="金民信移〔{services.today().year}〕1号"' in page


def test_restart_notice_and_decision(org, actor):
    factories.record(org, "annual_report_missing", occurred_on=ago(100))
    first = proposal_of(org)
    waived(actor, services.serve_notice(actor, first, "written", ago(95), "告S1"))
    services.confirm_proposal(actor, first, document_number="列S1", decided_on=ago(90))
    factories.record(org, "penalty_warning", occurred_on=ago(30), document_number="金民罚〔2026〕40号")
    again = proposal_of(org)
    notice = services.serve_notice(actor, again, "written", ago(20), "告S2")
    assert_servable(notice.text)
    decision = services.confirm_proposal(actor, again, document_number="列S2", decided_on=ago(10))
    assert decision.kind == "restart"
    assert_decision(decision.notice_text)
    assert f"本机关决定：你单位列入活动异常名录的时限自{zh_date(ago(30))}起重新计算" in decision.notice_text
    assert "金民罚〔2026〕40号" in decision.notice_text


def test_the_organizations_case_page_shows_no_database_ids(org, client):
    record = factories.record(org, "penalty_warning", document_number="金民罚〔2026〕50号")
    user = factories.org_account(org)
    case = objections.file_objection(user, channel="organization", organization=org, records=[record],
                                     reasons="该信息与事实不符，请予核实更正。")  # fmt: skip
    client.force_login(user)
    page = client.get(reverse("my:case_detail", args=[case.number])).content.decode().split("<main", 1)[1]
    assert "金民罚〔2026〕50号" in page and not re.search(r"#\d+|R\d+\.\d+", page)
