"""The list services: live proposals, decisions, refusals, removals, the daily run, persons, profiles."""

from __future__ import annotations

import datetime as dt

import pytest

from socredit.apps.evaluation.models import CreditScore, LevelChange
from socredit.apps.lists import screening, services
from socredit.apps.lists.models import (
    ListDecision,
    ListEntry,
    ListProposal,
    ListRun,
    PersonListing,
    RemovalApplication,
)
from socredit.apps.lists.tests.conftest import ago, confirm, notify, waive, without_notice
from socredit.apps.records.services import revoke_record
from socredit.common import policy
from socredit.common.errors import FieldErrors
from socredit.core.calendar import WorkingCalendar
from socredit.testing import factories

pytestmark = pytest.mark.django_db


def open_proposals(org):
    return list(ListProposal.objects.filter(organization=org, status="proposed"))


def test_a_warning_proposes_the_abnormal_list_at_once_and_only_once(org, actor):
    rec = factories.record(org, "penalty_warning", occurred_on=ago(10))
    [p] = open_proposals(org)
    assert (p.list, p.ground, p.trigger_record_id, p.arose_on) == ("abnormal", "R1.6(5)", rec.pk, ago(10))
    assert [r.pk for r in p.records.all()] == [rec.pk]
    services.propose_from_records([org.pk])
    assert len(open_proposals(org)) == 1


def test_a_fine_of_the_threshold_proposes_the_serious_list_and_one_yuan_less_the_abnormal(org, actor):
    factories.record(org, "penalty_fine", amount="50000", occurred_on=ago(10))
    other = factories.organization("410105")
    factories.record(other, "penalty_fine", amount="49999", occurred_on=ago(10))
    assert [(p.list, p.ground) for p in open_proposals(org)] == [("serious", "R1.12(4)")]
    assert [(p.list, p.ground) for p in open_proposals(other)] == [("abnormal", "R1.6(5)")]


def test_confirming_a_serious_proposal_lists_scores_d_and_lists_the_legal_representative(org, actor):
    factories.record(org, "penalty_fine", amount="60000", occurred_on=ago(10))
    [p] = open_proposals(org)
    decision = confirm(actor, p, ago(5))
    entry = ListEntry.objects.get(organization=org)
    assert (entry.list, entry.ground, entry.entered_on, entry.left_on) == (
        "serious",
        "R1.12(4)",
        ago(5),
        None,
    )
    assert entry.entry_decision == decision and decision.kind == "entry"
    assert decision.document_number == "郑民名〔2026〕1号" and decision.confirmed_by == actor
    assert decision.legal_basis == "《社会组织信用信息管理办法》（民政部令第60号）：受到5万元以上罚款处罚"
    assert org.name in decision.notice_text and "列入严重违法失信名单" in decision.notice_text
    assert CreditScore.objects.get(organization=org).level == "D"
    assert LevelChange.objects.filter(organization=org, to_level="D").exists()
    [person] = PersonListing.objects.filter(organization=org)
    assert (person.person_name, person.post, person.public) == ("李法人", "legal_rep", True)
    assert person.retention_until == dt.date(ago(10).year + 5, ago(10).month, ago(10).day)
    p.refresh_from_db()
    assert p.status == "confirmed" and p.decision == decision


def test_confirming_an_abnormal_proposal_caps_the_level_at_c(org, actor):
    factories.record(org, "grade_5a", occurred_on=ago(400))
    assert CreditScore.objects.get(organization=org).level == "A"
    factories.record(org, "penalty_warning", occurred_on=ago(10))
    [p] = open_proposals(org)
    confirm(actor, p, ago(3))
    assert CreditScore.objects.get(organization=org).level in ("C", "D")
    assert LevelChange.objects.filter(organization=org, to_level="C").exists()


