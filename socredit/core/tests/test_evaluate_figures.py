"""Indicators that read a figure of the annual work report (``figure`` with ``below``/``at_least``).

The same properties as for records: one organization alone gives what it gets among many (the
single-organization path and the batch path are one function, with or without the dense table),
and the result equals a plain report-by-report reading of the rule (``oracle``).
"""

import datetime as dt
import textwrap

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from socredit.core.config import ConfigError
from socredit.core.scoring.evaluate import evaluate
from socredit.core.scoring.facts import add_months, day_number, empty_facts
from socredit.core.scoring.figures import figures_from_rows
from socredit.core.scoring.model import shipped_models
from socredit.core.tests.test_evaluate_properties import (
    KIND_IDS,
    ORGS,
    REFERENCE,
    frame,
    membership_frames,
    org_sets,
    scenarios,
)

FIGURES = shipped_models().get("annual-reports-2026.1")
FIGURE_IND = FIGURES.indicator("negative_net_assets")
CODES = ["bs_total_net_assets", "bs_total_assets", "ia_total_income"]
PROPERTY = settings(deadline=None, max_examples=80)


@st.composite
def figure_frames(draw, as_of: dt.date):
    """Up to a dozen reported figures around ``as_of``: years, days (some on the window's edges),
    codes and values of either sign (some exactly on the threshold)."""
    edges = [as_of, add_months(as_of, -FIGURE_IND.window_months)]
    days = st.one_of(
        st.dates(as_of - dt.timedelta(days=4 * 365), as_of + dt.timedelta(days=200)),
        st.sampled_from([d + dt.timedelta(days=k) for d in edges for k in (-1, 0, 1)]),
    )
    rows, seen = [], set()
    for _ in range(draw(st.integers(0, 12))):
        org, year, code = (
            draw(st.sampled_from((*ORGS, 21))),
            draw(st.integers(2015, 2026)),
            draw(st.sampled_from(CODES)),
        )
        if (org, year, code) in seen:
            continue  # one value per organization, year and code, as reports store them
        seen.add((org, year, code))
        value = draw(st.sampled_from([-150_000.5, -0.01, 0.0, 0.01, 2_000_000.0]))
        rows.append((org, year, day_number(draw(days)), code, value))
    return figures_from_rows(rows)


def oracle_points(org: int, figures: pl.DataFrame, as_of: dt.date) -> tuple[int, int]:
    """(count, points) of the figure indicator for one organization, straight from the rule."""
    day, cutoff = day_number(as_of), day_number(add_months(as_of, -FIGURE_IND.window_months))
    known = [
        (year, d, value)
        for o, year, d, code, value in figures.iter_rows()
        if o == org and code == FIGURE_IND.figure and cutoff < d <= day
    ]
    if not known:
        return 0, 0
    _year, _day, value = max(known)
    return (1, FIGURE_IND.points) if value < FIGURE_IND.below else (0, 0)


@PROPERTY
@given(st.data(), scenarios(), membership_frames(), org_sets)
def test_alone_equals_together_and_the_rule(data, scenario, memberships, orgs):
    recs, as_of = scenario
    facts = frame(recs)
    figures = data.draw(figure_frames(as_of))
    together = evaluate(orgs, facts, as_of, FIGURES, KIND_IDS, memberships, figures=figures)
    many = evaluate(
        [*orgs, *range(10_000, 15_000)], facts, as_of, FIGURES, KIND_IDS, memberships, figures=figures
    )
    j = [i.id for i in FIGURES.indicators].index("negative_net_assets")
    for org in sorted(set(orgs)):
        alone = evaluate(
            [org], facts.filter(pl.col("org_id") == org), as_of, FIGURES, KIND_IDS, memberships,
            figures=figures.filter(pl.col("org_id") == org),
        )  # fmt: skip
        i, m = together.position(org), many.position(org)
        for name in ("score", "level", "score_level", "cause", "raw_points", "points", "counts"):
            np.testing.assert_array_equal(getattr(together, name)[i], getattr(alone, name)[0], err_msg=name)
            np.testing.assert_array_equal(getattr(many, name)[m], getattr(alone, name)[0], err_msg=name)
        count, points = oracle_points(org, figures, as_of)
        assert (int(together.counts[i, j]), int(together.raw_points[i, j])) == (count, points)
    # without figures, the figure indicator gives nothing and the other indicators are untouched
    bare = evaluate(orgs, facts, as_of, FIGURES, KIND_IDS, memberships)
    assert not bare.counts[:, j].any()
    others = [k for k in range(len(FIGURES.indicators)) if k != j]
    np.testing.assert_array_equal(bare.raw_points[:, others], together.raw_points[:, others])


