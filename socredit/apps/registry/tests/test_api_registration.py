"""登记 through the API: establishment, change, deregistration and revocation with the scope
``registrations:write``; bad input (duplicate and invalid codes, a change without its document, a
deregistration with an open case or a listing, another region); a retry with the same document is
answered with the act already recorded and writes nothing."""

from __future__ import annotations

import json

import pytest

from socredit.apps.audit.models import AuditEvent
from socredit.apps.cases.services import objections
from socredit.apps.lists.tests.conftest import ago
from socredit.apps.registry.models import Organization, RegistrationChange, Role
from socredit.apps.registry.tests.test_registration import change, id_number, new_code
from socredit.common.clock import today
from socredit.testing import factories

pytestmark = pytest.mark.django_db

API = "/api/v1"
SCOPE = "registrations:write"


def post(client, path, body, raw):
    return client.post(API + path, json.dumps(body), content_type="application/json",
                       HTTP_AUTHORIZATION=f"Bearer {raw}")  # fmt: skip


@pytest.fixture
def raw(civil_affairs):
    """A token of 金水区民政局 with the registration scope."""
    return factories.token([SCOPE], factories.department("js-mzj", "金水区民政局", "410105"))[1]


@pytest.fixture
def org(personas):
    org = factories.organization("410105", name="郑州市金水区接口登记协会", address="金水路1号")
    factories.role(org, factories.person("王老"), "legal_rep", org.registered_on)
    return org


def establishment(**over):
    return {"code": new_code(3), "name": "郑州市金水区接口成立协会", "registered_on": today().isoformat(),
            "legal_rep_name": "王新", "legal_rep_id_number": id_number(3), "address": "金水路9号",
            "document_number": "金民登〔2026〕31号", "document_date": today().isoformat(), **over}  # fmt: skip


def end(**over):
    return {"effective_on": today().isoformat(), "reason": "经会员大会决议解散，清算完毕。",
            "document_number": "金民注〔2026〕7号", "document_date": today().isoformat(), **over}  # fmt: skip


def test_establishment_registers_and_a_retry_writes_nothing(client, raw):
    response = post(client, "/registrations", establishment(), raw)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["organization"] == new_code(3) and body["act"] == "establish" and body["act_label"]
    org = Organization.objects.get(code=new_code(3))
    assert Role.objects.get(organization=org, kind="legal_rep").person.id_number == id_number(3)
    event = AuditEvent.objects.get(action="organization.register")
    assert event.channel == "api" and event.data["document_number"] == "金民登〔2026〕31号"
    again = post(client, "/registrations", establishment(), raw)
    assert again.status_code == 200 and again.json() == body
    assert (
        RegistrationChange.objects.count() == 1
        and AuditEvent.objects.filter(action="organization.register").count() == 1
    )


@pytest.mark.parametrize("over, field, says", [
    ({"code": new_code(3)[:-1] + ("0" if new_code(3)[-1] != "0" else "1")}, "code", "校验"),
    ({"code": "91410105MA12345"}, "code", ""),
    ({"document_number": ""}, "document_number", ""),
    ({"legal_rep_id_number": "410105198506010000"}, "legal_rep_id_number", ""),
    ({"region": "410184"}, "region", ""),
])  # fmt: skip
def test_establishment_bad_input_names_the_field_and_writes_nothing(client, raw, over, field, says):
    response = post(client, "/registrations", establishment(**over), raw)
    assert response.status_code == 422, response.content
    errors = response.json()["errors"]
    assert field in errors and says in " ".join(errors[field])
    assert not Organization.objects.filter(name="郑州市金水区接口成立协会").exists()


def test_establishment_of_a_registered_code_is_a_duplicate(client, raw, org):
    response = post(
        client, "/registrations", establishment(code=org.code, document_number="金民登〔2026〕99号"), raw
    )
    assert response.status_code == 422 and "已经登记给其他组织" in " ".join(response.json()["errors"]["code"])


def test_a_listed_legal_representative_is_named_until_confirmed(client, raw, listed_person):
    data = establishment(legal_rep_name=listed_person.name, legal_rep_id_number=listed_person.id_number)
    response = post(client, "/registrations", data, raw)
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert "screening_confirmed" in errors and any("郑州市金水区失信协会" in t for t in errors["screening"])
    assert post(client, "/registrations", {**data, "screening_confirmed": True}, raw).status_code == 201


