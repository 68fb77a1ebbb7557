"""The clean-up's state table, due dates and the scalar rule of identification."""

from __future__ import annotations

import datetime as dt

import pytest

from socredit.core.dormancy import (
    DormancyParameters,
    State,
    Step,
    TransitionError,
    allowed_steps,
    dormant,
    due_on,
    next_state,
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
