"""双随机 sampling: legal floors per level and locality, reproducibility, stratification, exemptions,
conflict-free balanced assignment (rules.md R4.3, R4.5, R4.7, R4.8)."""

import datetime as dt
import hashlib
import itertools
import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socredit.core.policy_select import profile_in_force
from socredit.core.sampling import (
    AssignmentError,
    DrawError,
    SamplingRates,
    Subject,
    assign_inspectors,
    draw,
    floors,
    frame_digest,
    frame_from_text,
    frame_text,
    max_load,
    replacement_inspector,
    seed_key,
    subject_rate,
)
from socredit.core.sampling.draw import seed_keys
from socredit.core.sampling.rates import default_factors
from socredit.core.types import RegionLevel

DAY = dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("region", "level", "ratio", "onsite"),
    [
        ("410105", RegionLevel.DISTRICT, 0.03, 0.0),  # 金水区: national county floor
        ("410100", RegionLevel.CITY, 0.04, 0.0),
        ("410000", RegionLevel.PROVINCE, 0.05, 0.0),
        ("100000", RegionLevel.NATIONAL, 0.10, 0.0),
        ("330802", RegionLevel.DISTRICT, 0.05, 0.005),  # 衢州 柯城区: the locality's 5 % / 0.5 %
        ("330800", RegionLevel.CITY, 0.05, 0.005),
    ],
)
def test_floors_follow_the_authority_level_and_the_locality(region, level, ratio, onsite):
    f = floors(profile_in_force(DAY, region), level)
    assert f.min_ratio == pytest.approx(ratio)
    assert f.min_onsite_ratio == pytest.approx(onsite)
    assert f.min_inspectors_onsite == 2
    assert f.regular_per_year == 1


def test_a_street_is_no_registering_authority():
    with pytest.raises(ValueError, match="登记管理机关"):
        floors(profile_in_force(DAY, "410105"), RegionLevel.STREET)


def test_default_factors_come_from_the_profile():
    levels, lists = default_factors(profile_in_force(DAY, "410105"))
    assert levels["A"] < levels["B"] < levels["C"] < levels["D"]
    assert lists["serious"] > lists["abnormal"] > 1


