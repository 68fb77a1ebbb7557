"""The daily run on real data (merge, clear, escalate, idempotent), staff handling and scoping."""

from __future__ import annotations

import datetime as dt

import pytest

from socredit.apps.accounts.models import StaffRole
from socredit.apps.registry.models import Organization, Region
from socredit.apps.registry.services.streets import load_streets
from socredit.apps.riskwarnings import services
from socredit.apps.riskwarnings.access import access_warnings
from socredit.apps.riskwarnings.models import RiskWarning, WarningEvent, WarningRule, WarningState
from socredit.apps.riskwarnings.run import run_daily
from socredit.common.access import SystemPrincipal
from socredit.common.errors import FieldErrors
from socredit.core.regions import street_regions
from socredit.core.types import RegionLevel
from socredit.testing import factories

D = dt.date
ACTOR = SystemPrincipal("test")
pytestmark = pytest.mark.django_db


@pytest.fixture
def world(personas, civil_affairs):
    load_streets(street_regions(under="410105"))
    streets = list(
        Region.objects.filter(level=RegionLevel.STREET.value, parent__code="410105").order_by("code")[:2]
    )
    a, b, other = (
        factories.organization(),
        factories.organization(),
        factories.organization(region_code="410184"),
    )
    Organization.objects.filter(pk=a.pk).update(street=streets[0])
    Organization.objects.filter(pk=b.pk).update(street=streets[1])
    for org in (a, b, other):  # three founded complaints each, within 90 days of 2026-06-01
        for day in (D(2026, 4, 20), D(2026, 5, 10), D(2026, 5, 20)):
            factories.record(org, "complaint_verified", occurred_on=day)
    street_user = factories.staff("street_a", streets[0].code, StaffRole.OFFICER)
    return {"a": a, "b": b, "other": other, "streets": streets, "street_user": street_user, **personas}


def burst(org):
    return RiskWarning.objects.filter(organization=org, rule__code="complaint-burst")


def test_the_run_raises_one_warning_per_organization_and_rule_and_a_rerun_writes_nothing(world):
    first = run_daily(ACTOR, as_of=D(2026, 6, 1))
    assert first.by_rule["complaint-burst"] == 3 and first.raised >= 3
    w = burst(world["a"]).get()
    assert (w.level, w.state, w.holder_id, w.facts["count"]) == ("orange", "open", world["streets"][0].pk, 3)
    assert w.holder_id == world["streets"][0].pk and burst(world["other"]).get().holder.code == "410184"
    events, warnings = WarningEvent.objects.count(), RiskWarning.objects.count()
    again = run_daily(ACTOR, as_of=D(2026, 6, 1))
    assert (again.raised, again.updated, again.cleared, again.escalated) == (0, 0, 0, 0)
    assert (WarningEvent.objects.count(), RiskWarning.objects.count()) == (events, warnings)


def test_a_warning_met_again_merges_and_one_no_longer_met_is_cleared_not_deleted(world):
    run_daily(ACTOR, as_of=D(2026, 6, 1))
    factories.record(world["a"], "complaint_verified", occurred_on=D(2026, 6, 2))
    run_daily(ACTOR, as_of=D(2026, 6, 3))
    w = burst(world["a"]).get()
    assert (w.last_seen, w.facts["count"]) == (D(2026, 6, 3), 4)
    assert w.events.filter(action="updated").count() == 1
    run_daily(ACTOR, as_of=D(2026, 9, 1))  # the April–June complaints are out of the 90 days
    w.refresh_from_db()
    assert (w.state, w.cleared_on) == (WarningState.CLEARED, D(2026, 9, 1))
    assert w.events.filter(action="cleared").exists()


def test_an_unhandled_warning_escalates_after_its_working_days_street_to_county_to_city(world):
    run_daily(ACTOR, as_of=D(2026, 6, 1))  # a Monday; 10 working days: due 2026-06-15
    w = burst(world["a"]).get()
    assert w.due_on == D(2026, 6, 15)
    run_daily(ACTOR, as_of=D(2026, 6, 15))
    w.refresh_from_db()
    assert (w.holder_id, w.escalations) == (world["streets"][0].pk, 0)
    run_daily(ACTOR, as_of=D(2026, 6, 16))
    w.refresh_from_db()
    # ten working days from 16 June skip the 端午 holiday (Friday 19 June 2026): due 1 July
    assert (w.holder.code, w.escalations, w.due_on) == ("410105", 1, D(2026, 7, 1))
    handled = burst(world["b"]).get()
    assert handled.escalations == 1
    services.take_into_handling(actor=world["staff_jinshui"], channel="form", warning=handled)
    run_daily(ACTOR, as_of=D(2026, 7, 1))
    w.refresh_from_db()
    assert w.escalations == 1  # due that day: not yet
    run_daily(ACTOR, as_of=D(2026, 7, 2))
    w.refresh_from_db()
    handled.refresh_from_db()
    assert (w.holder.code, w.escalations) == ("410100", 2)
    assert handled.escalations == 1  # taken into handling: it no longer escalates


