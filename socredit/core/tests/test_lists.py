"""The list rules (socredit/core/lists): the legal case table cases/lists.toml, the grounds table,
the profile parameters, and the daily run's idempotence on random histories."""

import datetime as dt
import random
import re
import tomllib
from dataclasses import fields, replace
from pathlib import Path

import pytest

from socredit.core.catalogue import reference_kind_codes, reference_kinds
from socredit.core.citations import internal_codes_in
from socredit.core.lists import (
    EXITS,
    GROUNDS,
    Entry,
    Fulfilment,
    ListingHistory,
    ListParameters,
    ListRecord,
    Mailing,
    RedStanding,
    address_unreachable_established,
    apply_all,
    daily_run,
    entry_grounds,
    fundraising_idle_established,
    records_from_facts,
    red_list_candidates,
    red_list_failures,
    removal_on_application,
    restart_clock,
    serious_removal_on_application,
    status_on,
)
from socredit.core.lists.engine import Restart
from socredit.core.scoring.facts import fact_row, facts_from_rows

D = dt.date
CASES = tomllib.loads((Path(__file__).parent / "cases" / "lists.toml").read_text(encoding="utf-8"))["case"]


class WeekdayCalendar:
    """Working days are Monday to Friday (holidays are the real calendar's business)."""

    def add_working_days(self, day, n):
        while n > 0:
            day += dt.timedelta(days=1)
            if day.weekday() < 5:
                n -= 1
        return day


CAL = WeekdayCalendar()


# --- building inputs from a case ----------------------------------------------------------------


def make_records(case):
    return [
        ListRecord(
            record_id=r["id"],
            org_id=r.get("org", 1),
            kind=r["kind"],
            day=r["date"],
            amount=r.get("amount"),
            status=r.get("status", 1),
            ended=r.get("ended"),
            decided_on=r.get("decided"),
        )
        for r in case.get("records", [])
    ]


def make_histories(case):
    by_org = {}
    for e in case.get("history", []):
        org = e.get("org", 1)
        restarts = tuple(
            Restart(r["day"], r["ground"], r.get("arose", r["day"]), (), r.get("trigger"))
            for r in e.get("restarts", [])
        )
        entry = Entry(
            org_id=org,
            list=e["list"],
            ground=e["ground"],
            entered_on=e["entered"],
            clock_start=e.get("clock", e["entered"]),
            record_ids=tuple(e.get("records", [])),
            trigger_record_id=e.get("trigger"),
            left_on=e.get("left"),
            exit_ground=e.get("exit"),
            restarts=restarts,
            arose_on=e.get("arose"),
        )
        h = by_org.setdefault(org, ListingHistory(org))
        by_org[org] = replace(h, entries=(*h.entries, entry))
    return by_org


def make_params(case):
    return replace(ListParameters(), **case.get("params", {}))


def action_text(p):
    return f"{p.action} {p.list} {p.ground}"


# --- the case runner ----------------------------------------------------------------------------


def check_entry(case, params):
    hits = entry_grounds(make_records(case), case["as_of"], params)
    exp = case["expect"]
    assert sorted(h.ground for h in hits) == sorted(exp["grounds"])
    assert sorted(h.ground for h in hits if h.needs_confirmation) == sorted(exp.get("confirm", []))
    for h in hits:
        assert h.arose_on <= case["as_of"]
        # what a reader reads: the law and the situation, never the item code (kept in h.ground)
        assert h.basis.startswith("《社会组织信用信息管理办法》") and not internal_codes_in(h.basis + h.note)
    if "records" in exp:
        serious = [h for h in hits if h.ground == "R1.12(5)"]
        assert list(serious[0].record_ids) == exp["records"]


