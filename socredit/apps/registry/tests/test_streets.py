"""乡镇、街道: the shipped list loads below the counties, an administrator adds one the list lacks, and
a street account sees only the organizations of its street."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.http import Http404

from socredit.apps.audit.models import AuditEvent
from socredit.apps.registry.access import access_organization, access_organizations, access_regions
from socredit.apps.registry.models import Region
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
