"""Properties of ``evaluate`` on random facts, memberships and dates, with the shipped models.

Besides the properties the module docstring of ``evaluate`` promises (batch equals single, records
that do not count change nothing, caps, list rules), the results are compared with a plain
record-by-record implementation of the same rules (``oracle``), so that the vectorized path
(dense keys, bincount, gathers) is checked against something obviously right.
"""

import datetime as dt
import textwrap
from typing import NamedTuple

import numpy as np
import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from socredit.core.catalogue import reference_kinds
from socredit.core.scoring.evaluate import Evaluation, evaluate
from socredit.core.scoring.facts import (
    CLASS_CODES,
    MEMBERSHIP_SCHEMA,
    NO_AMOUNT,
    OPEN_END,
    add_months,
    day_number,
    fact_row,
    facts_from_rows,
)
from socredit.core.scoring.model import LEVEL_CODES, IndicatorModel, shipped_models

KIND_CODES = [row["code"] for row in reference_kinds()]
KIND_IDS = {code: i + 1 for i, code in enumerate(KIND_CODES)}
CODE_OF = {i: code for code, i in KIND_IDS.items()}
CLASS_OF = {i: code for code, i in CLASS_CODES.items()}
REFERENCE = shipped_models().get("reference-2026.1")
STATUS_CLASSES = shipped_models().get("status-classes-2023.1")
STRICT = shipped_models().check_text(
    textwrap.dedent(
        """\
    [meta]
    kind = "indicator-model"
    version = "strict-test"
    title = "A from 95: the grade_a rule (without_negative) can raise a 4A or 5A to A"
    effective_from = 2026-01-01
    extends = "reference-2026.1"

    [[level]]
    code = "A"
    min = 95
    [[level]]
    code = "B"
    min = 70
    [[level]]
    code = "C"
    min = 55
    [[level]]
    code = "D"
    min = 0
    """
    ),
    source="strict.toml",
)
"""The reference model with a higher A threshold, so that its grade_a level rule matters: with the
reference thresholds a 5A or 4A without negative records already scores at least 85 (A)."""
MODELS = st.sampled_from([REFERENCE, STATUS_CLASSES, STRICT])
POINT_MODELS = st.sampled_from([REFERENCE, STRICT])
ORGS = (3, 5, 8, 13)
D = 3
WINDOWS = sorted(
    {
        m
        for model in (REFERENCE, STATUS_CLASSES, STRICT)
        for x in (*model.indicators, *model.level_rules)
        if (m := x.window_months)
    }
)
ARRAYS = ("org_ids", "score", "level", "score_level", "cause", "raw_points", "points", "counts")

PROPERTY = settings(deadline=None, max_examples=60)
ORACLE = settings(deadline=None, max_examples=100)
"""The comparison with the oracle gets more examples: it is the one that sees off-by-one mistakes."""


class Fact(NamedTuple):
    record_id: int
    org_id: int
    kind: int
    status: int
    cls: int
    day: int
    until: int
    ended: int
    amount: float


# --- strategies ---------------------------------------------------------------------------------

FIRST, LAST = dt.date(2015, 1, 1), dt.date(2026, 12, 31)
dates = st.dates(FIRST, LAST)
as_of_dates = st.dates(dt.date(2016, 1, 1), dt.date(2026, 11, 23))
classes = st.sampled_from(sorted(CLASS_CODES))
amounts = st.sampled_from([None, None, None, 0, 1_000, 49_999.99, 50_000, 60_000, 150_000])
statuses = st.sampled_from([1, 1, 1, 1, 2, 3, 4, 5])
later = st.integers(-3000, 2000)
"""Days after the record's date that its publicity or force ends; negative: it does not end."""


