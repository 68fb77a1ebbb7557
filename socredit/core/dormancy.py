"""僵尸型社会组织清理 — the rules of the clean-up of dormant organizations, without a framework.

Seeds 001 (§8 持续整治“僵尸型”社会组织) and 003 (定期主动清理处于休眠状态的社会组织) ask for it; rules.md
has no item for the identification or for the clean-up's own periods, so every number here comes
from the policy profile (``dormancy.*``, design defaults tagged UNVERIFIED). The steps hand over to
rules that exist: the listing for an annual report not filed (R1.6(1)) or for an address that cannot
be reached (R1.6(6), the two special letters of R1.7), prior notice before a listing (R1.5).

A case moves ``identified → notified → proposed → closed`` (revoked), or from ``notified`` or
``proposed`` to ``guided`` (deregistration guidance) and then ``closed`` (deregistered, or revoked
when the organization did not deregister); any open case closes when the organization resumes its
activities. ``TRANSITIONS`` is that table; ``next_state`` refuses any other move.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

import polars as pl

from socredit.core.annualreports.deadlines import add_months
from socredit.core.policy import PolicyProfile


class State(StrEnum):
    IDENTIFIED = "identified"
    NOTIFIED = "notice_served"
    PROPOSED = "listing_proposed"
    GUIDED = "guidance_served"
    CLOSED = "closed"


OPEN_STATES = (State.IDENTIFIED, State.NOTIFIED, State.PROPOSED, State.GUIDED)


class Outcome(StrEnum):
    REVOKED = "registration_revoked"
    DEREGISTERED = "deregistered"
    RESUMED = "activities_resumed"


class Step(StrEnum):
    IDENTIFY = "identify"
    NOTIFY = "notify"
    PROPOSE = "propose_listing"
    GUIDE = "serve_guidance"
    REVOKE = "revoke_registration"
    DEREGISTERED = "confirm_deregistration"
    RESUME = "resume_activities"


TRANSITIONS: dict[Step, tuple[frozenset[State], State]] = {
    Step.NOTIFY: (frozenset({State.IDENTIFIED}), State.NOTIFIED),
    Step.PROPOSE: (frozenset({State.NOTIFIED}), State.PROPOSED),
    Step.GUIDE: (frozenset({State.NOTIFIED, State.PROPOSED}), State.GUIDED),
    Step.REVOKE: (frozenset({State.PROPOSED, State.GUIDED}), State.CLOSED),
    Step.DEREGISTERED: (frozenset({State.NOTIFIED, State.PROPOSED, State.GUIDED}), State.CLOSED),
    Step.RESUME: (frozenset(OPEN_STATES), State.CLOSED),
}
"""step → (the states it may be taken from, the state it leads to)."""

OUTCOME_OF: dict[Step, Outcome] = {
    Step.REVOKE: Outcome.REVOKED,
    Step.DEREGISTERED: Outcome.DEREGISTERED,
    Step.RESUME: Outcome.RESUMED,
}


class TransitionError(ValueError):
    """A step the case's state does not allow."""

    def __init__(self, step: Step, state: State) -> None:
        super().__init__(f"{step.value} is not allowed from {state.value}")
        self.step, self.state = step, state


def next_state(state: State | str, step: Step | str) -> State:
    """The state after ``step`` from ``state``; TransitionError when the step is not allowed."""
    state, step = State(state), Step(step)
    allowed, target = TRANSITIONS.get(step, (frozenset(), State.CLOSED))
    if state not in allowed:
        raise TransitionError(step, state)
    return target


def allowed_steps(state: State | str) -> list[Step]:
    """The steps a case in ``state`` may take next, in the order of the procedure."""
    return [step for step, (sources, _t) in TRANSITIONS.items() if State(state) in sources]


@dataclass(frozen=True)
class DormancyParameters:
    """``dormancy.*`` of a policy profile."""

    report_years: int
    inactive_months: int
    activity_kinds: tuple[str, ...]
    unreachable_required: bool
    notice_days: int
    response_days: int
    decision_days: int
    guidance_days: int

    @classmethod
    def from_profile(cls, profile: PolicyProfile) -> DormancyParameters:
        return cls(
            report_years=profile.int_value("dormancy.report_years"),
            inactive_months=profile.int_value("dormancy.inactive_months"),
            activity_kinds=profile.list_value("dormancy.activity_record_kinds"),
            unreachable_required=profile.bool_value("dormancy.require_unreachable"),
            notice_days=profile.int_value("dormancy.notice_days"),
            response_days=profile.int_value("dormancy.response_days"),
            decision_days=profile.int_value("dormancy.decision_days"),
            guidance_days=profile.int_value("dormancy.guidance_days"),
        )

    def inactive_since(self, as_of: dt.date) -> dt.date:
        """The first day of the period without activity: nothing on or after it counts as activity
        missing; anything on or after it is activity (the corresponding day ``inactive_months`` before)."""
        return add_months(as_of, -self.inactive_months)


def due_on(state: State | str, since: dt.date, params: DormancyParameters) -> dt.date | None:
    """The last day for the next step of a case that entered ``state`` on ``since`` (None: closed).

    identified → the notice within ``notice_days``; notified → the organization's response period
    (``response_days``), after which the case is handed to the lists or to guidance; proposed → the
    outcome within ``decision_days``; guided → deregistration within ``guidance_days``."""
    days = {
        State.IDENTIFIED: params.notice_days,
        State.NOTIFIED: params.response_days,
        State.PROPOSED: params.decision_days,
        State.GUIDED: params.guidance_days,
    }.get(State(state))
    return None if days is None else since + dt.timedelta(days=days)


