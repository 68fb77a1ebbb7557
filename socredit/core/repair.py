"""信用修复 — the publicity window of dishonesty information and the eligibility of a record for repair.

Pure functions: the caller passes the record's facts, the date and the policy profile in force on
that date (``socredit.core.policy.PolicyProfile``); every period comes from the profile, never from
this module.

Publicity window (rules.md R2.8, R2.3; R2.12(二)). The period runs from the date of the document
that made the finding (the decision date; the date of the conduct when no decision date is known):

=========  ==========================================  =========================================
class      minimum before repair                       maximum (publication stops by itself)
=========  ==========================================  =========================================
轻微        none: repair once liability is discharged   ``repair.minor_publicity_max_months``;
                                                       not published unless
                                                       ``repair.minor_published``
一般        ``repair.general_publicity_min_months``      ``repair.general_publicity_max_months``
严重        ``repair.serious_publicity_min_months``      ``repair.serious_publicity_max_months``
=========  ==========================================  =========================================

A class the profile gives no period for (the 新郑 较重 tier; 轻微 under 58号令, which had no such
class) has no window: whether its minimum has passed is a staff judgement, never a guessed period.

How a period in months is counted (民法典 第二百零一条至第二百零三条): the starting day is not
counted; the period ends on the corresponding day of the last month, or on that month's last day
when it has no corresponding day (第二百零二条, ``add_months`` clamps exactly so); the period is
complete at the end (24:00) of that day (第二百零三条). So a 3-month minimum from a decision of
2026-05-10 ends on 2026-08-10, and repair may be applied for and decided from 2026-08-11; a 1-year
maximum from 2025-08-20 ends on 2026-08-20 and the information is off public view from 2026-08-21.
From 2025-11-30, 3 months end on 2026-02-28; from 2027-11-29 they end on 2028-02-29 (leap year).

Eligibility (R2.9: all conditions must hold; R2.6, R2.11: information made non-repairable by law
cannot be repaired; R2.9 "谁认定、谁修复": the 认定单位 decides, and for 社会组织 that is the
registration authority, R2.13). Each condition is met (True), not met (False) or not yet known
(None: the applicant has still to prove it, or staff must judge it).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from socredit.core.policy import PolicyProfile
from socredit.core.scoring.facts import add_months
from socredit.core.types import DishonestyClass

MINOR = DishonestyClass.MINOR.code


def period_end(start: dt.date, months: int) -> dt.date:
    """The last day of a period of ``months`` months starting on ``start`` (民法典 第二百零一、二百零二条).

    The starting day is not counted; the period ends on the corresponding day of the last month
    (or that month's last day). The period is complete at the end of the returned day.
    """
    return add_months(start, months)


def last_start_ended_before(months: int, as_of: dt.date) -> dt.date:
    """The latest start date whose period of ``months`` months is complete before ``as_of``.

    ``period_end(start, months) < as_of`` holds exactly for ``start <= last_start_ended_before(...)``
    (``period_end`` never decreases as ``start`` grows), so a daily job finds every expired record
    with one date comparison.
    """
    # Begin a few days past the inverse (clamping can map up to 3 start days onto one end day) and
    # walk back to the first start that qualifies.
    candidate = add_months(as_of, -months) + dt.timedelta(days=3)
    while period_end(candidate, months) >= as_of:
        candidate -= dt.timedelta(days=1)
    return candidate


@dataclass(frozen=True)
class PublicityWindow:
    """公示期 — the publicity period of one piece of dishonesty information under one profile."""

    dishonesty_class: str
    start: dt.date
    min_months: int | None
    """None when the profile states no minimum for the class (轻微 has none by rule, R2.8)."""
    max_months: int | None
    """None when the profile states no maximum for the class."""
    published: bool
    """Whether the information is published at all (轻微: ``repair.minor_published``)."""
    known: bool
    """Whether the profile gives this class a window at all; False means staff must judge."""
    min_basis: str = ""
    max_basis: str = ""

    @property
    def min_end(self) -> dt.date | None:
        """Last day of the minimum period (None: no minimum, or unknown)."""
        return None if self.min_months is None else period_end(self.start, self.min_months)

    @property
    def repair_from(self) -> dt.date | None:
        """First day repair may be applied for and decided (the day after the minimum period)."""
        if not self.known:
            return None
        end = self.min_end
        return self.start if end is None else end + dt.timedelta(days=1)

    @property
    def max_end(self) -> dt.date | None:
        """Last day of the maximum period: published (if at all) up to and including this day."""
        return None if self.max_months is None else period_end(self.start, self.max_months)

    @property
    def ended_on(self) -> dt.date | None:
        """The first day after the maximum period: publicity has stopped by itself from this day."""
        end = self.max_end
        return None if end is None else end + dt.timedelta(days=1)

    def as_dict(self) -> dict[str, Any]:
        return {
            "class": self.dishonesty_class,
            "start": self.start.isoformat(),
            "min_months": self.min_months,
            "max_months": self.max_months,
            "published": self.published,
            "known": self.known,
            "repair_from": _iso(self.repair_from),
            "max_end": _iso(self.max_end),
        }


def _iso(day: dt.date | None) -> str | None:
    return None if day is None else day.isoformat()


def _months(profile: PolicyProfile, key: str) -> tuple[int | None, str]:
    if not profile.has(key):
        return None, ""
    return profile.int_value(key), profile.parameter(key).citation


def publicity_window(dishonesty_class: str, start: dt.date, profile: PolicyProfile) -> PublicityWindow:
    """The publicity window of information of ``dishonesty_class`` decided on ``start`` (R2.8, R2.3)."""
    if dishonesty_class == MINOR:
        max_months, max_basis = _months(profile, "repair.minor_publicity_max_months")
        published = bool(profile.get("repair.minor_published", False))
        # 轻微 has no minimum by the rule itself (R2.8: repairable once liability is discharged);
        # the class is known only where the profile speaks of it at all.
        return PublicityWindow(MINOR, start, None, max_months, published, known=max_months is not None,
                               max_basis=max_basis)  # fmt: skip
    min_months, min_basis = (None, "")
    max_months, max_basis = (None, "")
    if dishonesty_class:
        min_months, min_basis = _months(profile, f"repair.{dishonesty_class}_publicity_min_months")
        max_months, max_basis = _months(profile, f"repair.{dishonesty_class}_publicity_max_months")
    return PublicityWindow(
        dishonesty_class, start, min_months, max_months, True, known=min_months is not None,
        min_basis=min_basis, max_basis=max_basis,
    )  # fmt: skip


def publicity_end(dishonesty_class: str, start: dt.date, profile: PolicyProfile) -> dt.date | None:
    """The last day of the maximum publicity period (publication stops after it), or None if none is stated."""
    return publicity_window(dishonesty_class, start, profile).max_end


def classes_with_maximum(profile: PolicyProfile) -> dict[str, int]:
    """{class code: maximum months} for every dishonesty class the profile gives a maximum for."""
    out: dict[str, int] = {}
    for cls in DishonestyClass:
        key = f"repair.{cls.code}_publicity_max_months"
        if profile.has(key):
            out[str(cls.code)] = profile.int_value(key)
    return out


# --- eligibility ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordFacts:
    """What eligibility reads of a credit record (the app fills it from the database).

    ``kind_name``, ``status_label`` and ``department_name`` are passed through to the conditions'
    ``params`` as given: the app gives them in the language the conditions will be read in."""

    kind_name: str
    repairable: bool
    negative: bool
    effective: bool
    """Current version in state 有效 (not corrected, revoked, repaired or expired)."""
    status_label: str
    dishonesty_class: str
    occurred_on: dt.date
    decided_on: dt.date | None
    department_name: str

    @property
    def start(self) -> dt.date:
        """The date the publicity period runs from: the decision, else the conduct (R2.8)."""
        return self.decided_on or self.occurred_on


@dataclass(frozen=True)
class Condition:
    """One condition of repair: met (True), not met (False) or not yet known (None).

    The core speaks no language: ``code`` names the condition, ``reason`` the explanation that applies
    (``"<code>.<variant>"``, one of ``REASONS``) and ``params`` its facts (dates as ISO text, months,
    class codes, the names the caller gave in ``RecordFacts``). The application renders both in the
    reader's language (``socredit.apps.cases.conditions``).
    """

    code: str
    met: bool | None
    reason: str
    item: str
    """The rules.md item(s) it rests on, e.g. ``R2.9(1); R2.8``."""
    bar: bool = False
    """A bar the applicant cannot remove (not repairable, wrong authority, …) as opposed to something
    still to do (wait for the minimum, perform the obligations, sign the commitment)."""
    basis: str = ""
    """The policy parameters used, with their citations."""
    params: Mapping[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "met": self.met, "reason": self.reason, "params": dict(self.params),
                "item": self.item, "bar": self.bar, "basis": self.basis}  # fmt: skip


CONDITIONS = ("repairable", "negative", "effective", "authority", "in_publicity", "min_period", "obligations",
              "commitment")  # fmt: skip
"""Every condition, in the order ``eligibility`` lists them."""

REASONS = (
    "repairable.yes", "repairable.no", "negative.yes", "negative.no", "effective.yes", "effective.no",
    "authority.own", "authority.other", "in_publicity.no_maximum", "in_publicity.ended", "in_publicity.until",
    "min_period.unknown", "min_period.minor", "min_period.waiting", "min_period.reached", "obligations.confirmed",
    "obligations.not_done", "obligations.to_prove", "commitment.not_required", "commitment.signed",
    "commitment.missing",
)  # fmt: skip
"""Every explanation a condition may carry (``Condition.reason``)."""


@dataclass(frozen=True)
class Eligibility:
    """The answer to "may this record be repaired on ``as_of``?", condition by condition."""

    as_of: dt.date
    profile_version: str
    window: PublicityWindow
    conditions: tuple[Condition, ...] = field(default_factory=tuple)

    @property
    def eligible(self) -> bool:
        """Every condition is met (none unknown)."""
        return all(c.met is True for c in self.conditions)

    @property
    def missing(self) -> list[Condition]:
        return [c for c in self.conditions if c.met is False]

    @property
    def bars(self) -> list[Condition]:
        """Conditions not met that the applicant cannot change: the application is refused."""
        return [c for c in self.conditions if c.met is False and c.bar]

    @property
    def unknown(self) -> list[Condition]:
        return [c for c in self.conditions if c.met is None]

    def condition(self, code: str) -> Condition:
        return next(c for c in self.conditions if c.code == code)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "profile": self.profile_version,
            "eligible": self.eligible,
            "window": self.window.as_dict(),
            "conditions": [c.as_dict() for c in self.conditions],
        }


def eligibility(
    record: RecordFacts,
    as_of: dt.date,
    profile: PolicyProfile,
    *,
    commitment_signed: bool,
    obligations_done: bool | None,
    own_authority: bool,
) -> Eligibility:
    """The conditions of repair of ``record`` on ``as_of`` under ``profile`` (R2.6, R2.8, R2.9, R2.11).

    ``obligations_done``: None until staff have confirmed the applicant's proof (at acceptance).
    ``own_authority``: the record was made by the registration authority (谁认定、谁修复).
    """
    window = publicity_window(record.dishonesty_class, record.start, profile)
    return Eligibility(as_of, profile.version, window, tuple(_conditions(
        record, as_of, profile, window, commitment_signed=commitment_signed,
        obligations_done=obligations_done, own_authority=own_authority,
    )))  # fmt: skip


def _conditions(
    record: RecordFacts, as_of: dt.date, profile: PolicyProfile, window: PublicityWindow, *,
    commitment_signed: bool, obligations_done: bool | None, own_authority: bool,
) -> Iterable[Condition]:  # fmt: skip
    yield Condition("repairable", record.repairable, "repairable.yes" if record.repairable else "repairable.no",
                    "R2.6; R2.11", bar=True, params={"kind": record.kind_name})  # fmt: skip
    yield Condition("negative", record.negative, "negative.yes" if record.negative else "negative.no", "R2.7",
                    bar=True, params={"kind": record.kind_name})  # fmt: skip
    yield Condition("effective", record.effective, "effective.yes" if record.effective else "effective.no", "R2.6",
                    bar=True, params={"status": record.status_label})  # fmt: skip
    yield Condition("authority", own_authority, "authority.own" if own_authority else "authority.other",
                    "R2.9; R2.13", bar=True, params={"department": record.department_name})  # fmt: skip
    yield _still_published(window, as_of)
    yield _minimum_reached(record, window, as_of, profile)
    yield Condition(
        "obligations", obligations_done,
        {True: "obligations.confirmed", False: "obligations.not_done", None: "obligations.to_prove"}[obligations_done],
        "R2.9(2)",
    )  # fmt: skip
    yield _commitment(profile, commitment_signed)


def _still_published(window: PublicityWindow, as_of: dt.date) -> Condition:
    end = window.max_end
    if end is None:
        return Condition("in_publicity", True, "in_publicity.no_maximum", "R2.8")
    if as_of > end:
        return Condition("in_publicity", False, "in_publicity.ended", "R2.8", bar=True, basis=window.max_basis,
                         params={"end": _iso(end), "ended_on": _iso(window.ended_on)})  # fmt: skip
    return Condition("in_publicity", True, "in_publicity.until", "R2.8", basis=window.max_basis,
                     params={"end": _iso(end)})  # fmt: skip


def _minimum_reached(record: RecordFacts, window: PublicityWindow, as_of: dt.date,
                     profile: PolicyProfile) -> Condition:  # fmt: skip
    cls = record.dishonesty_class
    if not window.known:
        tiers = [str(code) for code in profile.list_value("dishonesty.tiers")]
        return Condition("min_period", None, "min_period.unknown", "R2.8; R2.13",
                         params={"profile": profile.version, "class": cls, "tiers": tiers})  # fmt: skip
    if window.min_months is None:  # 轻微
        return Condition("min_period", True, "min_period.minor", "R2.8", basis=window.max_basis)
    end = window.min_end
    assert end is not None  # min_months is set
    params = {"class": cls, "months": window.min_months, "start": _iso(record.start), "end": _iso(end),
              "repair_from": _iso(window.repair_from)}  # fmt: skip
    if as_of <= end:
        return Condition("min_period", False, "min_period.waiting", "R2.9(1); R2.8", basis=window.min_basis,
                         params=params)  # fmt: skip
    return Condition("min_period", True, "min_period.reached", "R2.9(1); R2.8", basis=window.min_basis,
                     params=params)  # fmt: skip


def _commitment(profile: PolicyProfile, signed: bool) -> Condition:
    key = "repair.require_commitment"
    required = profile.has(key) and profile.bool_value(key)
    basis = profile.parameter(key).citation if profile.has(key) else ""
    if not required:
        return Condition("commitment", True, "commitment.not_required", "R2.9(3)", basis=basis)
    if signed:
        return Condition("commitment", True, "commitment.signed", "R2.9(3)", basis=basis)
    return Condition("commitment", False, "commitment.missing", "R2.9(3)", basis=basis)
