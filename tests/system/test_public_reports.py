"""Nothing that is not public leaves through a credit report, its verification, the open data or the
public API: against crafted data holding one of each kind of non-public information, every output is
read (the PDF's text extracted with pypdf, the gzip files decompressed, the JSON answers) and none
holds any of them, while each holds the public control record (so the check cannot pass empty)."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from socredit.apps.cases.models import CaseChannel
from socredit.apps.cases.services import complaints
from socredit.apps.records.models import CreditRecord
from socredit.apps.records.services import revoke_record
from socredit.apps.reports import opendata
from socredit.apps.reports.models import CreditReport
from socredit.common.clock import today
from socredit.core.types import Visibility
from socredit.testing import factories

pytestmark = pytest.mark.django_db

PUBLIC_CONTROL = "公开对照〔2026〕1号"
SECRETS = {
    "internal record": "内部〔2026〕9号",
    "internal summary": "内部核查线索甲乙丙",
    "shared record": "共享〔2026〕8号",
    "minor record (not published)": "轻微〔2026〕7号",
    "record past its publicity period": "过期〔2019〕6号",
    "revoked record": "撤销〔2026〕5号",
    "contact phone": "13912345678",
    "contact person": "联络人赵秘密",
    "reporter": "举报人钱保密",
    "complaint content": "举报内容孙机密",
}


@pytest.fixture
def crafted(db, personas):
    org = factories.organization(name="金水区公开测试协会", contact_phone=SECRETS["contact phone"],
                                 contact_person=SECRETS["contact person"])  # fmt: skip
    who = factories.person(name="李公开")
    factories.role(org, who)
    day = today()
    recent = {"occurred_on": day - dt.timedelta(days=40), "decided_on": day - dt.timedelta(days=30)}
    factories.record(org, "penalty_fine", amount="3000", document_number=PUBLIC_CONTROL, **recent)
    factories.record(org, "penalty_fine", amount="3000", document_number=SECRETS["internal record"],
                     summary=SECRETS["internal summary"], visibility=Visibility.INTERNAL.value, **recent)  # fmt: skip
    factories.record(org, "penalty_fine", amount="3000", document_number=SECRETS["shared record"],
                     visibility=Visibility.GOVERNMENT.value, **recent)  # fmt: skip
    factories.record(
        org, "penalty_warning", document_number=SECRETS["minor record (not published)"], **recent
    )
    factories.record(org, "penalty_fine", amount="3000", document_number=SECRETS["record past its publicity period"],
                     occurred_on=dt.date(2019, 1, 5), decided_on=dt.date(2019, 2, 1))  # fmt: skip
    revoked = factories.record(
        org, "penalty_fine", amount="3000", document_number=SECRETS["revoked record"], **recent
    )
    revoke_record(actor=personas["city_admin"], channel="form", record=revoked, reason="撤销：认定有误。")
    complaints.submit_complaint(None, CaseChannel.PUBLIC, organization_code=org.code, region_code="410105",
                                content=SECRETS["complaint content"] * 3, reporter={"name": SECRETS["reporter"]})  # fmt: skip
    stored = set(CreditRecord.objects.filter(organization=org).values_list("document_number", flat=True))
    assert stored >= {
        PUBLIC_CONTROL,
        SECRETS["internal record"],
        SECRETS["revoked record"],
    }  # all were written
    return org, who


def _assert_clean(text: str, where: str, who) -> None:
    assert PUBLIC_CONTROL in text, f"{where}: the public control record is missing (the check would be empty)"
    leaked = {what: value for what, value in SECRETS.items() if value in text}
    assert not leaked, f"{where} shows what is not public: {leaked}"
    assert who.id_number not in text, f"{where} shows an ID number"


def test_the_report_pdf_holds_only_public_information(client, crafted):
    org, who = crafted
    pdf = client.get(reverse("reports:report_download", kwargs={"code": org.code})).content
    text = "".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages)
    _assert_clean(text.replace(" ", "").replace("\n", ""), "the PDF", who)
    assert "李公开" in text.replace("\n", "")  # persons by name and role


def test_the_verification_page_and_api_hold_only_public_information(client, crafted):
    org, who = crafted
    client.get(reverse("reports:report_download", kwargs={"code": org.code}))
    code = CreditReport.objects.get().verification_code
    page = client.get(reverse("reports:verify_code", kwargs={"code": code})).content.decode()
    _assert_clean(page, "the verification page", who)
    answer = client.get(f"/api/public/v1/reports/{code}").content.decode("utf-8")
    _assert_clean(json.dumps(json.loads(answer), ensure_ascii=False), "the API's verification", who)


def test_the_public_api_holds_only_public_information(client, crafted):
    org, who = crafted
    body = client.get(f"/api/public/v1/organizations/{org.code}").json()
    _assert_clean(json.dumps(body, ensure_ascii=False), "the API's profile", who)
    found = client.get("/api/public/v1/organizations", {"q": "公开测试"}).json()
    assert [i["code"] for i in found["items"]] == [org.code]
    text = json.dumps(found, ensure_ascii=False)
    assert not [v for v in SECRETS.values() if v in text] and who.id_number not in text


def test_the_open_data_holds_only_public_information(crafted):
    org, who = crafted
    built = opendata.build(today())
    text = ""
    for f in built.manifest["files"]:
        data = (built.folder / f["name"]).read_bytes()
        text += (gzip.decompress(data) if f["name"].endswith(".gz") else data).decode("utf-8-sig")
    _assert_clean(text, "the open data", who)
