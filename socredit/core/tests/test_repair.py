"""信用修复 eligibility and publicity windows at the exact boundary dates (民法典 第二百零一至二百零三条):
a period ends on the corresponding day (or the month's last day) and repair is possible from the day
after; the maximum period stops publication from the day after it ends. Values come from the shipped
profiles: national-2026.1 (36号令), national-2023.1 (58号令, no 轻微 class), xinzheng-2019.1 over the national profile (较重 tier
without periods)."""

import dataclasses
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socredit.core.policy import profile_for
from socredit.core.repair import (
    RecordFacts,
    classes_with_maximum,
    eligibility,
    last_start_ended_before,
    period_end,
    publicity_end,
    publicity_window,
)

D = dt.date
NATIONAL = profile_for(D(2026, 6, 1))
OLD = profile_for(D(2025, 6, 1))
XINZHENG = profile_for(D(2026, 6, 1), "xinzheng")


MAY_10 = D(2026, 5, 10)


def facts(cls="general", decided=MAY_10, **changes):
    base = RecordFacts(kind_name="行政处罚：罚款", repairable=True, negative=True, effective=True,
                       status_label="有效", dishonesty_class=cls, occurred_on=decided - dt.timedelta(days=9),
                       decided_on=decided, department_name="郑州市民政局")  # fmt: skip
    return dataclasses.replace(base, **changes)


def check(record, as_of, profile=NATIONAL, *, signed=True, done=True, own=True):
    return eligibility(
        record, as_of, profile, commitment_signed=signed, obligations_done=done, own_authority=own
    )


# --- period arithmetic -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "end"),
    [
        (D(2026, 5, 10), 3, D(2026, 8, 10)),  # the corresponding day
        (D(2026, 5, 31), 3, D(2026, 8, 31)),  # August has a 31st
        (D(2026, 5, 31), 1, D(2026, 6, 30)),  # June has not: its last day (第二百零二条)
        (D(2025, 11, 30), 3, D(2026, 2, 28)),  # no 30 February
        (D(2027, 11, 29), 3, D(2028, 2, 29)),  # leap year: 29 February exists
        (D(2028, 2, 29), 12, D(2029, 2, 28)),  # from a leap day, one year
        (D(2026, 12, 31), 36, D(2029, 12, 31)),  # across years
    ],
)
def test_period_end_is_the_corresponding_day_or_the_months_last_day(start, months, end):
    assert period_end(start, months) == end


@given(st.dates(min_value=D(2000, 1, 1), max_value=D(2090, 1, 1)), st.sampled_from([1, 3, 6, 12, 36]))
def test_last_start_ended_before_splits_the_starts_exactly(as_of, months):
    s = last_start_ended_before(months, as_of)
    assert period_end(s, months) < as_of
    assert period_end(s + dt.timedelta(days=1), months) >= as_of


# --- windows by class ---------------------------------------------------------------------------------


def test_window_general_national():
    w = publicity_window("general", D(2026, 5, 10), NATIONAL)
    assert (w.min_months, w.max_months, w.published, w.known) == (3, 12, True, True)
    assert (w.min_end, w.repair_from, w.max_end, w.ended_on) == (
        D(2026, 8, 10), D(2026, 8, 11), D(2027, 5, 10), D(2027, 5, 11))  # fmt: skip
    assert "R2.8" in w.min_basis and "national-2026.1" in w.max_basis


def test_window_serious_national():
    w = publicity_window("serious", D(2026, 5, 10), NATIONAL)
    assert (w.repair_from, w.max_end) == (D(2027, 5, 11), D(2029, 5, 10))
    assert publicity_end("serious", D(2026, 5, 10), NATIONAL) == D(2029, 5, 10)


def test_window_minor_is_unpublished_with_no_minimum_and_a_3_month_maximum():
    w = publicity_window("minor", D(2026, 5, 10), NATIONAL)
    assert (w.min_months, w.max_months, w.published, w.known) == (None, 3, False, True)
    assert (w.repair_from, w.max_end) == (D(2026, 5, 10), D(2026, 8, 10))