def check_daily(case, params):
    records = make_records(case)
    histories = make_histories(case)
    as_of = case["as_of"]
    exp = case["expect"]
    proposals = daily_run(histories, records, as_of, params)
    assert [action_text(p) for p in proposals] == exp["actions"]
    if "confirm" in exp:
        assert [p.needs_confirmation for p in proposals] == exp["confirm"]
    if "notice" in exp:
        assert [p.notice_required for p in proposals] == exp["notice"]
    for p in proposals:
        assert p.reason and p.basis.startswith("《社会组织信用信息管理办法》")
        assert not internal_codes_in(p.reason + p.basis + p.note)
        assert p.due_on <= p.effective_on == as_of
    if case.get("exempt"):
        proposals = [replace(p, exempted_by_certificate=True) for p in proposals]
    org = 1
    before = status_on(histories.get(org, ListingHistory(org)), as_of)
    applied = apply_all(histories, proposals)
    after = status_on(applied.get(org, ListingHistory(org)), as_of)
    assert (before, after) == (exp.get("before", before), exp.get("after", after))
    # idempotence: the same day, once applied, proposes nothing more
    assert daily_run(applied, records, as_of, params) == []
    if "clock" in exp:
        assert applied[org].entry_on(as_of).clock_start == exp["clock"]
    if "grounds" in exp:
        assert list(applied[org].entry_on(as_of).grounds) == exp["grounds"]
    if "exits" in exp:
        exits = [e.exit_ground for e in applied[org].entries if e.exit_ground]
        assert exits == exp["exits"]


def check_status(case, params):
    history = make_histories(case)[1]
    for day, status in case["expect"]["statuses"]:
        assert status_on(history, day) == status, day


def _fulfilment(case, records):
    app = case["application"]
    evidence = set(app.get("evidence", []))
    return Fulfilment(tuple(r for r in records if r.record_id in evidence), app.get("staff", False))


def _check_exit(decision, exp, as_of):
    assert decision.allowed is exp["allowed"]
    if "reason" in exp:
        assert exp["reason"] in decision.reason
    if "reason_is" in exp:
        assert decision.reason == exp["reason_is"]
    assert decision.reason
    assert decision.basis.startswith("《社会组织信用信息管理办法》")
    assert not internal_codes_in(decision.reason + decision.basis)
    if exp["allowed"]:
        assert decision.exit_ground == exp["exit"]
        assert decision.deadline == exp["deadline"]
        assert decision.overdue is exp.get("overdue", False)
        assert decision.effective_on == as_of
    else:
        assert decision.exit_ground is None


def check_application(case, params):
    records = make_records(case)
    history = make_histories(case)[1]
    app = case["application"]
    entry = [e for e in history.entries if e.list == "abnormal"][-1]
    decision = removal_on_application(
        entry, app["applied"], app["verified"], _fulfilment(case, records), case["as_of"], params, CAL
    )
    _check_exit(decision, case["expect"], case["as_of"])


def check_serious_application(case, params):
    records = make_records(case)
    history = make_histories(case)[1]
    app = case["application"]
    decision = serious_removal_on_application(
        history,
        records,
        app["applied"],
        app["verified"],
        _fulfilment(case, records),
        case["as_of"],
        params,
        CAL,
    )
    _check_exit(decision, case["expect"], case["as_of"])


def check_unreachable(case, params):
    mailings = [Mailing(m["sent"], m["signed"]) for m in case["mailings"]]
    finding = address_unreachable_established(mailings, params)
    assert finding.established is case["expect"]["established"]
    assert finding.reason


def check_idle(case, params):
    assert fundraising_idle_established(case["last"], case["as_of"], params) is case["expect"]["established"]


def check_red(case, params):
    s = case["standing"]
    standing = RedStanding(1, s["level"], s.get("grade"))
    records = make_records(case)
    histories = make_histories(case)
    cands = red_list_candidates([standing], records, case["as_of"], params, histories)
    fails = red_list_failures([standing], records, case["as_of"], params, histories)
    exp = case["expect"]
    assert bool(cands) is exp["eligible"]
    assert bool(fails) is not exp["eligible"]
    if "reason" in exp:
        assert exp["reason"] in "；".join(fails[0].reasons)


