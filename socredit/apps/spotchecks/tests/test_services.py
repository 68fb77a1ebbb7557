"""Plans, the seed, the draw and its audit, inspectors, results and their credit records."""

from __future__ import annotations

import datetime as dt

import pytest

from socredit.apps.audit.models import AuditEvent
from socredit.apps.records.models import CreditRecord
from socredit.apps.spotchecks import services
from socredit.apps.spotchecks.models import Assignment, PlanState, Redraw, SpotCheck, SpotCheckPlan
from socredit.apps.spotchecks.tests.conftest import drawn, inspectors, make_plan, plan_data
from socredit.common.errors import FieldErrors
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def test_a_rate_below_the_county_floor_is_refused_naming_the_law(actor, orgs):
    with pytest.raises(FieldErrors) as info:
        make_plan(actor, base_rate=0.02)
    message = " ".join(info.value.errors["base_rate"])
    assert "3%" in message and "《社会组织抽查暂行办法》（民发〔2017〕45号）第五条" in message
    assert not SpotCheckPlan.objects.exists()


def test_a_city_plan_needs_four_percent(personas, orgs):
    with pytest.raises(FieldErrors) as info:
        make_plan(personas["city_admin"], authority="410100", base_rate=0.035)
    assert "4%" in " ".join(info.value.errors["base_rate"])
    assert make_plan(personas["city_admin"], authority="410100", base_rate=0.04).pk


def test_an_ad_hoc_plan_may_set_any_rate(actor, orgs):
    assert make_plan(actor, kind="special", base_rate=0.01).pk


def test_too_few_onsite_inspectors_and_a_second_regular_plan_are_refused(actor, orgs):
    with pytest.raises(FieldErrors) as info:
        make_plan(actor, inspectors_onsite=1)
    assert "inspectors_onsite" in info.value.errors
    make_plan(actor)
    with pytest.raises(FieldErrors) as info:
        make_plan(actor)
    assert "kind" in info.value.errors


def test_empty_scope_and_foreign_authority_are_refused(actor, orgs):
    with pytest.raises(FieldErrors) as info:
        make_plan(actor, scope_fields=["elder_care"])
    assert "No organization" in info.value.as_text() or "没有" in info.value.as_text()
    with pytest.raises(FieldErrors) as info:
        make_plan(actor, authority="410184")  # 新郑: outside 金水's scope
    assert "authority" in info.value.errors
    assert not SpotCheckPlan.objects.exists()


def test_bad_factors_name_the_field(actor, orgs):
    with pytest.raises(FieldErrors) as info:
        make_plan(actor, level_factors={"A": "x", "Z": 1}, fixed_field_rates={"charity": 2})
    assert set(info.value.errors) >= {"level_factors", "fixed_field_rates"}


def test_announce_draw_and_audit(actor, orgs):
    plan = drawn(actor)
    assert plan.state == PlanState.DRAWN and plan.seed == "20260301" and len(plan.frame_digest) == 64
    checks = SpotCheck.objects.filter(plan=plan)
    assert checks.count() >= plan.required == 2  # 3 % of 40, rounded up
    assert checks.filter(onsite=True).count() == 2  # 5 % of 40 on site
    report = services.audit_plan(plan)
    assert report.ok
    # re-running the draw is a no-op
    assert services.draw_plan(actor=actor, channel="cli", plan=plan).state == PlanState.DRAWN
    assert SpotCheck.objects.filter(plan=plan).count() == checks.count()
    # a tampered draw is found by the audit
    first = checks.first()
    first.delete()
    assert not services.audit_plan(plan).ok
    assert AuditEvent.objects.filter(action="spotchecks.plan_announce").exists()


def test_same_seed_same_draw_across_plans(actor, orgs):
    a = drawn(actor, kind="special")
    b = drawn(actor, kind="special", title="第二次")
    c = drawn(actor, kind="special", title="第三次", seed="other")
    codes = [
        set(SpotCheck.objects.filter(plan=p).values_list("organization__code", flat=True)) for p in (a, b, c)
    ]
    assert codes[0] == codes[1] and codes[0] != codes[2]


def test_a_published_plan_cannot_be_edited(actor, orgs):
    plan = make_plan(actor)
    services.announce_plan(actor=actor, channel="form", plan=plan, seed="s")
    with pytest.raises(FieldErrors, match="can no longer be changed|不能再修改|不能修改"):
        services.update_plan(actor=actor, channel="form", plan=plan, data=plan_data(base_rate=0.5))
    plan.refresh_from_db()
    assert plan.base_rate == 0.2


def test_the_draw_needs_the_seed_first(actor, orgs):
    plan = make_plan(actor)
    with pytest.raises(FieldErrors):
        services.draw_plan(actor=actor, channel="form", plan=plan)


