"""The figures API: scope annualreports:read, region scoping, filed reports only, paging, schema."""

from __future__ import annotations

import pytest

from socredit.apps.annualreports.tests.figures_helpers import filed_report
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def orgs(personas, civil_affairs):
    jinshui = factories.organization("410105", name="郑州市金水区年报测试协会")
    other = factories.organization("410105", name="郑州市金水区年报测试二会")
    xinzheng = factories.organization("410184", name="新郑市年报测试协会")
    return jinshui, other, xinzheng


@pytest.fixture
def reports(orgs):
    jinshui, other, xinzheng = orgs
    return {
        "concluded": filed_report(jinshui, 2024),
        "submitted": filed_report(jinshui, 2025, {"bs_total_assets": "10.50"}, state="submitted"),
        "draft": filed_report(other, 2025, {"bs_total_assets": "99.00"}, state="draft", result=None),
        "other": filed_report(other, 2024, {"bs_total_assets": "5.00"}),
        "xinzheng": filed_report(xinzheng, 2024, {"bs_total_assets": "7.00"}),
    }


def token(scopes, dept):
    return factories.token(scopes, dept)[1]


def test_organization_reports_by_year_with_figures(client, orgs, reports, civil_affairs):
    raw = token(["annualreports:read"], civil_affairs)
    body = client.get(f"/api/v1/organizations/{orgs[0].code}/annual-reports", **bearer(raw)).json()
    assert [(r["year"], r["state"]) for r in body] == [(2025, "submitted"), (2024, "concluded")]
    assert body[1]["result"] == "pass" and body[1]["figures"]["bs_total_assets"] == "1000000.00"
    assert body[1]["figures"]["staff_compensation"] == "123456.78"  # departments read every figure
    assert body[0]["result"] is None and body[0]["figures"] == {"bs_total_assets": "10.50"}
    one = client.get(f"/api/v1/organizations/{orgs[0].code}/annual-reports?year=2024", **bearer(raw)).json()
    assert [r["year"] for r in one] == [2024]


def test_drafts_are_not_answered(client, orgs, reports, civil_affairs):
    raw = token(["annualreports:read"], civil_affairs)
    body = client.get(f"/api/v1/organizations/{orgs[1].code}/annual-reports", **bearer(raw)).json()
    assert [(r["year"], r["state"]) for r in body] == [(2024, "concluded")]


def test_scope_is_required(client, orgs, reports, civil_affairs):
    raw = token(["records:read", "credit:read"], civil_affairs)
    assert (
        client.get(f"/api/v1/organizations/{orgs[0].code}/annual-reports", **bearer(raw)).status_code == 403
    )
    assert client.get("/api/v1/annual-reports/figures?year=2024", **bearer(raw)).status_code == 403
    assert client.get("/api/v1/annual-reports/figures?year=2024").status_code == 401


def test_region_scoping_for_tokens_and_staff(client, orgs, reports, personas):
    jinshui_dept = factories.department("js-mzj", "郑州市金水区民政局", "410105")
    raw = token(["annualreports:read"], jinshui_dept)
    assert (
        client.get(f"/api/v1/organizations/{orgs[2].code}/annual-reports", **bearer(raw)).status_code == 404
    )
    page = client.get("/api/v1/annual-reports/figures?year=2024", **bearer(raw)).json()
    assert sorted(r["organization_code"] for r in page["items"]) == sorted([orgs[0].code, orgs[1].code])
    # a region outside the token's: the same 404 as an unknown one
    assert (
        client.get("/api/v1/annual-reports/figures?year=2024&region=410184", **bearer(raw)).status_code == 404
    )
    assert (
        client.get("/api/v1/annual-reports/figures?year=2024&region=999999", **bearer(raw)).status_code == 404
    )
    client.force_login(personas["staff_xinzheng"])
    assert [
        r["organization_code"] for r in client.get("/api/v1/annual-reports/figures?year=2024").json()["items"]
    ] == [orgs[2].code]
    assert client.get(f"/api/v1/organizations/{orgs[0].code}/annual-reports").status_code == 404


def test_region_figures_are_paged_in_code_order(client, orgs, reports, civil_affairs):
    raw = token(["annualreports:read"], civil_affairs)
    first = client.get(
        "/api/v1/annual-reports/figures?year=2024&page_size=2&count=true", **bearer(raw)
    ).json()
    assert first["count"] == 3 and first["next"] is True and len(first["items"]) == 2
    second = client.get("/api/v1/annual-reports/figures?year=2024&page_size=2&page=2", **bearer(raw)).json()
    codes = [r["organization_code"] for r in first["items"] + second["items"]]
    assert codes == sorted(o.code for o in orgs) and second["next"] is False
    narrowed = client.get("/api/v1/annual-reports/figures?year=2024&region=410184", **bearer(raw)).json()
    assert [r["figures"] for r in narrowed["items"]] == [{"bs_total_assets": "7.00"}]


def test_bad_year_is_a_422_naming_the_field(client, civil_affairs):
    raw = token(["annualreports:read"], civil_affairs)
    response = client.get("/api/v1/annual-reports/figures?year=abc", **bearer(raw))
    assert response.status_code == 422 and "year" in response.json()["errors"]
    assert client.get("/api/v1/annual-reports/figures", **bearer(raw)).status_code == 422


def test_openapi_documents_the_operations(client, personas):
    client.force_login(personas["city_admin"])
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/annual-reports/figures" in schema["paths"]
    op = schema["paths"]["/api/v1/organizations/{code}/annual-reports"]["get"]
    assert op["summary"].startswith("An organization's filed annual work reports")
    out = schema["components"]["schemas"]["ReportFiguresOut"]["properties"]
    assert "bs_total_net_assets" in out["figures"]["description"]