@st.composite
def records(draw, kinds=None, statuses=statuses, occurred=dates, edges=None):
    """A record as the keyword arguments of ``fact_row`` (without record_id).

    Most records are in force (有效, no publicity end, not ended) so that most of them count;
    the others end or stop being public some time after they happened, or on one of ``edges``.
    """
    occurred_on = draw(occurred)

    def end() -> dt.date | None:
        if edges is not None and draw(st.integers(0, 2)) == 0:
            return draw(edges)
        days = draw(later)
        return occurred_on + dt.timedelta(days=days) if days >= 0 else None

    return {
        "org_id": draw(st.sampled_from(ORGS)),
        "kind": KIND_IDS[draw(kinds if kinds is not None else st.sampled_from(KIND_CODES))],
        "status": draw(statuses),
        "dishonesty_class": draw(classes),
        "occurred_on": occurred_on,
        "publicity_until": end(),
        "ended_on": end(),
        "amount": draw(amounts),
    }


def edge_dates(as_of: dt.date, *months: int) -> list[dt.date]:
    """The days around ``as_of`` and around the start of windows of ``months`` before it."""
    starts = [as_of, *(add_months(as_of, -m) for m in months)]
    return [d + dt.timedelta(days=k) for d in starts for k in (-1, 0, 1) if d + dt.timedelta(days=k) >= FIRST]


@st.composite
def scenarios(draw):
    """An evaluation date and up to 24 records, most of them from the six years before it.

    Some records happen, stop being public or end on the edges the rules test (the evaluation
    date, the first day of a window), so that off-by-one mistakes show.
    """
    as_of = draw(as_of_dates)
    near = st.dates(max(FIRST, as_of - dt.timedelta(days=6 * 365)), min(LAST, as_of + dt.timedelta(days=400)))
    starts = st.sampled_from(edge_dates(as_of, *WINDOWS))
    record = records(occurred=st.one_of(near, near, starts), edges=st.sampled_from(edge_dates(as_of)))
    return [draw(record) for _ in range(draw(st.integers(0, 24)))], as_of


def frame(recs: list[dict]) -> pl.DataFrame:
    return facts_from_rows(fact_row(record_id=i + 1, **r) for i, r in enumerate(recs))


@st.composite
def membership_frames(draw):
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        since = draw(dates)
        until = draw(st.one_of(st.none(), st.integers(1, 2000)))
        rows.append(
            (
                draw(st.sampled_from(ORGS)),
                draw(st.sampled_from(["serious", "abnormal", "red"])),
                day_number(since),
                OPEN_END if until is None else day_number(since) + until,
            )
        )
    return pl.DataFrame(rows, schema=MEMBERSHIP_SCHEMA, orient="row")


org_sets = st.lists(st.sampled_from((*ORGS, 21)), min_size=1, max_size=6)


# --- helpers ------------------------------------------------------------------------------------


def run(recs, as_of, model, memberships=None, orgs=ORGS, **kwargs) -> Evaluation:
    return evaluate(list(orgs), frame(recs), as_of, model, KIND_IDS, memberships, **kwargs)


def assert_same(a: Evaluation, b: Evaluation) -> None:
    for name in ARRAYS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype, name
        np.testing.assert_array_equal(x, y, err_msg=name)


def indicator_points(model: IndicatorModel, rec: dict) -> int | None:
    """The points ``rec`` gives when it counts; None if its kind is in no indicator."""
    code = CODE_OF[rec["kind"]]
    for ind in model.indicators:
        if code in ind.kinds:
            return ind.points_for(code, rec["dishonesty_class"] or None, rec["amount"])
    return None


