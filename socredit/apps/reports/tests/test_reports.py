"""信用报告: download (PDF with the public profile, QR and code, kept and signed), verification by
code and by file, changes since, tampering, bad input and the per-client limit."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.urls import reverse
from pypdf import PdfReader

from socredit.apps.audit.models import AuditEvent
from socredit.apps.reports.models import CreditReport
from socredit.apps.reports.signing import format_code
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def _text(pdf: bytes) -> str:
    text = "".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(pdf)).pages)
    return text.replace(" ", "").replace("\n", "")  # table cells wrap: compare without line breaks


@pytest.fixture
def org(db):
    org = factories.organization(name="金水区养老服务协会")
    factories.record(org, "penalty_fine", amount="3000", summary="未按规定公示年度工作报告", decided_on=dt.date(2026, 5, 10),
                     occurred_on=dt.date(2026, 5, 1), document_number="金民罚〔2026〕7号")  # fmt: skip
    return org


def _download(client, org):
    response = client.get(reverse("reports:report_download", kwargs={"code": org.code}))
    assert response.status_code == 200, response.content[:300]
    return response


def test_download_issues_a_kept_signed_report_with_the_public_profile(client, org):
    response = _download(client, org)
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    report = CreditReport.objects.get()
    text = _text(pdf)
    assert "社会组织信用报告" in text
    assert report.number in text
    assert format_code(report.verification_code) in text
    assert org.name in text and org.code in text
    assert "金民罚〔2026〕7号" in text and "未按规定公示年度工作报告" in text
    content = json.loads(report.content)
    assert content["organization"]["code"] == org.code
    assert [r["document_number"] for r in content["records"]["penalties"]] == ["金民罚〔2026〕7号"]
    from socredit.apps.reports.signing import sha256_hex

    assert report.pdf_sha256 == sha256_hex(pdf)
    assert report.content_digest == sha256_hex(report.content)
    assert AuditEvent.objects.filter(action="report.issue", target_id=str(report.pk)).exists()
    fonts = {
        str(f["/BaseFont"]) for page in PdfReader(io.BytesIO(pdf)).pages
        for f in page["/Resources"]["/Font"].values()
    }  # fmt: skip
    assert any("CJK" in f for f in fonts)  # the Chinese font is embedded (subset), not referenced


def test_unknown_or_malformed_organization_code_is_404(client):
    for code in ("51410105MJ0000000X", "not-a-code", "%3Cb%3Ex%3C%2Fb%3E"):
        assert client.get(f"/reports/{code}.pdf").status_code == 404
    assert not CreditReport.objects.exists()


def test_verify_by_code_shows_what_the_report_said_and_no_changes(client, org):
    _download(client, org)
    report = CreditReport.objects.get()
    page = client.get(reverse("reports:verify"), {"code": format_code(report.verification_code).lower()})
    assert page.status_code == 302  # a code typed any way goes to its canonical page
    page = client.get(page["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert report.number in html and org.name in html and "金民罚〔2026〕7号" in html
    assert "badge-ok" in html.split('id="changes"')[1].split("</p>")[0]


def test_verify_shows_changes_since_the_report(client, org):
    _download(client, org)
    report = CreditReport.objects.get()
    factories.record(
        org, "penalty_fine", amount="3000", decided_on=dt.date(2026, 11, 1), occurred_on=dt.date(2026, 10, 1)
    )
    page = client.get(reverse("reports:verify_code", kwargs={"code": report.verification_code}))
    changed = page.content.decode().split('id="changes"')[1].split("</p>")[0]
    assert "badge-warn" in changed
    assert "行政处罚" in changed and "名单" not in changed  # only what changed is named


@pytest.mark.parametrize("code", ["ABC", "7KQ2-M9XD-3FH!", "x" * 300])
def test_malformed_code_is_a_clear_400(client, code):
    page = client.get(reverse("reports:verify"), {"code": code})
    assert page.status_code == 400
    assert "12" in page.content.decode()


def test_unknown_code_says_no_report_was_issued(client, org):
    page = client.get(reverse("reports:verify_code", kwargs={"code": "7KQ2M9XD3FHT"}))
    assert page.status_code == 404
    assert 'id="verify-outcome"' in page.content.decode()
    page = client.get(reverse("reports:verify_code", kwargs={"code": "%%%"}))
    assert page.status_code == 404


def test_upload_of_the_issued_pdf_verifies_and_an_altered_one_fails(client, org):
    pdf = _download(client, org).content
    report = CreditReport.objects.get()
    url = reverse("reports:verify")
    ok = client.post(url, {"file": io.BytesIO(pdf)})
    assert ok.status_code == 200
    html = ok.content.decode()
    assert "msg-success" in html.split('id="file-outcome"')[0][-200:] and report.number in html
    altered = bytearray(pdf)
    altered[len(pdf) // 2] ^= 0x01  # one bit anywhere in the file
    bad = client.post(url, {"file": io.BytesIO(bytes(altered))})
    assert bad.status_code == 200
    assert "msg-error" in bad.content.decode().split('id="file-outcome"')[0][-200:]
    assert report.number not in bad.content.decode()


def test_upload_without_a_file_or_too_big_is_refused(client, settings, monkeypatch):
    url = reverse("reports:verify")
    assert client.post(url, {}).status_code == 400
    monkeypatch.setattr("socredit.apps.reports.views.PDF_MAX_BYTES", 10)
    page = client.post(url, {"file": io.BytesIO(b"%PDF-1.7 " + b"x" * 100)})
    assert page.status_code == 400


def test_a_report_altered_in_the_database_no_longer_verifies(client, org):
    _download(client, org)
    report = CreditReport.objects.get()
    content = json.loads(report.content)
    content["lists"]["red"] = [{"list": "red", "list_name": "守信红名单", "entered_on": "2026-01-01"}]
    forged = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    from socredit.apps.reports.signing import sha256_hex

    # whoever rewrites the row can recompute the digest, but not the HMAC without the key file
    CreditReport.objects.filter(pk=report.pk).update(content=forged, content_digest=sha256_hex(forged))
    page = client.get(reverse("reports:verify_code", kwargs={"code": report.verification_code}))
    assert "badge-bad" in page.content.decode()


def test_downloads_are_limited_per_client_with_a_clear_429(client, org, settings):
    settings.SOCREDIT_PUBLIC_RATES = {"report": "2/m"}
    url = reverse("reports:report_download", kwargs={"code": org.code})
    assert client.get(url).status_code == 200
    assert client.get(url).status_code == 200
    limited = client.get(url)
    assert limited.status_code == 429
    assert limited["Retry-After"] == "60"
    assert "请等待 1 分钟后再试" in limited.content.decode()
    assert CreditReport.objects.count() == 2
    other = client.get(url, REMOTE_ADDR="10.0.0.9")  # another client has its own count
    assert other.status_code == 200


def test_verification_is_limited_per_client(client, org, settings):
    settings.SOCREDIT_PUBLIC_RATES = {"verify": "3/m"}
    url = reverse("reports:verify_code", kwargs={"code": "7KQ2M9XD3FHT"})
    codes = [client.get(url).status_code for _ in range(4)]
    assert codes == [404, 404, 404, 429]


def test_limits_are_on_by_default(settings):
    from socredit.common.limits import DEFAULT_RATES, rate

    settings.SOCREDIT_PUBLIC_RATES = {}
    assert {group: rate(group) for group in DEFAULT_RATES} == DEFAULT_RATES
    assert all(DEFAULT_RATES.values())