def _frame(n, *, levels="ABCD", fields=("education", "charity", "other")):
    return [
        Subject(f"51410100{i:010d}", levels[i % len(levels)], fields[(i // 4) % len(fields)])
        for i in range(n)
    ]


RATES = SamplingRates(0.1, {"A": 0.5, "D": 3.0}, {"education": 2.0}, {"serious": 4.0}, {"charity": 1.0})


def test_the_key_is_the_documented_hash():
    digest = hashlib.sha256(b"20260601|draw|51410100MJ0000001X").digest()
    assert seed_key("20260601", "draw", "51410100MJ0000001X") == int.from_bytes(digest[:8], "big")
    assert seed_keys("s", "draw", ["a", "b"]) == [seed_key("s", "draw", "a"), seed_key("s", "draw", "b")]


def test_rate_multiplies_factors_caps_at_one_and_fixed_rates_win():
    assert subject_rate("A", "other", frozenset(), RATES) == pytest.approx(0.05)
    assert subject_rate("D", "education", frozenset(), RATES) == pytest.approx(0.6)
    assert subject_rate("D", "education", frozenset({"serious"}), RATES) == 1.0
    assert subject_rate("", "other", frozenset(), RATES) == pytest.approx(0.1)
    assert subject_rate("A", "charity", frozenset(), RATES) == 1.0


def test_same_seed_same_draw_different_seed_different_draw():
    frame = _frame(2000)
    a = draw(frame, RATES, "seed-1", min_ratio=0.03, onsite_ratio=0.005)
    b = draw(list(reversed(frame)), RATES, "seed-1", min_ratio=0.03, onsite_ratio=0.005)
    c = draw(frame, RATES, "seed-2", min_ratio=0.03, onsite_ratio=0.005)
    assert a.selections == b.selections  # the frame's order does not matter
    assert set(a.codes) != set(c.codes)
    assert frame_digest(frame) == frame_digest(reversed(frame))
    assert frame_digest(frame) != frame_digest(frame[1:])
    listed = [Subject("X1", "C", "education", frozenset({"abnormal", "serious"}), True), Subject("X2")]
    assert sorted(frame_from_text(frame_text(listed)), key=lambda s: s.code) == listed
    with pytest.raises(ValueError, match="第1行"):
        frame_from_text("X1|A|other|-\n")


def test_observed_rates_per_stratum_match_the_configured_ones():
    frame = _frame(480)
    draws = 300
    inclusion = dict.fromkeys((s.code for s in frame), 0)
    for n in range(draws):
        result = draw(frame, RATES, f"s{n}")
        for outcome in result.strata:
            # every draw takes floor or ceil of rate × size in each stratum
            assert math.floor(outcome.expected + 1e-9) <= outcome.drawn <= math.ceil(outcome.expected - 1e-9)
        for code in result.codes:
            inclusion[code] += 1
    by_code = {s.code: s for s in frame}
    for code, count in inclusion.items():
        s = by_code[code]
        p = subject_rate(s.level, s.field, s.lists, RATES)
        sigma = math.sqrt(p * (1 - p) / draws)
        # each member is drawn with its stratum's probability: within 5 standard deviations
        assert abs(count / draws - p) <= 5 * sigma + 1e-9, (code, count / draws, p)


def test_the_legal_floor_is_met_by_topping_up():
    frame = _frame(1000, levels="A", fields=("other",))
    low = SamplingRates(0.01)
    result = draw(frame, low, "seed", min_ratio=0.04)
    assert len(result.selections) == result.required == 40
    assert sum(1 for s in result.selections if s.reason == "floor") == 30


def test_recently_checked_are_skipped_unless_listed_or_needed_for_the_floor():
    frame = [Subject(f"C{i:04d}", "B", "other", recently_checked=i % 2 == 0) for i in range(200)]
    frame += [
        Subject(f"L{i:04d}", "B", "other", frozenset({"abnormal"}), recently_checked=True) for i in range(20)
    ]
    result = draw(frame, SamplingRates(0.5), "seed")
    drawn = set(result.codes)
    assert not any(c.startswith("C") and int(c[1:]) % 2 == 0 for c in drawn)
    assert any(c.startswith("L") for c in drawn)
    # a floor above what the non-exempt can give takes the exempt ones last
    tight = draw(frame, SamplingRates(0.5), "seed", min_ratio=0.8)
    assert len(tight.selections) == math.ceil(0.8 * len(frame))


def test_onsite_share_of_the_frame():
    frame = _frame(1000)
    result = draw(frame, RATES, "seed", onsite_ratio=0.005)
    assert result.onsite_count == 5


def test_bad_frames_are_refused():
    with pytest.raises(DrawError, match="没有社会组织"):
        draw([], RATES, "seed")
    with pytest.raises(DrawError, match="重复"):
        draw([Subject("X"), Subject("X")], RATES, "seed")
    with pytest.raises(DrawError, match="种子"):
        draw([Subject("X")], RATES, "")


def test_rates_report_out_of_range_values():
    bad = SamplingRates(0.0, {"A": -1.0}, fixed_field_rates={"charity": 2.0})
    parts = [p for p, _ in bad.problems()]
    assert parts == ["base", "level_factors", "fixed_field_rates"]
    assert RATES.problems() == []


# --- inspectors ------------------------------------------------------------------------------


def _brute_min_load(needs, inspectors, conflicts):
    orgs = sorted(needs)
    options = [
        [c for c in itertools.combinations(inspectors, needs[o]) if not any((i, o) in conflicts for i in c)]
        for o in orgs
    ]
    best = None
    for choice in itertools.product(*options):
        load = max_load(dict(zip(orgs, choice, strict=True)))
        best = load if best is None else min(best, load)
    return best


@settings(max_examples=150, deadline=None)
@given(
    n_orgs=st.integers(1, 4),
    n_insp=st.integers(1, 5),
    k=st.integers(1, 2),
    data=st.data(),
)
def test_assignment_is_conflict_free_and_its_heaviest_load_is_least(n_orgs, n_insp, k, data):
    orgs = [f"O{i}" for i in range(n_orgs)]
    inspectors = [f"I{i}" for i in range(n_insp)]
    pairs = [(i, o) for i in inspectors for o in orgs]
    conflicts = set(data.draw(st.lists(st.sampled_from(pairs), max_size=len(pairs))))
    needs = dict.fromkeys(orgs, k)
    best = _brute_min_load(needs, inspectors, conflicts)
    try:
        result = assign_inspectors(needs, inspectors, conflicts, "seed")
    except AssignmentError as exc:
        assert best is None
        assert exc.organization and exc.available < exc.needed
        return
    assert best is not None
    for org, team in result.items():
        assert len(team) == len(set(team)) == k
        assert not any((i, org) in conflicts for i in team)
    assert max_load(result) == best


def test_assignment_is_reproducible_and_depends_on_the_seed():
    needs = {f"O{i:03d}": 2 for i in range(60)}
    inspectors = [f"I{i:02d}" for i in range(12)]
    a = assign_inspectors(needs, inspectors, set(), "s1")
    assert a == assign_inspectors(needs, list(reversed(inspectors)), set(), "s1")
    assert a != assign_inspectors(needs, inspectors, set(), "s2")
    assert max_load(a) == 10  # 120 places over 12 inspectors


def test_too_few_inspectors_name_the_organization():
    with pytest.raises(AssignmentError) as info:
        assign_inspectors({"O1": 2}, ["I1", "I2"], {("I1", "O1")}, "s")
    assert info.value.organization == "O1" and info.value.available == 1


def test_replacement_avoids_conflicts_and_the_team_and_takes_the_least_loaded():
    chosen = replacement_inspector(
        "O1", {"I1", "I2"}, ["I1", "I2", "I3", "I4", "I5"], {("I3", "O1")}, {"I4": 3, "I5": 1}, "s", 1
    )
    assert chosen == "I5"
    with pytest.raises(AssignmentError):
        replacement_inspector("O1", {"I1"}, ["I1", "I2"], {("I2", "O1")}, {}, "s", 1)
