"""容缺受理 (commitments) asks the green channel: a 新郑 organization without three clean years cannot
sign it itself; staff entering one signed on paper are warned; under the national rules (no green
channel) nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import translation

from socredit.apps.audit.models import AuditEvent
from socredit.apps.commitments import services
from socredit.apps.commitments.models import Commitment, CommitmentTemplate
from socredit.apps.commitments.tests.conftest import organization_account
from socredit.apps.lists.tests.conftest import ago
from socredit.common.errors import FieldErrors
from socredit.testing import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def tolerance(db):
    return CommitmentTemplate.objects.get(code="tolerance")


def sign(actor, channel, org, template):
    return services.sign_commitment(actor, channel, org, template, signed_by_name="王法人", subject="变更登记",
                                    due_on=services.today() + dt.timedelta(days=10))  # fmt: skip


def test_an_organization_of_the_green_channel_signs_one_without_it_cannot(xinzheng_org, tolerance):
    account = organization_account(xinzheng_org, "xz_self")
    c = sign(account, services.ORGANIZATION_CHANNEL, xinzheng_org, tolerance)
    event = AuditEvent.objects.filter(action="commitment.sign", target_id=str(c.pk)).get()
    assert event.data["green_channel"] is True
    factories.record(xinzheng_org, "penalty_warning", occurred_on=ago(40), department="xz-mzj")
    with translation.override("en"), pytest.raises(FieldErrors) as refused:
        sign(account, services.ORGANIZATION_CHANNEL, xinzheng_org, tolerance)
    assert "green channel" in str(refused.value) and "0 full years" in str(refused.value)
    assert Commitment.objects.count() == 1


def test_staff_entering_a_paper_one_are_warned(client, personas, xinzheng_org, tolerance):
    factories.record(xinzheng_org, "penalty_warning", occurred_on=ago(40), department="xz-mzj")
    client.force_login(personas["city_admin"])
    response = client.post(reverse("commitments:commitment_sign", args=[xinzheng_org.code]), {
            "template": "tolerance", "subject": "变更登记", "signed_by_name": "王法人",
            "due_on": (services.today() + dt.timedelta(days=10)).isoformat(), "signed_on": services.today().isoformat(),
    })  # fmt: skip
    assert response.status_code == 302, response.content
    warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
    assert warnings == [
        "该组织不符合绿色通道条件（“容缺受理”属于绿色通道）：该组织连续无不良信用记录0年，绿色通道须满3年"
    ]


def test_under_the_national_rules_anyone_signs(clean_org, tolerance):
    factories.record(clean_org, "penalty_warning", occurred_on=ago(40))
    account = organization_account(clean_org, "jx_self")
    assert sign(account, services.ORGANIZATION_CHANNEL, clean_org, tolerance).pk
