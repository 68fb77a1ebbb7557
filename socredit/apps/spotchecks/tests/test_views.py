"""The pages: a plan made by form (the floor refused with the law named), the seed, the draw, the
inspectors and publication by buttons; a result by form; the inspector's own list; the public page."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from socredit.apps.spotchecks.models import Assignment, PlanState, SpotCheck, SpotCheckPlan
from socredit.apps.spotchecks.tests.conftest import drawn, inspectors
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def _form(**extra):
    data = {"title": "2026年度定期抽查", "year": "2026", "kind": "regular", "authority": "410105",
            "base_rate": "10", "onsite_ratio": "5", "inspectors_onsite": "2", "inspectors_written": "1",
            "level_A": "0.5", "level_D": "3", "fixed_charity": "100", "content": ["finance"]}  # fmt: skip
    data.update(extra)
    return data


def test_the_form_refuses_a_rate_below_the_floor_and_saves_a_good_plan(login, actor, orgs):
    client = login(actor)
    page = client.get(reverse("spotchecks:plan_create")).content.decode()
    assert 'value="3' in page  # the county floor is the starting base rate
    bad = client.post(reverse("spotchecks:plan_create"), _form(base_rate="2"))
    assert bad.status_code == 400 and "第五条" in bad.content.decode()
    assert not SpotCheckPlan.objects.exists()
    ok = client.post(reverse("spotchecks:plan_create"), _form())
    plan = SpotCheckPlan.objects.get()
    assert ok.status_code == 302 and plan.base_rate == pytest.approx(0.1)
    assert plan.fixed_field_rates == {"charity": 1.0} and plan.level_factors == {"A": 0.5, "D": 3.0}


def test_seed_draw_assign_result_and_publish_by_the_pages(login, actor, orgs, client):
    inspectors(4)
    staff = login(actor)
    staff.post(reverse("spotchecks:plan_create"), _form())
    plan = SpotCheckPlan.objects.get()
    staff.post(reverse("spotchecks:plan_announce", args=[plan.pk]), {"seed": "公开摇号 0312"})
    staff.post(reverse("spotchecks:plan_draw", args=[plan.pk]))
    staff.post(reverse("spotchecks:plan_assign", args=[plan.pk]))
    plan.refresh_from_db()
    assert plan.state == PlanState.DRAWN and plan.seed == "公开摇号 0312"
    assert Assignment.objects.filter(check_item__plan=plan).exists()
    detail = staff.get(reverse("spotchecks:plan_detail", args=[plan.pk])).content.decode()
    assert "公开摇号 0312" in detail and plan.frame_digest in detail
    # the edit page of a plan whose seed is out sends back
    assert staff.get(reverse("spotchecks:plan_edit", args=[plan.pk])).status_code == 302
    refused = staff.post(reverse("spotchecks:plan_publish", args=[plan.pk]))
    assert refused.status_code == 400
    for check in SpotCheck.objects.filter(plan=plan):
        r = staff.post(reverse("spotchecks:check_result", args=[check.pk]),
                       {"result": "no_problem", "checked_on": dt.date.today().isoformat()})  # fmt: skip
        assert r.status_code == 302
    staff.post(reverse("spotchecks:plan_publish", args=[plan.pk]))
    client.logout()
    public = client.get(reverse("spotchecks_public:plan_detail", args=[plan.pk])).content.decode()
    first = SpotCheck.objects.filter(plan=plan).select_related("organization").first()
    assert first.organization.name in public and "公开摇号 0312" in public


def test_a_result_with_problems_needs_a_deadline_on_the_page(login, actor, orgs):
    plan = drawn(actor)
    check = SpotCheck.objects.filter(plan=plan).first()
    r = login(actor).post(reverse("spotchecks:check_result", args=[check.pk]),
                          {"result": "problems", "checked_on": dt.date.today().isoformat(), "findings": "未公开年报"})  # fmt: skip
    assert r.status_code == 400
    check.refresh_from_db()
    assert check.result == ""


def test_an_inspector_sees_the_checks_assigned_and_the_organization_page_shows_them(
    login, actor, orgs, personas
):
    pool = inspectors(3)
    pool[0].user = factories.staff("inspector_zhang", "410105")
    pool[0].save()
    plan = drawn(actor)
    from socredit.apps.spotchecks import services

    services.assign_plan(actor=actor, channel="form", plan=plan)
    mine = SpotCheck.objects.filter(assignments__inspector=pool[0], assignments__active=True).select_related(
        "organization"
    )
    page = login(pool[0].user).get(reverse("spotchecks:my_checks")).content.decode()
    assert all(c.organization.name in page for c in mine)
    section = login(actor).get(reverse("spotchecks:organization_checks", args=[mine[0].organization.code]))
    assert plan.title in section.content.decode()
    # another region's account reads neither the plan nor the check
    other = login(personas["staff_xinzheng"])
    assert other.get(reverse("spotchecks:plan_detail", args=[plan.pk])).status_code == 404
    assert other.get(reverse("spotchecks:check_detail", args=[mine[0].pk])).status_code == 404


def test_viewers_cannot_act(login, personas, actor, orgs):
    plan = drawn(actor)
    viewer = login(personas["viewer_jinshui"])
    assert viewer.post(reverse("spotchecks:plan_assign", args=[plan.pk])).status_code == 403
    assert viewer.get(reverse("spotchecks:plan_create")).status_code == 403


def test_the_pool_page_adds_an_inspector_and_a_conflict(login, actor, orgs):
    client = login(actor)
    r = client.post(
        reverse("spotchecks:inspector_list"),
        {"add-name": "王检查", "add-badge_number": "豫金执9", "add-region": "410105"},
    )
    assert r.status_code == 302
    inspector = factories.region("410105").inspectors.get()
    r = client.post(reverse("spotchecks:inspector_list"), {"conflict-inspector": inspector.pk,
                    "conflict-organization": orgs[0].code, "conflict-reason": "曾任该会理事"})  # fmt: skip
    assert r.status_code == 302 and inspector.conflicts.get().organization == orgs[0]
    bad = client.post(
        reverse("spotchecks:inspector_list"),
        {"add-name": "李", "add-badge_number": "豫金执9", "add-region": "410105"},
    )
    assert bad.status_code == 400