CHECKS = {
    "entry": check_entry,
    "daily": check_daily,
    "status": check_status,
    "application": check_application,
    "serious_application": check_serious_application,
    "unreachable": check_unreachable,
    "idle": check_idle,
    "red": check_red,
}


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_legal_case(case):
    CHECKS[case["check"]](case, make_params(case))


def test_every_ground_of_entry_and_exit_has_a_hit_and_a_miss():
    cited = {}
    for c in CASES:
        for code in re.findall(r"R\d+\.\d+(?:\([a-z0-9]+\))?", c["citation"]):
            cited.setdefault(code, []).append(c)
    decidable = [g.code for g in GROUNDS if g.trigger_kinds or g.code == "R1.12(1)"]
    for code in [*decidable, *(e.code for e in EXITS), "R1.7", "R1.8", "R1.9", "R1.13"]:
        assert len(cited.get(code, [])) >= 2 or code in ("R1.8",), code


# --- the grounds table --------------------------------------------------------------------------


def test_the_grounds_are_exactly_the_seven_and_the_eight_cases():
    assert [g.code for g in GROUNDS if g.list == "abnormal"] == [f"R1.6({i})" for i in range(1, 8)]
    assert [g.code for g in GROUNDS if g.list == "serious"] == [f"R1.12({i})" for i in range(1, 9)]
    known = reference_kind_codes()
    for g in GROUNDS:
        assert set(g.trigger_kinds) | set(g.confirm_kinds) | set(g.fulfilment_kinds) <= known, g.code
        assert g.title and g.tag in ("VERIFIED", "SECONDARY", "DRAFT-ONLY", "UNVERIFIED")
    manual = {g.code for g in GROUNDS if not g.automatic}
    assert manual == {"R1.6(2)", "R1.6(7)", "R1.12(2)", "R1.12(8)"}
    assert all(not g.trigger_kinds for g in GROUNDS if not g.automatic)
    assert {g.code for g in GROUNDS if not g.involves_obligation} == {"R1.6(5)"}


# --- parameters ---------------------------------------------------------------------------------


class StubProfile:
    def __init__(self, values):
        self.values = values

    def value(self, key):
        return self.values[key]


NATIONAL = {
    "lists.abnormal.auto_removal_months": 6,
    "lists.abnormal.removal_working_days": 5,
    "lists.abnormal.transfer_years": 2,
    "lists.abnormal.mail_interval_min_days": 15,
    "lists.abnormal.mail_interval_max_days": 30,
    "lists.abnormal.mail_letters": 2,
    "lists.abnormal.restart_on_new_event": True,
    "lists.abnormal.fundraising_idle_months": 6,
    "lists.serious.fine_threshold_yuan": 50000,
    "lists.serious.repeat_window_years": 3,
    "lists.serious.repeat_count": 2,
    "lists.serious.removal_min_years": 2,
    "lists.serious.removal_working_days": 5,
    "lists.serious.restart_on_new_event": True,
    "lists.notice.required": True,
    "lists.red.min_level": "A",
    "lists.red.clean_years": 3,
    "lists.red.min_grade": "grade_4a",
    "lists.red.require_commitment": True,
}


def test_parameters_are_read_from_the_profile_by_their_keys():
    params = ListParameters.from_profile(StubProfile(NATIONAL))
    assert params == ListParameters()
    assert set(ListParameters.KEYS) == {f.name for f in fields(ListParameters)}
    assert set(ListParameters.KEYS.values()) == set(NATIONAL)
    assert ListParameters.key("fine_threshold_yuan") == "lists.serious.fine_threshold_yuan"
    local = ListParameters.from_profile(StubProfile({**NATIONAL, "lists.serious.fine_threshold_yuan": 10000}))
    fine = [ListRecord(1, 1, "penalty_fine", D(2025, 1, 1), 20000)]
    assert [h.ground for h in entry_grounds(fine, D(2025, 1, 1), params)] == ["R1.6(5)"]
    assert [h.ground for h in entry_grounds(fine, D(2025, 1, 1), local)] == ["R1.12(4)"]
    with pytest.raises(ValueError, match="布尔"):
        ListParameters.from_profile(StubProfile({**NATIONAL, "lists.notice.required": "yes"}))


