"""Complaints (举报): each door's happy path, the handling workflow, the lookup, and every refusal."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from socredit.apps.audit.services import verify_chain
from socredit.apps.cases.models import Case, CaseChannel, CaseRecord, CaseStatus, Reporter
from socredit.apps.cases.services import complaints as svc
from socredit.apps.cases.services.common import today
from socredit.apps.records.models import CreditRecord, RecordKind
from socredit.common.errors import FieldErrors
from socredit.core.types import DepartmentKind
from socredit.testing import factories

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% evidence\n"
CONTENT = "该协会以评比达标表彰为名向会员单位收取费用，每家三千元，有收据为证。"


@pytest.fixture(autouse=True)
def _fresh_cache():
    # The per-address counters live in the cache, which outlives a test's transaction.
    cache.clear()
    yield
    cache.clear()


def pdf(name: str = "收据.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def org(db):
    return factories.organization(region_code="410105", name="郑州市金水区举报测试协会")


@pytest.fixture
def authority(db):
    return factories.department()  # 郑州市民政局, the civil-affairs department above 金水区


def public(**extra):
    data = {"subject_name": "某某协会", "region_code": "410105", "content": CONTENT}
    data.update(extra)
    files = data.pop("files", ())
    return svc.submit_complaint(None, CaseChannel.PUBLIC, files=files, **data)


def accepted(staff, **extra):
    case, _ = public(**extra)
    return svc.triage(staff, case, accept=True, handler=staff, reason="本人承办")


# --- the doors ------------------------------------------------------------------------------------------


def test_public_form_gives_a_number_and_a_lookup_code_once(client, org):
    response = client.post(reverse("public:complaint_new"), {
        "subject_name": "", "organization_code": org.code, "content": CONTENT, "reporter_name": "王举报",
        "reporter_phone": "139 1234 5678", "evidence": [pdf()],
    })  # fmt: skip
    assert response.status_code == 200, response.content.decode()
    assert response["Cache-Control"] == "no-store"
    case = Case.objects.get()
    code = response.context["code"]
    assert case.number in response.content.decode() and code in response.content.decode()
    assert case.kind == "complaint" and case.channel == "public" and case.filed_by is None
    assert case.organization == org and case.region == org.region and case.subject_name == org.name
    assert code not in case.lookup_hash and len(case.lookup_hash) == 64
    assert case.reporter.name == "王举报" and case.reporter.phone == "13912345678"
    assert case.evidence.count() == 1 and case.stage == "triage" and case.due_on is not None
    assert [s.code for s in case.steps.all()] == ["triage", "investigate", "decide", "reply"]
    assert case.parameters["complaint.conclude_working_days"]["value"] == 40
    assert svc.lookup(case.number, code)["status_text"] == "办理中"


def test_public_form_for_an_unregistered_body_needs_a_region(client):
    response = client.post(reverse("public:complaint_new"), {"subject_name": "未登记的国学研究会",
                                                               "content": CONTENT, "anonymous": "on"})  # fmt: skip
    assert response.status_code == 400
    assert "须选择其所在地区" in response.content.decode()
    response = client.post(reverse("public:complaint_new"), {"subject_name": "未登记的国学研究会",
                                                               "region_code": "金水区", "content": CONTENT,
                                                               "anonymous": "on", "reporter_name": "不该保存"})  # fmt: skip
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.organization is None and case.region.code == "410105"
    assert case.reporter.anonymous and case.reporter.name == ""  # anonymity drops what was typed


def test_an_org_account_reporting_is_not_identified_by_its_account(client, org):
    other = factories.organization(region_code="410105", name="郑州市金水区另一协会")
    client.force_login(factories.org_account(other))
    response = client.post(
        reverse("public:complaint_new"), {"organization_code": org.code, "content": CONTENT}
    )
    assert response.status_code == 200
    case = Case.objects.get()
    assert case.filed_by is None and case.filed_by_label == "public"
    assert case.events.get(action="receive").actor is None


def test_staff_enter_a_complaint_received_by_phone(client, personas, org):
    staff = personas["staff_jinshui"]
    client.force_login(staff)
    assert client.get(reverse("cases:complaint_new")).status_code == 200
    day = today() - dt.timedelta(days=3)
    response = client.post(reverse("cases:complaint_new"), {
        "organization_code": org.code, "content": CONTENT, "received_on": day.isoformat(),
        "reporter_name": "电话举报人", "reporter_phone": "0371-12345678",
    })  # fmt: skip
    assert response.status_code == 200, response.content.decode()
    case = Case.objects.get()
    assert case.channel == "staff" and case.filed_by == staff and case.received_on == day
    assert response.context["code"] in response.content.decode()


def test_staff_cannot_enter_a_complaint_outside_their_region(personas):
    with pytest.raises(FieldErrors) as exc:
        svc.submit_complaint(personas["staff_xinzheng"], CaseChannel.STAFF, subject_name="某协会",
                             region_code="410105", content=CONTENT)  # fmt: skip
    assert "不在您的辖区" in exc.value.errors["region_code"][0]


def test_viewers_cannot_enter_complaints(client, personas):
    client.force_login(personas["viewer_jinshui"])
    assert client.get(reverse("cases:complaint_new")).status_code == 403
    with pytest.raises(FieldErrors, match="只读账号"):
        svc.submit_complaint(personas["viewer_jinshui"], CaseChannel.STAFF, subject_name="某协会",
                             region_code="410105", content=CONTENT)  # fmt: skip


def test_a_department_passes_a_complaint_on_through_the_api(client, org, authority):
    _, raw = factories.token(
        ["complaints:write"], factories.department("zz-sj", "郑州市审计局", kind=DepartmentKind.OTHER)
    )
    body = {"organization_code": org.code, "content": CONTENT, "contact_name": "李经办", "contact_phone": "0371-6666666",
            "reporter": {"name": "转交举报人", "phone": "13800000000"}}  # fmt: skip
    response = client.post("/api/v1/complaints", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")  # fmt: skip
    assert response.status_code == 201, response.content
    out = response.json()
    case = Case.objects.get(number=out["number"])
    assert case.channel == "department" and case.applicant_name == "郑州市审计局（李经办）"
    assert case.applicant_contact == "0371-6666666" and case.reporter.name == "转交举报人"
    assert svc.lookup(out["number"], out["lookup_code"]) is not None
    assert "转交举报人" not in response.content.decode() and "13800000000" not in response.content.decode()


def test_the_api_refuses_without_the_scope_and_with_bad_input(client, personas, org):
    body = {"organization_code": org.code, "content": CONTENT}
    assert client.post("/api/v1/complaints", body, content_type="application/json").status_code == 401
    _, raw = factories.token(["records:write"])
    response = client.post("/api/v1/complaints", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")  # fmt: skip
    assert response.status_code == 403
    _, raw = factories.token(["complaints:write"], name="ok")
    response = client.post("/api/v1/complaints", {**body, "content": "太短"}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")  # fmt: skip
    assert response.status_code == 422 and "content" in response.json()["errors"]
    client.force_login(personas["viewer_jinshui"])
    assert client.post("/api/v1/complaints", body, content_type="application/json").status_code == 403
    assert Case.objects.count() == 0


# --- the workflow ---------------------------------------------------------------------------------------


def test_founded_complaint_creates_a_negative_record_and_the_reply_closes_the_case(
    client, personas, org, authority
):
    staff = personas["staff_jinshui"]
    case, code = public(subject_name="", organization_code=org.code, reporter={"name": "王举报"})
    client.force_login(staff)
    response = client.post(reverse("cases:complaint_triage", args=[case.pk]),
                           {"triage-decision": "accept", "triage-handler": str(staff.pk), "triage-reason": "本人承办"})  # fmt: skip
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.assigned_to == staff and case.stage == "investigate"
    response = client.post(
        reverse("cases:complaint_note", args=[case.pk]), {"note-text": "已调取该协会收费凭证。"}
    )
    assert response.status_code == 302
    assert case.events.get(action="note").public is False
    response = client.post(reverse("cases:complaint_conclude", args=[case.pk]), {
        "conclude-founded": "founded", "conclude-reason": "经查，该协会违规开展评比表彰并收费属实。",
        "conclude-record_kind": "complaint_verified",
    })  # fmt: skip
    assert response.status_code == 302, response.content.decode()
    case.refresh_from_db()
    record = CreditRecord.objects.get(organization=org, kind__code="complaint_verified")
    assert record.department == authority and record.document_number == case.number
    assert (
        CaseRecord.objects.get(case=case).result_record == record and case.details["record_id"] == record.pk
    )
    assert case.outcome == "founded" and case.stage == "reply" and case.is_open
    assert "经查" not in (svc.lookup(case.number, code)["reply"] or "")  # nothing before the reply
    response = client.post(reverse("cases:complaint_reply", args=[case.pk]),
                           {"reply-text": "经调查，您反映的问题属实，已依法处理并记入该组织信用档案。"})  # fmt: skip
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.closed_on == today()
    doc = case.documents.get(kind="complaint_reply")
    assert doc.addressee == "举报人" and doc.body.startswith("举报人：") and "王举报" not in doc.body
    seen = svc.lookup(case.number, code)
    assert seen["status_text"] == "已办结" and "举报事项经查属实" in seen["reply"]
    assert "已调取" not in str(seen)  # internal notes never reach the reporter
    assert verify_chain() is None


def test_unfounded_complaint_records_nothing(personas, org):
    staff = personas["staff_jinshui"]
    case = accepted(staff, organization_code=org.code)
    svc.conclude(staff, case, founded=False, reason="经查，所收费用为会员自愿缴纳的会费，举报不属实。")
    svc.reply(staff, case, text="经调查，您反映的问题不属实。")
    case.refresh_from_db()
    assert case.outcome == "unfounded" and case.status == CaseStatus.CLOSED
    assert not CreditRecord.objects.filter(organization=org, kind__code="complaint_verified").exists()


def test_not_accepting_closes_with_a_reply_the_reporter_reads(client, personas):
    staff = personas["staff_jinshui"]
    case, code = public()
    client.force_login(staff)
    response = client.post(reverse("cases:complaint_triage", args=[case.pk]),
                           {"triage-decision": "reject", "triage-ground": "no_facts"})  # fmt: skip
    assert response.status_code == 400 and "不予受理须写明理由" in response.content.decode()
    response = client.post(reverse("cases:complaint_triage", args=[case.pk]), {
        "triage-decision": "reject", "triage-ground": "no_facts", "triage-reason": "未提供时间、地点等具体事实。",
    })  # fmt: skip
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.REJECTED and case.outcome == "not_accepted"
    seen = svc.lookup(case.number, code)
    assert seen["status_text"] == "不予受理" and "未提供时间、地点等具体事实" in seen["reply"]


def test_a_complaint_about_an_unregistered_name_can_be_linked_then_founded(personas, org, authority):
    staff = personas["staff_jinshui"]
    case = accepted(staff, subject_name="金水区举报测试协会（简称）")
    with pytest.raises(FieldErrors) as exc:
        svc.conclude(staff, case, founded=True, reason="查实。")
    assert "取缔" in exc.value.errors["organization_code"][0]
    svc.link_organization(staff, case, org.code)
    case.refresh_from_db()
    assert case.organization == org and case.events.filter(action="link").exists()
    svc.conclude(staff, case, founded=True, reason="经查属实。", record_kind="penalty_warning")
    assert CreditRecord.objects.filter(organization=org, kind__code="penalty_warning").exists()


def test_link_refuses_an_organization_of_another_region(personas):
    staff = personas["city_admin"]
    case = accepted(staff)  # 金水区
    xinzheng = factories.organization(region_code="410184", name="新郑市某协会")
    with pytest.raises(FieldErrors, match="不属于本案受理地区"):
        svc.link_organization(staff, case, xinzheng.code)


# --- refusals ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"organization_code": "51410105MJ0000001X"}, "organization_code", "校验位"),
        ({"organization_code": "91410105MA00000000"}, "organization_code", ""),
        ({"region_code": ""}, "region_code", "须选择其所在地区"),
        ({"region_code": "999999"}, "region_code", "不存在"),
        ({"region_code": "鼓楼区"}, "region_code", "不止一个"),
        ({"subject_name": ""}, "subject_name", "请填写"),
        ({"content": "太短了"}, "content", "至少10个字"),
        ({"content": "长" * 5001}, "content", "最多5000个字"),
        ({"reporter": {"phone": "12345"}}, "reporter_phone", "电话号码格式不正确"),
        ({"reporter": {"email": "not-an-email"}}, "reporter_email", "电子邮箱格式不正确"),
        (
            {"files": [SimpleUploadedFile("a.exe", b"MZ\x90\x00", "application/octet-stream")]},
            "evidence",
            "不被接受",
        ),
        ({"files": [SimpleUploadedFile("a.png", PDF, "image/png")]}, "evidence", "与扩展名"),
    ],
)
def test_bad_input_is_refused_with_the_field_named(db, extra, field, message):
    with pytest.raises(FieldErrors) as exc:
        public(**extra)
    assert message in " ".join(exc.value.errors[field])
    assert Case.objects.count() == 0 and Reporter.objects.count() == 0


def test_too_large_a_file_is_refused(db):
    with override_settings(SOCREDIT_EVIDENCE_MAX_BYTES=10), pytest.raises(FieldErrors, match="超过"):
        public(files=[pdf()])
    assert Case.objects.count() == 0


def test_errors_are_reported_together(db):
    with pytest.raises(FieldErrors) as exc:
        public(region_code="", content="短", files=[SimpleUploadedFile("x.txt", b"hello", "text/plain")])
    assert {"region_code", "content", "evidence"} <= set(exc.value.errors)


def test_the_honeypot_refuses_robots(client):
    response = client.post(reverse("public:complaint_new"), {"subject_name": "某协会", "region_code": "410105",
                                                               "content": CONTENT, "website": "http://spam"})  # fmt: skip
    assert response.status_code == 400 and Case.objects.count() == 0


@override_settings(SOCREDIT_COMPLAINTS_PER_IP_HOUR=2)
def test_the_public_form_is_rate_limited_per_address(client):
    data = {"subject_name": "某协会", "region_code": "410105", "content": CONTENT}
    assert client.post(reverse("public:complaint_new"), data).status_code == 200
    assert client.post(reverse("public:complaint_new"), data).status_code == 200
    response = client.post(reverse("public:complaint_new"), data)
    assert response.status_code == 400 and "每小时最多提交2件" in response.content.decode()
    other = client.post(reverse("public:complaint_new"), data, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 200 and Case.objects.count() == 3


def test_conclude_before_triage_is_refused(personas):
    case, _ = public()
    with pytest.raises(FieldErrors, match="须先完成“登记分办”"):
        svc.conclude(personas["staff_jinshui"], case, founded=False, reason="不属实。")


def test_reply_before_the_conclusion_is_refused(personas):
    staff = personas["staff_jinshui"]
    case = accepted(staff)
    with pytest.raises(FieldErrors, match="须先完成“调查核实”"):
        svc.reply(staff, case, text="答复。")


def test_a_decision_needs_a_reason(personas, org):
    staff = personas["staff_jinshui"]
    case = accepted(staff, organization_code=org.code)
    with pytest.raises(FieldErrors) as exc:
        svc.conclude(staff, case, founded=False, reason="  ")
    assert "reason" in exc.value.errors
    with pytest.raises(FieldErrors, match="请选择不予受理的事由"):
        svc.triage(staff, public()[0], accept=False, reason="无具体事实。")


def test_founded_with_a_positive_kind_is_refused(personas, org, authority):
    staff = personas["staff_jinshui"]
    case = accepted(staff, organization_code=org.code)
    with pytest.raises(FieldErrors, match="未知的信用信息事项"):
        svc.conclude(staff, case, founded=True, reason="查实。", record_kind="no_such_kind")
    positive = RecordKind.objects.filter(polarity="positive", active=True).first()
    with pytest.raises(FieldErrors, match="不是失信信息事项"):
        svc.conclude(staff, case, founded=True, reason="查实。", record_kind=positive.code)
    assert not CreditRecord.objects.filter(organization=org).exists()


def test_triage_twice_and_actions_on_a_closed_case_are_refused(personas):
    staff = personas["staff_jinshui"]
    case = accepted(staff)
    with pytest.raises(FieldErrors, match="不能重复办理"):
        svc.triage(staff, case, accept=True)
    svc.triage(staff, rejected := public()[0], accept=False, ground="duplicate", reason="与前案重复。")
    with pytest.raises(FieldErrors, match="不能再办理"):
        svc.add_note(staff, rejected, "补充。")


def test_a_handler_must_be_staff_of_the_region(personas):
    case, _ = public()
    with pytest.raises(FieldErrors, match="不能承办本案"):
        svc.triage(personas["city_admin"], case, accept=True, handler=personas["staff_xinzheng"])


def test_views_answer_403_to_viewers_and_404_outside_the_region(client, personas):
    case, _ = public()
    url = reverse("cases:complaint_triage", args=[case.pk])
    client.force_login(personas["viewer_jinshui"])
    assert client.post(url, {"triage-decision": "accept"}).status_code == 403
    client.force_login(personas["staff_xinzheng"])
    assert client.post(url, {"triage-decision": "accept"}).status_code == 404
    case.refresh_from_db()
    assert case.stage == "triage"


# --- lookup ---------------------------------------------------------------------------------------------


def test_a_wrong_code_and_a_wrong_number_get_the_same_answer(client, db):
    case, code = public()
    assert svc.lookup(case.number, code.lower()) is not None  # read out over the phone: case does not matter
    assert svc.lookup(case.number, "AAAAAAAA") is None
    assert svc.lookup("JB-2000-999999", code) is None
    url = reverse("public:complaint_lookup")
    wrong_code = client.post(url, {"number": case.number, "code": "AAAAAAAA"})
    wrong_number = client.post(url, {"number": "JB-2000-999999", "code": code})
    assert wrong_code.status_code == wrong_number.status_code == 200

    def answer(response):  # the page without the echoed input and the per-request CSRF token
        text = re.sub(r'value="[^"]*"|"X-CSRFToken": "[^"]*"', "", response.content.decode())
        return text.replace(case.number, "N").replace("JB-2000-999999", "N")

    assert answer(wrong_code) == answer(wrong_number)
    assert (
        "No complaint matches" in answer(wrong_code)
        or "未找到" in answer(wrong_code)
        or "不符" in answer(wrong_code)
    )
    right = client.post(url, {"number": case.number, "code": code})
    assert "办理中" in right.content.decode() and "登记分办" in right.content.decode()


@override_settings(SOCREDIT_COMPLAINT_LOOKUPS_PER_IP_HOUR=3)
def test_lookups_are_rate_limited(client, db):
    case, code = public()
    url = reverse("public:complaint_lookup")
    for _ in range(3):
        client.post(url, {"number": case.number, "code": "AAAAAAAA"})
    response = client.post(url, {"number": case.number, "code": code})
    assert "lookup-result" not in response.content.decode()


def test_the_case_page_offers_the_forms_of_the_current_stage(client, personas, org):
    staff = personas["staff_jinshui"]
    case, _ = public()
    client.force_login(staff)
    page = client.get(reverse("cases:complaint_note", args=[case.pk])).content.decode()
    assert "举报人信息仅承办人可见" in page  # not assigned yet: nobody sees the reporter
    detail = reverse("cases:case_detail", kwargs={"number": case.number})
    html = client.get(detail).content.decode()
    assert 'id="complaint-triage"' in html and 'id="complaint-link"' in html
    assert 'id="complaint-conclude"' not in html
    svc.triage(staff, case, accept=True, handler=staff, reason="本人承办")
    html = client.get(detail).content.decode()
    assert 'id="complaint-conclude"' in html and 'id="complaint-note"' in html
    client.force_login(personas["viewer_jinshui"])
    assert 'id="complaint-conclude"' not in client.get(detail).content.decode()
