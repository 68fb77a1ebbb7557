"""Registry API: auth (401/403), region scope (404), create/patch with field errors, persons masking."""

import datetime as dt
import json

import pytest
from django.test import Client

from socredit.apps.audit.models import AuditEvent
from socredit.apps.registry.models import Organization
from socredit.core.codes import make_social_org_code
from socredit.core.types import OrgType
from socredit.testing import factories

pytestmark = pytest.mark.django_db

API = "/api/v1"


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def get(client, path, raw=None, **params):
    return client.get(API + path, params, **(bearer(raw) if raw else {}))


def send(client, method, path, body, raw=None):
    return getattr(client, method)(API + path, json.dumps(body), content_type="application/json",
                                   **(bearer(raw) if raw else {}))  # fmt: skip


@pytest.fixture
def jinshui_dept(db):
    return factories.department("js-mzj", "金水区民政局", "410105")


@pytest.fixture
def orgs(personas):
    return {
        "jinshui": factories.organization(region_code="410105", name="金水区养老服务协会"),
        "xinzheng": factories.organization(region_code="410184", name="新郑市红枣产业协会"),
    }


def new_code(region="410105", serial=555_001):
    return make_social_org_code(region, OrgType.ASSOCIATION, serial)


# --- Authentication and scope -------------------------------------------------------------------


def test_list_without_credentials_is_401(client, orgs):
    response = get(client, "/organizations")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_unknown_or_revoked_token_is_401(client, orgs, civil_affairs):
    assert get(client, "/organizations", "sc_not-a-real-key").status_code == 401
    token, raw = factories.token(["organizations:read"], civil_affairs)
    token.active = False
    token.save()
    assert get(client, "/organizations", raw).status_code == 401


def test_token_without_scope_is_403(client, orgs, civil_affairs):
    _, raw = factories.token(["records:read"], civil_affairs)
    response = get(client, "/organizations", raw)
    assert response.status_code == 403
    assert "organizations:read" in response.json()["detail"]


def test_district_token_cannot_see_another_district(client, orgs, jinshui_dept):
    _, raw = factories.token(["organizations:read"], jinshui_dept)
    assert get(client, f"/organizations/{orgs['jinshui'].code}", raw).status_code == 200
    response = get(client, f"/organizations/{orgs['xinzheng'].code}", raw)
    assert response.status_code == 404 and response.json() == {"detail": "Not found"}
    assert [o["code"] for o in get(client, "/organizations", raw).json()["items"]] == [orgs["jinshui"].code]


def test_city_token_sees_both_districts(client, orgs, civil_affairs):
    _, raw = factories.token(["organizations:read"], civil_affairs)
    assert get(client, f"/organizations/{orgs['xinzheng'].code}", raw).status_code == 200
    assert get(client, "/organizations", raw).json()["count"] == 2


def test_staff_session_is_scoped_to_its_region(client, orgs, personas, login):
    c = login(personas["staff_jinshui"])
    assert get(c, f"/organizations/{orgs['xinzheng'].code}").status_code == 404
    assert get(c, "/organizations").json()["count"] == 1
    assert get(login(personas["city_admin"]), "/organizations").json()["count"] == 2


def test_unknown_code_is_the_same_404(client, orgs, civil_affairs):
    _, raw = factories.token(["organizations:read"], civil_affairs)
    assert get(client, f"/organizations/{new_code(serial=1)}", raw).json() == {"detail": "Not found"}


# --- Lists --------------------------------------------------------------------------------------


