"""The clean-up's state table, due dates and the scalar rule of identification."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from socredit.core.dormancy import (
    OBLIGED_SCHEMA,
    PARAMS_SCHEMA,
    SIGN_SCHEMA,
    DormancyParameters,
    State,
    Step,
    TransitionError,
    allowed_steps,
    dormant,
    due_on,
    next_state,
    reports_missing,
    select_dormant,
)
from socredit.core.policy import shipped_profiles

P = DormancyParameters(2, 24, ("filing",), False, 30, 30, 90, 90)


def test_the_procedure_in_order():
    s = next_state(State.IDENTIFIED, Step.NOTIFY)
    assert s == State.NOTIFIED
    assert next_state(s, Step.PROPOSE) == State.PROPOSED
    assert next_state(State.PROPOSED, Step.REVOKE) == State.CLOSED
    assert next_state(State.NOTIFIED, Step.GUIDE) == State.GUIDED
    assert next_state(State.GUIDED, Step.DEREGISTERED) == State.CLOSED


@pytest.mark.parametrize(
    ("state", "step"),
    [
        (State.IDENTIFIED, Step.PROPOSE),
        (State.IDENTIFIED, Step.REVOKE),
        (State.NOTIFIED, Step.REVOKE),
        (State.CLOSED, Step.RESUME),
        (State.CLOSED, Step.NOTIFY),
        (State.GUIDED, Step.NOTIFY),
    ],
)
def test_bad_transitions(state, step):
    with pytest.raises(TransitionError):
        next_state(state, step)


def test_allowed_steps():
    assert allowed_steps(State.IDENTIFIED) == [Step.NOTIFY, Step.RESUME]
    assert allowed_steps(State.CLOSED) == []


def test_due_dates():
    day = dt.date(2026, 7, 1)
    assert due_on(State.IDENTIFIED, day, P) == dt.date(2026, 7, 31)
    assert due_on(State.PROPOSED, day, P) == dt.date(2026, 9, 29)
    assert due_on(State.CLOSED, day, P) is None


def test_inactive_since_is_the_corresponding_day():
    assert P.inactive_since(dt.date(2026, 7, 1)) == dt.date(2024, 7, 1)
    assert P.inactive_since(dt.date(2026, 2, 28)) == dt.date(2024, 2, 28)


def test_scalar_rule():
    assert dormant(reports_missing=True, active=False, unreachable=False, params=P)
    assert not dormant(reports_missing=True, active=True, unreachable=True, params=P)
    assert not dormant(reports_missing=False, active=False, unreachable=True, params=P)
    strict = DormancyParameters(2, 24, (), True, 30, 30, 90, 90)
    assert not dormant(reports_missing=True, active=False, unreachable=False, params=strict)


def test_every_shipped_national_profile_states_the_parameters():
    library = shipped_profiles()
    for version in ("national-2023.1", "national-2026.0", "national-2026.1"):
        params = DormancyParameters.from_profile(library.get(version))
        assert (params.report_years, params.inactive_months) == (2, 24)
        assert "annual_report_missing" not in params.activity_kinds


# --- the set-based definition ---------------------------------------------------------------------

D = dt.date
AS_OF = D(2026, 7, 1)


def _params(*rows: tuple[int, int, bool]) -> pl.DataFrame:
    return pl.DataFrame(
        [(org, k, D(2024, 7, 1), required) for org, k, required in rows], orient="row", schema=PARAMS_SCHEMA
    )


def _obliged(*rows: tuple[int, int, dt.date, bool]) -> pl.DataFrame:
    return pl.DataFrame(list(rows), orient="row", schema=OBLIGED_SCHEMA)


def test_the_window_is_the_last_years_due_and_moves_back_while_last_year_is_not_due():
    params = _params((1, 2, False), (2, 2, False), (3, 2, False), (4, 1, False))
    obliged = _obliged(
        (1, 2025, D(2026, 6, 1), True), (1, 2024, D(2025, 6, 1), True),
        (2, 2025, D(2026, 6, 1), True), (2, 2024, D(2025, 6, 1), False),  # filed 2024
        (3, 2025, D(2026, 7, 1), False), (3, 2024, D(2025, 6, 1), True), (3, 2023, D(2024, 6, 1), True),
        (4, 2025, D(2026, 6, 1), True),
    )  # fmt: skip
    out = {org: years for org, years in reports_missing(params, obliged, AS_OF).iter_rows()}
    assert out == {1: [2025, 2024], 3: [2024, 2023], 4: [2025]}  # 3: 2025 is due on the day itself


def test_a_year_without_an_obligation_is_not_missing():
    # registered in 2025: not obliged on 2024, so the two years cannot both be missing
    out = reports_missing(_params((1, 2, False)), _obliged((1, 2025, D(2026, 6, 1), True)), AS_OF)
    assert out.is_empty()


def test_select_dormant_on_activity_boundary_and_unreachable_requirement():
    params = _params((1, 2, False), (2, 2, False), (3, 2, True), (4, 2, True))
    missing = pl.DataFrame({"org": [1, 2, 3, 4], "missing_years": [[2025, 2024]] * 4})
    activity = pl.DataFrame(
        [(1, D(2024, 6, 30), "x"), (2, D(2024, 7, 1), "x"), (1, D(2026, 7, 2), "later than the day")],
        orient="row", schema=SIGN_SCHEMA,
    )  # fmt: skip
    unreachable = pl.DataFrame([(4, D(2026, 1, 5), "spot_check")], orient="row", schema=SIGN_SCHEMA)
    out = select_dormant(missing, params, activity, unreachable, AS_OF)
    assert out["org"].to_list() == [1, 4]  # 2: active on the first day of the period; 3: reachable
    assert out.row(0, named=True)["last_activity"] == D(2024, 6, 30)
    assert out.row(1, named=True)["unreachable_source"] == "spot_check"


def test_select_dormant_agrees_with_the_scalar_rule():
    params = _params((1, 2, False), (2, 2, False), (3, 2, True), (4, 2, True))
    missing = pl.DataFrame({"org": [1, 2, 3, 4], "missing_years": [[2025, 2024]] * 4})
    activity = pl.DataFrame([(2, D(2025, 1, 1), "x")], orient="row", schema=SIGN_SCHEMA)
    unreachable = pl.DataFrame([(3, D(2025, 1, 1), "record")], orient="row", schema=SIGN_SCHEMA)
    found = set(select_dormant(missing, params, activity, unreachable, AS_OF)["org"].to_list())
    for org, active, reach, required in [(1, False, False, False), (2, True, False, False),
                                          (3, False, True, True), (4, False, False, True)]:  # fmt: skip
        p = DormancyParameters(2, 24, (), required, 30, 30, 90, 90)
        assert (org in found) == dormant(reports_missing=True, active=active, unreachable=reach, params=p)