def test_window_unknown_where_the_profile_states_no_period():
    assert not publicity_window("grave", D(2026, 5, 10), XINZHENG).known  # 新郑 较重: no periods
    assert publicity_end("grave", D(2026, 5, 10), XINZHENG) is None
    assert not publicity_window("minor", D(2025, 5, 10), OLD).known  # 58号令 had no 轻微 class
    assert not publicity_window("", D(2025, 5, 10), NATIONAL).known  # unclassified
    assert classes_with_maximum(OLD) == {"general": 12, "serious": 36}
    assert classes_with_maximum(NATIONAL) == {"minor": 3, "general": 12, "serious": 36}
    # 新郑 inherits the national 一般/严重 periods and adds no 较重 period.
    assert classes_with_maximum(XINZHENG) == {"minor": 3, "general": 12, "serious": 36}


# --- the minimum period at the boundary ----------------------------------------------------------


@pytest.mark.parametrize(
    ("cls", "decided", "last_day_of_minimum"),
    [
        ("general", D(2026, 5, 10), D(2026, 8, 10)),
        ("general", D(2026, 5, 31), D(2026, 8, 31)),
        ("general", D(2026, 11, 30), D(2027, 2, 28)),
        ("general", D(2027, 11, 29), D(2028, 2, 29)),
        ("serious", D(2026, 5, 10), D(2027, 5, 10)),
        ("serious", D(2028, 2, 29), D(2029, 2, 28)),
    ],
)
def test_minimum_period_boundary(cls, decided, last_day_of_minimum):
    record = facts(cls, decided)
    day_before = check(record, last_day_of_minimum - dt.timedelta(days=1))
    on_the_day = check(record, last_day_of_minimum)
    day_after = check(record, last_day_of_minimum + dt.timedelta(days=1))
    assert day_before.condition("min_period").met is False
    assert on_the_day.condition("min_period").met is False  # the period is complete only at its end
    assert not on_the_day.eligible and not on_the_day.bars
    waiting = on_the_day.condition("min_period")
    assert waiting.reason == "min_period.waiting"
    assert waiting.params["repair_from"] == (last_day_of_minimum + dt.timedelta(days=1)).isoformat()
    assert day_after.condition("min_period").met is True
    assert day_after.eligible


def test_the_decision_date_counts_not_the_conduct_date():
    record = facts("general", D(2026, 5, 10), occurred_on=D(2026, 1, 5))
    assert not check(record, D(2026, 8, 10)).eligible
    record = facts("general", D(2026, 5, 10), decided_on=None, occurred_on=D(2026, 1, 5))
    assert check(record, D(2026, 4, 6)).eligible  # no decision date: from the conduct


# --- the maximum period ---------------------------------------------------------------------------------


def test_after_the_maximum_there_is_nothing_to_repair():
    record = facts("general", D(2026, 5, 10))
    assert check(record, D(2027, 5, 10)).eligible  # the last day of publicity
    late = check(record, D(2027, 5, 11))
    assert [c.code for c in late.bars] == ["in_publicity"]
    ended = late.condition("in_publicity")
    assert ended.reason == "in_publicity.ended" and ended.params == {
        "end": "2027-05-10",
        "ended_on": "2027-05-11",
    }


# --- 轻微 ----------------------------------------------------------------------------------------------


def test_minor_is_repairable_at_once_once_liability_is_discharged():
    record = facts("minor", D(2026, 5, 10))
    assert check(record, D(2026, 5, 10)).eligible
    assert check(record, D(2026, 5, 10)).condition("min_period").reason == "min_period.minor"
    assert not check(record, D(2026, 5, 10), done=None).eligible


# --- staff judgement where the profile is silent --------------------------------------------------------


