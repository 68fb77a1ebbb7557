"""The public profile shows an organization's results in published spot-check plans only, and a
publication reaches the stored public answer (its triggers)."""

from __future__ import annotations

import pytest

from socredit.apps.portal import stored
from socredit.apps.portal.public import public_profile
from socredit.apps.spotchecks import services
from socredit.apps.spotchecks.tests.conftest import actor, drawn, orgs  # noqa: F401 — fixtures
from socredit.common.clock import today

pytestmark = pytest.mark.django_db


def test_only_published_results_are_public(actor, orgs, client):  # noqa: F811
    plan = drawn(actor, kind="special", base_rate=1.0, onsite_ratio=0)
    checks = list(plan.checks.select_related("organization"))
    for c in checks:
        services.record_result(actor=actor, channel="form", plan=plan, organization=c.organization,
                               data={"result": "problems", "checked_on": today(), "findings": "财务票据管理不规范",
                                     "rectify_by": today().replace(year=today().year + 1)})  # fmt: skip
    org = checks[0].organization
    assert public_profile(org, language="zh-hans")["spot_checks"] == []
    before = client.get(f"/o/{org.code}/")
    stored.answer_body(org, today())
    assert stored.stored_answer(org.code, today()) is not None
    services.publish_results(actor=actor, channel="form", plan=plan)
    shown = public_profile(org, language="zh-hans")["spot_checks"]
    assert [(s["year"], s["plan"], s["result"]) for s in shown] == [(2026, plan.title, "发现问题，责令整改")]
    assert "财务票据" not in str(shown)  # findings stay with the authority
    assert stored.missing_triggers() == []
    assert stored.stored_answer(org.code, today()) is None  # the publication raised the stamp
    page = client.get(f"/o/{org.code}/")
    assert before.status_code == 200 and plan.title not in before.content.decode()
    assert page.status_code == 200 and plan.title in page.content.decode()
