"""One evaluator per rule kind, over Polars frames of organization facts.

Every evaluator takes ``(facts, thresholds, as_of)`` — the ``Facts`` frames, the typed thresholds of
``rules.validate_thresholds`` and the day of the run — and returns one row per organization that
meets the rule on that day: ``org`` (Int64) and ``facts`` (a JSON object of what was found, in
stored codes and numbers; the app puts it into words). Nothing here reads a clock, a setting or a
database: the same frames and day give the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from socredit.core.riskwarnings.rules import RuleKind

SCHEMAS: dict[str, dict[str, Any]] = {
    "orgs": {"org": pl.Int64, "registered_on": pl.Date},
    "reports": {"org": pl.Int64, "year": pl.Int32, "submitted_on": pl.Date, "election_held": pl.Boolean},
    "missing": {"org": pl.Int64, "year": pl.Int32, "since": pl.Date},
    "unreachable": {"org": pl.Int64, "on": pl.Date, "source": pl.String},
    "elections": {"org": pl.Int64, "on": pl.Date, "source": pl.String},
    "posts": {"org": pl.Int64, "person": pl.Int64, "person_name": pl.String, "post": pl.String,
              "start_on": pl.Date, "end_on": pl.Date},
    "flagged": {"person": pl.Int64, "cause": pl.String, "until": pl.Date},
    "complaints": {"org": pl.Int64, "on": pl.Date},
    "figures": {"org": pl.Int64, "year": pl.Int32, "code": pl.String, "value": pl.Float64},
    "transactions": {"org": pl.Int64, "on": pl.Date, "amount": pl.Float64, "direction": pl.String,
                     "counterparty": pl.String, "department": pl.String, "related_party": pl.Boolean,
                     "overseas": pl.Boolean},
    "dormant": {"org": pl.Int64, "missing_years": pl.List(pl.Int64), "last_activity": pl.Date,
                "unreachable_on": pl.Date},
}  # fmt: skip
"""The columns and types of each frame of ``Facts``."""

OUT_SCHEMA = {"org": pl.Int64, "facts": pl.String}
EPSILON = 1e-9
"""Ratios are compared with this slack so that a change of exactly the threshold meets it."""


def empty(name: str) -> pl.DataFrame:
    return pl.DataFrame(schema=SCHEMAS[name])


def _frame(name: str) -> Any:
    return field(default_factory=lambda: empty(name))


@dataclass
class Facts:
    """What the evaluators read, one frame per source (see ``SCHEMAS``).

    - ``orgs``: the organizations under evaluation (active ones), with their registration day;
    - ``reports``: filed annual work reports (year, first submitted on, "leadership elected this year");
    - ``missing``: ``annual_report_missing`` records (report year, day after the due date);
    - ``unreachable``: days an organization was found unreachable at its address (spot-check result
      ``unreachable``, ``address_unreachable`` record after two unsigned letters);
    - ``elections``: days a term began: ``record`` (an ``election_on_time`` record), ``registry`` (the
      start of the current legal representative's or chair's post, which each election renews);
    - ``posts``: posts held (confirmed ones), ``flagged``: persons with a ban in force (``ban``) or a
      serious-list listing in force (``serious``), with its end if known;
    - ``complaints``: days complaints were found true (``complaint_verified`` records);
    - ``figures``: figures of filed annual reports (code, amount in yuan);
    - ``transactions``: transactions finance and banking departments reported (资金往来: day, amount in
      yuan, direction, counterparty, the department's name, related-party and cross-border flags);
    - ``dormant``: the dormant organizations (``core.dormancy.select_dormant``, read by the app).
    """

    orgs: pl.DataFrame = _frame("orgs")
    reports: pl.DataFrame = _frame("reports")
    missing: pl.DataFrame = _frame("missing")
    unreachable: pl.DataFrame = _frame("unreachable")
    elections: pl.DataFrame = _frame("elections")
    posts: pl.DataFrame = _frame("posts")
    flagged: pl.DataFrame = _frame("flagged")
    complaints: pl.DataFrame = _frame("complaints")
    figures: pl.DataFrame = _frame("figures")
    transactions: pl.DataFrame = _frame("transactions")
    dormant: pl.DataFrame = _frame("dormant")

    def __post_init__(self) -> None:
        for name, schema in SCHEMAS.items():
            frame = getattr(self, name)
            setattr(self, name, frame.select([pl.col(c).cast(t) for c, t in schema.items()]))


def _out(frame: pl.DataFrame, *facts: pl.Expr) -> pl.DataFrame:
    """``org`` and the JSON of ``facts`` (named expressions), one row per organization, by ``org``."""
    if frame.is_empty():
        return pl.DataFrame(schema=OUT_SCHEMA)
    return (
        frame.select(pl.col("org"), pl.struct(*facts).struct.json_encode().alias("facts"))
        .unique("org", keep="first")
        .sort("org")
    )


def _filed(facts: Facts, as_of: dt.date) -> pl.DataFrame:
    return facts.reports.filter(pl.col("submitted_on").is_not_null() & (pl.col("submitted_on") <= as_of))


def annual_report_overdue(facts: Facts, t: dict[str, Any], as_of: dt.date) -> pl.DataFrame:
    """年度工作报告逾期未报: an ``annual_report_missing`` record on one of the last two report years
    dated at least ``grace_days`` before ``as_of`` (0: from the day after the due date), and still no
    filed report on that year. Facts: the latest such year and the day after its due date (nothing
    that changes by the day: an open warning's facts change only when what was found changes)."""
    filed = _filed(facts, as_of).select("org", "year").unique()
    rows = (
        facts.missing.filter(pl.col("year") >= as_of.year - 2)
        .filter(pl.col("since") <= as_of - dt.timedelta(days=t["grace_days"]))
        .join(filed, on=["org", "year"], how="anti")
        .sort("org", "year", descending=[False, True])
        .unique("org", keep="first")
    )
    return _out(rows, pl.col("year"), pl.col("since").dt.to_string("%Y-%m-%d"))


def dormant(facts: Facts, t: dict[str, Any], as_of: dt.date) -> pl.DataFrame:
    """疑似僵尸型社会组织: the organizations ``facts.dormant`` names — the one definition of
    ``core.dormancy.select_dormant``, with the region's profile parameters (``dormancy.*``); the rule
    itself takes no thresholds. Facts: the report years missing, the last activity, the day an
    unreachable address was last found (each null when there is none)."""
    return _out(
        facts.dormant,
        pl.col("missing_years"),
        pl.col("last_activity").dt.to_string("%Y-%m-%d"),
        pl.col("unreachable_on").dt.to_string("%Y-%m-%d"),
    )


def address_unreachable(facts: Facts, t: dict[str, Any], as_of: dt.date) -> pl.DataFrame:
    """登记住所无法联系: found unreachable at its registered address (a spot check's result, or the
    record written after two unsigned special letters) on a day within ``lookback_days`` before
    ``as_of`` (that day included). Facts: the last such day, how many, and the sources."""
    rows = (
        facts.unreachable.filter((pl.col("on") <= as_of) & (pl.col("on") >= as_of - dt.timedelta(days=t["lookback_days"])))
        .group_by("org")
        .agg(pl.col("on").max().alias("last"), pl.len().alias("times"), pl.col("source").unique().sort().alias("sources"))
    )  # fmt: skip
    return _out(rows, pl.col("last").dt.to_string("%Y-%m-%d"), pl.col("times"), pl.col("sources"))


def election_overdue(facts: Facts, t: dict[str, Any], as_of: dt.date) -> pl.DataFrame:
    """逾期未换届: the current term began at the latest of — the end of the last year a filed report says
    the leadership was elected (治理情况 "本年度是否换届"), a day in ``elections`` (an election record,
    the start of the current legal representative's or chair's post), the registration day — and ran
    ``term_years``; the warning comes once ``as_of`` is more than ``grace_days`` after its end.
    Facts: what the term was counted from (report, record, registry, registration), that day, the
    term's end."""
    years = t["term_years"]
    offset = f"{years}y"
    starts = pl.concat([
        _filed(facts, as_of).filter(pl.col("election_held").fill_null(False))
        .select("org", pl.date(pl.col("year"), 12, 31).alias("start"), pl.lit("report").alias("basis")),
        facts.elections.filter(pl.col("on") <= as_of).select("org", pl.col("on").alias("start"), pl.col("source").alias("basis")),
        facts.orgs.select("org", pl.col("registered_on").alias("start"), pl.lit("registration").alias("basis")),
    ])  # fmt: skip
    rows = (
        starts.join(facts.orgs.select("org"), on="org", how="semi")
        .sort("org", "start")
        .group_by("org", maintain_order=True)
        .last()
        .with_columns(pl.col("start").dt.offset_by(offset).alias("term_end"))
        .filter(pl.col("term_end") < as_of - dt.timedelta(days=t["grace_days"]))
    )
    return _out(
        rows,
        pl.col("basis"),
        pl.col("start").dt.to_string("%Y-%m-%d"),
        pl.col("term_end").dt.to_string("%Y-%m-%d"),
    )


def banned_person(facts: Facts, t: dict[str, Any], as_of: dt.date) -> pl.DataFrame:
    """受限人员担任负责人: a person holding one of ``posts`` on ``as_of`` has a ban in force, or (with
    ``include_serious_list``) a serious-list listing in force. Facts: each such person's name, post,
    cause and its end (null: open-ended)."""
    causes = ["ban", "serious"] if t["include_serious_list"] else ["ban"]
    held = facts.posts.filter(
        pl.col("post").is_in(t["posts"]) & (pl.col("start_on") <= as_of)
        & (pl.col("end_on").is_null() | (pl.col("end_on") >= as_of))
    )  # fmt: skip
    flagged = facts.flagged.filter(pl.col("cause").is_in(causes))
    rows = (
        held.join(flagged, on="person", how="inner")
        .sort("org", "person_name", "post", "cause")
        .unique(["org", "person", "post", "cause"], maintain_order=True)
        .group_by("org", maintain_order=True)
        .agg(pl.struct(pl.col("person_name").alias("name"), "post", "cause",
                       pl.col("until").dt.to_string("%Y-%m-%d")).alias("persons"))
    )  # fmt: skip
    return _out(rows, pl.col("persons"))


def complaint_burst(facts: Facts, t: dict[str, Any], as_of: dt.date) -> pl.DataFrame:
    """举报查实集中发生: at least ``count`` complaints found true within the ``days`` days ending on
    ``as_of`` (that day and the ``days − 1`` before it). Facts: how many, the first and last day."""
    rows = (
        facts.complaints.filter((pl.col("on") <= as_of) & (pl.col("on") > as_of - dt.timedelta(days=t["days"])))
        .group_by("org")
        .agg(pl.len().alias("count"), pl.col("on").min().alias("first"), pl.col("on").max().alias("last"))
        .filter(pl.col("count") >= t["count"])
    )  # fmt: skip
    return _out(
        rows,
        pl.col("count"),
        pl.lit(t["days"]).alias("days"),
        pl.col("first").dt.to_string("%Y-%m-%d"),
        pl.col("last").dt.to_string("%Y-%m-%d"),
    )


def _recent_figures(facts: Facts, codes: list[str], as_of: dt.date) -> pl.DataFrame:
    return facts.figures.filter(
        pl.col("code").is_in(codes) & (pl.col("year") >= as_of.year - 2) & (pl.col("year") < as_of.year)
    )


def figure_change(facts: Facts, t: dict[str, Any], as_of: dt.date) -> pl.DataFrame:
    """收支同比异常变动: on the latest of the last two report years with the figure, it changed from the
    year before by at least ``ratio`` of that year's amount (up or down), and the larger of the two
    amounts is at least ``min_amount``. A year before of 0 gives no ratio and no warning. Facts: the
    figure, the year, both amounts and the change (a ratio)."""
    code = t["figure"][0]
    values = facts.figures.filter(pl.col("code") == code).select("org", "year", "value")
    latest = (
        _recent_figures(facts, [code], as_of).select("org", "year", "value")
        .sort("org", "year").group_by("org", maintain_order=True).last()
    )  # fmt: skip
    before = values.with_columns((pl.col("year") + 1).alias("year")).rename({"value": "previous"})
    rows = (
        latest.join(before, on=["org", "year"], how="inner")
        .filter(pl.col("previous") > 0)
        .with_columns(((pl.col("value") - pl.col("previous")) / pl.col("previous")).alias("change"))
        .filter(pl.col("change").abs() >= t["ratio"] - EPSILON)
        .filter(pl.max_horizontal("value", "previous") >= t["min_amount"])
    )
    return _out(
        rows,
        pl.lit(code).alias("figure"),
        pl.col("year"),
        pl.col("value"),
        pl.col("previous"),
        pl.col("change").round(4),
    )


def _transactions_met(facts: Facts, t: dict[str, Any], as_of: dt.date) -> pl.DataFrame:
    """The transactions part of ``figure_amount``: org, transactions (a struct: count, total, first
    and last day, the three largest)."""
    mode = t["transactions"][0]
    rows = facts.transactions.filter(
        (pl.col("on") <= as_of) & (pl.col("on") >= as_of - dt.timedelta(days=t["lookback_days"]))
    )
    if mode == "single":
        rows = rows.filter((pl.col("amount") > 0) & (pl.col("amount") >= t["amount"]))
    else:
        rows = rows.filter(pl.col(mode))
    largest = pl.struct(pl.col("on").dt.to_string("%Y-%m-%d"), "amount", "direction", "counterparty", "department",
                        "related_party", "overseas")  # fmt: skip
    grouped = (
        rows.sort("org", "amount", "on", "counterparty", descending=[False, True, True, False])
        .group_by("org", maintain_order=True)
        .agg(pl.len().alias("count"), pl.col("amount").sum().alias("total"),
             pl.col("on").min().dt.to_string("%Y-%m-%d").alias("first"),
             pl.col("on").max().dt.to_string("%Y-%m-%d").alias("last"), largest.head(3).alias("largest"))
        .filter((pl.col("total") > 0) & (pl.col("total") >= t["amount"]))
    )  # fmt: skip
    return grouped.select(
        "org",
        pl.struct(pl.lit(mode).alias("mode"), pl.lit(t["lookback_days"]).alias("days"), "count", "total", "first",
                  "last", "largest").alias("transactions"),
    )  # fmt: skip


def figure_amount(facts: Facts, t: dict[str, Any], as_of: dt.date) -> pl.DataFrame:
    """资金金额达到预警线 (大额、关联交易、境外资金), from two sources: the annual reports — on the
    latest of the last two report years reporting any of ``figures``, their sum is above 0 and at
    least ``amount`` — and the transactions finance and banking departments reported within
    ``lookback_days`` (that day included), as ``transactions`` says: ``single`` a transaction of at
    least ``amount``; ``related_party`` / ``overseas`` the transactions so flagged, together above 0
    and at least ``amount``; ``off`` none. Facts: the report's year, sum and each figure (null when
    the reports do not meet it) and the transactions' count, total, days and three largest (null
    when they do not)."""
    recent = _recent_figures(facts, t["figures"], as_of)
    latest = recent.group_by("org").agg(pl.col("year").max())
    reports = (
        recent.join(latest, on=["org", "year"], how="semi")
        .sort("org", "code")
        .group_by("org", "year", maintain_order=True)
        .agg(pl.col("value").sum().alias("total"), pl.struct("code", "value").alias("parts"))
        .filter((pl.col("total") > 0) & (pl.col("total") >= t["amount"]))
    )
    if t["transactions"][0] == "off":
        return _out(reports, pl.col("year"), pl.col("total"), pl.col("parts"))
    moved = _transactions_met(facts, t, as_of)
    rows = reports.join(moved, on="org", how="full", coalesce=True)
    return _out(rows, pl.col("year"), pl.col("total"), pl.col("parts"), pl.col("transactions"))


Evaluator = Callable[[Facts, dict[str, Any], dt.date], pl.DataFrame]

EVALUATORS: dict[str, Evaluator] = {
    RuleKind.ANNUAL_REPORT_OVERDUE.value: annual_report_overdue,
    RuleKind.DORMANT.value: dormant,
    RuleKind.ADDRESS_UNREACHABLE.value: address_unreachable,
    RuleKind.ELECTION_OVERDUE.value: election_overdue,
    RuleKind.BANNED_PERSON.value: banned_person,
    RuleKind.COMPLAINT_BURST.value: complaint_burst,
    RuleKind.FIGURE_CHANGE.value: figure_change,
    RuleKind.FIGURE_AMOUNT.value: figure_amount,
}
"""Kind → evaluator. ``self_report`` has none: only staff raise it."""


def evaluate(kind: str, facts: Facts, thresholds: dict[str, Any], as_of: dt.date) -> pl.DataFrame:
    """The organizations meeting a rule of ``kind`` with ``thresholds`` on ``as_of``: org, facts —
    only organizations of ``facts.orgs`` (the watched ones)."""
    return EVALUATORS[kind](facts, thresholds, as_of).join(facts.orgs.select("org"), on="org", how="semi")