def test_xinzheng_grave_tier_needs_staff_judgement_never_an_invented_period():
    e = check(facts("grave", D(2026, 5, 10)), D(2030, 1, 1), XINZHENG)
    cond = e.condition("min_period")
    assert cond.met is None and cond.reason == "min_period.unknown"
    assert cond.params["profile"] == "xinzheng-2019.1+national-2026.1" and cond.params["class"] == "grave"
    assert cond.params["tiers"] == [
        "general",
        "grave",
        "serious",
    ]  # the tiers 新郑 applies (dishonesty.tiers)
    assert e.condition("in_publicity").met is True  # no maximum stated: never expired by a guess
    assert not e.eligible and not e.missing


def test_old_profile_minor_and_deadlines_absent_are_handled():
    e = check(facts("minor", D(2025, 5, 10)), D(2025, 6, 1), OLD)
    assert e.condition("min_period").met is None
    e = check(facts("general", D(2025, 5, 10)), D(2025, 8, 11), OLD)
    assert e.eligible and e.profile_version == "national-2023.1"


# --- the other conditions ----------------------------------------------------------------------------


def test_not_repairable_kind_is_a_bar():
    e = check(facts(repairable=False, kind_name="行政处罚：吊销登记证书"), D(2027, 1, 1))
    [bar] = e.bars
    assert bar.code == "repairable" and bar.reason == "repairable.no" and bar.item == "R2.6; R2.11"
    assert bar.params == {"kind": "行政处罚：吊销登记证书"}  # the name as the caller gave it


def test_not_negative_or_not_effective_are_bars():
    assert [c.code for c in check(facts(negative=False), D(2027, 1, 1)).bars] == ["negative"]
    e = check(facts(effective=False, status_label="已撤销"), D(2027, 1, 1))
    assert [c.code for c in e.bars] == ["effective"] and e.bars[0].params == {"status": "已撤销"}


def test_another_authority_decides_its_own_information():
    e = check(facts(department_name="郑州市税务局"), D(2027, 1, 1), own=False)
    [bar] = e.bars
    assert bar.code == "authority" and bar.reason == "authority.other"
    assert bar.params == {"department": "郑州市税务局"}


def test_obligations_unknown_until_staff_confirm_and_commitment_required():
    e = check(facts(), D(2027, 1, 1), signed=False, done=None)
    assert e.condition("obligations").met is None
    assert e.condition("commitment").met is False and e.condition("commitment").reason == "commitment.missing"
    assert not e.bars and [c.code for c in e.missing] == ["commitment"]


def test_commitment_not_required_when_the_profile_says_so():
    relaxed = NATIONAL.with_overrides({"repair.require_commitment": False}, authority="测试", reason="测试")
    e = check(facts(), D(2027, 1, 1), relaxed, signed=False)
    assert e.condition("commitment").met is True and e.eligible


def test_snapshot_is_plain_data():
    snap = check(facts(), D(2026, 8, 11)).as_dict()
    assert snap["eligible"] is True and snap["window"]["repair_from"] == "2026-08-11"
    assert {c["code"] for c in snap["conditions"]} == {
        "repairable", "negative", "effective", "authority", "in_publicity", "min_period", "obligations",
        "commitment"}  # fmt: skip


def test_every_condition_and_reason_is_listed_and_speaks_no_language():
    """The app words each condition by its code and reason (``REASONS``): the core holds no sentence."""
    from socredit.core.repair import CONDITIONS, REASONS

    seen = set()
    for record, day, kw in [
        (facts(), D(2026, 6, 1), {"signed": False, "done": None}),
        (facts(), D(2027, 1, 1), {"done": False}),
        (facts(repairable=False, negative=False, effective=False), D(2030, 1, 1), {"own": False}),
        (facts("minor"), D(2026, 5, 10), {}),
        (facts("grave"), D(2026, 5, 10), {"profile": XINZHENG}),
    ]:
        profile = kw.pop("profile", NATIONAL)
        e = check(record, day, profile, **kw)
        assert tuple(c.code for c in e.conditions) == CONDITIONS
        for c in e.conditions:
            assert c.reason in REASONS and c.reason.startswith(c.code + ".")
            assert not any("\u4e00" <= ch <= "\u9fff" for ch in c.reason + "".join(map(str, c.params)))
            seen.add(c.reason)
    assert len(seen) >= 15
