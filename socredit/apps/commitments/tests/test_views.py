"""Commitment pages: staff list, detail, decisions and paper entry (writers only, 404 outside the
region); the organization's own pages (its own commitments only, staff 403)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from socredit.apps.commitments import services
from socredit.apps.commitments.models import Commitment, CommitmentStatus
from socredit.apps.commitments.tests.conftest import ago, organization_account
from socredit.apps.records.models import CreditRecord
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def text(response):
    return response.content.decode()


def sign(actor, org, template, **kw):
    kw.setdefault("signed_by_name", "王法人")
    return services.sign_commitment(actor, "form", org, template, **kw)


# --- staff pages ---------------------------------------------------------------------------------


def test_list_shows_the_region_and_filters(org, templates, personas, login):
    staff = personas["staff_jinshui"]
    other = factories.organization("410184", name="新郑市承诺测试协会")
    sign(staff, org, templates["general"], signed_on=ago(5))
    late = sign(staff, org, templates["tolerance"], subject="变更登记", signed_on=ago(20),
                due_on=ago(2))  # fmt: skip
    sign(personas["city_admin"], other, templates["general"])
    client = login(staff)
    html = text(client.get(reverse("commitments:commitment_list")))
    assert org.name in html and other.name not in html
    page = client.get(reverse("commitments:commitment_list"), {"due": "overdue"}).context["page"]
    assert list(page.object_list) == [late]
    page = client.get(reverse("commitments:commitment_list"), {"matter": "general", "q": "承诺测试"}).context[
        "page"
    ]
    assert [c.matter for c in page.object_list] == ["general"]
    assert client.get(reverse("commitments:commitment_list"), {"status": "nonsense"}).status_code == 400
    city = login(personas["city_admin"]).get(reverse("commitments:commitment_list"), {"region": "410184"})
    assert [c.organization for c in city.context["page"].object_list] == [other]
    by_name = login(personas["city_admin"]).get(reverse("commitments:commitment_list"), {"region": "新郑市"})
    assert [c.organization for c in by_name.context["page"].object_list] == [other]
    assert 'list="region-options"' in text(by_name) and "<datalist" in text(by_name)


def test_due_soon_filter(org, templates, personas, login):
    soon = sign(personas["staff_jinshui"], org, templates["tolerance"], subject="年检材料",
                due_on=services.today() + dt.timedelta(days=3))  # fmt: skip
    sign(personas["staff_jinshui"], org, templates["tolerance"], subject="变更材料",
         due_on=services.today() + dt.timedelta(days=30))  # fmt: skip
    page = login(personas["viewer_jinshui"]).get(reverse("commitments:commitment_list"), {"due": "soon"})
    assert list(page.context["page"].object_list) == [soon]


def test_detail_shows_the_text_and_records(org, templates, personas, login):
    c = sign(personas["staff_jinshui"], org, templates["general"])
    response = login(personas["viewer_jinshui"]).get(reverse("commitments:commitment_detail", args=[c.pk]))
    html = text(response)
    assert response.status_code == 200 and c.text.splitlines()[0] in html
    assert reverse("records:record_detail", args=[c.signed_record_id]) in html
    assert (
        "commitment_fulfil" not in html and reverse("commitments:commitment_fulfil", args=[c.pk]) not in html
    )
    assert (
        login(personas["staff_xinzheng"])
        .get(reverse("commitments:commitment_detail", args=[c.pk]))
        .status_code
        == 404
    )


def test_writer_marks_broken_and_a_negative_record_appears(org, templates, personas, login):
    c = sign(personas["staff_jinshui"], org, templates["general"], signed_on=ago(10))
    client = login(personas["staff_jinshui"])
    assert reverse("commitments:commitment_break", args=[c.pk]) in text(
        client.get(reverse("commitments:commitment_detail", args=[c.pk]))
    )
    response = client.post(reverse("commitments:commitment_break", args=[c.pk]),
                           {"on": ago(1).isoformat(), "reason": "未按承诺履行信息公开义务"})  # fmt: skip
    assert response.status_code == 302
    c.refresh_from_db()
    assert c.status == CommitmentStatus.BROKEN and c.outcome_record.kind.code == "commitment_broken"


def test_refused_decision_rerenders_with_the_message(org, templates, personas, login):
    c = sign(personas["staff_jinshui"], org, templates["general"], signed_on=ago(10))
    response = login(personas["staff_jinshui"]).post(reverse("commitments:commitment_fulfil", args=[c.pk]),
                                                     {"on": ago(1).isoformat(), "reason": ""})  # fmt: skip
    assert response.status_code == 400 and "必须填写理由" in text(response)
    c.refresh_from_db()
    assert c.status == CommitmentStatus.IN_FORCE


def test_viewer_and_other_region_cannot_decide(org, templates, personas, login):
    c = sign(personas["staff_jinshui"], org, templates["general"], signed_on=ago(10))
    data = {"on": ago(1).isoformat(), "reason": "x"}
    url = reverse("commitments:commitment_fulfil", args=[c.pk])
    assert login(personas["viewer_jinshui"]).post(url, data).status_code == 403
    assert login(personas["staff_xinzheng"]).post(url, data).status_code == 404
    c.refresh_from_db()
    assert c.status == CommitmentStatus.IN_FORCE


def test_staff_enter_a_paper_commitment(org, templates, personas, login):
    client = login(personas["staff_jinshui"])
    url = reverse("commitments:commitment_sign", args=[org.code])
    assert "容缺受理承诺书" in text(client.get(url))
    response = client.post(url, {"template": "tolerance", "subject": "变更登记", "signed_by_name": "王法人",
                                 "signed_on": ago(1).isoformat()})  # fmt: skip
    assert response.status_code == 400 and "履行期限" in text(response)
    response = client.post(url, {"template": "tolerance", "subject": "变更登记", "signed_by_name": "王法人",
                                 "signed_on": ago(1).isoformat(),
                                 "due_on": (services.today() + dt.timedelta(days=15)).isoformat()})  # fmt: skip
    c = Commitment.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "commitments:commitment_detail", args=[c.pk]
    )
    assert c.channel == "form" and c.signed_on == ago(1)
    assert login(personas["viewer_jinshui"]).get(url).status_code == 403
    assert login(personas["staff_xinzheng"]).get(url).status_code == 404


def test_organization_section_and_templates(org, templates, personas, login):
    sign(personas["staff_jinshui"], org, templates["general"])
    client = login(personas["viewer_jinshui"])
    response = client.get(
        reverse("commitments:organization_commitments", args=[org.code]), HTTP_HX_REQUEST="true"
    )
    assert "社会组织综合信用承诺书" in text(response) and "<html" not in text(response)
    page = text(client.get(reverse("commitments:template_list")))
    assert "《信用修复管理办法》（国家发展和改革委员会令第36号）" in page and "R2.9" not in page


# --- the organization's own pages ----------------------------------------------------------------


def test_organization_signs_its_own_commitment(org, templates, org_self, client):
    client.force_login(org_self)
    url = reverse("my_commitments:commitment_sign")
    assert "本单位承诺" in text(client.get(url))
    data = {"template": "general", "signed_by_name": "王法人"}
    response = client.post(url, data)
    assert response.status_code == 400 and "勾选" in text(response) and not Commitment.objects.exists()
    response = client.post(url, {**data, "confirm": "on"})
    c = Commitment.objects.get()
    assert response.status_code == 302 and c.organization == org and c.channel == "organization"
    assert c.signed_on == services.today()
    assert CreditRecord.objects.filter(organization=org, kind__code="commitment_signed").count() == 1
    html = text(client.get(reverse("my_commitments:commitment_list")))
    assert "社会组织综合信用承诺书" in html
    assert c.text.splitlines()[0] in text(
        client.get(reverse("my_commitments:commitment_detail", args=[c.pk]))
    )


def test_organization_sees_only_its_own(org, templates, personas, org_self, client):
    neighbour = factories.organization("410105", name="邻居协会")
    theirs = sign(personas["staff_jinshui"], neighbour, templates["general"])
    mine = sign(personas["staff_jinshui"], org, templates["general"])
    client.force_login(org_self)
    listed = client.get(reverse("my_commitments:commitment_list")).context["commitments"]
    assert list(listed) == [mine]
    assert client.get(reverse("my_commitments:commitment_detail", args=[theirs.pk])).status_code == 404
    # The staff pages stay closed to an organization account (middleware).
    assert client.get(reverse("commitments:commitment_detail", args=[mine.pk])).status_code == 403
    other_self = organization_account(neighbour, "neighbour_self")
    client.force_login(other_self)
    assert client.get(reverse("my_commitments:commitment_detail", args=[mine.pk])).status_code == 404


def test_staff_cannot_use_the_organization_pages(personas, login, client):
    assert client.get(reverse("my_commitments:commitment_list")).status_code == 302  # to the login page
    staff = login(personas["staff_jinshui"])
    for name in ("my_commitments:commitment_list", "my_commitments:commitment_sign"):
        assert staff.get(reverse(name)).status_code == 403
