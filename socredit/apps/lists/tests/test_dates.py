"""Dates in the list workflow: penalties dated by their decisions (R1.12(5) end to end), no decision
before the decision date of a record it relies on, no run or decision dated after today, and the
profile switches of R1.9 / R1.13."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from socredit.apps.cases.models import CaseStep
from socredit.apps.evaluation.models import EvaluationRun
from socredit.apps.lists import services
from socredit.apps.lists.models import (
    ListDecision,
    ListEntry,
    ListNotice,
    ListProposal,
    ListRun,
    PersonListing,
)
from socredit.apps.lists.tests.conftest import ago, confirm, notify, waive
from socredit.common import policy
from socredit.common.errors import FieldErrors
from socredit.testing import factories

pytestmark = pytest.mark.django_db

D = dt.date


def open_proposals(org):
    return {(p.list, p.ground): p for p in ListProposal.objects.filter(organization=org, status="proposed")}


# --- R1.12(5) end to end: the window runs over penalty decision dates --------------------------------


def test_two_warnings_decided_on_the_corresponding_day_three_years_apart_propose_the_serious_list(
    org, actor, today_is
):
    """The conducts are more than three years apart; the decisions are exactly three years apart
    (the second on the corresponding day is still 三年内): a conduct-date window would miss it."""
    today_is(D(2026, 3, 10))
    first = factories.record(org, "penalty_warning", occurred_on=D(2022, 12, 1), decided_on=D(2023, 3, 10))
    second = factories.record(org, "penalty_warning", occurred_on=D(2025, 12, 20), decided_on=D(2026, 3, 10))
    proposals = open_proposals(org)
    serious = proposals[("serious", "R1.12(5)")]
    assert serious.trigger_record_id == second.pk and serious.arose_on == D(2026, 3, 10)
    assert sorted(r.pk for r in serious.records.all()) == [first.pk, second.pk]


def test_a_second_warning_decided_three_years_and_a_day_later_is_no_repeat(org, actor, today_is):
    """Both conducts fall inside three years; the decisions are three years and a day apart: no
    R1.12(5) (a conduct-date window would propose the serious list)."""
    today_is(D(2026, 3, 11))
    factories.record(org, "penalty_warning", occurred_on=D(2023, 1, 15), decided_on=D(2023, 3, 10))
    factories.record(org, "penalty_warning", occurred_on=D(2025, 10, 1), decided_on=D(2026, 3, 11))
    services.daily_run(actor)
    assert set(open_proposals(org)) == {("abnormal", "R1.6(5)")}


# --- no decision before the decision date of the record relied on -------------------------------------


def test_a_listing_dated_before_the_penalty_decision_it_relies_on_is_refused_with_the_record_named(
    org, actor
):
    factories.record(
        org, "penalty_warning", occurred_on=ago(100), decided_on=ago(10), document_number="郑民罚〔2026〕77号"
    )
    p = open_proposals(org)[("abnormal", "R1.6(5)")]
    assert p.arose_on == ago(10)  # the ground arose with the decision, not the conduct
    with pytest.raises(FieldErrors) as refused:
        services.serve_notice(actor, p, "written", ago(20), "郑民告〔2026〕9号")
    assert "郑民罚〔2026〕77号" in refused.value.errors["served_on"][0]
    assert str(ago(10)) in refused.value.errors["served_on"][0]
    waive(actor, notify(actor, p, ago(5)), ago(5))
    with pytest.raises(FieldErrors) as refused:
        services.confirm_proposal(actor, p, document_number="郑民名〔2026〕9号", decided_on=ago(11))
    message = refused.value.errors["decided_on"][0]
    assert "郑民罚〔2026〕77号" in message and f"决定日期 {ago(10)}" in message
    assert "#" not in message and "R1." not in message
    assert not ListDecision.objects.exists() and not ListEntry.objects.exists()
    p.refresh_from_db()
    assert p.status == "proposed"
    services.confirm_proposal(actor, p, document_number="郑民名〔2026〕9号", decided_on=ago(4))
    assert ListEntry.objects.get(organization=org).entered_on == ago(4)


def test_an_exemption_before_the_record_decision_is_refused(org, actor):
    factories.record(
        org, "penalty_warning", occurred_on=ago(60), decided_on=ago(10), document_number="郑民罚〔2026〕78号"
    )
    p = open_proposals(org)[("abnormal", "R1.6(5)")]
    with pytest.raises(FieldErrors) as refused:
        services.exempt_proposal(actor, p, certificate="主管单位证明", document_number="郑民免〔2026〕1号",
                                 decided_on=ago(30))  # fmt: skip
    assert "郑民罚〔2026〕78号" in refused.value.errors["decided_on"][0]
    assert not ListDecision.objects.exists()


# --- nothing dated after today -----------------------------------------------------------------------


def test_the_daily_run_refuses_a_future_day_and_writes_nothing(org, actor):
    factories.record(org, "penalty_warning", occurred_on=ago(3))
    ListProposal.objects.all().delete()
    tomorrow = ago(-1)
    with pytest.raises(FieldErrors) as refused:
        services.daily_run(actor, tomorrow)
    assert str(tomorrow) in refused.value.errors["as_of"][0]
    with pytest.raises(FieldErrors):
        services.propose_from_records([org.pk], tomorrow)
    with pytest.raises(FieldErrors):
        services.retention_sweep(actor, tomorrow)
    with pytest.raises(FieldErrors):
        services.red_list_publication(actor, tomorrow.year, as_of=tomorrow)
    assert not ListRun.objects.exists() and not ListProposal.objects.exists()


@pytest.mark.parametrize(
    "args",
    [("lists", "run"), ("lists", "retention"), ("cases", "daily"), ("evaluate",)],
    ids=["lists run", "lists retention", "cases daily", "evaluate"],
)
def test_commands_refuse_a_future_as_of_with_a_clear_message(org, actor, args):
    factories.record(org, "penalty_warning", occurred_on=ago(3))
    ListProposal.objects.all().delete()
    tomorrow = ago(-1)
    runs_before = EvaluationRun.objects.count()
    with pytest.raises(CommandError) as refused:
        call_command(*args, "--as-of", tomorrow.isoformat(), stdout=StringIO(), stderr=StringIO())
    assert "--as-of" in str(refused.value) and tomorrow.isoformat() in str(refused.value)
    assert "晚于今天" in str(refused.value)
    assert not ListRun.objects.exists() and not ListProposal.objects.exists()
    assert EvaluationRun.objects.count() == runs_before
    assert not CaseStep.objects.filter(escalated_on__isnull=False).exists()


def test_decisions_dated_after_today_are_refused_on_their_field(org, actor):
    factories.record(org, "penalty_warning", occurred_on=ago(10))
    p = open_proposals(org)[("abnormal", "R1.6(5)")]
    tomorrow = ago(-1)
    with pytest.raises(FieldErrors) as refused:
        services.serve_notice(actor, p, "written", tomorrow, "郑民告〔2026〕3号")
    assert "served_on" in refused.value.errors
    notify(actor, p, ago(2))
    with pytest.raises(FieldErrors) as refused:
        services.confirm_proposal(actor, p, document_number="郑民名〔2026〕3号", decided_on=tomorrow)
    assert "decided_on" in refused.value.errors
    with pytest.raises(FieldErrors) as refused:
        services.dismiss_proposal(actor, p, reason="不予列入", decided_on=tomorrow)
    assert "decided_on" in refused.value.errors
    p.refresh_from_db()
    assert p.status == "proposed" and not ListDecision.objects.exists()
    assert ListNotice.objects.count() == 1


# --- R1.9 / R1.13 switched by the profile ----------------------------------------------------------


@pytest.mark.parametrize("restart", [True, False])
def test_restart_on_new_event_decides_whether_a_confirmed_restart_moves_the_clock(
    org, actor, monkeypatch, restart
):
    national = policy.policy_profile(services.today())
    local = national.with_overrides({"lists.abnormal.restart_on_new_event": restart}, authority="测试")
    monkeypatch.setattr(policy, "policy_profile", lambda day, *args, **kwargs: local)
    factories.record(org, "penalty_warning", occurred_on=ago(60))
    first = open_proposals(org)[("abnormal", "R1.6(5)")]
    confirm(actor, first, ago(50), "郑民名〔2026〕1号")
    factories.record(org, "annual_report_missing", occurred_on=ago(20))
    again = open_proposals(org)[("abnormal", "R1.6(1)")]
    assert again.action == "restart"
    decision = services.confirm_proposal(
        actor, again, document_number="郑民名〔2026〕2号", decided_on=ago(10)
    )
    entry = ListEntry.objects.get(organization=org)
    assert entry.clock_start == (ago(20) if restart else ago(50))
    assert ("不重新计算" in decision.notice_text) is not restart


def test_the_proposal_page_shows_an_early_or_future_date_on_its_field(org, personas, login):
    factories.record(
        org, "penalty_warning", occurred_on=ago(90), decided_on=ago(10), document_number="郑民罚〔2026〕79号"
    )
    p = open_proposals(org)[("abnormal", "R1.6(5)")]
    client = login(personas["staff_jinshui"])
    early = client.post(
        reverse("lists:proposal_notice", args=[p.pk]),
        {"method": "written", "served_on": ago(12).isoformat(), "document_number": "郑民告〔2026〕11号"},
    )
    html = early.content.decode()
    assert early.status_code == 400 and "郑民罚〔2026〕79号" in html and f"决定日期 {ago(10)}" in html
    future = client.post(
        reverse("lists:proposal_confirm", args=[p.pk]),
        {"document_number": "郑民名〔2026〕11号", "decided_on": ago(-1).isoformat(), "authority": ""},
    )
    assert future.status_code == 400 and "不能晚于今天" in future.content.decode()
    assert not ListNotice.objects.exists() and not ListDecision.objects.exists()


def test_the_person_retention_clock_runs_from_the_conduct_not_the_decision(org, actor):
    """R7.1: five years from the end of the conduct; the listing itself arose on the decision date."""
    factories.record(org, "penalty_fine", amount="60000", occurred_on=D(2025, 6, 1), decided_on=ago(10))
    p = open_proposals(org)[("serious", "R1.12(4)")]
    assert p.arose_on == ago(10)
    confirm(actor, p, ago(5), "郑民名〔2026〕12号")
    [person] = PersonListing.objects.filter(organization=org)
    assert person.act_end == D(2025, 6, 1) and person.retention_until == D(2030, 6, 1)
