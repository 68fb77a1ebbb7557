"""The public API (/api/public/v1/): by code, search, lists, report verification; errors and limits."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from socredit.apps.reports.models import CreditReport
from socredit.testing import factories

pytestmark = pytest.mark.django_db
BASE = "/api/public/v1"


@pytest.fixture
def org(db):
    org = factories.organization(name="金水区养老服务协会")
    factories.record(org, "penalty_fine", amount="3000", decided_on=dt.date(2026, 5, 10), occurred_on=dt.date(2026, 5, 1),
                     document_number="金民罚〔2026〕7号")  # fmt: skip
    return org


def test_organization_by_code(client, org):
    response = client.get(f"{BASE}/organizations/{org.code}")
    assert response.status_code == 200
    body = response.json()
    assert body["organization"]["name"] == org.name
    assert [r["document_number"] for r in body["records"]["penalties"]] == ["金民罚〔2026〕7号"]
    assert client.get(f"{BASE}/organizations/{org.code.lower()}").json()["organization"]["code"] == org.code


@pytest.mark.parametrize("code", ["51410105MJ0000000X", "abc", "x" * 300])
def test_unknown_code_is_a_json_404(client, code):
    response = client.get(f"{BASE}/organizations/{code}")
    assert response.status_code == 404
    assert response.json()["detail"]


def test_search_by_two_characters_and_by_code(client, org):
    factories.organization(name="新郑市书法家协会")
    body = client.get(f"{BASE}/organizations", {"q": "养老"}).json()
    assert [i["code"] for i in body["items"]] == [org.code]
    assert body["total"] == 1
    body = client.get(f"{BASE}/organizations", {"q": org.code[:10]}).json()
    assert org.code in [i["code"] for i in body["items"]]


@pytest.mark.parametrize("params", [{}, {"q": "x" * 201}, {"q": "养老", "page": 0}, {"region": "火星"}])
def test_search_bad_input_is_a_clear_422(client, org, params):
    response = client.get(f"{BASE}/organizations", params)
    assert response.status_code == 422
    assert response.json()["detail"]


def test_lists_answer_the_members_in_force(client, org):
    body = client.get(f"{BASE}/lists/abnormal").json()
    assert body == {"list": "abnormal", "page": 1, "has_next": False, "items": []}
    assert client.get(f"{BASE}/lists/unknown").status_code == 422
    assert client.get(f"{BASE}/lists/red", {"page_size": 1000}).status_code == 422


def test_report_verification(client, org):
    client.get(reverse("reports:report_download", kwargs={"code": org.code}))
    report = CreditReport.objects.get()
    body = client.get(f"{BASE}/reports/{report.verification_code.lower()}").json()
    assert body["number"] == report.number and body["intact"] is True and body["changed_since"] == []
    assert body["content"]["organization"]["code"] == org.code
    assert client.get(f"{BASE}/reports/7KQ2M9XD3FHT").status_code == 404
    bad = client.get(f"{BASE}/reports/not-a-code")
    assert bad.status_code == 422 and "12" in bad.json()["detail"]


def test_flooding_gets_a_json_429_with_retry_after(client, org, settings):
    settings.SOCREDIT_PUBLIC_RATES = {"api": "3/m"}
    codes = [client.get(f"{BASE}/organizations/{org.code}").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    limited = client.get(f"{BASE}/organizations/{org.code}")
    assert limited["Retry-After"] == "60"
    assert "60" in limited.json()["detail"]


def test_openapi_docs_are_separate_from_the_department_api(client):
    schema = client.get(f"{BASE}/openapi.json").json()
    assert set(schema["paths"]) == {
        "/api/public/v1/organizations/{code}", "/api/public/v1/organizations",
        "/api/public/v1/lists/{kind}", "/api/public/v1/reports/{code}",
    }  # fmt: skip
    assert client.get(f"{BASE}/docs").status_code == 200


def test_a_change_is_answered_at_once(client, org):
    first = client.get(f"{BASE}/organizations/{org.code}").json()
    assert client.get(f"{BASE}/organizations/{org.code}").json() == first  # now from the stored answer
    factories.record(
        org, "penalty_fine", amount="100", decided_on=dt.date(2026, 11, 1), occurred_on=dt.date(2026, 10, 1)
    )
    fresh = client.get(f"{BASE}/organizations/{org.code}").json()
    assert len(fresh["records"]["penalties"]) == 2


def test_the_lookup_route_answers_as_the_documented_operation(client, org, rf):
    # the lookup is served by a plain view placed before the API's routes (socredit/urls.py); the
    # operation that documents it in the schema must answer the same bytes
    from socredit.apps.reports.api import organization

    served = client.get(f"{BASE}/organizations/{org.code}")
    documented = organization(rf.get(f"{BASE}/organizations/{org.code}"), org.code)
    assert served["Content-Type"] == documented["Content-Type"] == "application/json; charset=utf-8"
    assert served.content == documented.content


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_the_lookup_refuses_other_methods(client, org, method):
    response = getattr(client, method)(f"{BASE}/organizations/{org.code}")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert response.json()["detail"]


def test_the_limit_answers_alike_on_every_route(client, org, settings):
    settings.SOCREDIT_PUBLIC_RATES = {"api": "1/m"}
    client.get(f"{BASE}/organizations/{org.code}")
    lookup = client.get(f"{BASE}/organizations/{org.code}")
    search = client.get(f"{BASE}/organizations", {"q": "养老"})
    assert lookup.status_code == search.status_code == 429
    assert lookup.json() == search.json() and lookup["Retry-After"] == search["Retry-After"] == "60"