def test_a_second_ground_while_listed_restarts_the_clock(org, actor):
    factories.record(org, "annual_report_missing", occurred_on=ago(100))
    confirm(actor, open_proposals(org)[0], ago(90))
    factories.record(org, "rectification_overdue", occurred_on=ago(20))
    [p] = open_proposals(org)
    decision = confirm(actor, p, ago(10), "郑民名〔2026〕2号")
    entry = ListEntry.objects.get(organization=org)
    assert decision.kind == "restart" and decision.entry == entry
    assert (entry.entered_on, entry.clock_start) == (ago(90), ago(20))


def test_bad_decisions_are_refused_with_the_reason(org, actor):
    rec = factories.record(org, "penalty_warning", occurred_on=ago(10))
    [p] = open_proposals(org)
    with pytest.raises(FieldErrors) as err:
        services.confirm_proposal(actor, p, document_number=" ", decided_on=None)
    assert set(err.value.errors) == {"document_number", "decided_on"}
    with pytest.raises(FieldErrors) as err:
        services.confirm_proposal(actor, p, document_number="X1", decided_on=ago(20))
    assert "decided_on" in err.value.errors
    notify(actor, p, ago(2))
    revoke_record(actor=actor, channel="form", record=rec, reason="处罚决定被撤销")
    with pytest.raises(FieldErrors) as err:  # withdrawn with the revocation (withdraw_unsupported)
        services.confirm_proposal(actor, p, document_number="X1", decided_on=ago(1))
    assert "已处理" in err.value.errors["__all__"][0]
    assert not ListEntry.objects.filter(organization=org).exists()
    assert not ListDecision.objects.filter(organization=org).exists()


def test_a_proposal_without_a_ground_is_refused(org, actor):
    p = ListProposal.objects.create(organization=org, list="abnormal", ground="", arose_on=ago(5))
    with pytest.raises(FieldErrors) as err:
        confirm(actor, p, ago(1))
    assert "ground" in err.value.errors


def _abnormal_entry(org, actor, listed_days_ago=90):
    factories.record(org, "annual_report_missing", occurred_on=ago(listed_days_ago + 10))
    confirm(actor, open_proposals(org)[0], ago(listed_days_ago))
    return ListEntry.objects.get(organization=org)


def test_removal_on_application_within_the_deadline(org, actor):
    entry = _abnormal_entry(org, actor)
    app = services.apply_for_removal(actor, entry, evidence="已补报年度工作报告", applied_on=ago(6))
    app = services.verify_removal(actor, app, verified_on=ago(5))
    assert app.deadline == WorkingCalendar().add_working_days(ago(5), 5)
    app = services.decide_removal(
        actor, app, approve=True, decided_on=ago(4), document_number="郑民移〔2026〕1号"
    )
    entry.refresh_from_db()
    assert (app.status, app.overdue, entry.left_on, entry.exit_ground) == (
        "approved",
        False,
        ago(4),
        "R1.10(a)",
    )
    assert CreditScore.objects.get(organization=org).level != "D"


def test_removal_on_application_past_the_deadline_is_flagged(org, actor):
    entry = _abnormal_entry(org, actor)
    app = services.apply_for_removal(actor, entry, evidence="已补报", applied_on=ago(40))
    app = services.verify_removal(actor, app, verified_on=ago(30))
    app = services.decide_removal(
        actor, app, approve=True, decided_on=ago(0), document_number="郑民移〔2026〕2号"
    )
    assert app.overdue and "已超过办理时限" in app.reason


def test_refusal_needs_a_reason_and_serious_removal_before_two_years_is_refused(org, actor):
    factories.record(org, "penalty_suspension", occurred_on=ago(40))
    confirm(actor, open_proposals(org)[0], ago(30))
    entry = ListEntry.objects.get(organization=org)
    app = services.apply_for_removal(actor, entry, evidence="已整改", applied_on=ago(5))
    app = services.verify_removal(actor, app, verified_on=ago(4))
    with pytest.raises(FieldErrors) as err:
        services.decide_removal(actor, app, approve=True, decided_on=ago(1), document_number="X")
    assert "未满2年" in err.value.errors["__all__"][0]
    with pytest.raises(FieldErrors) as err:
        services.decide_removal(actor, app, approve=False, decided_on=ago(1))
    assert "reason" in err.value.errors
    app = services.decide_removal(actor, app, approve=False, reason="列入未满2年", decided_on=ago(1))
    assert app.status == RemovalApplication.Status.REFUSED