def oracle(
    orgs, facts: pl.DataFrame, as_of: dt.date, model: IndicatorModel, memberships: pl.DataFrame | None
):
    """The evaluation, record by record, straight from the rules of evaluate's docstring."""
    orgs = sorted(set(orgs))
    pos = {o: i for i, o in enumerate(orgs)}
    n, k = len(orgs), len(model.indicators)
    day = day_number(as_of)
    index = {code: j for j, ind in enumerate(model.indicators) for code in ind.kinds}

    def cutoff(months):
        return day_number(add_months(as_of, -months)) if months else -(2**31)

    def in_force(f: Fact) -> bool:
        return f.status in (1, 4, 5) and f.day <= day < f.ended and f.until >= day

    facts_list = [Fact(*row) for row in facts.iter_rows()]
    found: dict[tuple[int, int], list[int]] = {}
    negative = set()
    for f in facts_list:
        code = CODE_OF[f.kind]
        if f.org_id not in pos or not in_force(f) or code not in index:
            continue
        j = index[code]
        ind = model.indicators[j]
        if f.day <= cutoff(ind.window_months):
            continue
        amount = None if f.amount == NO_AMOUNT else f.amount
        points = ind.points_for(code, CLASS_OF[f.cls] or None, amount)
        found.setdefault((pos[f.org_id], j), []).append(points)
        if points < 0:
            negative.add(f.org_id)
    raw = np.zeros((n, k), dtype=np.int64)
    counts = np.zeros((n, k), dtype=np.int64)
    for (i, j), values in found.items():
        raw[i, j] = max(values) if model.indicators[j].mode == "max" else sum(values)
        counts[i, j] = len(values)
    points = raw.copy()
    for j, ind in enumerate(model.indicators):
        if ind.cap is not None:
            points[:, j] = np.clip(points[:, j], -ind.cap, ind.cap)
    score = [min(max(model.base + int(points[i].sum()), model.min_score), model.max_score) for i in range(n)]
    score_level = [LEVEL_CODES.index(model.level_for(s)) for s in score]

    active = set()
    if memberships is not None:
        for org, name, since, until in memberships.iter_rows():
            if since <= day < until:
                active.add((org, name))
    level, cause = list(score_level), [-1] * n
    for target in ("at_least", "at_most", "set"):
        for r, rule in enumerate(model.level_rules):
            if getattr(rule, target) is None:
                continue
            wanted = LEVEL_CODES.index(getattr(rule, target))
            for o, i in pos.items():
                if rule.when == "list":
                    hit = (o, rule.list) in active
                else:
                    hit = any(
                        f.org_id == o
                        and CODE_OF[f.kind] in rule.kinds
                        and in_force(f)
                        and f.day > cutoff(rule.window_months)
                        for f in facts_list
                    )
                    hit = hit and not (rule.without_negative and o in negative)
                better, worse = level[i] > wanted, level[i] < wanted
                if hit and (
                    (target == "at_least" and better)
                    or (target == "at_most" and worse)
                    or (target == "set" and level[i] != wanted)
                ):
                    level[i], cause[i] = wanted, r
    return {
        "org_ids": orgs,
        "score": score,
        "level": level,
        "score_level": score_level,
        "cause": cause,
        "raw_points": raw,
        "points": points,
        "counts": counts,
    }


# --- properties ---------------------------------------------------------------------------------


@ORACLE
@given(scenarios(), MODELS, membership_frames(), org_sets)
def test_evaluate_agrees_with_a_record_by_record_evaluation(scenario, model, memberships, orgs):
    recs, as_of = scenario
    facts = frame(recs)
    result = evaluate(orgs, facts, as_of, model, KIND_IDS, memberships)
    expected = oracle(orgs, facts, as_of, model, memberships)
    for name, values in expected.items():
        np.testing.assert_array_equal(getattr(result, name), np.asarray(values), err_msg=name)


@PROPERTY
@given(scenarios(), MODELS, membership_frames(), st.randoms(use_true_random=False))
def test_evaluate_is_deterministic_and_ignores_row_order(scenario, model, memberships, rnd):
    recs, as_of = scenario
    first = run(recs, as_of, model, memberships, explain=True)
    assert_same(first, run(recs, as_of, model, memberships, explain=True))
    facts = frame(recs)
    shuffled = facts.sample(fraction=1.0, shuffle=True, seed=rnd.randrange(2**32))
    members = memberships.reverse()
    other = evaluate(list(reversed(ORGS)), shuffled, as_of, model, KIND_IDS, members, explain=True)
    assert_same(first, other)
    assert first.contributions is not None and other.contributions is not None
    assert first.contributions.sort("record_id").equals(other.contributions.sort("record_id"))