@PROPERTY
@given(st.data(), scenarios(), membership_frames(), org_sets)
def test_the_default_model_ignores_figures(data, scenario, memberships, orgs):
    """The reference model reads no figure: its scores are the same with or without them."""
    recs, as_of = scenario
    facts = frame(recs)
    figures = data.draw(figure_frames(as_of))
    with_figures = evaluate(orgs, facts, as_of, REFERENCE, KIND_IDS, memberships, figures=figures)
    without = evaluate(orgs, facts, as_of, REFERENCE, KIND_IDS, memberships)
    for name in ("score", "level", "cause", "raw_points", "counts"):
        np.testing.assert_array_equal(getattr(with_figures, name), getattr(without, name), err_msg=name)


def test_latest_report_decides_and_a_report_counts_from_the_day_it_is_known():
    as_of = dt.date(2026, 6, 30)
    rows = [
        (3, 2024, day_number(dt.date(2025, 5, 20)), "bs_total_net_assets", -10.0),  # old, negative
        (3, 2025, day_number(dt.date(2026, 5, 31)), "bs_total_net_assets", 500.0),  # latest, positive
        (5, 2025, day_number(dt.date(2026, 5, 31)), "bs_total_net_assets", -1.0),
        (8, 2025, day_number(dt.date(2026, 7, 1)), "bs_total_net_assets", -1.0),  # known after as_of
        (13, 2022, day_number(dt.date(2023, 5, 1)), "bs_total_net_assets", -1.0),  # outside the window
    ]
    result = evaluate(list(ORGS), empty_facts(), as_of, FIGURES, KIND_IDS, figures=figures_from_rows(rows))
    score = dict(zip(result.org_ids.tolist(), result.score.tolist(), strict=True))
    assert score == {3: FIGURES.base, 5: FIGURES.base - 5, 8: FIGURES.base, 13: FIGURES.base}
    line = next(x for x in result.explain(5).lines if x.indicator.id == "negative_net_assets")
    assert (line.count, line.points) == (1, -5)


MODEL_HEAD = """\
[meta]
kind = "indicator-model"
version = "figure-test"
title = "t"
effective_from = 2026-01-01
extends = "reference-2026.1"

[[group]]
id = "basic"
name = "基础"

"""


@pytest.mark.parametrize(
    ("indicator", "message"),
    [
        ('figure = "bs_nope"\nbelow = 0', "未知的年度工作报告数据项"),
        ('figure = "bs_total_net_assets"', "below、at_least 之一"),
        ('figure = "bs_total_net_assets"\nbelow = 0\nat_least = 5', "below、at_least 之一"),
        ('figure = "bs_total_net_assets"\nbelow = "x"', "应为金额"),
        ('figure = "bs_total_net_assets"\nbelow = 0\nkinds = ["commendation"]', "不能同时有 kinds"),
        ('figure = "bs_total_net_assets"\nbelow = 0\nmode = "max"', "mode 只能为 sum"),
    ],
)
def test_a_wrong_figure_indicator_is_refused_with_its_line(indicator, message):
    text = MODEL_HEAD + textwrap.dedent(
        f"""\
        [[indicator]]
        id = "x"
        group = "basic"
        name = "x"
        points = -1
        reason = "r"
        basis = "b"
        {indicator}
        """
    ).replace("\n        ", "\n")
    with pytest.raises(ConfigError, match=message) as caught:
        shipped_models().check_text(text, source="t.toml")
    assert caught.value.line is not None
