"""Annual-report pages: the organization fills in, keeps what it typed on an error, sees the public
part, signs and submits; another organization's account sees nothing of it; staff of the region
return and conclude, staff outside it get 404, viewers cannot act; paper entry by staff."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from socredit.apps.annualreports import services
from socredit.apps.annualreports.models import AnnualReport
from socredit.apps.annualreports.tests.conftest import YEAR, facts, figures
from socredit.apps.records.models import CreditRecord
from socredit.common.errors import FieldErrors

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n%%EOF\n"


def post_data(**over):
    data = {k: str(v) for k, v in facts().items()}
    data.update(figures())
    data.update(over)
    return data


def filed(org, account, submit=True):
    report = services.save_draft(account, "form", org, YEAR, content=facts(), figures=figures())
    if submit:
        report = services.submit_report(account, "form", report, declared_by_name="王立新")
    return report


def test_organization_files_keeps_input_on_error_previews_and_submits(client, org, org_self, on_day):
    client.force_login(org_self)
    page = client.get(reverse("my_annualreports:report_list"))
    assert (
        page.status_code == 200
        and reverse("my_annualreports:report_edit", args=[YEAR]) in page.content.decode()
    )
    edit = reverse("my_annualreports:report_edit", args=[YEAR])
    assert client.get(edit).status_code == 200

    bad = client.post(
        edit, post_data(bs_fixed_assets="401000", bs_total_assets="1001000", activities_summary="办了培训")
    )
    body = bad.content.decode()
    assert bad.status_code == 400 and "资产负债表不平衡" in body
    assert 'value="1001000"' in body and "办了培训" in body  # nothing typed is lost
    assert not AnnualReport.objects.filter(organization=org).exists()

    ok = client.post(edit, post_data(next="preview"))
    detail = reverse("my_annualreports:report_detail", args=[YEAR])
    assert ok.status_code == 302 and ok["Location"] == detail
    page = client.get(detail).content.decode()
    assert "将公开的内容" in page or "What will be published" in page
    public_part = page.split('id="h-public"')[1].split("</section>")[0]
    assert "王立新" in public_part and "0371-66660000" not in public_part  # the phone is never published
    assert "1,000,000.00" in public_part and "300,000.00" not in public_part  # totals only for an association

    refused = client.post(
        reverse("my_annualreports:report_submit", args=[YEAR]), {"declared_by_name": "王立新"}
    )
    assert refused.status_code == 400 and AnnualReport.objects.get(organization=org).state == "draft"
    done = client.post(reverse("my_annualreports:report_submit", args=[YEAR]),
                       {"declared_by_name": "王立新", "confirm": "on"})  # fmt: skip
    assert done.status_code == 302
    report = AnnualReport.objects.get(organization=org)
    assert report.state == "submitted" and report.declared_by == org_self
    assert client.get(edit).status_code == 302  # no more editing once submitted


def test_attachment_upload_checks_type_and_shows_the_file(client, org, org_self, on_day):
    filed(org, org_self, submit=False)
    client.force_login(org_self)
    url = reverse("my_annualreports:attachment_add", args=[YEAR])
    bad = client.post(url, {"kind": "audit_report", "files": SimpleUploadedFile("x.pdf", b"<html>")})
    assert bad.status_code == 400 and "x.pdf" in bad.content.decode()
    ok = client.post(url, {"kind": "audit_report", "files": SimpleUploadedFile("审计报告.pdf", PDF)})
    assert ok.status_code == 302
    att = AnnualReport.objects.get(organization=org).attachments.get()
    got = client.get(reverse("my_annualreports:attachment_file", args=[YEAR, att.pk]))
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF


def test_another_organizations_account_sees_and_files_nothing(client, org, org_self, other_self, on_day):
    report = filed(org, org_self, submit=False)
    client.force_login(other_self)
    assert client.get(reverse("my_annualreports:report_detail", args=[YEAR])).status_code == 404
    client.post(
        reverse("my_annualreports:report_submit", args=[YEAR]), {"declared_by_name": "x", "confirm": "on"}
    )
    report.refresh_from_db()
    assert report.state == "draft"
    # filing "for year N" from its own account files its own organization's report, never org's
    client.post(reverse("my_annualreports:report_edit", args=[YEAR]), post_data())
    assert AnnualReport.objects.filter(organization=org).count() == 1
    assert AnnualReport.objects.get(organization=org).content == report.content
    assert client.get(reverse("annualreports:report_detail", args=[report.pk])).status_code in (302, 403)


def test_staff_of_region_return_and_conclude_others_cannot(client, org, org_self, personas, on_day):
    report = filed(org, org_self)
    client.force_login(personas["staff_xinzheng"])  # another county
    assert client.get(reverse("annualreports:report_detail", args=[report.pk])).status_code == 404
    assert (
        client.post(
            reverse("annualreports:report_conclude", args=[report.pk]), {"result": "pass"}
        ).status_code
        == 404
    )
    assert report.pk not in [
        r.pk for r in client.get(reverse("annualreports:report_list")).context["reports"]
    ]

    client.force_login(personas["viewer_jinshui"])
    assert client.get(reverse("annualreports:report_detail", args=[report.pk])).status_code == 200
    assert (
        client.post(reverse("annualreports:report_return", args=[report.pk]), {"reasons": "x"}).status_code
        == 403
    )

    client.force_login(personas["staff_jinshui"])
    queue = client.get(reverse("annualreports:report_list"), {"state": "submitted", "org_type": "1"})
    assert [r.pk for r in queue.context["reports"]] == [report.pk]
    empty = client.get(reverse("annualreports:report_list"), {"org_type": "3"})
    assert empty.context["reports"] == []
    r = client.post(reverse("annualreports:report_return", args=[report.pk]), {"reasons": ""})
    assert r.status_code == 400
    client.post(reverse("annualreports:report_return", args=[report.pk]), {"reasons": "请补充理事会会议纪要"})
    client.force_login(org_self)
    assert (
        "请补充理事会会议纪要"
        in client.get(reverse("my_annualreports:report_detail", args=[YEAR])).content.decode()
    )
    client.post(
        reverse("my_annualreports:report_submit", args=[YEAR]),
        {"declared_by_name": "王立新", "confirm": "on"},
    )
    client.force_login(personas["city_admin"])  # the city above may review too
    r = client.post(reverse("annualreports:report_conclude", args=[report.pk]), {"result": "pass"})
    assert r.status_code == 302
    kinds = set(CreditRecord.objects.filter(organization=org).values_list("kind__code", flat=True))
    assert kinds == {"annual_report_on_time", "annual_inspection_pass"}


def test_staff_enter_a_paper_report(client, org, personas, on_day):
    client.force_login(personas["staff_jinshui"])
    start = client.get(reverse("annualreports:paper_start"), {"code": org.code.lower()})
    url = reverse("annualreports:paper_new", args=[org.code])
    assert start.status_code == 302 and start["Location"] == url
    r = client.post(url, {**post_data(), "year": YEAR, "received_on": "2026-03-10", "declared_by_name": "王立新",
                          "submit": "1"})  # fmt: skip
    assert r.status_code == 302
    report = AnnualReport.objects.get(organization=org)
    assert (
        report.channel == "paper" and report.state == "submitted" and str(report.submitted_on) == "2026-03-10"
    )
    client.force_login(personas["staff_xinzheng"])
    assert client.get(url).status_code == 404


def test_queue_leaves_out_online_drafts_and_staff_attach_to_paper_reports_only(client, org, org_self, personas,
                                                                                 other_org, on_day):  # fmt: skip
    draft = filed(org, org_self, submit=False)
    paper = services.enter_paper_report(personas["staff_jinshui"], "form", other_org, YEAR, content=facts(),
                                        figures=figures())  # fmt: skip
    client.force_login(personas["staff_jinshui"])
    queue = reverse("annualreports:report_list")
    assert [r.pk for r in client.get(queue).context["reports"]] == [paper.pk]
    # the filter by state says it per state: drafts in the queue are paper drafts only
    for state, shown in (("draft", [paper.pk]), ("submitted", [])):
        page = client.get(queue, {"state": state}).context
        assert [r.pk for r in page["reports"]] == shown and page["page"].paginator.count == len(shown), state
    url = reverse("annualreports:attachment_add", args=[draft.pk])
    assert client.post(url, {"kind": "other", "files": SimpleUploadedFile("a.pdf", PDF)}).status_code == 403
    url = reverse("annualreports:attachment_add", args=[paper.pk])
    assert (
        client.post(
            url, {"kind": "audit_report", "files": SimpleUploadedFile("审计报告.pdf", PDF)}
        ).status_code
        == 302
    )
    assert paper.attachments.get().kind == "audit_report" and not draft.attachments.exists()


def test_a_paper_draft_is_the_authoritys_to_change_not_the_organizations(
    client, org, org_self, personas, on_day
):
    paper = services.enter_paper_report(personas["staff_jinshui"], "form", org, YEAR, content=facts(),
                                        figures=figures())  # fmt: skip
    assert paper.channel == "paper" and paper.editable and not paper.editable_by_organization
    client.force_login(org_self)
    page = client.get(reverse("my_annualreports:report_detail", args=[YEAR])).content.decode()
    assert "由登记管理机关录入" in page and reverse("my_annualreports:report_edit", args=[YEAR]) not in page
    assert client.get(reverse("my_annualreports:report_edit", args=[YEAR])).status_code == 302
    for attempt in (
        lambda: services.save_draft(
            org_self, "form", org, YEAR, content=facts(activities_summary="改"), figures=figures()
        ),
        lambda: services.submit_report(org_self, "form", paper, declared_by_name="王立新"),
        lambda: services.add_attachments(
            org_self, "form", paper, "other", [SimpleUploadedFile("a.pdf", PDF)]
        ),
    ):
        with pytest.raises(FieldErrors, match="登记管理机关"):
            attempt()
    paper.refresh_from_db()
    assert paper.state == "draft" and paper.content == facts() and not paper.attachments.exists()
    # the authority still corrects it
    services.save_draft(personas["staff_jinshui"], "form", org, YEAR, content=facts(activities_summary="改"),
                        figures=figures(), report_channel="paper")  # fmt: skip
    paper.refresh_from_db()
    assert paper.content["activities_summary"] == "改"