def test_change_registration_and_its_retry(client, raw, org):
    url = f"/organizations/{org.code}/registration-changes"
    response = post(client, url, {"item": "address", "value": "金水路2号", **change()}, raw)
    assert response.status_code == 201, response.content
    assert response.json()["before"] == "金水路1号" and response.json()["after"] == "金水路2号"
    org.refresh_from_db()
    assert org.address == "金水路2号"
    assert post(client, url, {"item": "address", "value": "金水路2号", **change()}, raw).status_code == 200
    assert org.registration_changes.count() == 1
    rep = post(client, url, {"item": "legal_rep", "legal_rep_name": "李新", "legal_rep_id_number": id_number(4),
                             **change(document_number="金民变〔2026〕4号")}, raw)  # fmt: skip
    assert rep.status_code == 201 and "李新" in rep.json()["after"] and "王老" in rep.json()["before"]


@pytest.mark.parametrize("over, field", [
    ({"document_number": ""}, "document_number"),
    ({"document_date": None}, "document_date"),
    ({"item": "colour"}, "item"),
    ({"value": "金水路1号"}, "value"),
])  # fmt: skip
def test_change_bad_input(client, raw, org, over, field):
    body = {"item": "address", "value": "金水路3号", **change(), **over}
    response = post(client, f"/organizations/{org.code}/registration-changes", body, raw)
    assert response.status_code == 422 and field in response.json()["errors"], response.content
    org.refresh_from_db()
    assert org.address == "金水路1号" and not org.registration_changes.exists()


def test_deregistration_with_an_open_case_is_refused(client, raw, org, officer):
    record = factories.record(org, "penalty_warning", occurred_on=ago(20))
    case = objections.file_objection(officer, channel="paper", organization=org, records=[record],
                                     reasons="警告决定已撤销，请核实。", received_on=today())  # fmt: skip
    response = post(client, f"/organizations/{org.code}/deregistration", end(warnings_confirmed=True), raw)
    assert response.status_code == 422 and case.number in " ".join(response.json()["errors"]["__all__"])
    org.refresh_from_db()
    assert org.status == "normal"


def test_deregistration_of_a_listed_organization_names_the_warning(client, raw, listed_person):
    org = Role.objects.get(person=listed_person).organization
    url = f"/organizations/{org.code}/deregistration"
    response = post(client, url, end(), raw)
    assert response.status_code == 422 and response.json()["errors"]["warnings"]
    done = post(client, url, end(warnings_confirmed=True), raw)
    assert done.status_code == 201 and done.json()["organization_status"] == "deregistered"
    assert post(client, url, end(warnings_confirmed=True), raw).status_code == 200  # the retry
    assert post(client, url, end(document_number="金民注〔2026〕8号"), raw).status_code == 422  # a second act


def test_revocation(client, raw, org):
    response = post(client, f"/organizations/{org.code}/revocation", end(reason="以欺骗手段取得登记。"), raw)
    assert response.status_code == 201 and response.json()["act"] == "revoke"
    org.refresh_from_db()
    assert org.status == "revoked"


def test_scope_and_region(client, org, civil_affairs, personas):
    _, reader = factories.token(
        ["organizations:write"], factories.department("js-mzj", "金水区民政局", "410105")
    )
    assert post(client, f"/organizations/{org.code}/revocation", end(), reader).status_code == 403
    _, xinzheng = factories.token([SCOPE], factories.department("xz-mzj", "新郑市民政局", "410184"))
    for path in ("revocation", "deregistration", "registration-changes"):
        response = post(client, f"/organizations/{org.code}/{path}",
                        {**end(), "item": "address", "value": "新郑某地"}, xinzheng)  # fmt: skip
        assert response.status_code == 404 and org.name not in response.content.decode()
    response = post(client, "/registrations", establishment(), xinzheng)
    assert response.status_code == 422 and "region" in response.json()["errors"]
    org.refresh_from_db()
    assert org.status == "normal" and not Organization.objects.filter(code=new_code(3)).exists()