def dormant(*, reports_missing: bool, active: bool, unreachable: bool, params: DormancyParameters) -> bool:
    """Whether an organization is a candidate: no annual report for the last ``report_years`` years
    due, no activity in ``inactive_months``, and, where the profile asks it, not reachable at its
    registered address. The scalar statement of the rule the set-based identification applies."""
    return reports_missing and not active and (unreachable or not params.unreachable_required)


# --- the one set-based definition (used by the identification and by the warning rule) ----------

OBLIGED_SCHEMA = {"org": pl.Int64, "year": pl.Int32, "due": pl.Date, "missing": pl.Boolean}
"""``reports_missing``'s obligations: per organization and report year, its due date and whether
nothing was submitted by the day of the run after that date (``annualreports.deadlines.obligations``)."""
PARAMS_SCHEMA = {
    "org": pl.Int64,
    "k": pl.Int64,
    "inactive_since": pl.Date,
    "unreachable_required": pl.Boolean,
}
"""Per organization, the parameters of its region's profile: ``report_years`` (k), the first day of
the period without activity (``DormancyParameters.inactive_since``), ``require_unreachable``."""
SIGN_SCHEMA = {"org": pl.Int64, "on": pl.Date, "source": pl.String}
"""Activity (source: what it was) and signs of an unreachable address (source: how it was found)."""


def window_years(as_of: dt.date, k: int) -> list[int]:
    """The report years read for a window of ``k``: last year and the ``k`` before it (the window
    is the first ``k`` of them, or the last ``k`` while last year's report is not yet due)."""
    return [as_of.year - 1 - i for i in range(k + 1)]


def reports_missing(params: pl.DataFrame, obliged: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """The organizations of ``params`` (PARAMS_SCHEMA) that filed nothing on every report year of
    their window: the last ``k`` report years whose due date has passed for the organization — while
    the report on last year is not yet due (its due date is ``as_of`` or later), the window is the
    ``k`` years before it. A year on which the organization was not obliged (registered later, no
    due date) is not missing. Columns: org, missing_years (list, newest first)."""
    if params.is_empty():
        return pl.DataFrame(schema={"org": pl.Int64, "missing_years": pl.List(pl.Int64)})
    top = int(params["k"].max() or 0)  # type: ignore[arg-type]  # polars types max() as a broad scalar
    years = window_years(as_of, top)
    frame = params.select("org", "k")
    for i, year in enumerate(years):
        due = obliged.filter(pl.col("year") == year).select(
            "org", pl.col("due").alias(f"due{i}"), pl.col("missing").alias(f"m{i}")
        )
        frame = frame.join(due, on="org", how="left").with_columns(pl.col(f"m{i}").fill_null(False))
    shifted = pl.col("due0").is_not_null() & (pl.col("due0") >= pl.lit(as_of))
    missing = pl.lit(False)
    listed = pl.lit([], dtype=pl.List(pl.Int64))
    for k in sorted(set(params["k"].to_list())):
        late = pl.all_horizontal([pl.col(f"m{i}") for i in range(k)])
        early = pl.all_horizontal([pl.col(f"m{i}") for i in range(1, k + 1)])
        missing = (
            pl.when(pl.col("k") == k).then(pl.when(shifted).then(early).otherwise(late)).otherwise(missing)
        )
        listed = (
            pl.when(pl.col("k") == k)
            .then(pl.when(shifted).then(pl.lit(years[1 : k + 1])).otherwise(pl.lit(years[:k])))
            .otherwise(listed)
        )
    return (
        frame.with_columns(missing=missing, missing_years=listed)
        .filter(pl.col("missing"))
        .select("org", pl.col("missing_years").cast(pl.List(pl.Int64)))
    )


def _latest(frame: pl.DataFrame, day: str, how: str | None) -> pl.DataFrame:
    agg = [pl.col("on").max().alias(day)]
    if how:
        agg.append(pl.col("source").sort_by("on").last().alias(how))
    return frame.sort("org", "on", "source").group_by("org").agg(agg)


def select_dormant(
    missing: pl.DataFrame, params: pl.DataFrame, activity: pl.DataFrame, unreachable: pl.DataFrame,
    as_of: dt.date,
) -> pl.DataFrame:  # fmt: skip
    """疑似僵尸型社会组织 — THE set-based statement of ``dormant``: of the organizations that filed
    nothing in their window (``reports_missing``), those with no activity (SIGN_SCHEMA; only days up
    to ``as_of`` count) on or after their ``inactive_since`` and, where their profile requires it,
    a sign of an unreachable address (any day up to ``as_of``).

    Columns: org, missing_years, last_activity (Date or null), unreachable_on (Date or null),
    unreachable_source (String or null), in ``org`` order."""
    last = _latest(activity.filter(pl.col("on") <= as_of), "last_activity", None)
    reach = _latest(unreachable.filter(pl.col("on") <= as_of), "unreachable_on", "unreachable_source")
    return (
        missing.join(params.select("org", "inactive_since", "unreachable_required"), on="org", how="inner")
        .join(last, on="org", how="left")
        .join(reach, on="org", how="left")
        .filter(pl.col("last_activity").is_null() | (pl.col("last_activity") < pl.col("inactive_since")))
        .filter(~pl.col("unreachable_required") | pl.col("unreachable_on").is_not_null())
        .select("org", "missing_years", "last_activity", "unreachable_on", "unreachable_source")
        .sort("org")
    )