def test_list_is_paginated(client, personas, civil_affairs):
    for i in range(3):
        factories.organization(name=f"分页协会{i}")
    _, raw = factories.token(["organizations:read"], civil_affairs)
    first = get(client, "/organizations", raw, page_size=2).json()
    # not the last page and no count asked for: no COUNT, only whether a next page exists
    assert (first["count"], first["next"], first["page"], first["page_size"], len(first["items"])) == (
        None, True, 1, 2, 2,
    )  # fmt: skip
    counted = get(client, "/organizations", raw, page_size=2, count="true").json()
    assert (counted["count"], counted["next"], counted["items"]) == (3, True, first["items"])
    second = get(client, "/organizations", raw, page_size=2, page=2).json()
    assert (len(second["items"]), second["next"], second["count"]) == (
        1,
        False,
        3,
    )  # the last page counts for free
    beyond = get(client, "/organizations", raw, page_size=2, page=3).json()
    assert (beyond["items"], beyond["next"], beyond["count"]) == ([], False, None)
    assert get(client, "/organizations", raw, page_size=2, page=3, count="true").json()["count"] == 3
    assert {o["name"] for o in first["items"] + second["items"]} == {"分页协会0", "分页协会1", "分页协会2"}
    assert beyond["detail"] == "第 3 页超出末页，没有更多记录"
    assert second["detail"] is None


@pytest.mark.parametrize(
    ("params", "field", "message"),
    [({"page": 10**30}, "page", "不能大于 100000"), ({"page": 100_001}, "page", "不能大于 100000"),
     ({"page": 0}, "page", "不能小于 1"), ({"page_size": 501}, "page_size", "不能大于 500"),
     ({"page": "9" * 5000}, "page", "应为整数（位数过多）"), ({"page": "x"}, "page", "应为整数")],
)  # fmt: skip
def test_page_numbers_and_sizes_out_of_bounds_are_field_errors(
    client, personas, civil_affairs, params, field, message
):
    _, raw = factories.token(["organizations:read"], civil_affairs)
    response = get(client, "/organizations", raw, **params)
    assert response.status_code == 422
    assert response.json()["errors"] == {field: [message]}


def test_the_last_allowed_page_is_an_empty_page(client, personas, civil_affairs):
    _, raw = factories.token(["organizations:read"], civil_affairs)
    body = get(client, "/organizations", raw, page=100_000, page_size=500).json()
    assert (body["items"], body["next"], body["detail"]) == ([], False, "第 100000 页超出末页，没有更多记录")


def test_page_size_over_500_is_a_field_error(client, orgs, civil_affairs):
    _, raw = factories.token(["organizations:read"], civil_affairs)
    response = get(client, "/organizations", raw, page_size=501)
    assert response.status_code == 422
    assert response.json()["detail"] == "输入有误" and "page_size" in response.json()["errors"]


def test_list_filters_and_labels(client, personas, civil_affairs):
    factories.organization(name="某基金会", org_type=OrgType.FOUNDATION)
    factories.organization(name="某协会")
    _, raw = factories.token(["organizations:read"], civil_affairs)
    items = get(client, "/organizations", raw, org_type="3").json()["items"]
    assert [o["name"] for o in items] == ["某基金会"]
    assert items[0]["org_type"] == "3" and items[0]["org_type_label"] == "基金会"
    assert items[0]["region"] == "410105" and items[0]["status_label"] == "正常"
    assert [o["name"] for o in get(client, "/organizations", raw, q="协会").json()["items"]] == ["某协会"]
    assert get(client, "/organizations", raw, region="410184").json()["count"] == 0
    bad = get(client, "/organizations", raw, org_type="7")
    assert bad.status_code == 422 and "org_type" in bad.json()["errors"]
    # a region by its name, looked up in the token's tree; an unknown one is named in the answer
    assert get(client, "/organizations", raw, region="金水区").json()["count"] == 2
    unknown = get(client, "/organizations", raw, region="火星区")
    assert unknown.status_code == 422 and "火星区" in str(unknown.json()["errors"]["region"])


def test_html_in_names_comes_back_as_plain_text(client, personas, civil_affairs):
    name = '<script>alert("x")</script>&协会'
    org = factories.organization(name=name)
    _, raw = factories.token(["organizations:read"], civil_affairs)
    response = get(client, f"/organizations/{org.code}", raw)
    assert response["Content-Type"].startswith("application/json")
    assert response.json()["name"] == name


# --- Create and patch ---------------------------------------------------------------------------


def org_body(**extra):
    return {"code": new_code(), "name": "金水区新成立协会", "registered_on": "2020-05-01", **extra}


