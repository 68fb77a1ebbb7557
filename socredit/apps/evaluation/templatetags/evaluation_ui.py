"""Presentation of an evaluation result: the breakdown chart, what decided the level, the "what if"
differences, the per-level bars of a run. Pure functions over core objects (no database reads), so
that the views stay access → service → render and the templates stay free of arithmetic."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import template
from django.utils.translation import gettext as _

from socredit.apps.evaluation.causes import cause_in_words
from socredit.core.citations import public_basis, public_text
from socredit.core.scoring.evaluate import Explanation, IndicatorResult
from socredit.core.scoring.model import LEVEL_CODES, LEVEL_NAMES, IndicatorModel

register = template.Library()

MIN_SCALE = 10
"""Points that fill a whole half of the breakdown chart at least, so that one -3 is not a full bar."""


@register.filter
def level_cause(stored: str) -> str:
    """A level change's cause in the reader's language (``evaluation.causes``)."""
    return cause_in_words(stored)


@register.filter
def level_name(code: str, model: IndicatorModel | None = None) -> str:
    """The name of a level (诚信/良好/警示/失信): the model's own if given, else the standard one."""
    if model is not None:
        for lv in model.levels:
            if lv.code == code:
                return lv.name
    return LEVEL_NAMES.get(code or "", "")


@register.filter
def signed(value: Any) -> str:
    """Points with their sign: +5, −3, 0 (a true minus sign, readable in a table)."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return ""
    return f"+{n}" if n > 0 else (f"−{-n}" if n < 0 else "0")


def level_band(model: IndicatorModel, code: str) -> tuple[int, int]:
    """The lowest and highest score of a level under the model's thresholds."""
    high = model.max_score
    for lv in model.levels:
        if lv.code == code:
            return lv.min_score, high
        high = lv.min_score - 1
    return model.min_score, model.max_score


@register.simple_tag
def decided_by(model: IndicatorModel, ex: Explanation) -> dict[str, Any]:
    """What decided the level: the score thresholds, or a level rule with its reason and basis."""
    low, high = level_band(model, ex.score_level)
    band = _("Score %(score)s lies in %(low)s–%(high)s, the band of level %(level)s (%(name)s).") % {
        "score": ex.score, "low": low, "high": high, "level": ex.score_level,
        "name": level_name(ex.score_level, model),
    }  # fmt: skip
    if ex.rule is None:
        return {"kind": "score", "text": band, "basis": "", "rule": None, "override": ""}
    override = ""
    if ex.score_level != ex.level:
        override = _("By score alone the level would be %(before)s; this rule makes it %(after)s.") % {
            "before": ex.score_level, "after": ex.level,
        }  # fmt: skip
    return {"kind": "rule", "text": public_text(ex.rule.reason), "basis": public_basis(ex.rule.basis), "rule": ex.rule, "band": band,
            "override": override}  # fmt: skip


def _line(line: IndicatorResult, scale: int) -> dict[str, Any]:
    ind = line.indicator
    return {
        "id": ind.id,
        "name": ind.name,
        "count": line.count,
        "points": line.points,
        "raw_points": line.raw_points,
        "capped": line.capped,
        "cap": ind.cap,
        "mode": ind.mode,
        "reason": public_text(ind.reason),
        "basis": public_basis(ind.basis),
        "width": round(min(abs(line.points) / scale, 1) * 100, 1),
        "sign": "pos" if line.points > 0 else ("neg" if line.points < 0 else "zero"),
    }


@register.simple_tag
def breakdown(model: IndicatorModel, ex: Explanation) -> dict[str, Any]:
    """The lines of the breakdown grouped by the model's groups (in the model's order), each with
    the width of its bar; groups without any counted record are left out."""
    scale = max([MIN_SCALE, *(abs(line.points) for line in ex.lines)])
    by_group: dict[str, list[IndicatorResult]] = {}
    for line in ex.lines:
        by_group.setdefault(line.indicator.group, []).append(line)
    groups = [
        {
            "id": g.id,
            "name": g.name,
            "lines": [_line(line, scale) for line in by_group[g.id]],
            "points": sum(line.points for line in by_group[g.id]),
        }
        for g in model.groups
        if g.id in by_group
    ]
    total = sum(line.points for line in ex.lines)
    return {
        "groups": groups,
        "base": ex.base,
        "total": total,
        "clipped": ex.base + total != ex.score,
        "scale": scale,
    }


@register.simple_tag
def line_changes(current: Explanation, hypothetical: Explanation) -> list[dict[str, Any]]:
    """The indicator lines whose count or points differ between two explanations, in model order."""
    before = {line.indicator.id: line for line in current.lines}
    after = {line.indicator.id: line for line in hypothetical.lines}
    changes = []
    seen = set()
    for line in [*current.lines, *hypothetical.lines]:
        iid = line.indicator.id
        if iid in seen:
            continue
        seen.add(iid)
        old, new = before.get(iid), after.get(iid)
        old_points, new_points = (old.points if old else 0), (new.points if new else 0)
        old_count, new_count = (old.count if old else 0), (new.count if new else 0)
        if (old_points, old_count) != (new_points, new_count):
            changes.append({
                "name": line.indicator.name, "before": old_points, "after": new_points,
                "difference": new_points - old_points, "count_before": old_count, "count_after": new_count,
                "capped_before": bool(old and old.capped), "capped_after": bool(new and new.capped),
            })  # fmt: skip
    return changes


@register.simple_tag
def level_shares(counts: Mapping[str, int] | None) -> list[dict[str, Any]]:
    """Per level A–D: the count and its share in percent (for a stacked bar and a legend)."""
    counts = counts or {}
    total = sum(int(counts.get(c, 0)) for c in LEVEL_CODES)
    return [
        {
            "code": c,
            "name": LEVEL_NAMES[c],
            "n": int(counts.get(c, 0)),
            "pct": round(100 * int(counts.get(c, 0)) / total, 1) if total else 0,
        }
        for c in LEVEL_CODES
    ]


@register.simple_tag
def rule_target(rule: Any) -> tuple[str, str]:
    """(effect, level) of a level rule: ("set", "D"), ("at_most", "C"), ("at_least", "A")."""
    for name in ("set", "at_most", "at_least"):
        value = getattr(rule, name, None)
        if value:
            return name, value
    return "", ""