def test_daily_run_transfers_after_two_full_years_on_the_right_day_and_is_idempotent(org, actor):
    factories.record(org, "annual_report_missing", occurred_on=dt.date(2024, 3, 1))
    confirm(actor, open_proposals(org)[0], dt.date(2024, 3, 10), "A1")
    run = services.daily_run(actor, dt.date(2026, 3, 10))
    assert run.counts["transfers"] == 0 and run.counts["proposals"] == 0
    # R1.5 covers the transfer: the run proposes it (notice, then a decision) instead of making it.
    run = services.daily_run(actor, dt.date(2026, 3, 11))
    assert {k: v for k, v in run.counts.items() if k != "organizations"} == {
        "proposals": 1,
        "transfers": 0,
        "removals": 0,
        "red_removals": 0,
    }
    again = services.daily_run(actor, dt.date(2026, 3, 11))
    assert again.counts == {
        "proposals": 0,
        "transfers": 0,
        "removals": 0,
        "red_removals": 0,
        "organizations": 0,
    }
    assert ListRun.objects.count() == 3
    [transfer] = open_proposals(org)
    assert (transfer.action, transfer.list, transfer.ground, transfer.arose_on) == (
        "transfer",
        "serious",
        "R1.12(1)",
        dt.date(2026, 3, 11),
    )
    with pytest.raises(FieldErrors) as err:
        services.confirm_proposal(actor, transfer, document_number="T1", decided_on=dt.date(2026, 3, 11))
    assert "事先书面告知" in err.value.errors["__all__"][0]
    notice = notify(actor, transfer, dt.date(2026, 3, 11), "告T1")
    assert "满2年" in notice.text and "陈述、申辩" in notice.text
    waive(actor, notice, dt.date(2026, 3, 11))
    decision = services.confirm_proposal(
        actor, transfer, document_number="T1", decided_on=dt.date(2026, 3, 11)
    )
    assert decision.kind == "transfer" and not decision.automatic
    assert "你单位于2026年3月11日书面表示放弃陈述、申辩" in decision.notice_text
    abnormal, serious = ListEntry.objects.filter(organization=org).order_by("entered_on")
    assert (abnormal.left_on, abnormal.exit_ground) == (dt.date(2026, 3, 11), "R1.11")
    assert (serious.list, serious.ground, serious.entered_on) == ("serious", "R1.12(1)", dt.date(2026, 3, 11))
    assert serious.entry_decision.kind == "transfer"
    assert CreditScore.objects.get(organization=org).level == "D"
    assert PersonListing.objects.filter(entry=serious).count() == 1


def test_daily_run_removes_a_warning_entry_after_six_months(org, actor):
    factories.record(org, "penalty_warning", occurred_on=dt.date(2025, 1, 2))
    confirm(actor, open_proposals(org)[0], dt.date(2025, 1, 10), "A2")
    assert services.daily_run(actor, dt.date(2025, 7, 10)).counts["removals"] == 0
    assert services.daily_run(actor, dt.date(2025, 7, 11)).counts["removals"] == 1
    entry = ListEntry.objects.get(organization=org)
    assert (entry.left_on, entry.exit_ground) == (dt.date(2025, 7, 11), "R1.10(b)")


def _listed_person_past_retention(org, actor):
    factories.record(org, "penalty_fine", amount="80000", occurred_on=dt.date(2019, 5, 1))
    confirm(actor, open_proposals(org)[0], dt.date(2023, 6, 1), "S1")
    [pl] = PersonListing.objects.all()
    assert pl.retention_until == dt.date(2024, 5, 1)
    assert pl.person is not None and pl.person_name
    assert services.retention_sweep(actor, dt.date(2025, 1, 1)) == 0  # still on the serious list
    entry = ListEntry.objects.get(organization=org)
    entry.left_on = dt.date(2025, 6, 1)
    entry.save()
    return pl