def test_create_organization_with_token(client, personas, civil_affairs):
    _, raw = factories.token(["organizations:write", "organizations:read"], civil_affairs)
    response = send(client, "post", "/organizations", org_body(field="elder_care"), raw)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["region"] == "410105" and body["org_type"] == "1" and body["field_label"] == "养老服务"
    assert AuditEvent.objects.filter(action="organization.create", channel="api").exists()


def test_create_needs_write_scope(client, personas, civil_affairs):
    _, raw = factories.token(["organizations:read"], civil_affairs)
    assert send(client, "post", "/organizations", org_body(), raw).status_code == 403
    assert not Organization.objects.exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"code": new_code()[:-1] + ("0" if new_code()[-1] != "0" else "1")}, "code"),
        ({"region": "999999"}, "region"),
        ({"registered_on": (dt.date.today() + dt.timedelta(days=3)).isoformat()}, "registered_on"),
        ({"registered_on": "2020-13-45"}, "registered_on"),
        ({"name": ""}, "name"),
    ],
    ids=["bad-checksum", "unknown-region", "future-date", "impossible-date", "empty-name"],
)
def test_create_reports_field_errors(client, personas, civil_affairs, change, field):
    _, raw = factories.token(["organizations:write"], civil_affairs)
    response = send(client, "post", "/organizations", org_body(**change), raw)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == "输入有误"
    assert field in body["errors"] and all(isinstance(m, str) for m in body["errors"][field])
    assert not Organization.objects.exists()


def test_missing_body_field_uses_the_same_shape(client, personas, civil_affairs):
    _, raw = factories.token(["organizations:write"], civil_affairs)
    response = send(
        client, "post", "/organizations", {"name": "无代码协会", "registered_on": "2020-01-01"}, raw
    )
    assert response.status_code == 422
    assert response.json()["errors"] == {"code": ["不能为空"]}


def test_create_outside_own_region_is_refused(client, personas, jinshui_dept):
    _, raw = factories.token(["organizations:write"], jinshui_dept)
    response = send(client, "post", "/organizations", org_body(code=new_code("410184")), raw)
    assert response.status_code == 422 and "region" in response.json()["errors"]
    assert not Organization.objects.exists()
    assert not AuditEvent.objects.filter(action="organization.create").exists()


def test_patch_changes_only_given_fields(client, orgs, civil_affairs):
    _, raw = factories.token(["organizations:write"], civil_affairs)
    org = orgs["jinshui"]
    response = send(
        client, "patch", f"/organizations/{org.code}", {"address": "金水路1号", "status": "已注销"}, raw
    )
    assert response.status_code == 200, response.content
    assert response.json()["address"] == "金水路1号" and response.json()["status"] == "deregistered"
    org.refresh_from_db()
    assert org.name == "金水区养老服务协会" and org.status == "deregistered"


def test_patch_field_errors(client, orgs, civil_affairs):
    _, raw = factories.token(["organizations:write"], civil_affairs)
    url = f"/organizations/{orgs['jinshui'].code}"
    future = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    response = send(client, "patch", url, {"registered_on": future, "region": "000001"}, raw)
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"registered_on", "region"}


def test_patch_outside_scope_is_404(client, orgs, jinshui_dept):
    _, raw = factories.token(["organizations:write"], jinshui_dept)
    response = send(client, "patch", f"/organizations/{orgs['xinzheng'].code}", {"address": "x"}, raw)
    assert response.status_code == 404


def test_viewer_session_cannot_write(client, orgs, personas, login):
    c = login(personas["viewer_jinshui"])
    response = send(c, "patch", f"/organizations/{orgs['jinshui'].code}", {"address": "x"})
    assert response.status_code == 403 and "修改权限" in response.json()["detail"]


def test_session_writes_need_csrf(orgs, personas):
    c = Client(enforce_csrf_checks=True)
    c.force_login(personas["staff_jinshui"])
    assert get(c, f"/organizations/{orgs['jinshui'].code}").status_code == 200
    assert send(c, "patch", f"/organizations/{orgs['jinshui'].code}", {"address": "x"}).status_code == 403


# --- Persons ------------------------------------------------------------------------------------


