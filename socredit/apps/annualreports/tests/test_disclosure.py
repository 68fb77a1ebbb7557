"""年报公开: the public part of concluded reports on the portal's profile, in the stored answer of the
public API and in the open data — and never a non-public field or figure, nor a report not concluded."""

from __future__ import annotations

import datetime as dt
import gzip

import pytest
from django.urls import reverse

from socredit.apps.annualreports.models import ReportFigure
from socredit.apps.annualreports.published import published_reports
from socredit.apps.annualreports.tests.figures_helpers import BALANCED, filed_report
from socredit.apps.portal import stored
from socredit.apps.portal.models import StoredProfile
from socredit.apps.reports import opendata
from socredit.common.clock import today as stored_today
from socredit.core.types import OrgType
from socredit.testing import factories

pytestmark = pytest.mark.django_db

SECRETS = ("123456.78", "8765.43", "13800000000", "李联系")
"""staff_compensation, related_party_amount, the contact's phone and name: not public for a 社会团体."""
SUBMITTED_ONLY = "4242.42"


@pytest.fixture
def association(db):
    org = factories.organization("410105", name="金水区年报公开测试协会")
    filed_report(org, 2024, content={
        "activities_summary": "开展助老服务 12 次", "contact_phone": "13800000000", "contact_person": "李联系",
        "charity_organization": False, "general_meetings": 1, "party_organization": "branch",
        "audit_opinion": "unqualified",
    })  # fmt: skip
    filed_report(org, 2025, {"bs_total_assets": SUBMITTED_ONLY}, state="submitted")
    return org


@pytest.fixture
def foundation(db):
    org = factories.organization("410105", OrgType.FOUNDATION, name="金水区年报公开测试基金会")
    figures = {**BALANCED, "staff_compensation": "55555.55", "related_party_amount": "0.00"}
    filed_report(org, 2024, figures, content={"activities_summary": "资助困难学生", "contact_phone": "13900000000",
                                     "contact_person": "赵联系", "charity_organization": True})  # fmt: skip
    return org


def test_the_public_part_follows_the_rules_for_the_type(association, foundation):
    (report,) = published_reports(association)
    assert report["year"] == 2024 and report["result"] == "合格" and not report["whole_report"]
    figures = {f["code"]: f["value"] for f in report["figures"]}
    assert figures["bs_total_assets"] == "1000000.00" and "staff_compensation" not in figures
    assert "related_party_amount" not in figures and "ia_donation" not in figures
    fields = {f["code"]: f["value"] for f in report["fields"]}
    assert fields == {
        "activities_summary": "开展助老服务 12 次",
        "general_meetings": "1",
        "charity_organization": "否",
    }
    (whole,) = published_reports(foundation)
    figures = {f["code"]: f["value"] for f in whole["figures"]}
    assert whole["whole_report"] and figures["staff_compensation"] == "55555.55"
    assert "contact_phone" not in {f["code"] for f in whole["fields"]}
    assert "《基金会信息公布办法》（民政部令第31号）第四条、第五条" in whole["basis"]
    english = published_reports(association, "en")[0]
    assert english["result"] == "Passed" and english["figures"][0]["label"] == "Total assets"


def test_profile_page_shows_the_public_part_and_nothing_else(client, association):
    html = client.get(reverse("portal:profile", args=[association.code])).content.decode()
    assert "2024年度工作报告" in html and "开展助老服务 12 次" in html and "1,000,000.00" in html
    for secret in (*SECRETS, SUBMITTED_ONLY):
        assert secret not in html


def test_stored_answer_holds_the_public_part_only(client, association):
    response = client.get(f"/api/public/v1/organizations/{association.code}")
    assert response.status_code == 200
    body = StoredProfile.objects.get(organization=association).body
    stored_text = body if isinstance(body, str) else bytes(body).decode()
    assert "开展助老服务 12 次" in stored_text and "1000000.00" in stored_text
    for secret in (*SECRETS, SUBMITTED_ONLY):
        assert secret not in stored_text
        assert secret not in response.content.decode()


def test_open_data_holds_the_public_part_only(association, foundation, today_is):
    day = dt.date(2026, 12, 4)
    today_is(day)
    built = opendata.build(day)
    everything = b"".join(gzip.decompress((built.folder / n).read_bytes()) for n in opendata.file_names(day))
    text = everything.decode("utf-8-sig", errors="replace")
    assert "开展助老服务 12 次" in text and "资助困难学生" in text
    assert "55555.55" in text  # the foundation's, published whole
    rows = list(
        opendata.iter_lines(built.folder / opendata.table_file("annual_report_figures", day, "jsonl.gz"))
    )
    mine = [r for r in rows if r["organization_code"] == association.code]
    assert {r["item"] for r in mine} == {"bs_total_assets", "bs_total_liabilities", "bs_total_net_assets",
                                         "ia_total_income", "ia_total_expenses", "ia_net_asset_change"}  # fmt: skip
    assert {r["year"] for r in mine} == {2024}
    for secret in (*SECRETS, "13900000000", "赵联系", SUBMITTED_ONLY):
        assert secret not in text


def test_stored_answer_is_rebuilt_after_a_figure_changes(client, association):
    client.get(f"/api/public/v1/organizations/{association.code}")
    assert StoredProfile.objects.filter(organization=association).exists()
    ReportFigure.objects.filter(
        report__organization=association, code="bs_total_assets", report__year=2024
    ).update(value="2000000.00")
    assert stored.stored_answer(association.code, stored_today()) is None  # the trigger made it stale
    answer = client.get(f"/api/public/v1/organizations/{association.code}").content.decode()
    assert '"value":"2000000.00"' in answer and '"value":"1000000.00"' not in answer