def test_each_office_sees_its_own_street_county_or_city(world):
    run_daily(ACTOR, as_of=D(2026, 6, 1))
    seen = {u: set(access_warnings(world[u]).values_list("organization_id", flat=True))
            for u in ("street_user", "staff_jinshui", "staff_xinzheng", "city_admin")}  # fmt: skip
    a, b, other = world["a"].pk, world["b"].pk, world["other"].pk
    assert seen == {
        "street_user": {a},
        "staff_jinshui": {a, b},
        "staff_xinzheng": {other},
        "city_admin": {a, b, other},
    }


def test_self_report_merges_with_the_open_warning_and_is_never_cleared_by_the_run(world):
    run_daily(ACTOR, as_of=D(2026, 6, 1))
    w = services.self_report(actor=world["street_user"], channel="form", code=world["a"].code,
                             rule_code="complaint-burst", reason="走访发现活动场所已关闭")  # fmt: skip
    assert w.pk == burst(world["a"]).get().pk and w.self_reported
    assert w.events.filter(action="merged", note="走访发现活动场所已关闭").exists()
    run_daily(ACTOR, as_of=D(2026, 9, 1))
    w.refresh_from_db()
    assert w.state == WarningState.OPEN
    fresh = services.self_report(actor=world["street_user"], channel="form", code=world["a"].code,
                                 rule_code="street-visit", reason="门牌已更换")  # fmt: skip
    assert fresh.rule.code == "street-visit" and fresh.holder_id == world["streets"][0].pk


def test_self_report_outside_ones_street_and_without_a_reason_is_refused_and_writes_nothing(world):
    count = RiskWarning.objects.count()
    with pytest.raises(FieldErrors) as exc:
        services.self_report(actor=world["street_user"], channel="form", code=world["b"].code,
                             rule_code="street-visit", reason="")  # fmt: skip
    assert set(exc.value.errors) == {"organization", "reason"}
    assert RiskWarning.objects.count() == count


def test_closing_needs_a_note_and_a_closed_warning_cannot_be_acted_on(world):
    run_daily(ACTOR, as_of=D(2026, 6, 1))
    w = burst(world["a"]).get()
    officer = world["staff_jinshui"]
    services.acknowledge(actor=officer, channel="form", warning=w)
    with pytest.raises(FieldErrors) as exc:
        services.close(actor=officer, channel="form", warning=w, note="  ")
    assert "note" in exc.value.errors
    w.refresh_from_db()
    assert w.state == WarningState.ACKNOWLEDGED
    services.close(actor=officer, channel="form", warning=w, note="已约谈负责人并督促整改")
    with pytest.raises(FieldErrors):
        services.take_into_handling(actor=officer, channel="form", warning=w)
    w.refresh_from_db()
    assert (w.state, w.closed_on is not None) == (WarningState.CLOSED, True)
    # once closed, the next run raises a new warning for the same condition
    run_daily(ACTOR, as_of=D(2026, 6, 2))
    assert burst(world["a"]).count() == 2


def test_a_rule_with_impossible_thresholds_is_not_saved(world):
    rule = WarningRule.objects.get(code="complaint-burst")
    data = {"enabled": True, "level": "red", "handling_days": 5, "effective_from": "2024-01-01",
            "thresholds": {"count": -1, "days": 0}}  # fmt: skip
    with pytest.raises(FieldErrors) as exc:
        services.update_rule(actor=world["city_admin"], channel="form", rule=rule, data=data)
    assert {"threshold_count", "threshold_days"} <= set(exc.value.errors)
    rule.refresh_from_db()
    assert (rule.level, rule.version, rule.thresholds) == ("orange", 1, {"count": 3, "days": 90})
    data["thresholds"] = {"count": "4", "days": "60"}
    services.update_rule(actor=world["city_admin"], channel="form", rule=rule, data=data)
    rule.refresh_from_db()
    assert (rule.level, rule.version, rule.thresholds) == ("red", 2, {"count": 4, "days": 60})


def test_the_nightly_duties_run_the_warnings_and_the_command_alone_does_too(world, today_is):
    from io import StringIO

    from django.core.management import call_command

    today_is(D(2026, 6, 2))
    out = StringIO()
    call_command("cases", "daily", "--as-of", "2026-06-01", stdout=out)
    assert "风险预警（2026-06-01）" in out.getvalue()
    assert burst(world["a"]).get().first_seen == D(2026, 6, 1)
    out = StringIO()
    call_command("riskwarnings", "daily", "--as-of", "2026-06-01", stdout=out)
    assert "新预警 0" in out.getvalue()  # the same day again: nothing new