def test_notice_can_be_switched_off_by_the_profile():
    records = [ListRecord(1, 1, "penalty_warning", D(2025, 1, 1))]
    off = replace(ListParameters(), notice_required=False)
    assert [p.notice_required for p in daily_run({}, records, D(2025, 1, 1), off)] == [False]


# --- facts frame input --------------------------------------------------------------------------


def test_records_from_the_facts_frame():
    kind_ids = {row["code"]: i + 1 for i, row in enumerate(reference_kinds())}
    rows = [
        fact_row(
            record_id=1,
            org_id=9,
            kind=kind_ids["penalty_fine"],
            status=1,
            dishonesty_class="general",
            occurred_on=D(2025, 2, 1),
            publicity_until=None,
            ended_on=None,
            amount=60000,
        ),
        fact_row(
            record_id=2,
            org_id=9,
            kind=kind_ids["penalty_warning"],
            status=1,
            dishonesty_class="",
            occurred_on=D(2025, 3, 1),
            publicity_until=D(2025, 6, 1),
            ended_on=None,
            amount=None,
        ),
    ]
    records = records_from_facts(facts_from_rows(rows), {v: k for k, v in kind_ids.items()})
    assert records[0] == ListRecord(1, 9, "penalty_fine", D(2025, 2, 1), 60000.0, 1, None)
    assert records[1].amount is None and records[1].ended is None
    # a kind the list rules do not know is skipped, and the rows after it are still read; the end of
    # a record's effect and a decision's date come through
    ended = [
        fact_row(record_id=3, org_id=9, kind=999, status=1, dishonesty_class="", occurred_on=D(2025, 1, 5),
                 publicity_until=None, ended_on=None, amount=None),
        *rows,
        fact_row(record_id=4, org_id=10, kind=kind_ids["penalty_warning"], status=1, dishonesty_class="",
                 occurred_on=D(2025, 4, 1), publicity_until=None, ended_on=D(2025, 9, 30), amount=None),
    ]  # fmt: skip
    known = {v: k for k, v in kind_ids.items()}
    again = records_from_facts(facts_from_rows(ended), known, decided_on={1: D(2025, 2, 20)})
    assert [r.record_id for r in again] == [1, 2, 4]
    assert again[0].decided_on == D(2025, 2, 20) and again[1].decided_on is None
    assert again[2].ended == D(2025, 9, 30) and again[2].org_id == 10 and again[2].status == 1
    assert [h.ground for h in entry_grounds(records, D(2025, 3, 1), ListParameters())] == [
        "R1.12(4)",
        "R1.6(5)",
    ]


# --- the daily run on random data: idempotent, one organization = many --------------------------

KINDS = [
    "penalty_warning",
    "penalty_fine",
    "annual_report_missing",
    "annual_report_on_time",
    "address_unreachable",
    "rectification_overdue",
    "penalty_suspension",
    "penalty_certificate_revoked",
    "deregistration",
    "dishonest_debtor",
]


def random_records(rng, orgs, start, days):
    out = []
    rid = 1
    for org in range(1, orgs + 1):
        for _ in range(rng.randint(0, 6)):
            kind = rng.choice(KINDS)
            amount = rng.choice([1000, 49999, 50000, 80000]) if kind == "penalty_fine" else None
            out.append(ListRecord(rid, org, kind, start + dt.timedelta(days=rng.randrange(days)), amount))
            rid += 1
    return out


