"""The daily warning run (``socredit riskwarnings daily``; also part of ``socredit cases daily``).

1. read the facts of every watched organization into frames (``frames``), once for all rules;
2. evaluate each enabled rule in force on the day (``core.riskwarnings.evaluate``);
3. merge with the open warnings: a new (organization, rule) raises a warning held by the
   organization's street (else its registering region), due within the rule's working days; one
   already open keeps its identity and gets its last-seen day, level and facts brought up to date;
   an open warning of an evaluated rule whose condition no longer holds is cleared (not deleted) —
   except one raised by staff, which only staff close;
4. escalate every open warning not taken into handling by its due day to the office one level up
   (street → county → city → province), with a new due day.

Writes go through ``services`` (one transaction per chunk of ``WRITE_CHUNK``); a second run on the
same day writes nothing. Every count is in ``RunResult``; one audit event sums up a run that wrote.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from socredit.apps.riskwarnings import services
from socredit.apps.riskwarnings.dormant import find_dormant
from socredit.apps.riskwarnings.frames import read_facts, read_figures, read_orgs, read_transactions
from socredit.apps.riskwarnings.models import OPEN_STATES, RiskWarning, WarningRule
from socredit.apps.workdays.services import working_calendar
from socredit.core.riskwarnings.evaluate import EVALUATORS, evaluate
from socredit.core.riskwarnings.rules import RuleKind, ThresholdErrors, validate_thresholds

WRITE_CHUNK = 2_000


@dataclass
class RunResult:
    as_of: dt.date
    organizations: int = 0
    rules: int = 0
    found: int = 0
    raised: int = 0
    updated: int = 0
    cleared: int = 0
    escalated: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)

    @property
    def wrote(self) -> bool:
        return bool(self.raised or self.updated or self.cleared or self.escalated)

    def line(self) -> str:
        return (f"风险预警（{self.as_of:%Y-%m-%d}）：规则 {self.rules} 条，命中 {self.found:,}；新预警 {self.raised:,}，"
                f"更新 {self.updated:,}，解除 {self.cleared:,}，升级 {self.escalated:,}")  # fmt: skip


def rules_in_force(as_of: dt.date) -> list[WarningRule]:
    """Enabled rules the run evaluates on ``as_of`` (not the staff-only kind)."""
    return [
        r for r in WarningRule.objects.filter(enabled=True, effective_from__lte=as_of, kind__in=list(EVALUATORS))
        .order_by("code") if r.effective_until is None or r.effective_until >= as_of
    ]  # fmt: skip


def _spans(rules: list[tuple[WarningRule, dict[str, Any]]]) -> dict[str, int]:
    spans: dict[str, int] = {}
    for rule, t in rules:
        if rule.kind == RuleKind.FIGURE_AMOUNT.value:
            continue  # its look-back is over transactions (read apart)
        days = t.get("lookback_days") or t.get("days")
        if days:
            spans[rule.kind] = max(spans.get(rule.kind, 0), int(days))
    return spans


def find(
    actor: Any, as_of: dt.date, region_path: str | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, RunResult]:
    """What the rules find on ``as_of``: (hits: rule, org, facts; orgs: org, region, street; result)."""
    result = RunResult(as_of)
    rules: list[tuple[WarningRule, dict[str, Any]]] = []
    for rule in rules_in_force(as_of):
        try:
            rules.append((rule, validate_thresholds(rule.kind, rule.thresholds)))
        except ThresholdErrors as exc:
            result.errors.append(f"{rule.code}：{exc}")
    orgs = read_orgs(region_path)
    result.organizations, result.rules = orgs.height, len(rules)
    facts = read_facts(actor, {r.kind for r, _t in rules}, as_of, orgs, _spans(rules))
    codes = sorted({c for r, t in rules if r.kind in (RuleKind.FIGURE_CHANGE.value, RuleKind.FIGURE_AMOUNT.value)
                    for c in t.get("figures", t.get("figure", []))})  # fmt: skip
    facts.figures = read_figures(actor, codes, as_of)
    lookback = max((t["lookback_days"] for r, t in rules if r.kind == RuleKind.FIGURE_AMOUNT.value
                    and t["transactions"][0] != "off"), default=0)  # fmt: skip
    facts.transactions = read_transactions(lookback, as_of)
    if any(r.kind == RuleKind.DORMANT.value for r, _t in rules):
        facts.dormant = find_dormant(as_of).join(orgs.select("org"), on="org", how="semi")
    found = []
    for rule, t in rules:
        hits = evaluate(rule.kind, facts, t, as_of)
        result.by_rule[rule.code] = hits.height
        found.append(hits.with_columns(pl.lit(rule.pk, dtype=pl.Int64).alias("rule")))
    hits = (
        pl.concat(found)
        if found
        else pl.DataFrame(schema={"org": pl.Int64, "facts": pl.String, "rule": pl.Int64})
    )
    result.found = hits.height
    return hits.select("rule", "org", "facts"), orgs.select("org", "region", "street"), result


def _open_warnings(rule_ids: list[int]) -> pl.DataFrame:
    rows = (
        RiskWarning.objects.filter(state__in=OPEN_STATES, rule_id__in=rule_ids).order_by()
        .values_list("pk", "rule_id", "organization_id", "level", "last_seen", "self_reported")
    )  # fmt: skip
    return pl.DataFrame(
        list(rows), orient="row",
        schema={"id": pl.Int64, "rule": pl.Int64, "org": pl.Int64, "level": pl.String, "last_seen": pl.Date,
                "self_reported": pl.Boolean},
    )  # fmt: skip


def run_daily(actor: Any, *, as_of: dt.date, region_path: str | None = None) -> RunResult:
    """The daily run on ``as_of`` (see the module docstring); ``region_path`` limits it to the
    organizations registered within a region (the demo; a region's own re-run)."""
    hits, orgs, result = find(actor, as_of, region_path)
    rules = {r.pk: r for r in WarningRule.objects.all()}
    evaluated = [pk for pk, code in ((r.pk, r.code) for r in rules.values()) if code in result.by_rule]
    existing = _open_warnings(evaluated)
    if region_path is not None:
        existing = existing.join(orgs.select("org"), on="org", how="semi")
    calendar = working_calendar()
    # new: no open warning of the rule on the organization
    new = hits.join(existing.select("rule", "org"), on=["rule", "org"], how="anti").join(
        orgs, on="org", how="left"
    )
    items = [
        {"rule": rules[rule], "organization_id": org, "facts": json.loads(facts), "holder_id": street or region,
         "due_on": calendar.add_working_days(as_of, rules[rule].handling_days)}
        for rule, org, facts, region, street in new.select("rule", "org", "facts", "region", "street").iter_rows()
    ]  # fmt: skip
    for start in range(0, len(items), WRITE_CHUNK):
        result.raised += services.raise_found(
            actor=actor, as_of=as_of, items=items[start : start + WRITE_CHUNK]
        )
    # still met: last seen today, level and facts brought up to date (facts compared as stored)
    still = existing.join(hits, on=["rule", "org"], how="inner").filter(pl.col("last_seen") < as_of)
    rows = list(still.select("id", "rule", "facts").iter_rows())
    for start in range(0, len(rows), WRITE_CHUNK):
        part = rows[start : start + WRITE_CHUNK]
        stored = dict(RiskWarning.objects.filter(pk__in=[r[0] for r in part]).values_list("pk", "facts"))
        changed, same = [], []
        for pk, rule, facts in part:
            found = json.loads(facts)
            if found != stored.get(pk):
                changed.append((pk, rules[rule].level, found))
            else:
                same.append((pk, rules[rule].level))
        result.updated += services.refresh_found(actor=actor, as_of=as_of, items=changed)
        result.updated += services.touch_found(as_of=as_of, items=same)
    # no longer met: cleared (not those raised by staff)
    gone = (
        existing.filter(~pl.col("self_reported")).join(hits, on=["rule", "org"], how="anti")["id"].to_list()
    )
    for start in range(0, len(gone), WRITE_CHUNK):
        result.cleared += services.clear_warnings(
            actor=actor, as_of=as_of, ids=gone[start : start + WRITE_CHUNK]
        )
    result.escalated = services.escalate_overdue(
        actor=actor, as_of=as_of, calendar=calendar, region_path=region_path
    )
    if result.wrote or result.errors:
        services.record_run(actor=actor, result=result)
    return result


def on_daily_duties(sender: Any, *, as_of: dt.date, actor: Any, **kwargs: Any) -> str:
    """The receiver of ``cases.daily.daily_duties``: the warning run, its summary line."""
    return run_daily(actor, as_of=as_of).line()
