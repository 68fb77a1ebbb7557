"""乡镇、街道: the shipped list loads below the counties, an administrator adds one the list lacks, and
a street account sees only the organizations of its street."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.http import Http404

from socredit.apps.audit.models import AuditEvent
from socredit.apps.registry.access import access_organization, access_organizations, access_regions
from socredit.apps.registry.models import Organization, Region
from socredit.apps.registry.services.streets import add_street, load_streets
from socredit.common.errors import FieldErrors
from socredit.core.regions import street_regions
from socredit.core.types import RegionLevel
from socredit.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def jinshui_streets(db):
    load_streets(street_regions(under="410105"))
    return {r.name: r for r in Region.objects.filter(level=RegionLevel.STREET.value)}


def test_the_shipped_list_loads_below_the_county_idempotently(jinshui_streets):
    street = jinshui_streets["经八路街道"]
    assert street.code == "410105001" and street.parent.code == "410105"
    assert street.path == "/100000/410000/410100/410105/410105001/"
    again = load_streets(street_regions(under="410105"))
    assert (again.created, again.unchanged) == (0, len(jinshui_streets))


def test_a_street_whose_county_is_unknown_is_skipped():
    text = "code,name,county\n999999001,无此街道,999999\n"
    assert load_streets(street_regions(text)).skipped == 1


def test_a_malformed_list_names_the_row():
    with pytest.raises(ValueError, match="第1行"):
        list(street_regions("code,name,county\n41010500,短代码,410105\n"))


def test_an_administrator_adds_a_street_the_list_lacks(jinshui_streets):
    region = add_street(actor=None, channel="form", code="410105999", name="新设街道", county="410105")
    assert region.path.endswith("/410105/410105999/")
    assert AuditEvent.objects.filter(action="region.street_add").exists()
    with pytest.raises(FieldErrors) as info:
        add_street(actor=None, channel="form", code="410106001", name="错位街道", county="410105")
    assert "code" in info.value.errors
    with pytest.raises(FieldErrors):
        add_street(actor=None, channel="form", code="410105999", name="重复", county="410105")


def test_the_command_loads_a_province(db):
    call_command("regions", "streets", "--under", "410105")
    assert Region.objects.filter(level=RegionLevel.STREET.value, parent__code="410105").count() >= 20


def test_a_street_account_sees_only_its_streets_organizations(jinshui_streets, personas):
    jingba, huayuan = jinshui_streets["经八路街道"], jinshui_streets["花园路街道"]
    mine = factories.organization("410105", street=jingba.code)
    other = factories.organization("410105", street=huayuan.code)
    unset = factories.organization("410105")
    account = factories.staff("jingba", jingba.code)
    seen = set(access_organizations(account).values_list("pk", flat=True))
    assert mine.pk in seen and other.pk not in seen and unset.pk not in seen
    assert access_organization(account, mine.code).pk == mine.pk
    with pytest.raises(Http404):
        access_organization(account, other.code)
    # the district still sees all three; streets are no place to register an organization in
    district = set(access_organizations(personas["staff_jinshui"]).values_list("pk", flat=True))
    assert {mine.pk, other.pk, unset.pk} <= district
    assert not access_regions(personas["staff_jinshui"]).filter(level=RegionLevel.STREET.value).exists()


# --- the street page, the registration form and the API ---------------------------------------------

from socredit.apps.registry.tests.test_api import get, org_body, send  # noqa: E402


def test_a_twelve_digit_statistical_code_is_taken(jinshui_streets):
    street = add_street(
        actor=None, channel="cli", code="410105900000", name="金水区新设街道", county="410105"
    )
    assert street.code == "410105900"
    with pytest.raises(FieldErrors) as exc:
        add_street(actor=None, channel="cli", code="410105900123", name="x", county="410105")
    assert "code" in exc.value.errors


def test_the_street_page_is_for_administrators(jinshui_streets, personas, login):
    url = "/organizations/streets/"
    assert login(personas["staff_jinshui"]).get(url).status_code == 403
    client = login(personas["city_admin"])
    page = client.get(url, {"county": "410105"})
    assert page.status_code == 200 and "经八路街道" in page.content.decode()
    bad = client.post(url, {"county": "410105", "code": "410184901", "name": "错区街道"})
    assert bad.status_code == 400 and not Region.objects.filter(code="410184901").exists()
    dup = client.post(url, {"county": "410105", "code": "410105001", "name": "重复"})
    assert dup.status_code == 400
    ok = client.post(url, {"county": "410105", "code": "410105901000", "name": "金水区新街道"})
    assert ok.status_code == 302 and Region.objects.get(code="410105901").parent.code == "410105"
    assert AuditEvent.objects.filter(action="region.street_add", channel="form").exists()
    # a county outside the administrator's region is not offered
    assert (
        login(personas["city_admin"])
        .post(url, {"county": "330802", "code": "330802901", "name": "x"})
        .status_code
        == 400
    )


def test_the_api_reads_and_writes_the_street(client, jinshui_streets, personas, civil_affairs):
    _, raw = factories.token(["organizations:write", "organizations:read"], civil_affairs)
    created = send(client, "post", "/organizations", org_body(street="410105001"), raw)
    assert created.status_code == 201, created.content
    assert (created.json()["street"], created.json()["street_name"]) == ("410105001", "经八路街道")
    code = created.json()["code"]
    wrong = send(client, "patch", f"/organizations/{code}", {"street": "410184001"}, raw)
    assert wrong.status_code == 422 and "street" in wrong.json()["errors"]
    unknown = send(client, "patch", f"/organizations/{code}", {"street": "410105999"}, raw)
    assert unknown.status_code == 422
    moved = send(client, "patch", f"/organizations/{code}", {"region": "410184"}, raw)
    assert moved.status_code == 422 and "street" in moved.json()["errors"], moved.json()
    cleared = send(client, "patch", f"/organizations/{code}", {"street": ""}, raw)
    assert cleared.status_code == 200 and cleared.json()["street"] is None
    assert get(client, f"/organizations/{code}", raw).json()["street"] is None


def test_the_registration_form_takes_the_street(jinshui_streets, personas, login):
    from socredit.core.codes import make_social_org_code
    from socredit.core.types import OrgType

    client = login(personas["staff_jinshui"])
    form = client.get("/organizations/register/")
    assert 'list="street-options"' in form.content.decode() and "410105001" in form.content.decode()
    code = make_social_org_code("410105", OrgType.ASSOCIATION, 777_001)
    data = {"name": "金水区街道测试协会", "org_type": "1", "code": code, "region": "410105",
            "registered_on": "2024-01-02", "legal_rep_name": "王芳", "legal_rep_id_number": "11010519491231002X",
            "field": "other", "document_number": "金民登〔2024〕1号", "street": "410184001"}  # fmt: skip
    bad = client.post("/organizations/register/", data)
    assert bad.status_code == 400 and not Organization.objects.filter(code=code).exists()
    ok = client.post("/organizations/register/", {**data, "street": "410105001"})
    assert ok.status_code == 302, ok.content.decode()[:2000]
    assert Organization.objects.get(code=code).street.code == "410105001"


def test_the_registration_api_takes_the_street(client, jinshui_streets, personas, civil_affairs):
    from socredit.apps.registry.tests.test_api_registration import establishment, post

    _, raw = factories.token(
        ["registrations:write"], factories.department("js-mzj", "金水区民政局", "410105")
    )
    bad = post(client, "/registrations", establishment(street="410184001"), raw)
    assert bad.status_code == 422 and "street" in bad.json()["errors"]
    ok = post(client, "/registrations", establishment(street="410105001000"), raw)
    assert ok.status_code == 201, ok.content
    assert Organization.objects.get(code=ok.json()["organization"]).street.code == "410105001"