signed_kinds = st.sampled_from(
    sorted(
        code
        for ind in REFERENCE.indicators
        for code in ind.kinds
        if any(
            ind.points_for(code, cls or None, amount) != 0 for cls in CLASS_CODES for amount in (None, 1e9)
        )
    )
)


@PROPERTY
@given(scenarios(), POINT_MODELS, membership_frames(), st.data())
def test_a_record_moves_score_and_level_only_in_the_direction_of_its_points(
    scenario, model, memberships, data
):
    recs, as_of = scenario
    offset = data.draw(st.integers(0, 40 * 31), label="days before as_of")
    extra = data.draw(
        records(kinds=signed_kinds, statuses=st.just(1), occurred=st.just(as_of)), label="extra"
    )
    extra.update(occurred_on=as_of - dt.timedelta(days=offset), publicity_until=None, ended_on=None)
    points = indicator_points(model, extra)
    assert points  # signed_kinds are in an indicator and never give 0
    before = run(recs, as_of, model, memberships)
    after = run([*recs, extra], as_of, model, memberships)
    if points < 0:
        assert np.all(after.score <= before.score)
        assert np.all(after.level >= before.level)  # a higher index is a worse level
    else:
        assert np.all(after.score >= before.score)
        assert np.all(after.level <= before.level)
    # only the organization of the record is affected
    others = after.org_ids != extra["org_id"]
    np.testing.assert_array_equal(after.score[others], before.score[others])
    np.testing.assert_array_equal(after.level[others], before.level[others])


@PROPERTY
@given(scenarios(), MODELS, membership_frames(), org_sets)
def test_evaluating_all_organizations_together_equals_evaluating_each_alone(
    scenario, model, memberships, orgs
):
    recs, as_of = scenario
    facts = frame(recs)
    together = evaluate(orgs, facts, as_of, model, KIND_IDS, memberships)
    # more than 4096 organizations take the dense-table path instead of the hash lookup
    many = evaluate([*orgs, *range(10_000, 15_000)], facts, as_of, model, KIND_IDS, memberships)
    assert len(many) == len(together) + 5000
    for org in sorted(set(orgs)):
        alone = evaluate([org], facts.filter(pl.col("org_id") == org), as_of, model, KIND_IDS, memberships)
        i, m = together.position(org), many.position(org)
        for name in ("score", "level", "score_level", "cause", "raw_points", "points", "counts"):
            np.testing.assert_array_equal(getattr(together, name)[i], getattr(alone, name)[0], err_msg=name)
            np.testing.assert_array_equal(getattr(many, name)[m], getattr(alone, name)[0], err_msg=name)
    assert np.all(many.score[len(together) :] == model.base)


windowed_kinds = {
    model.version: sorted(code for ind in model.indicators if ind.window_months for code in ind.kinds)
    for model in (REFERENCE, STATUS_CLASSES, STRICT)
}


def days_from(first: int) -> st.SearchStrategy[int]:
    """A number of days from ``first`` on, often exactly ``first`` (the edge)."""
    return st.one_of(st.just(first), st.integers(first, 3000))


