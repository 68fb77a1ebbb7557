"""Who may come to hold a complaint (and so read its reporter), with what trace: assignment to oneself
and taking one over need a post that may handle complaints and a reason; the handler it is taken
from is told; every showing of the reporter's identity is audited, and the supervisor reviews it."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from socredit.apps.audit.models import AuditEvent
from socredit.apps.audit.services import verify_chain
from socredit.apps.cases.access import REPORTER_READ, may_handle_complaint
from socredit.apps.cases.models import CaseChannel, CaseNotice
from socredit.apps.cases.services import common
from socredit.apps.cases.services import complaints as svc
from socredit.common.errors import FieldErrors
from socredit.testing import factories

pytestmark = pytest.mark.django_db

REPORTER = {"anonymous": False, "name": "举报人王某", "phone": "13800000000", "email": "", "address": ""}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def case(personas):
    """A 金水区 complaint with a named reporter, accepted and not yet assigned."""
    case, _ = svc.submit_complaint(None, CaseChannel.PUBLIC, subject_name="某某协会", region_code="410105",
                                   content="该协会违规收费，每家三千元，有收据为证。", reporter=REPORTER, files=())  # fmt: skip
    return svc.triage(personas["city_admin"], case, accept=True)


def reads(case):
    return AuditEvent.objects.filter(action=REPORTER_READ, target_id=str(case.pk))


def test_assigning_a_complaint_to_oneself_needs_a_reason(personas, case):
    officer = personas["staff_jinshui"]
    with pytest.raises(FieldErrors) as exc:
        common.assign(officer, case, officer)
    assert "reason" in exc.value.errors
    case.refresh_from_db()
    assert case.assigned_to is None
    with pytest.raises(FieldErrors) as exc:
        common.assign(officer, case, officer, reason="理" * 501)
    assert "最多500个字" in exc.value.errors["reason"][0]
    common.assign(officer, case, officer, reason="本组负责该区域")
    case.refresh_from_db()
    assert case.assigned_to == officer
    assert "理由：本组负责该区域" in case.events.filter(action="assign").last().line
    # giving an unassigned complaint to someone else is ordinary 分办: no reason needed
    other = factories.staff("officer2_jinshui", "410105")
    case2, _ = svc.submit_complaint(None, CaseChannel.PUBLIC, subject_name="某协会", region_code="410105",
                                    content="该协会违规收费，每家三千元，有收据为证。", files=())  # fmt: skip
    common.assign(officer, case2, other)
    assert case2.__class__.objects.get(pk=case2.pk).assigned_to == other


@pytest.mark.parametrize("who", ["viewer_jinshui", "superuser", "staff_xinzheng"])
def test_posts_that_may_not_handle_complaints_cannot_assign_one(personas, case, who):
    user = personas[who]
    assert not may_handle_complaint(user, case)
    with pytest.raises(FieldErrors):
        common.assign(user, case, personas["staff_jinshui"], reason="理由")
    case.refresh_from_db()
    assert case.assigned_to is None


def test_a_superuser_without_a_region_is_refused_by_name(personas, case):
    with pytest.raises(FieldErrors) as exc:
        common.assign(personas["superuser"], case, personas["staff_jinshui"], reason="理由")
    assert "业务人员、管理员可以分办举报案件" in exc.value.as_text()


def test_taking_a_complaint_over_needs_a_reason_and_the_former_handler_is_told(personas, case, login):
    officer, admin = personas["staff_jinshui"], personas["city_admin"]
    common.assign(officer, case, officer, reason="本人承办")
    with pytest.raises(FieldErrors) as exc:
        common.assign(admin, case, admin)
    assert "reason" in exc.value.errors
    assert not CaseNotice.objects.exists()
    # through the page: the reason field of the assignment form
    client = login(admin)
    page = client.post(
        reverse("cases:case_assign", args=[case.number]), {"handler": str(admin.pk)}, follow=True
    )
    assert "须写明理由" in page.content.decode()
    case.refresh_from_db()
    assert case.assigned_to == officer
    client.post(
        reverse("cases:case_assign", args=[case.number]), {"handler": str(admin.pk), "reason": "督办提级"}
    )
    case.refresh_from_db()
    assert case.assigned_to == admin
    assert "原承办人" in case.events.filter(action="assign").last().line
    assert "理由：督办提级" in case.events.filter(action="assign").last().line
    # the former handler's inbox shows it until they open the case
    client.force_login(officer)
    inbox = client.get(reverse("cases:case_list")).content.decode()
    assert "通知（1 条）" in inbox and case.number in inbox and "督办提级" in inbox
    client.get(reverse("cases:case_detail", args=[case.number]))
    assert "通知（" not in client.get(reverse("cases:case_list")).content.decode()
    # the officer no longer reads the reporter; the new handler does
    assert "举报人王某" not in client.get(reverse("cases:case_detail", args=[case.number])).content.decode()


def test_every_showing_of_the_reporter_is_audited(personas, case, login):
    officer = personas["staff_jinshui"]
    common.assign(officer, case, officer, reason="本人承办")
    client = login(officer)
    assert "举报人王某" in client.get(reverse("cases:case_detail", args=[case.number])).content.decode()
    assert reads(case).count() == 1
    assert "举报人王某" in client.get(reverse("cases:complaint_triage", args=[case.pk])).content.decode()
    assert reads(case).count() == 2
    event = reads(case).first()
    assert event.actor == officer and "举报人王某" not in event.summary + str(event.data)
    # a colleague of the region who is not the handler sees no identity, and nothing is recorded
    client.force_login(factories.staff("officer2_jinshui", "410105"))
    assert "举报人王某" not in client.get(reverse("cases:case_detail", args=[case.number])).content.decode()
    assert reads(case).count() == 2
    assert verify_chain() is None


def test_an_anonymous_report_has_no_identity_to_audit(personas, login):
    case, _ = svc.submit_complaint(None, CaseChannel.PUBLIC, subject_name="某协会", region_code="410105",
                                   content="该协会违规收费，每家三千元，有收据为证。", files=(),
                                   reporter={"anonymous": True})  # fmt: skip
    officer = personas["staff_jinshui"]
    svc.triage(officer, case, accept=True, handler=officer, reason="本人承办")
    login(officer).get(reverse("cases:case_detail", args=[case.number]))
    assert not reads(case).exists()


def test_the_supervisor_reviews_the_reads(personas, case, login, client):
    officer = personas["staff_jinshui"]
    common.assign(officer, case, officer, reason="本人承办")
    login(officer).get(reverse("cases:case_detail", args=[case.number]))
    url = reverse("cases:reporter_reads", args=[case.number])
    client.force_login(personas["city_admin"])
    assert url in client.get(reverse("cases:case_detail", args=[case.number])).content.decode()
    page = client.get(url).content.decode()
    assert str(officer) in page and "案件页面" in page and "理由：本人承办" in page
    # never the identity, never an internal code
    for hidden in ("举报人王某", "13800000000", REPORTER_READ, "case_page", f"#{case.pk}"):
        assert hidden not in page
    # the officer (the handler) and a viewer are not supervisors; another region sees no such case
    for who, status in (("staff_jinshui", 403), ("viewer_jinshui", 403), ("staff_xinzheng", 404)):
        client.force_login(personas[who])
        assert client.get(url).status_code == status
    client.force_login(personas["staff_jinshui"])
    assert url not in client.get(reverse("cases:case_detail", args=[case.number])).content.decode()


def test_the_new_strings_in_both_languages(personas, case, client):
    officer = personas["staff_jinshui"]
    common.assign(officer, case, officer, reason="本人承办")
    client.force_login(personas["city_admin"])
    url = reverse("cases:reporter_reads", args=[case.number])
    zh = client.get(url).content.decode()
    assert "举报人信息查阅记录" in zh and "无人查阅过举报人信息" in zh
    assert "填写理由" in client.get(reverse("cases:case_detail", args=[case.number])).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": url})
    en = client.get(url).content.decode()
    assert (
        "Reads of the reporter" in en
        and "举报人信息查阅记录" not in en
        and "No one has read the reporter" in en
    )
    with translation.override("en"):
        assert str(svc.REPORTER_SHOWN_ON["case_page"]) == "Case page"


def test_the_handler_gives_a_complaint_back_without_a_reason(personas, case):
    officer = personas["staff_jinshui"]
    common.assign(officer, case, officer, reason="本人承办")
    common.assign(officer, case, None)
    case.refresh_from_db()
    assert case.assigned_to is None and not CaseNotice.objects.exists()
