"""The indicator model (信用评价指标体系) as data: typed, checked, with the line of every mistake.

A model is a TOML document of kind ``indicator-model`` (see ``socredit.core.config``). It holds:

- ``[scale]``: the base score every organization starts from, and the bounds of the score;
- ``[[level]]``: thresholds from A (诚信) down to D (失信), strictly decreasing, the last at the
  bottom of the scale, so every score has exactly one level;
- ``[[group]]``: display groups of indicators (基础合规, 评估等级, …);
- ``[[indicator]]``: which record kinds count, how many points each counted record gives (by
  kind, by dishonesty class, by amount), the cap, the time window and a one-line reason; or,
  instead of record kinds, a figure of the annual work report (``figure`` with ``below`` or
  ``at_least``: the points are given once when the latest report's figure meets the condition,
  see ``socredit.core.scoring.figures``);
- ``[[level_rule]]``: rules that map statuses to levels (rules.md R5.4–R5.5), e.g. on the
  严重违法失信名单 → D, on the 活动异常名录 → at most C, 5A/4A without negatives → at least A.

The shipped models live in ``socredit/core/scoring/models/``; ``docs/credit-evaluation.md``
explains the reference model's choices.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from socredit.core.catalogue import reference_kind_codes
from socredit.core.config import Document, Library
from socredit.core.scoring.figures import FIGURE_CODE, contract_figure_codes
from socredit.core.types import DishonestyClass

LEVEL_CODES = ("A", "B", "C", "D")
"""Credit levels, best first: A 诚信, B 良好, C 警示, D 失信."""

LEVEL_NAMES = {"A": "诚信", "B": "良好", "C": "警示", "D": "失信"}
LIST_KINDS = ("serious", "abnormal", "red")
"""List memberships a level rule may test: 严重违法失信名单, 活动异常名录, 红名单."""

MODES = ("sum", "max")
LIMIT = 10_000
"""Bound on every number of a model (points, caps, scale): far above any sensible value, far below int32."""
MAX_WINDOW_MONTHS = 600
"""Fifty years: a window longer than the history of electronic credit files is a typing error."""


@dataclass(frozen=True)
class Level:
    """A credit level and the lowest score that reaches it."""

    code: str
    min_score: int
    name: str
    name_en: str = ""


@dataclass(frozen=True)
class AmountStep:
    """From ``at_least`` yuan on, a record gives ``points`` instead of its base points."""

    at_least: float
    points: int


@dataclass(frozen=True)
class Indicator:
    """One indicator (指标): record kinds that count, points per record, cap, window, reason."""

    id: str
    group: str
    name: str
    kinds: tuple[str, ...]
    points: int
    reason: str
    basis: str
    cap: int | None = None
    window_months: int | None = None
    mode: str = "sum"
    by_kind: Mapping[str, int] | None = None
    by_class: Mapping[str, int] | None = None
    amount_steps: tuple[AmountStep, ...] = ()
    name_en: str = ""
    reason_en: str = ""
    figure: str | None = None
    below: float | None = None
    at_least: float | None = None

    @property
    def reads_figure(self) -> bool:
        """True for an indicator that reads a report figure instead of counting records."""
        return self.figure is not None

    def figure_hit(self, value: float) -> bool:
        """Whether a figure's value meets this indicator's condition (``below`` or ``at_least``)."""
        if self.below is not None:
            return value < self.below
        return self.at_least is not None and value >= self.at_least

    def points_for(self, kind: str, dishonesty_class: str | None, amount: float | None) -> int:
        """Points one counted record of ``kind`` gives (before the cap): amount, then class, then kind."""
        for step in sorted(self.amount_steps, key=lambda s: s.at_least, reverse=True):
            if amount is not None and amount >= step.at_least:
                return step.points
        if dishonesty_class and self.by_class and dishonesty_class in self.by_class:
            return self.by_class[dishonesty_class]
        if self.by_kind and kind in self.by_kind:
            return self.by_kind[kind]
        return self.points


@dataclass(frozen=True)
class Group:
    """A display group of indicators."""

    id: str
    name: str
    name_en: str = ""


@dataclass(frozen=True)
class LevelRule:
    """A rule that sets, raises or lowers the level from a status (rules.md R5.4–R5.5).

    ``when = "list"``: the organization is on ``list`` on the evaluation date.
    ``when = "kinds"``: it has a counted record of one of ``kinds`` (within ``window_months``) and,
    if ``without_negative``, no counted record that takes points off.
    Exactly one of ``set`` / ``at_most`` / ``at_least`` names the level.
    """

    id: str
    when: str
    reason: str
    basis: str
    list: str | None = None
    kinds: tuple[str, ...] = ()
    without_negative: bool = False
    window_months: int | None = None
    set: str | None = None
    at_most: str | None = None
    at_least: str | None = None
    reason_en: str = ""


@dataclass(frozen=True)
class IndicatorModel:
    """A checked indicator model; see the module docstring for its parts."""

    version: str
    title: str
    effective_from: dt.date
    description: str
    base: int
    min_score: int
    max_score: int
    levels: tuple[Level, ...]
    groups: tuple[Group, ...]
    indicators: tuple[Indicator, ...]
    level_rules: tuple[LevelRule, ...]

    def indicator(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise KeyError(indicator_id)

    def level_for(self, score: float) -> str:
        """The level the thresholds give a score (before level rules)."""
        for level in self.levels:
            if score >= level.min_score:
                return level.code
        return self.levels[-1].code

    @property
    def kinds(self) -> frozenset[str]:
        """Every record kind the model reads (indicators and level rules)."""
        return frozenset(k for i in self.indicators for k in i.kinds) | frozenset(
            k for r in self.level_rules for k in r.kinds
        )

    @property
    def figures(self) -> frozenset[str]:
        """Every report figure code the model reads (empty for a model of records only)."""
        return frozenset(i.figure for i in self.indicators if i.figure is not None)

    def in_english(self) -> IndicatorModel:
        """The model as an English reader reads it: each level, group and indicator name and each
        reason replaced by its English text where the file gives one (``name_en``, ``reason_en``), the
        rest as written. Everything that computes is unchanged."""
        return replace(
            self,
            levels=tuple(replace(lv, name=lv.name_en or lv.name) for lv in self.levels),
            groups=tuple(replace(g, name=g.name_en or g.name) for g in self.groups),
            indicators=tuple(
                replace(i, name=i.name_en or i.name, reason=i.reason_en or i.reason) for i in self.indicators
            ),
            level_rules=tuple(replace(r, reason=r.reason_en or r.reason) for r in self.level_rules),
        )


_TOP_KEYS = {"meta", "scale", "level", "group", "indicator", "level_rule"}
_INDICATOR_KEYS = {
    "id", "group", "name", "name_en", "kinds", "points", "cap", "window_months", "mode", "reason",
    "reason_en", "basis", "by_kind", "by_class", "amount_steps", "figure", "below", "at_least",
}  # fmt: skip
_RECORD_ONLY_KEYS = ("kinds", "by_kind", "by_class", "amount_steps")
"""Keys an indicator reading a report figure cannot have: it counts no records."""
_RULE_KEYS = {
    "id", "when", "list", "kinds", "without_negative", "window_months", "set", "at_most", "at_least",
    "reason", "reason_en", "basis",
}  # fmt: skip


def _int(doc: Document, value: Any, what: str, *path: Any, positive: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise doc.error(f"{what} 必须是整数", *path)
    if positive and value <= 0:
        raise doc.error(f"{what} 必须大于 0", *path)
    if abs(value) > LIMIT:
        raise doc.error(f"{what} 超出允许范围（绝对值不超过 {LIMIT}）", *path)
    return value


def _months(doc: Document, value: Any, what: str, *path: Any) -> int:
    months = _int(doc, value, what, *path, positive=True)
    if months > MAX_WINDOW_MONTHS:
        raise doc.error(f"{what} 不能超过 {MAX_WINDOW_MONTHS} 个月", *path)
    return months


def _text(doc: Document, table: Mapping[str, Any], key: str, what: str, *path: Any) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise doc.error(f"{what} 缺少 {key}", *path, key)
    return value.strip()


def _english(doc: Document, table: Mapping[str, Any], key: str, what: str, *path: Any) -> str:
    """An optional English text (``name_en``, ``reason_en``): what an English reader reads instead."""
    value = table.get(key, "")
    if not isinstance(value, str):
        raise doc.error(f"{what} 的 {key} 应为文字", *path, key)
    return value.strip()


def _check_keys(doc: Document, table: Mapping[str, Any], allowed: set[str], what: str, *path: Any) -> None:
    unknown = sorted(set(table) - allowed)
    if unknown:
        raise doc.error(f"{what} 中有未知的键 “{unknown[0]}”", *path, unknown[0])


def _figure_indicator(doc: Document, ind: Mapping[str, Any], what: str, at: tuple[Any, ...],
                      figures_known: frozenset[str] | None) -> tuple[str, float | None, float | None]:  # fmt: skip
    """The figure, ``below`` and ``at_least`` of an indicator that reads a report figure."""
    figure = ind["figure"]
    if not isinstance(figure, str) or not FIGURE_CODE.match(figure):
        raise doc.error(f"{what} 的 figure 应为年度工作报告的数据项代码", *at, "figure")
    if figures_known is not None and figure not in figures_known:
        raise doc.error(f"{what} 引用了未知的年度工作报告数据项 “{figure}”", *at, "figure")
    for key in _RECORD_ONLY_KEYS:
        if key in ind:
            raise doc.error(f"{what} 读取年报数据项（figure），不能同时有 {key}", *at, key)
    conditions = [k for k in ("below", "at_least") if k in ind]
    if len(conditions) != 1:
        raise doc.error(f"{what} 必须且只能有 below、at_least 之一（数据项满足的条件）", *at, "figure")
    bound = ind[conditions[0]]
    if isinstance(bound, bool) or not isinstance(bound, int | float) or abs(bound) > 1e15:
        raise doc.error(f"{what} 的 {conditions[0]} 应为金额（元）", *at, conditions[0])
    if ind.get("mode", "sum") != "sum":
        raise doc.error(f"{what} 读取年报数据项，mode 只能为 sum", *at, "mode")
    return (figure, float(bound), None) if conditions[0] == "below" else (figure, None, float(bound))


def build_model(
    doc: Document, *, known_kinds: Collection[str] | None = None, known_figures: Collection[str] | None = None
) -> IndicatorModel:
    """Check a parsed document and build the model; ConfigError with the line on any mistake.

    ``known_kinds`` are the record-kind codes that exist (the reference catalogue when omitted);
    ``known_figures`` the report figure codes an indicator may read (the annual-report contract's
    codes when omitted).
    """
    data = doc.data
    kinds_known = frozenset(known_kinds) if known_kinds is not None else reference_kind_codes()
    figures_known = frozenset(known_figures) if known_figures is not None else contract_figure_codes()
    _check_keys(doc, data, _TOP_KEYS, "文件")

    scale = data.get("scale")
    if not isinstance(scale, Mapping):
        raise doc.error("缺少 [scale] 表（base、min、max）")
    base = _int(doc, scale.get("base"), "scale.base", "scale", "base")
    low = _int(doc, scale.get("min", 0), "scale.min", "scale", "min")
    high = _int(doc, scale.get("max"), "scale.max", "scale", "max")
    if not low <= base <= high or low >= high:
        raise doc.error("分值范围应满足 min ≤ base ≤ max 且 min < max", "scale")

    raw_levels = data.get("level")
    if not isinstance(raw_levels, list) or [lv.get("code") for lv in raw_levels] != list(LEVEL_CODES):
        raise doc.error("[[level]] 必须依次定义 A、B、C、D 四个等级", "level", 0)
    levels: list[Level] = []
    for i, lv in enumerate(raw_levels):
        _check_keys(doc, lv, {"code", "min", "name", "name_en"}, f"等级 {lv['code']}", "level", i)
        if "min" not in lv:
            raise doc.error(f"等级 {lv['code']} 缺少 min（最低分）", "level", i)
        minimum = _int(doc, lv["min"], f"等级 {lv['code']} 的 min", "level", i, "min")
        if levels and minimum >= levels[-1].min_score:
            raise doc.error(
                f"等级阈值重叠：{lv['code']} 的最低分 {minimum} 不低于 {levels[-1].code} 的 {levels[-1].min_score}",
                "level", i, "min",
            )  # fmt: skip
        if minimum > high:
            raise doc.error(f"等级 {lv['code']} 的最低分 {minimum} 高于满分 {high}", "level", i, "min")
        levels.append(Level(lv["code"], minimum, str(lv.get("name") or LEVEL_NAMES[lv["code"]]),
                            _english(doc, lv, "name_en", f"等级 {lv['code']}", "level", i)))  # fmt: skip
    if levels[-1].min_score != low:
        raise doc.error(f"等级 D 的最低分必须等于 scale.min（{low}），否则有分数没有等级", "level", 3, "min")

    groups: list[Group] = []
    for i, g in enumerate(data.get("group") or []):
        _check_keys(doc, g, {"id", "name", "name_en"}, "分组", "group", i)
        gid = _text(doc, g, "id", "分组", "group", i)
        if any(x.id == gid for x in groups):
            raise doc.error(f"分组 “{gid}” 重复", "group", i, "id")
        groups.append(Group(gid, _text(doc, g, "name", f"分组 {gid}", "group", i),
                            _english(doc, g, "name_en", f"分组 {gid}", "group", i)))  # fmt: skip
    group_ids = {g.id for g in groups}

    indicators: list[Indicator] = []
    kind_owner: dict[str, str] = {}
    raw_indicators = data.get("indicator")
    if not isinstance(raw_indicators, list) or not raw_indicators:
        raise doc.error("至少需要一个 [[indicator]]")
    for i, ind in enumerate(raw_indicators):
        at = ("indicator", i)
        iid = _text(doc, ind, "id", f"第 {i + 1} 个指标", *at)
        what = f"指标 “{iid}”"
        _check_keys(doc, ind, _INDICATOR_KEYS, what, *at)
        if any(x.id == iid for x in indicators):
            raise doc.error(f"{what} 重复", *at, "id")
        group = _text(doc, ind, "group", what, *at)
        if group not in group_ids:
            raise doc.error(f"{what} 的分组 “{group}” 未定义", *at, "group")
        if "figure" in ind:
            figure, below, at_least = _figure_indicator(doc, ind, what, at, figures_known)
            if "points" not in ind:
                raise doc.error(f"{what} 缺少分值 points", *at)
            cap = ind.get("cap")
            window = ind.get("window_months")
            indicators.append(
                Indicator(
                    id=iid, group=group, name=_text(doc, ind, "name", what, *at), kinds=(),
                    points=_int(doc, ind["points"], f"{what} 的 points", *at, "points"),
                    reason=_text(doc, ind, "reason", what, *at), basis=_text(doc, ind, "basis", what, *at),
                    cap=None if cap is None else _int(doc, cap, f"{what} 的 cap", *at, "cap", positive=True),
                    window_months=None if window is None
                    else _months(doc, window, f"{what} 的 window_months", *at, "window_months"),
                    name_en=_english(doc, ind, "name_en", what, *at),
                    reason_en=_english(doc, ind, "reason_en", what, *at),
                    figure=figure, below=below, at_least=at_least,
                )
            )  # fmt: skip
            continue
        kinds = ind.get("kinds")
        if not isinstance(kinds, list) or not kinds or not all(isinstance(k, str) for k in kinds):
            raise doc.error(f"{what} 缺少 kinds（计入的信用信息事项）", *at, "kinds")
        for k in kinds:
            if k not in kinds_known:
                raise doc.error(f"{what} 引用了未知的信用信息事项 “{k}”", *at, "kinds")
            if k in kind_owner:
                raise doc.error(f"事项 “{k}” 同时计入指标 “{kind_owner[k]}” 和 “{iid}”", *at, "kinds")
            kind_owner[k] = iid
        if "points" not in ind:
            raise doc.error(f"{what} 缺少分值 points", *at)
        points = _int(doc, ind["points"], f"{what} 的 points", *at, "points")
        cap = ind.get("cap")
        if cap is not None:
            cap = _int(doc, cap, f"{what} 的 cap", *at, "cap", positive=True)
        window = ind.get("window_months")
        if window is not None:
            window = _months(doc, window, f"{what} 的 window_months", *at, "window_months")
        mode = ind.get("mode", "sum")
        if mode not in MODES:
            raise doc.error(f"{what} 的 mode 应为 sum 或 max", *at, "mode")
        by_kind = ind.get("by_kind")
        if by_kind is not None:
            if not isinstance(by_kind, Mapping):
                raise doc.error(f"{what} 的 by_kind 应为表", *at, "by_kind")
            for k, v in by_kind.items():
                if k not in kinds:
                    raise doc.error(f"{what} 的 by_kind 中 “{k}” 不在 kinds 中", *at, "by_kind")
                _int(doc, v, f"{what} 的 by_kind.{k}", *at, "by_kind")
        by_class = ind.get("by_class")
        if by_class is not None:
            if not isinstance(by_class, Mapping):
                raise doc.error(f"{what} 的 by_class 应为表", *at, "by_class")
            for k, v in by_class.items():
                try:
                    DishonestyClass.by_code(k)
                except ValueError:
                    raise doc.error(
                        f"{what} 的 by_class 中 “{k}” 不是失信程度代码", *at, "by_class"
                    ) from None
                _int(doc, v, f"{what} 的 by_class.{k}", *at, "by_class")
        steps: list[AmountStep] = []
        raw_steps = ind.get("amount_steps", [])
        if not isinstance(raw_steps, list):
            raise doc.error(
                f"{what} 的 amount_steps 应为列表，如 [{{ at_least = 50000, points = -20 }}]",
                *at,
                "amount_steps",
            )
        for step in raw_steps:
            if not isinstance(step, Mapping) or set(step) != {"at_least", "points"}:
                raise doc.error(
                    f"{what} 的 amount_steps 每项应为 {{ at_least = 金额, points = 分值 }}",
                    *at,
                    "amount_steps",
                )
            amount = step["at_least"]
            if isinstance(amount, bool) or not isinstance(amount, int | float) or amount < 0:
                raise doc.error(f"{what} 的 amount_steps.at_least 应为非负金额", *at, "amount_steps")
            if steps and amount <= steps[-1].at_least:
                raise doc.error(f"{what} 的 amount_steps 应按金额从小到大排列且不重复", *at, "amount_steps")
            steps.append(
                AmountStep(float(amount), _int(doc, step["points"], f"{what} 的 amount_steps.points", *at))
            )
        values = [points, *(by_kind or {}).values(), *(by_class or {}).values(), *(s.points for s in steps)]
        if any(v > 0 for v in values) and any(v < 0 for v in values):
            raise doc.error(f"{what} 的分值有正有负；加分和减分请拆成两个指标", *at, "points")
        if cap is not None and mode == "max":
            raise doc.error(f"{what} 取最高分（mode = max），不需要 cap", *at, "cap")
        indicators.append(
            Indicator(
                id=iid, group=group, name=_text(doc, ind, "name", what, *at), kinds=tuple(kinds), points=points,
                reason=_text(doc, ind, "reason", what, *at), basis=_text(doc, ind, "basis", what, *at), cap=cap,
                window_months=window, mode=mode, by_kind=dict(by_kind) if by_kind else None,
                by_class=dict(by_class) if by_class else None, amount_steps=tuple(steps),
                name_en=_english(doc, ind, "name_en", what, *at), reason_en=_english(doc, ind, "reason_en", what, *at),
            )
        )  # fmt: skip

    rules: list[LevelRule] = []
    for i, rule in enumerate(data.get("level_rule") or []):
        at = ("level_rule", i)
        rid = _text(doc, rule, "id", f"第 {i + 1} 条等级规则", *at)
        what = f"等级规则 “{rid}”"
        _check_keys(doc, rule, _RULE_KEYS, what, *at)
        if any(r.id == rid for r in rules):
            raise doc.error(f"{what} 重复", *at, "id")
        when = rule.get("when")
        targets = [k for k in ("set", "at_most", "at_least") if k in rule]
        if len(targets) != 1:
            raise doc.error(f"{what} 必须且只能有 set、at_most、at_least 之一", *at)
        if rule[targets[0]] not in LEVEL_CODES:
            raise doc.error(f"{what} 的 {targets[0]} 应为 A、B、C、D 之一", *at, targets[0])
        kinds = ()
        list_kind = None
        if when == "list":
            list_kind = rule.get("list")
            if list_kind not in LIST_KINDS:
                raise doc.error(f"{what} 的 list 应为 {'、'.join(LIST_KINDS)} 之一", *at, "list")
        elif when == "kinds":
            raw = rule.get("kinds")
            if not isinstance(raw, list) or not raw or not all(isinstance(k, str) for k in raw):
                raise doc.error(f"{what} 缺少 kinds", *at, "kinds")
            for k in raw:
                if k not in kinds_known:
                    raise doc.error(f"{what} 引用了未知的信用信息事项 “{k}”", *at, "kinds")
            kinds = tuple(raw)
        else:
            raise doc.error(f"{what} 的 when 应为 list 或 kinds", *at, "when")
        window = rule.get("window_months")
        if window is not None:
            window = _months(doc, window, f"{what} 的 window_months", *at, "window_months")
        without_negative = rule.get("without_negative", False)
        if not isinstance(without_negative, bool):
            raise doc.error(f"{what} 的 without_negative 应为 true 或 false", *at, "without_negative")
        rules.append(
            LevelRule(
                id=rid, when=when, reason=_text(doc, rule, "reason", what, *at),
                basis=_text(doc, rule, "basis", what, *at), list=list_kind, kinds=kinds,
                without_negative=without_negative, window_months=window,
                set=rule.get("set"), at_most=rule.get("at_most"), at_least=rule.get("at_least"),
                reason_en=_english(doc, rule, "reason_en", what, *at),
            )
        )  # fmt: skip

    return IndicatorModel(
        version=doc.meta.version,
        title=doc.meta.title,
        effective_from=doc.meta.effective_from,
        description=doc.meta.description,
        base=base,
        min_score=low,
        max_score=high,
        levels=tuple(levels),
        groups=tuple(groups),
        indicators=tuple(indicators),
        level_rules=tuple(rules),
    )


def model_library(known_kinds: Collection[str] | None = None) -> Library[IndicatorModel]:
    """A library holding the shipped models, checked against ``known_kinds`` (default: reference)."""
    kinds = frozenset(known_kinds) if known_kinds is not None else None
    library: Library[IndicatorModel] = Library(
        "indicator-model", lambda doc: build_model(doc, known_kinds=kinds)
    )
    library.add_package_files("socredit.core.scoring", "models")
    return library


@cache
def shipped_models() -> Library[IndicatorModel]:
    """The shipped models checked against the reference catalogue (cached; read-only use)."""
    return model_library()