def test_person_listings_are_kept_while_listed_then_archived_after_retention(org, actor):
    """The national default (R7.1, 河南 第十九条 档案保存): the name stays on the internal decision
    file, the listing leaves public view and screening (no person link)."""
    pl = _listed_person_past_retention(org, actor)
    name = pl.person_name
    person = pl.person
    assert screening.listings_in_force(person, dt.date(2025, 1, 1)).count() == 1
    assert services.retention_sweep(actor, dt.date(2025, 6, 2)) == 1
    pl.refresh_from_db()
    assert (pl.public, pl.erased, pl.person, pl.person_name) == (False, False, None, name)
    assert pl.archived_on == dt.date(2025, 6, 2)
    assert screening.listings_in_force(person, dt.date(2025, 6, 2)).count() == 0
    assert services.retention_sweep(actor, dt.date(2025, 6, 3)) == 0  # done once


def test_person_listings_are_erased_where_the_profile_says_erase(org, actor, monkeypatch):
    pl = _listed_person_past_retention(org, actor)
    base = policy.policy_profile

    def erasing(day, region=None):
        return base(day, region).with_overrides({"persons.retention_end_action": "erase"}, authority="测试")

    monkeypatch.setattr(policy, "policy_profile", erasing)
    assert services.retention_sweep(actor, dt.date(2025, 6, 2)) == 1
    pl.refresh_from_db()
    assert (pl.public, pl.erased, pl.person, pl.person_name, pl.archived_on) == (False, True, None, "", None)


def test_a_profile_override_of_the_fine_threshold_changes_the_ground(org, actor, monkeypatch):
    national = policy.policy_profile(ago(0))
    local = national.with_overrides({"lists.serious.fine_threshold_yuan": 10000}, authority="测试")
    monkeypatch.setattr(policy, "policy_profile", lambda day, region=None: local)
    factories.record(org, "penalty_fine", amount="20000", occurred_on=ago(5))
    [p] = open_proposals(org)
    assert (p.list, p.ground) == ("serious", "R1.12(4)")
    decision = confirm(actor, p, ago(1))
    # the document states the fact (the amount) and cites the regulation, never the parameter
    assert "罚款20000元" in decision.notice_text and "fine_threshold_yuan" not in decision.notice_text


def test_exemption_consumes_the_record(org, actor):
    factories.record(org, "penalty_warning", occurred_on=ago(10))
    [p] = open_proposals(org)
    services.exempt_proposal(
        actor, p, certificate="业务主管单位证明", document_number="E1", decided_on=ago(2)
    )
    services.propose_from_records([org.pk])
    assert open_proposals(org) == []
    assert services.daily_run(actor, ago(0)).counts["proposals"] == 0


# --- prior notice (R1.5, R1.7) -------------------------------------------------------------------


def test_confirm_without_a_notice_is_refused_with_the_reason(org, actor):
    factories.record(org, "penalty_warning", occurred_on=ago(10))
    [p] = open_proposals(org)
    assert p.notice_required
    with pytest.raises(FieldErrors) as err:
        services.confirm_proposal(actor, p, document_number="X1", decided_on=ago(2))
    assert "事先书面告知" in err.value.errors["__all__"][0] and "R1." not in err.value.errors["__all__"][0]
    waive(actor, notify(actor, p, ago(3)), ago(3))
    decision = services.confirm_proposal(actor, p, document_number="X1", decided_on=ago(3))
    assert decision.kind == "entry"


def test_a_decision_before_the_notice_was_served_is_refused(org, actor):
    factories.record(org, "penalty_warning", occurred_on=ago(10))
    [p] = open_proposals(org)
    notify(actor, p, ago(3))
    with pytest.raises(FieldErrors) as err:
        services.confirm_proposal(actor, p, document_number="X1", decided_on=ago(4))
    assert (
        "早于事先告知送达之日" in err.value.errors["decided_on"][0]
        and "R1." not in err.value.errors["decided_on"][0]
    )


