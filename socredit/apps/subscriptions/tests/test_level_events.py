"""credit.level_changed: written with the scores, set-based, only for organizations whose stored
level changed (a first score, or a new score at the same level, is no change); visible to a token
only with credit:read; matched by subscriptions like any change."""

from __future__ import annotations

import pytest

from socredit.apps.evaluation.models import CreditScore, LevelChange
from socredit.apps.evaluation.services import run_evaluation
from socredit.apps.records.models import ChangeEvent
from socredit.apps.records.services import revoke_record
from socredit.apps.subscriptions import services
from socredit.apps.subscriptions.access import subscription_events
from socredit.testing import factories

pytestmark = pytest.mark.django_db
LEVEL = "credit.level_changed"


def level_events():
    return list(ChangeEvent.objects.filter(kind=LEVEL).order_by("id"))


def test_only_real_level_changes_become_events(personas, dept, jinshui, jinshui2):
    run_evaluation(actor=personas["city_admin"], channel="form")  # every organization has a score now
    assert CreditScore.objects.filter(organization=jinshui).exists()
    assert level_events() == []  # first scores are not changes
    before = CreditScore.objects.get(organization=jinshui)
    warning = factories.record(jinshui2, "penalty_warning")  # a few points off: still the same level
    assert CreditScore.objects.get(organization=jinshui2).level == before.level
    assert level_events() == []
    severe = factories.record(jinshui, "penalty_suspension")  # −30: a lower level, live re-score
    after = CreditScore.objects.get(organization=jinshui)
    assert after.level != before.level
    [event] = level_events()
    assert event.organization == jinshui and event.region_path == jinshui.region.path and event.record is None
    assert event.payload == {
        "organization": jinshui.code, "from_level": before.level, "to_level": after.level,
        "from_score": before.score, "to_score": after.score, "as_of": after.as_of.isoformat(),
        "model_version": after.model_version,
    }  # fmt: skip
    assert LevelChange.objects.filter(organization=jinshui, to_level=after.level).exists()
    # back up again when the penalty is revoked: a second event, the other way
    revoke_record(actor=personas["city_admin"], channel="form", record=severe, reason="决定被撤销")
    assert [(e.payload["from_level"], e.payload["to_level"]) for e in level_events()] == [
        (before.level, after.level), (after.level, before.level)]  # fmt: skip
    # a batch run over unchanged data writes no event
    run_evaluation(actor=personas["city_admin"], channel="form")
    assert len(level_events()) == 2
    assert warning.pk  # the warning stays in force


def test_level_events_reach_subscribers_and_need_credit_read(client, personas, dept, jinshui, token):
    run_evaluation(actor=personas["city_admin"], channel="form")
    subscription, _ = services.create_subscription(
        actor=personas["city_admin"], channel="form", department=dept,
        data={"name": "等级变化", "organizations": [jinshui.code], "kinds": [LEVEL]},
    )  # fmt: skip
    factories.record(jinshui, "penalty_suspension")
    [event] = subscription_events(subscription)
    assert event.kind == LEVEL
    _, with_credit = token
    _, without = factories.token(["changes:read"], dept)
    seen = client.get("/api/v1/changes", HTTP_AUTHORIZATION=f"Bearer {with_credit}").json()["items"]
    assert [e["kind"] for e in seen] == [LEVEL]
    assert client.get("/api/v1/changes", HTTP_AUTHORIZATION=f"Bearer {without}").json()["items"] == []
