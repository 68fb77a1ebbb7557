"""The register's staff pages: list with filters, detail, record by form, confirm / dismiss / lift,
the person page's section; the region scope (404), viewers read only (403), ID numbers masked."""

from __future__ import annotations

import pytest
from django.urls import reverse

from socredit.apps.audit.models import AuditEvent
from socredit.apps.bans.models import Ban
from socredit.apps.bans.tests.conftest import ago, ahead, ban_data, record
from socredit.apps.registry.services import end_registration
from socredit.core.types import OrgType
from socredit.testing import factories

pytestmark = pytest.mark.django_db
LIST = reverse("bans:ban_list")
NEW = reverse("bans:ban_create")


def test_the_list_filters_and_masks(login, actor, banned):
    record(actor, banned)
    other = factories.person("钱另")
    record(actor, other, document_number="金民禁〔2026〕2号", kind="employment_ban")
    html = login(actor).get(LIST, {"kind": "post_restriction"}).content.decode()
    assert "王禁" in html and "钱另" not in html
    assert banned.id_number not in html and banned.masked_id in html
    assert "钱另" in login(actor).get(LIST, {"q": "2号"}).content.decode()
    assert login(actor).get(LIST, {"state": "nonsense"}).status_code == 400


def test_another_region_sees_nothing_and_gets_404(login, personas, actor, banned):
    ban = record(actor, banned)
    xinzheng = login(personas["staff_xinzheng"])
    assert "王禁" not in xinzheng.get(LIST).content.decode()
    assert xinzheng.get(reverse("bans:ban_detail", args=[ban.pk])).status_code == 404
    assert login(personas["city_admin"]).get(reverse("bans:ban_detail", args=[ban.pk])).status_code == 200


def test_record_by_form_then_lift(login, actor, banned):
    client = login(actor)
    bad = client.post(NEW, {**ban_data(banned), "id_number": "123", "until": ""})
    assert bad.status_code == 400 and "身份证号码应为18位" in bad.content.decode()
    assert not Ban.objects.exists()
    data = {**ban_data(banned), "decided_on": ago(30).isoformat(), "start_on": ago(30).isoformat(),
            "until": ahead(300).isoformat()}  # fmt: skip
    response = client.post(NEW, data)
    ban = Ban.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("bans:ban_detail", args=[ban.pk])
    page = client.get(response["Location"]).content.decode()
    assert "《社会团体登记管理条例》第三十条" in page and banned.id_number not in page
    refused = client.post(
        reverse("bans:ban_lift", args=[ban.pk]), {"lifted_on": ago(1).isoformat(), "reason": ""}
    )
    assert refused.status_code == 400
    client.post(
        reverse("bans:ban_lift", args=[ban.pk]), {"lifted_on": ago(1).isoformat(), "reason": "复议撤销"}
    )
    ban.refresh_from_db()
    assert (ban.state, ban.lifted_on) == ("lifted", ago(1))
    assert AuditEvent.objects.filter(action="ban.lift", target_id=str(ban.pk)).exists()


def test_viewers_read_but_do_not_write(login, personas, actor, banned):
    ban = record(actor, banned)
    viewer = login(personas["viewer_jinshui"])
    assert viewer.get(reverse("bans:ban_detail", args=[ban.pk])).status_code == 200
    assert viewer.get(NEW).status_code == 403
    assert (
        viewer.post(reverse("bans:ban_lift", args=[ban.pk]), {"lifted_on": ago(1), "reason": "x"}).status_code
        == 403
    )


def test_a_proposal_from_a_revocation_is_confirmed_on_its_page(login, actor):
    org = factories.organization("410105", OrgType.FOUNDATION)
    chair = factories.person("韩理事长")
    factories.role(org, chair, "chair")
    end_registration(actor=actor, channel="form", organization=org, act="revoke", warnings_confirmed=True,
                     data={"effective_on": ago(2), "reason": "违法", "document_number": "金民撤〔2026〕5号",
                           "document_date": ago(2)})  # fmt: skip
    ban = Ban.objects.get(person=chair, ground="foundation_officer")
    client = login(actor)
    html = client.get(LIST, {"state": "proposed"}).content.decode()
    assert "韩理事长" in html
    assert client.post(reverse("bans:ban_dismiss", args=[ban.pk]), {"reason": ""}).status_code == 400
    client.post(reverse("bans:ban_confirm", args=[ban.pk]), {"reason": "负有个人责任"})
    ban.refresh_from_db()
    assert ban.state == "in_force"
    section = client.get(reverse("bans:person_bans", args=[chair.pk])).content.decode()
    assert "《基金会管理条例》第二十三条" in section and chair.id_number not in section


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_pages_work_in_both_languages(login, actor, banned, language):
    ban = record(actor, banned)
    factories.role(
        factories.organization("410105"), banned, "director"
    )  # the person's page needs a post in the region
    client = login(actor)
    client.cookies["django_language"] = language
    for url in (
        LIST,
        NEW,
        reverse("bans:ban_detail", args=[ban.pk]),
        reverse("bans:person_bans", args=[banned.pk]),
    ):
        assert client.get(url, HTTP_ACCEPT_LANGUAGE=language).status_code == 200, url