def test_the_notice_states_facts_reasons_basis_and_rights_and_is_audited(org, actor):
    from socredit.apps.audit.models import AuditEvent

    factories.record(org, "penalty_warning", occurred_on=ago(10), document_number="金民罚〔2026〕7号")
    [p] = open_proposals(org)
    notice = notify(actor, p, ago(2), "郑民告〔2026〕5号")
    assert notice.method == "written" and notice.mailings == [] and notice.served_by == actor
    for part in (
        org.name,
        org.code,
        "金民罚〔2026〕7号",
        "《社会组织信用信息管理办法》（民政部令第60号）",
        "受到警告或者不满5万元罚款处罚",
        "列入活动异常名录",
        "陈述、申辩",
        "（印章）",
        "2026年",
    ):
        assert part in notice.text, part
    assert "R1.6" not in notice.text and notice.document_number == "郑民告〔2026〕5号"
    assert AuditEvent.objects.filter(action="lists.notice", target_id=str(notice.pk)).exists()


def _letters(first, gap, *, first_unsigned=True, second_unsigned=True):
    return [
        {"mailed_on": first, "unsigned": first_unsigned},
        {"mailed_on": first + dt.timedelta(days=gap), "unsigned": second_unsigned},
    ]


def test_announcement_needs_two_unsigned_letters_15_to_30_days_apart(org, actor):
    factories.record(org, "penalty_warning", occurred_on=ago(60))
    [p] = open_proposals(org)
    with pytest.raises(FieldErrors) as err:
        notify(actor, p, ago(1), method="announcement", mailings=_letters(ago(50), 14))
    assert "间隔14日" in err.value.errors["mailings"][0] and "15至30日" in err.value.errors["mailings"][0]
    for first, second in ((False, True), (True, False)):
        with pytest.raises(FieldErrors) as err:
            notify(actor, p, ago(1), method="announcement",
                   mailings=_letters(ago(50), 15, first_unsigned=first, second_unsigned=second))  # fmt: skip
        assert "无人签收" in err.value.errors["mailings"][0]
    with pytest.raises(FieldErrors):
        notify(actor, p, ago(1), method="announcement", mailings=[])
    with pytest.raises(FieldErrors) as err:  # the letters must precede the announcement
        notify(actor, p, ago(40), method="announcement", mailings=_letters(ago(50), 15))
    assert "served_on" in err.value.errors
    notice = notify(actor, p, ago(1), method="announcement", mailings=_letters(ago(50), 15))
    assert notice.method == "announcement" and len(notice.mailings) == 2
    assert all(m["unsigned"] for m in notice.mailings)
    assert "互联网公告" in notice.text and "间隔15日" in notice.unreachable_finding
    assert "自本公告发布之日起5个工作日内" in notice.text
    waive(actor, notice, ago(1))
    assert confirm(actor, p, ago(1)).kind == "entry"


def test_a_profile_without_prior_notice_confirms_directly_and_transfers_automatically(
    org, actor, monkeypatch
):
    without_notice(monkeypatch)
    factories.record(org, "annual_report_missing", occurred_on=dt.date(2023, 3, 1))
    [p] = open_proposals(org)
    assert not p.notice_required
    services.confirm_proposal(actor, p, document_number="A1", decided_on=dt.date(2023, 3, 10))
    run = services.daily_run(actor, dt.date(2025, 3, 11))
    assert {k: v for k, v in run.counts.items() if k != "organizations"} == {
        "proposals": 0,
        "transfers": 1,
        "removals": 0,
        "red_removals": 0,
    }
    serious = ListEntry.objects.get(organization=org, list="serious")
    assert serious.entry_decision.automatic and serious.entered_on == dt.date(2025, 3, 11)


def test_a_staff_proposal_needs_notice_even_if_the_profile_is_read_later(org, actor, monkeypatch):
    factories.record(org, "penalty_warning", occurred_on=ago(10))
    [p] = open_proposals(org)
    without_notice(monkeypatch)
    # The profile in force on the decision day no longer requires notice: confirmed directly.
    assert services.confirm_proposal(actor, p, document_number="X1", decided_on=ago(2)).kind == "entry"