@pytest.fixture
def people(orgs):
    zhang = factories.person("张伟")
    li = factories.person("李娜", birth=dt.date(1990, 2, 3))
    factories.role(orgs["jinshui"], zhang)
    factories.role(orgs["xinzheng"], li, kind="chair")
    factories.role(orgs["xinzheng"], zhang, kind="director")
    return {"zhang": zhang, "li": li}


def test_person_id_numbers_are_masked_without_pii(client, people, jinshui_dept):
    _, raw = factories.token(["persons:read"], jinshui_dept)
    items = get(client, "/persons", raw).json()["items"]
    assert [p["name"] for p in items] == ["张伟"]
    assert items[0]["id_number"] != people["zhang"].id_number and "*" in items[0]["id_number"]


def test_person_id_numbers_unmasked_with_pii_scope(client, people, jinshui_dept):
    _, raw = factories.token(["persons:read", "persons:pii"], jinshui_dept)
    assert get(client, "/persons", raw).json()["items"][0]["id_number"] == people["zhang"].id_number


def test_persons_need_persons_scope(client, people, jinshui_dept):
    _, raw = factories.token(["organizations:read", "persons:pii"], jinshui_dept)
    assert get(client, "/persons", raw).status_code == 403


def test_staff_see_unmasked_only_when_privileged(client, people, personas, login):
    officer = get(login(personas["staff_jinshui"]), "/persons").json()["items"]
    assert "*" in officer[0]["id_number"]
    admin = get(login(personas["city_admin"]), "/persons", name="张").json()["items"]
    assert [p["id_number"] for p in admin] == [people["zhang"].id_number]


def test_person_detail_lists_roles_in_scope_only(client, people, jinshui_dept, civil_affairs):
    _, raw = factories.token(["persons:read"], jinshui_dept)
    body = get(client, f"/persons/{people['zhang'].pk}", raw).json()
    assert [r["kind_label"] for r in body["roles"]] == ["法定代表人"]
    assert get(client, f"/persons/{people['li'].pk}", raw).status_code == 404
    _, city = factories.token(["persons:read"], civil_affairs)
    assert len(get(client, f"/persons/{people['zhang'].pk}", city).json()["roles"]) == 2


def test_organization_persons(client, orgs, people, civil_affairs):
    _, raw = factories.token(["persons:read"], civil_affairs)
    body = get(client, f"/organizations/{orgs['xinzheng'].code}/persons", raw).json()
    assert body["count"] == 2
    assert {(r["person"]["name"], r["kind"]) for r in body["items"]} == {
        ("李娜", "chair"),
        ("张伟", "director"),
    }
    assert all("*" in r["person"]["id_number"] for r in body["items"])


# --- Docs ---------------------------------------------------------------------------------------


def test_openapi_schema_and_docs_load(client):
    schema = client.get(f"{API}/openapi.json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert f"{API}/organizations" in paths and f"{API}/records/batch" in paths
    assert "OrganizationOut" in schema.json()["components"]["schemas"]
    assert client.get(f"{API}/docs").status_code == 200


def test_the_lookup_answers_as_the_validated_schema_would(client, personas, civil_affairs):
    """``GET /organizations/{code}`` builds its answer without a second validation
    (`common.api.construct`): it must be exactly what ninja's validation of the row gives — aliases
    (region code and name, labels), the former-names resolver, dates and times."""
    from ninja.responses import NinjaJSONEncoder

    from socredit.apps.registry.api import OrganizationOut
    from socredit.apps.registry.services import update_organization

    org = factories.organization(name="金水区旧名协会")
    update_organization(
        actor=personas["city_admin"], channel="form", organization=org, data={"name": "金水区新名协会"}
    )
    _, raw = factories.token(["organizations:read"], civil_affairs)
    answer = get(client, f"/organizations/{org.code}", raw).json()
    org = Organization.objects.select_related("region").get(pk=org.pk)
    # serialised as ninja serialises every answer (its encoder: times to the millisecond)
    validated = json.loads(json.dumps(OrganizationOut.model_validate(org).model_dump(), cls=NinjaJSONEncoder))
    assert answer == validated
    assert answer["former_names"] == ["金水区旧名协会"] and answer["region"] == "410105"
    assert answer["region_name"] and answer["org_type_label"] and answer["status_label"]
