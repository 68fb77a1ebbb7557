"""Registry services: organization validation, updates with audit, persons and posts."""

import datetime as dt

import pytest

from socredit.apps.audit.models import AuditEvent
from socredit.apps.registry.models import Organization, Region
from socredit.apps.registry.services import (
    assign_role,
    create_organization,
    get_or_create_person,
    update_organization,
)
from socredit.common.errors import FieldErrors
from socredit.core.codes import make_id_number, make_social_org_code
from socredit.core.types import DepartmentKind, OrgType
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def _data(**extra):
    return {"code": make_social_org_code("410105", OrgType.SERVICE_INSTITUTION, 4242), "name": "郑州市金水区夕阳红养老服务中心",
            "registered_on": "2018-06-01", "field": "养老服务", **extra}  # fmt: skip


def test_create_derives_type_region_and_authority_from_the_code():
    org = create_organization(actor=None, channel="form", data=_data())
    assert org.org_type == OrgType.SERVICE_INSTITUTION.value
    assert org.region.code == "410105"
    assert org.registration_authority == "金水区民政局"
    assert org.field == "elder_care"
    ev = AuditEvent.objects.get(action="organization.create")
    assert ev.target_id == str(org.pk) and ev.data["code"] == org.code


def test_create_collects_every_field_error_at_once():
    with pytest.raises(FieldErrors) as exc:
        create_organization(actor=None, channel="form",
                            data={"code": "52410105MJ0042420X", "name": "", "registered_on": "2031-01-01",
                                  "field": "火星探索", "region": "999999"})  # fmt: skip
    errors = exc.value.errors
    assert "校验位" in errors["code"][0]
    assert "不能为空" in errors["name"][0]
    assert "晚于今天" in errors["registered_on"][0]
    assert "可选" in errors["field"][0]
    assert "999999" in errors["region"][0]
    assert not Organization.objects.exists()


def test_type_must_agree_with_code():
    with pytest.raises(FieldErrors, match="不一致"):
        create_organization(actor=None, channel="form", data=_data(org_type="基金会"))


def test_duplicate_code_is_refused():
    create_organization(actor=None, channel="form", data=_data())
    with pytest.raises(FieldErrors, match="已登记"):
        create_organization(actor=None, channel="form", data=_data(name="另一个名字"))


def test_update_changes_only_given_fields_and_audits_before_after():
    org = create_organization(actor=None, channel="form", data=_data())
    changed = update_organization(
        actor=None, channel="api", organization=org, data={"address": "金水路1号", "status": "suspended"}
    )
    assert sorted(changed) == ["address", "status"]
    org.refresh_from_db()
    assert org.address == "金水路1号" and org.status == "suspended"
    ev = AuditEvent.objects.get(action="organization.update")
    assert ev.data["before"]["address"] == "" and ev.data["after"]["address"] == "金水路1号"
    assert (
        update_organization(actor=None, channel="api", organization=org, data={"address": "金水路1号"}) == []
    )
    with pytest.raises(FieldErrors, match="不可修改"):
        update_organization(actor=None, channel="api", organization=org, data={"code": "53100000500019795A"})


def test_html_in_names_is_stored_verbatim():
    org = create_organization(actor=None, channel="form", data=_data(name="<script>alert(1)</script>协会"))
    assert org.name == "<script>alert(1)</script>协会"


def test_person_matching_key_is_the_id_number():
    number = make_id_number("410105", dt.date(1986, 1, 2), 11)
    p1, created1 = get_or_create_person(
        actor=None, channel="form", data={"name": "王芳", "id_number": number}
    )
    p2, created2 = get_or_create_person(
        actor=None, channel="form", data={"name": "王芳", "id_number": number.lower()}
    )
    assert created1 and not created2 and p1 == p2
    with pytest.raises(FieldErrors, match="已登记为“王芳”"):
        get_or_create_person(actor=None, channel="form", data={"name": "王小芳", "id_number": number})


def test_role_is_not_duplicated_and_end_must_follow_start():
    org = factories.organization()
    who = factories.person()
    r1, c1 = assign_role(
        actor=None,
        channel="form",
        organization=org,
        person=who,
        data={"kind": "秘书长", "start_on": "2019-01-01"},
    )
    r2, c2 = assign_role(
        actor=None,
        channel="form",
        organization=org,
        person=who,
        data={"kind": "secretary_general", "start_on": "2019-01-01"},
    )
    assert c1 and not c2 and r1 == r2
    with pytest.raises(FieldErrors, match="早于开始日期"):
        assign_role(actor=None, channel="form", organization=org, person=who,
                    data={"kind": "理事", "start_on": "2020-01-01", "end_on": "2019-01-01"})  # fmt: skip


def test_region_paths_nest():
    assert Region.objects.get(code="410184").path.startswith(Region.objects.get(code="410100").path)
    assert Region.objects.get(code="410100").path.startswith(Region.objects.get(code="410000").path)


def test_authority_paths_of_a_few_organizations_equal_those_read_from_every_department(monkeypatch):
    """``authority_region_paths`` reads only the candidate departments for a few organizations (a
    record written) and all of them for many (the daily run): the same answer either way — by the
    stated authority's name, else the nearest civil-affairs bureau above, else the own region."""
    from socredit.apps.registry import services

    factories.department("zz-mzj", "郑州市民政局", "410100")
    factories.department("js-mzj", "金水区民政局", "410105")
    factories.department("hn-mzt", "河南省民政厅", "410000")
    factories.department("zz-swj", "郑州市税务局", "410100", kind=DepartmentKind.TAX)
    orgs = [
        factories.organization("410105"),  # its district's bureau
        factories.organization("410102"),  # no district bureau: the city's
        factories.organization("410184", registration_authority="河南省民政厅"),  # named
        factories.organization("420102"),  # no bureau above at all: its own region
        factories.organization("410105", registration_authority="郑州市税务局"),  # named, not civil affairs
    ]
    ids = [o.pk for o in orgs]
    few = services.authority_region_paths(ids)
    monkeypatch.setattr(services, "FEW_ORGANIZATIONS", 0)
    assert services.authority_region_paths(ids) == few
    assert few == {
        orgs[0].pk: Region.objects.get(code="410105").path,
        orgs[1].pk: Region.objects.get(code="410100").path,
        orgs[2].pk: Region.objects.get(code="410000").path,
        orgs[3].pk: Region.objects.get(code="420102").path,
        orgs[4].pk: Region.objects.get(code="410100").path,
    }
    for org in orgs:  # the one-organization rule agrees
        assert few[org.pk] == services.authority_region(org).path