@pytest.mark.parametrize("seed", range(6))
def test_daily_run_is_idempotent_and_per_organization(seed):
    rng = random.Random(seed)
    params = ListParameters()
    start = D(2023, 1, 1)
    records = random_records(rng, 12, start, 4 * 365)
    histories = {}
    for step in range(0, 5 * 365, 9):
        day = start + dt.timedelta(days=step)
        proposals = daily_run(histories, records, day, params)
        for org in {p.org_id for p in proposals}:
            alone = daily_run(
                {org: histories[org]} if org in histories else {},
                [r for r in records if r.org_id == org],
                day,
                params,
            )
            assert alone == [p for p in proposals if p.org_id == org]
        histories = apply_all(histories, proposals)
        assert daily_run(histories, records, day, params) == []
        for h in histories.values():
            assert sum(1 for e in h.entries if e.active_on(day)) <= 1
            assert status_on(h, day) in ("normal", "abnormal", "serious")


def test_a_verification_before_the_application_is_refused_by_name():
    entry = Entry(
        org_id=1, list="abnormal", ground="R1.6(3)", entered_on=D(2025, 1, 10), clock_start=D(2025, 1, 10)
    )
    facts = Fulfilment(confirmed_by_staff=True)
    with pytest.raises(ValueError, match="^查实日期不能早于申请日期$"):
        removal_on_application(
            entry, D(2025, 5, 12), D(2025, 5, 11), facts, D(2025, 5, 14), ListParameters(), CAL
        )


# --- a new ground while listed (R1.9, R1.13) ------------------------------------------------------


def _listed(list_name, ground, day):
    return ListingHistory(7, (Entry(7, list_name, ground, day, day, record_ids=(1,), trigger_record_id=1),))


@pytest.mark.parametrize("list_name, ground", [("abnormal", "R1.6(5)"), ("serious", "R1.12(4)")])
def test_a_new_ground_while_listed_restarts_the_period_without_a_notice(list_name, ground):
    history = _listed(list_name, ground, D(2025, 1, 10))
    warning = [ListRecord(2, 7, "penalty_warning", D(2025, 3, 3))]
    [proposal] = daily_run({7: history}, warning, D(2025, 3, 3), ListParameters())
    assert (proposal.action, proposal.list, proposal.ground) == ("restart", list_name, "R1.6(5)")
    assert proposal.record_ids == (2,) and proposal.trigger_record_id == 2
    assert not proposal.notice_required and proposal.restarts_clock
    assert proposal.reason.endswith("列入时限重新计算") and not re.search(r"R\d", proposal.reason)
    # a profile that keeps the period running: the ground joins the entry, the clock stays
    key = "abnormal_restart_on_new_event" if list_name == "abnormal" else "serious_restart_on_new_event"
    params = replace(ListParameters(), **{key: False})
    [kept] = daily_run({7: history}, warning, D(2025, 3, 3), params)
    assert kept.action == "restart" and not kept.restarts_clock and "不重新计算" in kept.reason
    assert not kept.notice_required


def test_a_restart_moves_the_clock_and_keeps_what_restarted_it():
    history = _listed("abnormal", "R1.6(5)", D(2025, 1, 10))
    warning = [ListRecord(2, 7, "penalty_warning", D(2025, 3, 3))]
    [hit] = entry_grounds(warning, D(2025, 3, 5), ListParameters())
    moved = restart_clock(history, hit, D(2025, 3, 5))  # the clock moves unless told otherwise
    [entry] = moved.entries
    assert entry.clock_start == D(2025, 3, 3)
    assert entry.restarts == (Restart(D(2025, 3, 5), "R1.6(5)", D(2025, 3, 3), (2,), 2),)
    assert entry.grounds == ("R1.6(5)", "R1.6(5)") and entry.consumed == frozenset({1, 2})
    stays = restart_clock(history, hit, D(2025, 3, 5), moves_clock=False)
    assert stays.entries[0].clock_start == D(2025, 1, 10) and len(stays.entries[0].restarts) == 1
    with pytest.raises(ValueError, match="未列入名录"):
        restart_clock(ListingHistory(8), hit, D(2025, 3, 5))