@st.composite
def ignored_records(draw, as_of: dt.date, model: IndicatorModel):
    """A record that must not count on ``as_of``, and why."""
    why = draw(st.sampled_from(["future", "window", "revoked", "corrected", "publicity", "ended", "unused"]))
    # but for the one reason, the record would count: 有效, in the model, within every window
    rec = draw(
        records(
            kinds=st.sampled_from(sorted(model.kinds)),
            statuses=st.just(1),
            occurred=st.integers(0, 700).map(lambda days: as_of - dt.timedelta(days=days)),
        )
    )
    rec.update(publicity_until=None, ended_on=None)
    day = day_number(as_of)
    if why == "future":
        rec["occurred_on"] = as_of + dt.timedelta(days=draw(days_from(1)))
    elif why == "window":
        code = draw(st.sampled_from(windowed_kinds[model.version]))
        (ind,) = [i for i in model.indicators if code in i.kinds]
        start = add_months(as_of, -ind.window_months)
        rec["kind"] = KIND_IDS[code]
        rec["occurred_on"] = start - dt.timedelta(days=draw(days_from(0)))
    elif why in ("revoked", "corrected"):
        rec["status"] = 3 if why == "revoked" else 2
    elif why == "publicity":
        rec["publicity_until"] = as_of - dt.timedelta(days=draw(days_from(1)))
    elif why == "ended":
        rec["ended_on"] = as_of - dt.timedelta(days=draw(days_from(0)))
    else:
        rec["kind"] = KIND_IDS[draw(st.sampled_from(sorted(set(KIND_CODES) - model.kinds)))]
    assert why != "window" or day_number(rec["occurred_on"]) <= day
    return why, rec


@PROPERTY
@given(scenarios(), MODELS, membership_frames(), st.data())
def test_a_record_that_does_not_count_changes_nothing(scenario, model, memberships, data):
    recs, as_of = scenario
    why, extra = data.draw(ignored_records(as_of, model), label="ignored")
    before = run(recs, as_of, model, memberships, explain=True)
    after = run([*recs, extra], as_of, model, memberships, explain=True)
    assert_same(before, after)
    assert after.contributions is not None
    assert len(recs) + 1 not in after.contributions["record_id"].to_list(), why


@PROPERTY
@given(scenarios(), MODELS, membership_frames())
def test_caps_and_scale_bounds_hold(scenario, model, memberships):
    recs, as_of = scenario
    result = run(recs, as_of, model, memberships)
    for j, ind in enumerate(model.indicators):
        if ind.cap is not None:
            assert np.all(np.abs(result.points[:, j]) <= ind.cap), ind.id
            np.testing.assert_array_equal(
                result.points[:, j], np.clip(result.raw_points[:, j], -ind.cap, ind.cap)
            )
        else:
            np.testing.assert_array_equal(result.points[:, j], result.raw_points[:, j])
    assert np.all(result.score >= model.min_score)
    assert np.all(result.score <= model.max_score)
    assert np.all(result.counts >= 0)
    assert np.all((result.counts > 0) | (result.raw_points == 0))
    assert [model.level_for(s) for s in result.score] == [LEVEL_CODES[i] for i in result.score_level]
    unruled = result.cause == -1
    np.testing.assert_array_equal(result.level[unruled], result.score_level[unruled])


@PROPERTY
@given(scenarios(), MODELS, membership_frames())
def test_list_memberships_on_the_evaluation_date_set_the_level(scenario, model, memberships):
    recs, as_of = scenario
    result = run(recs, as_of, model, memberships)
    day = day_number(as_of)
    active = memberships.filter((pl.col("since") <= day) & (pl.col("until") > day))
    serious = set(active.filter(pl.col("list") == "serious")["org_id"].to_list())
    abnormal = set(active.filter(pl.col("list") == "abnormal")["org_id"].to_list())
    rule_ids = [r.id for r in model.level_rules]
    for i, org in enumerate(result.org_ids.tolist()):
        if org in serious:
            assert result.level[i] == D
            assert result.cause[i] == rule_ids.index("serious_list") or result.score_level[i] == D
        elif org in abnormal:
            assert result.level[i] >= LEVEL_CODES.index("C")
    # memberships not active on as_of, and lists no rule reads, change nothing
    relevant = active.filter(pl.col("list").is_in(["serious", "abnormal"]))
    if relevant.height < memberships.height:
        assert_same(result, run(recs, as_of, model, relevant if relevant.height else None))
