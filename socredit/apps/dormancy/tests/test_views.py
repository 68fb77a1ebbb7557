"""The worklist, a case's page and its step forms, the documents, and who sees what."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from socredit.apps.dormancy import services
from socredit.apps.dormancy.models import DormancyCase
from socredit.apps.dormancy.tests.conftest import ACTOR, AS_OF
from socredit.apps.registry.models import Region
from socredit.apps.registry.services.streets import add_street
from socredit.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def cases(dormant_org, org_factory):
    street = Region.objects.filter(level=4, code__startswith="410105").order_by("code").first() or add_street(
        actor=ACTOR, channel="cli", code="410105999", name="测试街道", county="410105"
    )
    on_street = org_factory("金水区街道沉睡协会", street=street.code)
    services.identify(actor=ACTOR, as_of=AS_OF)
    return {"street": street, "plain": DormancyCase.objects.get(organization=dormant_org),
            "street_case": DormancyCase.objects.get(organization=on_street)}  # fmt: skip


def test_worklist_counts_and_filters(cases, personas, login):
    client = login(personas["staff_jinshui"])
    page = client.get(reverse("dormancy:case_list"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "金水区沉睡协会" in body and "金水区街道沉睡协会" in body
    assert page.context["counts"]["open"] == 2
    page = client.get(reverse("dormancy:case_list"), {"region": "410105", "street": cases["street"].code})
    assert [c.organization.name for c in page.context["page"].object_list] == ["金水区街道沉睡协会"]
    assert client.get(reverse("dormancy:case_list"), {"view": "overdue"}).context["page"].paginator.count == 0


def test_overdue_view(cases, personas, login, today_is):
    today_is(AS_OF + dt.timedelta(days=31))
    page = login(personas["staff_jinshui"]).get(reverse("dormancy:case_list"), {"view": "overdue"})
    assert page.context["counts"]["overdue"] == 2 and page.context["page"].paginator.count == 2


def test_scoping(cases, personas, login):
    assert login(personas["staff_xinzheng"]).get(reverse("dormancy:case_list")).context["counts"]["open"] == 0
    assert login(personas["staff_xinzheng"]).get(
        reverse("dormancy:case_detail", args=[cases["plain"].pk])).status_code == 404  # fmt: skip
    street_user = factories.staff("street_officer", cases["street"].code)
    page = login(street_user).get(reverse("dormancy:case_list"))
    assert [c.organization.name for c in page.context["page"].object_list] == ["金水区街道沉睡协会"]
    assert (
        login(street_user).get(reverse("dormancy:case_detail", args=[cases["plain"].pk])).status_code == 404
    )


def test_step_form_and_errors(cases, personas, login):
    client = login(personas["staff_jinshui"])
    case = cases["plain"]
    url = reverse("dormancy:case_step", args=[case.pk, "notify"])
    bad = client.post(url, {"served_on": AS_OF.isoformat(), "method": "by_post", "document_number": ""})
    assert bad.status_code == 400 and DormancyCase.objects.get(pk=case.pk).state == "identified"
    wrong = client.post(
        reverse("dormancy:case_step", args=[case.pk, "propose_listing"]), {"on": AS_OF.isoformat()}
    )
    assert wrong.status_code == 400 and DormancyCase.objects.get(pk=case.pk).state == "identified"
    ok = client.post(
        url, {"served_on": AS_OF.isoformat(), "method": "by_post", "document_number": "金民督〔2026〕3号"}
    )
    assert ok.status_code == 302
    doc = client.get(reverse("dormancy:case_document", args=[case.pk, "notice"]))
    assert doc.status_code == 200 and "督促履行义务通知书" in doc.content.decode()
    assert client.get(reverse("dormancy:case_document", args=[case.pk, "guidance"])).status_code == 404
    assert login(personas["viewer_jinshui"]).post(url, {}).status_code == 403


def test_organization_section(cases, personas, login):
    org = cases["plain"].organization
    page = login(personas["staff_jinshui"]).get(
        reverse("dormancy:organization_cases", args=[org.code]), HTTP_HX_REQUEST="true")  # fmt: skip
    assert (
        page.status_code == 200
        and reverse("dormancy:case_detail", args=[cases["plain"].pk]) in page.content.decode()
    )