def test_inspectors_are_conflict_free_and_redraws_are_logged(actor, orgs):
    pool = inspectors(6)
    plan = drawn(actor)
    checks = list(SpotCheck.objects.filter(plan=plan).select_related("organization"))
    # a post held in a drawn organization bars the inspector from it
    person = factories.person("李检查")
    pool[0].person = person
    pool[0].save()
    factories.role(checks[0].organization, person, kind="director")
    services.record_conflict(actor=actor, channel="form", inspector=pool[1], organization=checks[0].organization,
                             reason="配偶任该会秘书长")  # fmt: skip
    total = services.assign_plan(actor=actor, channel="form", plan=plan)
    assert total == sum(2 if c.onsite else 1 for c in checks)
    team = set(
        Assignment.objects.filter(check_item=checks[0], active=True).values_list("inspector_id", flat=True)
    )
    assert not team & {pool[0].pk, pool[1].pk}
    on = Assignment.objects.filter(check_item=checks[1], active=True).first().inspector
    new = services.redraw_inspector(actor=actor, channel="form", check=checks[1], inspector=on, reason="病假")
    assert new.pk != on.pk
    assert Redraw.objects.get().reason == "病假"
    with pytest.raises(FieldErrors):
        services.redraw_inspector(actor=actor, channel="form", check=checks[1], inspector=new, reason="")


def test_more_inspectors_required_than_available_without_conflict(actor, orgs):
    pool = inspectors(2)
    plan = drawn(actor)
    onsite = SpotCheck.objects.filter(plan=plan, onsite=True).select_related("organization").first()
    services.record_conflict(actor=actor, channel="form", inspector=pool[0], organization=onsite.organization,
                             reason="曾任该会理事")  # fmt: skip
    with pytest.raises(FieldErrors) as info:
        services.assign_plan(actor=actor, channel="form", plan=plan)
    assert onsite.organization.name in info.value.as_text()
    assert not Assignment.objects.exists()


def test_results_become_credit_records_and_follow_ups(actor, orgs, today_is):
    plan = drawn(actor)
    checks = list(SpotCheck.objects.filter(plan=plan).select_related("organization"))
    day = dt.date.today()
    clear = services.record_result(actor=actor, channel="form", plan=plan, organization=checks[0].organization,
                                   data={"result": "no_problem", "checked_on": day})  # fmt: skip
    assert clear.result_record.kind.code == "spot_check_clear"
    with pytest.raises(FieldErrors):  # twice
        services.record_result(actor=actor, channel="form", plan=plan, organization=checks[0].organization,
                               data={"result": "no_problem", "checked_on": day})  # fmt: skip
    with pytest.raises(FieldErrors) as info:  # problems without a deadline
        services.record_result(actor=actor, channel="form", plan=plan, organization=checks[1].organization,
                               data={"result": "problems", "checked_on": day, "findings": "账目不清"})  # fmt: skip
    assert "rectify_by" in info.value.errors
    rectify = services.record_result(
        actor=actor, channel="form", plan=plan, organization=checks[1].organization,
        data={"result": "problems", "checked_on": day, "findings": "账目不清", "rectify_by": day + dt.timedelta(days=30)},
    )  # fmt: skip
    assert rectify.result_record.kind.code == "spot_check_rectify"
    # not in the plan
    outsider = next(o for o in orgs if not SpotCheck.objects.filter(plan=plan, organization=o).exists())
    with pytest.raises(FieldErrors) as info:
        services.record_result(actor=actor, channel="form", plan=plan, organization=outsider,
                               data={"result": "no_problem", "checked_on": day})  # fmt: skip
    assert "organization" in info.value.errors
    # the deadline passes: 逾期未完成整改, once
    today_is(day + dt.timedelta(days=31))
    assert services.record_overdue(actor=actor, channel="cli") == 1
    assert services.record_overdue(actor=actor, channel="cli") == 0
    assert (
        CreditRecord.objects.filter(
            kind__code="rectification_overdue", organization=checks[1].organization
        ).count()
        == 1
    )


def test_unreachable_then_two_unsigned_letters_write_the_record(actor, orgs, today_is):
    plan = drawn(actor)
    check = SpotCheck.objects.filter(plan=plan).select_related("organization").first()
    day = dt.date.today()
    services.record_result(actor=actor, channel="form", plan=plan, organization=check.organization,
                           data={"result": "unreachable", "checked_on": day})  # fmt: skip
    services.add_letter(actor=actor, channel="form", check=check, mailed_on=day, unsigned=True)
    check.refresh_from_db()
    assert check.follow_up_record is None
    today_is(day + dt.timedelta(days=20))
    services.add_letter(
        actor=actor, channel="form", check=check, mailed_on=day + dt.timedelta(days=20), unsigned=True
    )
    check.refresh_from_db()
    assert check.follow_up_record.kind.code == "address_unreachable"


def test_publish_needs_every_result(actor, orgs):
    plan = drawn(actor)
    with pytest.raises(FieldErrors):
        services.publish_results(actor=actor, channel="form", plan=plan)
    for check in SpotCheck.objects.filter(plan=plan).select_related("organization"):
        services.record_result(actor=actor, channel="form", plan=plan, organization=check.organization,
                               data={"result": "no_problem", "checked_on": dt.date.today()})  # fmt: skip
    assert services.publish_results(actor=actor, channel="form", plan=plan).state == PlanState.PUBLISHED
