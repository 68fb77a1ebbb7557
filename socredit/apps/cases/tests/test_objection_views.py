"""Objection pages and API: an organization files from /my/, staff decide in the inbox, a department
verifies through the API; organization accounts stay out of staff pages."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from socredit.apps.accounts.models import TokenScope
from socredit.apps.cases.models import Case, CaseStatus
from socredit.apps.cases.services import objections
from socredit.core.types import DepartmentKind
from socredit.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def org(db):
    return factories.organization(region_code="410105", name="郑州市金水区页面异议协会")


def test_an_organization_files_an_objection_from_its_own_page(client, org):
    record = factories.record(org, "penalty_warning")
    client.force_login(factories.org_account(org))
    home = client.get("/my/")
    assert home.status_code == 200
    html = home.content.decode()
    assert org.name in html and record.kind.name_zh in html and "信用等级" in html
    repair_link = f"/my/repairs/check/{record.pk}/"
    assert repair_link in html
    form = client.get(f"/my/objections/new/?record={record.pk}")
    assert form.status_code == 200 and "checked" in form.content.decode()
    bad = client.post("/my/objections/new/", {"records": [record.pk], "reasons": "短"})
    assert bad.status_code == 400 and "至少" in bad.content.decode()
    assert not Case.objects.exists()
    ok = client.post("/my/objections/new/", {
        "records": [record.pk], "reasons": "处罚决定书上的日期与实际不符，请核查。",
        "evidence": SimpleUploadedFile("回执.pdf", b"%PDF-1.7 receipt", content_type="application/pdf"),
    })  # fmt: skip
    case = Case.objects.get()
    assert ok.status_code == 302 and ok["Location"] == f"/my/cases/{case.number}/"
    assert repair_link not in client.get("/my/").content.decode()  # a case about it is open
    page = client.get(ok["Location"]).content.decode()
    assert case.number in page and "异议中" in page and "异议申请受理回执" in page
    receipt = case.documents.get(kind="receipt")
    printed = client.get(f"/my/cases/{case.number}/documents/{receipt.pk}/")
    assert printed.status_code == 200
    # the print page's own style element is allowed by the response's Content-Security-Policy nonce
    nonce = re.search(r"'nonce-([^']+)'", printed["Content-Security-Policy"]).group(1)
    assert f'<style nonce="{nonce}">' in printed.content.decode()
    ev = case.evidence.get()
    download = client.get(f"/my/cases/{case.number}/evidence/{ev.pk}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.7 receipt"


def test_an_organization_account_cannot_open_staff_pages_or_another_file(client, org):
    other = factories.organization(region_code="410105", name="郑州市金水区他人协会")
    theirs = factories.record(other, "penalty_warning")
    client.force_login(factories.org_account(org))
    for url in ("/organizations/", f"/organizations/{other.code}/", "/cases/", "/lists/", "/admin/"):
        assert client.get(url).status_code == 403, url
    assert client.get("/start/")["Location"] == "/my/"
    assert client.get("/api/v1/organizations").status_code == 403
    response = client.post(
        "/my/objections/new/", {"records": [theirs.pk], "reasons": "试图对他人的记录提出异议。"}
    )
    assert response.status_code == 400 and "不存在或不属于本组织" in response.content.decode()
    other_user = factories.org_account(other)
    case = objections.file_objection(other_user, channel="organization", organization=other, records=[theirs],
                                     reasons="他人组织的异议申请内容。")  # fmt: skip
    assert client.get(f"/my/cases/{case.number}/").status_code == 404


def test_staff_see_the_inbox_and_decide(client, org, personas):
    record = factories.record(org, "penalty_warning")
    user = factories.org_account(org)
    case = objections.file_objection(user, channel="organization", organization=org, records=[record],
                                     reasons="记录所载金额有误，请更正。")  # fmt: skip
    client.force_login(personas["staff_jinshui"])
    inbox = client.get("/cases/").content.decode()
    assert case.number in inbox and "剩" in inbox
    assert client.get("/cases/?filter=overdue").content.decode().count(case.number) == 0
    detail = client.get(f"/cases/{case.number}/")
    assert detail.status_code == 200 and "作出处理决定" in detail.content.decode()
    refused = client.post(f"/cases/objections/{case.pk}/notify/")
    assert refused.status_code == 400 and "须先完成" in refused.content.decode()
    no_reason = client.post(
        f"/cases/objections/{case.pk}/decide/", {f"action_{record.pk}": "upheld", "reason": ""}
    )
    assert no_reason.status_code == 400 and "必须写明处理决定的理由" in no_reason.content.decode()
    ok = client.post(f"/cases/objections/{case.pk}/decide/", {
        f"action_{record.pk}": "correct", f"summary_{record.pk}": "金额更正为500元", "reason": "核查属实，更正摘要。"
    })  # fmt: skip
    assert ok.status_code == 302
    assert client.post(f"/cases/objections/{case.pk}/notify/").status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.outcome == "corrected"
    # read-only and out-of-region staff
    client.force_login(personas["viewer_jinshui"])
    assert client.get(f"/cases/{case.number}/").status_code == 200
    assert client.post(f"/cases/objections/{case.pk}/decide/", {}).status_code == 403
    client.force_login(personas["staff_xinzheng"])
    assert client.get(f"/cases/{case.number}/").status_code == 404


def test_a_department_verifies_through_the_api(client, org, personas):
    tax = factories.department("zz-sw", "郑州市税务局", kind=DepartmentKind.TAX)
    market = factories.department("zz-sc", "郑州市市场监管局", kind=DepartmentKind.MARKET)
    record = factories.record(org, "tax_arrears", department=tax.code)
    staff = personas["staff_jinshui"]
    case = objections.file_objection(staff, channel="paper", organization=org, records=[record],
                                     reasons="欠税已经缴清，请税务部门核实。", received_on=objections.today())  # fmt: skip
    _, tax_key = factories.token([TokenScope.OBJECTIONS_VERIFY], dept=tax)
    _, market_key = factories.token([TokenScope.OBJECTIONS_VERIFY], dept=market, name="m")
    _, unscoped = factories.token([TokenScope.RECORDS_READ], dept=tax, name="r")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {tax_key}"}
    assert client.get("/api/v1/objections/forwarded", **auth).json() == []  # not forwarded yet
    objections.forward(staff, case)
    listed = client.get("/api/v1/objections/forwarded", **auth).json()
    assert [x["number"] for x in listed] == [case.number] and listed[0]["records"][0]["id"] == record.pk
    assert (
        client.get("/api/v1/objections/forwarded", HTTP_AUTHORIZATION=f"Bearer {unscoped}").status_code == 403
    )
    other = {"HTTP_AUTHORIZATION": f"Bearer {market_key}"}
    assert client.get(f"/api/v1/objections/{case.number}", **other).status_code == 404
    body = {
        "result": "error",
        "note": "已于2025-03-01缴清",
        "corrections": [{"record_id": record.pk, "action": "revoke"}],
    }
    assert client.post(f"/api/v1/objections/{case.number}/verification", body, content_type="application/json",
                       **other).status_code == 404  # fmt: skip
    bad = client.post(f"/api/v1/objections/{case.number}/verification", {"result": "error", "note": "",
                      "corrections": [{"record_id": 999999, "action": "revoke"}]}, content_type="application/json", **auth)  # fmt: skip
    assert bad.status_code == 422 and "note" in bad.json()["errors"] and "corrections" in bad.json()["errors"]
    ok = client.post(
        f"/api/v1/objections/{case.number}/verification", body, content_type="application/json", **auth
    )
    assert ok.status_code == 200 and ok.json()["result"] == "error"
    case.refresh_from_db()
    assert case.stage == "decide"
    again = client.post(
        f"/api/v1/objections/{case.number}/verification", body, content_type="application/json", **auth
    )
    assert again.status_code == 422
