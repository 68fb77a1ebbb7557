"""Spot-check API: scopes, region, the plan, its checks and recording a result with the page's validation."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from socredit.apps.audit.models import AuditEvent
from socredit.apps.spotchecks import services
from socredit.apps.spotchecks.tests.conftest import drawn, inspectors
from socredit.common.clock import today
from socredit.testing import factories

pytestmark = pytest.mark.django_db
API = "/api/v1/spot-checks/plans"


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def plan(actor, orgs):
    p = drawn(actor)
    inspectors(6)
    services.assign_plan(actor=actor, channel="form", plan=p)
    return p


def test_scopes_and_region(client, plan):
    _, none = factories.token(["records:read"])
    assert client.get(API, **bearer(none)).status_code == 403
    _, city = factories.token(["spotchecks:read"])
    listed = client.get(API, **bearer(city)).json()
    assert [p["id"] for p in listed["items"]] == [plan.pk]
    _, other = factories.token(["spotchecks:read"], factories.department("xz-mzj", "新郑市民政局", "410184"))
    assert client.get(f"{API}/{plan.pk}", **bearer(other)).status_code == 404
    assert client.get(API, **bearer(other)).json()["items"] == []


def test_plan_and_checks(client, plan):
    _, raw = factories.token(["spotchecks:read"])
    body = client.get(f"{API}/{plan.pk}", **bearer(raw)).json()
    assert body["seed"] == "20260301" and body["state"] == "drawn" and body["checks"] == plan.checks.count()
    checks = client.get(f"{API}/{plan.pk}/checks", **bearer(raw)).json()["items"]
    assert [c["order"] for c in checks] == sorted(c["order"] for c in checks)
    assert all(c["result"] is None and c["inspectors"] for c in checks)


def test_recording_a_result(client, plan):
    _, read_only = factories.token(["spotchecks:read"])
    check = plan.checks.select_related("organization").first()
    body = {
        "organization": check.organization.code,
        "result": "no_problem",
        "checked_on": today().isoformat(),
    }
    url = f"{API}/{plan.pk}/results"
    assert (
        client.post(url, json.dumps(body), content_type="application/json", **bearer(read_only)).status_code
        == 403
    )
    _, raw = factories.token(["spotchecks:read", "spotchecks:write"])
    ok = client.post(url, json.dumps(body), content_type="application/json", **bearer(raw))
    assert ok.status_code == 200, ok.content
    assert ok.json()["result"] == "no_problem"
    check.refresh_from_db()
    assert check.result_record is not None and check.result_record.kind.code == "spot_check_clear"
    assert AuditEvent.objects.filter(action="spotchecks.result", channel="api").exists()
    again = client.post(url, json.dumps(body), content_type="application/json", **bearer(raw))
    assert again.status_code == 422


def test_bad_results_name_the_field(client, plan, orgs):
    _, raw = factories.token(["spotchecks:read", "spotchecks:write"])
    url = f"{API}/{plan.pk}/results"
    drawn_codes = set(plan.checks.values_list("organization__code", flat=True))
    outsider = next(o for o in orgs if o.code not in drawn_codes)
    check = plan.checks.select_related("organization").first()
    cases = [
        ({"organization": outsider.code, "result": "no_problem", "checked_on": today().isoformat()}, "organization"),
        ({"organization": check.organization.code, "result": "problems", "checked_on": today().isoformat()}, "findings"),
        ({"organization": check.organization.code, "result": "no_problem",
          "checked_on": (today() + dt.timedelta(days=1)).isoformat()}, "checked_on"),
        ({"organization": check.organization.code, "result": "maybe", "checked_on": today().isoformat()}, "result"),
    ]  # fmt: skip
    for body, field in cases:
        r = client.post(url, json.dumps(body), content_type="application/json", **bearer(raw))
        assert r.status_code == 422 and field in r.json()["errors"], (field, r.content)
    check.refresh_from_db()
    assert check.result == ""
