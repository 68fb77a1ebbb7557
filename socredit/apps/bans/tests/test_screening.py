"""The person screening at registration and appointment reports bans in force (with their legal
basis), the banned person's posts elsewhere, and the measures of the appointment scenario."""

from __future__ import annotations

import pytest
from django.utils import translation

from socredit.apps.audit.models import AuditEvent
from socredit.apps.bans import screening
from socredit.apps.bans.tests.conftest import ago, ahead, record
from socredit.apps.registry import hooks
from socredit.apps.registry.services import register_organization
from socredit.common.errors import FieldErrors
from socredit.core.codes import make_social_org_code
from socredit.core.types import OrgType
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def registration(person, serial=1):
    return {
        "name": f"金水区新设协会{serial}", "org_type": "1", "region": "410105",
        "code": make_social_org_code("410105", OrgType.ASSOCIATION, 800_000 + serial),
        "registered_on": ago(0).isoformat(), "legal_rep_name": person.name, "legal_rep_id_number": person.id_number,
        "field": "other", "document_number": "金民登〔2026〕20号", "document_date": ago(0).isoformat(),
    }  # fmt: skip


def test_registration_reports_a_ban_in_force_and_needs_confirmation(actor, banned):
    record(actor, banned, start_on=ago(30), until=ahead(30))
    elsewhere = factories.organization("410105", name="金水区原任职协会")
    factories.role(elsewhere, banned, "secretary_general")
    with translation.override("zh-hans"), pytest.raises(FieldErrors) as exc:
        register_organization(actor=actor, channel="form", data=registration(banned))
    assert "screening_confirmed" in exc.value.errors
    with translation.override("zh-hans"):
        register_organization(
            actor=actor, channel="form", data=registration(banned), screening_confirmed=True
        )
    event = AuditEvent.objects.get(action="organization.register")
    # the ban, the post held elsewhere, and the measure of the appointment scenario (the measures app)
    [ban_text, post_text, measure_text] = event.data["screening"]
    assert (
        "任职限制" in ban_text
        and "《社会团体登记管理条例》第三十条" in ban_text
        and "金民禁〔2026〕1号" in ban_text
    )
    assert "金水区原任职协会" in post_text
    assert (
        "不予办理其任职登记" in measure_text
        and "强制" in measure_text
        and "《中华人民共和国慈善法》" in measure_text
    )
    assert banned.id_number not in str(event.data)


def test_an_expired_or_lifted_ban_is_not_reported(actor, banned):
    record(actor, banned, start_on=ago(400), until=ago(1))
    assert hooks.screen_person(banned.id_number, actor, ago(0)) == []
    then = hooks.screen_person(banned.id_number, actor, ago(2))  # as of a past day it was
    assert len(then) == 2 and "金民禁〔2026〕1号" in then[0].text and "不予办理其任职登记" in then[1].text


def test_a_ban_decided_in_another_region_is_reported_too(actor, personas, banned):
    record(actor, banned)
    found = hooks.screen_person(banned.id_number, personas["staff_xinzheng"], ago(0))
    assert len(found) == 2 and not any(f.blocking for f in found) and "金民禁〔2026〕1号" in found[0].text


def test_the_measures_of_the_appointment_scenario_come_from_the_registered_provider(actor, banned):
    record(actor, banned)
    seen = []

    def provider(number, day, bans):
        seen.append((number, day, [b.document_number for b in bans]))
        return ["不予登记为负责人（强制性措施；《中华人民共和国慈善法》第十六条）"]

    screening.register_appointment_measures("test", provider)
    try:
        texts = [f.text for f in hooks.screen_person(banned.id_number.lower(), actor, ago(0))]
    finally:
        screening.APPOINTMENT_MEASURES.pop("test")
    assert seen == [(banned.id_number, ago(0), ["金民禁〔2026〕1号"])]
    assert texts[-1].endswith("不予登记为负责人（强制性措施；《中华人民共和国慈善法》第十六条）")
