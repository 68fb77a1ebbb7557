"""Levels, rule kinds and the thresholds each kind takes, validated per kind.

A rule (``WarningRule`` in the app) is data: a code, a kind, a level, thresholds, the reason shown
to staff and its legal or policy basis. The kind decides which evaluator runs and which thresholds it
reads; ``validate_thresholds`` turns what an administrator typed (or a migration wrote) into the typed
values the evaluator reads, or names each bad field and why.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from socredit.core.types import Labelled, RoleKind


class Level(Labelled):
    """预警等级 — red is the most serious, blue the least."""

    RED = ("red", "红色", "Red")
    ORANGE = ("orange", "橙色", "Orange")
    YELLOW = ("yellow", "黄色", "Yellow")
    BLUE = ("blue", "蓝色", "Blue")


LEVEL_RANK = {Level.RED.value: 0, Level.ORANGE.value: 1, Level.YELLOW.value: 2, Level.BLUE.value: 3}
"""Sort order: the most serious first."""


class RuleKind(Labelled):
    """预警规则类型 — which evaluator a rule runs."""

    ANNUAL_REPORT_OVERDUE = ("annual_report_overdue", "年度工作报告逾期未报", "Annual report overdue")
    DORMANT = ("dormant", "疑似僵尸型社会组织", "Possibly dormant organization")
    ADDRESS_UNREACHABLE = ("address_unreachable", "登记住所无法联系", "Unreachable at the registered address")
    ELECTION_OVERDUE = ("election_overdue", "逾期未换届", "Term election overdue")
    BANNED_PERSON = ("banned_person", "受限人员担任负责人", "Banned or listed person in a responsible post")
    COMPLAINT_BURST = ("complaint_burst", "举报查实集中发生", "Burst of founded complaints")
    FIGURE_CHANGE = ("figure_change", "收支同比异常变动", "Abnormal change in income or expenditure")
    FIGURE_AMOUNT = ("figure_amount", "资金金额达到预警线", "Amount at or above a warning line")
    SELF_REPORT = ("self_report", "街镇自主申报、走访发现", "Raised by street staff (self-report, visit)")


CHANGE_FIGURES = ("ia_total_income", "ia_total_expenses")
"""Figures a year-over-year change rule may watch (收入合计, 费用合计)."""

AMOUNT_FIGURES = (
    "largest_transaction",
    "related_party_amount",
    "overseas_income",
    "overseas_expenditure",
    "public_fundraising_income",
    "ia_total_income",
    "ia_total_expenses",
)
"""Figures an amount rule may add up (annual report codes, ``core.annualreports.schema.FIGURES``)."""

POST_CODES = tuple(k.value for k in RoleKind)

TRANSACTION_MODES = ("off", "single", "related_party", "overseas")
"""How an amount rule reads the transactions departments report (资金往来): ``off`` not at all;
``single`` one transaction at or above the amount; ``related_party`` / ``overseas`` the transactions
so flagged within the look-back, together at or above the amount."""


@dataclass(frozen=True)
class Threshold:
    """One threshold of a kind: its type decides parsing and the bounds that make it possible."""

    name: str
    type: str
    """``int`` (whole number ≥ minimum), ``amount`` (yuan, ≥ 0), ``ratio`` (> 0), ``codes`` (a
    non-empty subset of ``options``), ``bool``."""
    zh: str
    en: str
    minimum: int = 0
    options: tuple[str, ...] = ()
    single: bool = False
    """``codes`` only: exactly one option."""

    def label(self, language: str | None = "zh-hans") -> str:
        return self.en if (language or "").startswith("en") else self.zh


def _int(name: str, zh: str, en: str, minimum: int) -> Threshold:
    return Threshold(name, "int", zh, en, minimum)


KIND_THRESHOLDS: dict[str, tuple[Threshold, ...]] = {
    RuleKind.ANNUAL_REPORT_OVERDUE.value: (
        _int("grace_days", "逾期宽限天数", "Days overdue before warning", 0),
    ),
    RuleKind.DORMANT.value: (),  # the region's profile (dormancy.*) sets them: one definition
    RuleKind.ADDRESS_UNREACHABLE.value: (_int("lookback_days", "回看天数", "Look back (days)", 1),),
    RuleKind.ELECTION_OVERDUE.value: (
        _int("term_years", "每届任期（年）", "Term of office (years)", 1),
        _int("grace_days", "届满后宽限天数", "Days of grace after the term ends", 0),
    ),
    RuleKind.BANNED_PERSON.value: (
        Threshold("posts", "codes", "所涉职务", "Posts concerned", options=POST_CODES),
        Threshold(
            "include_serious_list",
            "bool",
            "含严重违法失信名单所涉负责人",
            "Include persons on the serious list",
        ),
    ),
    RuleKind.COMPLAINT_BURST.value: (
        _int("count", "查实举报件数（不少于）", "Founded complaints (at least)", 1),
        _int("days", "期间（天）", "Within (days)", 1),
    ),
    RuleKind.FIGURE_CHANGE.value: (
        Threshold("figure", "codes", "监测项目", "Figure watched", options=CHANGE_FIGURES, single=True),
        Threshold("ratio", "ratio", "同比变动比例（如 0.5 即 50%）", "Year-over-year change (0.5 = 50 %)"),
        Threshold(
            "min_amount",
            "amount",
            "金额下限（元，两年中较大者）",
            "Minimum amount (yuan, larger of the two years)",
        ),
    ),
    RuleKind.FIGURE_AMOUNT.value: (
        Threshold("figures", "codes", "合计的项目", "Figures added up", options=AMOUNT_FIGURES),
        Threshold("amount", "amount", "预警金额（元，达到即预警）", "Warning amount (yuan, at or above)"),
        Threshold(
            "transactions",
            "codes",
            "部门报送的资金往来（off 不读；single 单笔达到金额；related_party 关联交易合计；overseas 境外往来合计）",
            "Transactions reported by departments (off; single; related_party total; overseas total)",
            options=TRANSACTION_MODES,
            single=True,
        ),
        _int("lookback_days", "资金往来回看天数", "Look back over transactions (days)", 1),
    ),
    RuleKind.SELF_REPORT.value: (),
}


class _Bad(ValueError):
    def __init__(self, message: str, **params: Any) -> None:
        self.message, self.params = message, params
        super().__init__(message % params if params else message)


class ThresholdErrors(ValueError):
    """Bad thresholds: field name → (message, params). Messages are English msgids with
    ``%(name)s`` placeholders: the app translates them (``gettext(message) % params``)."""

    def __init__(self, errors: dict[str, tuple[str, dict[str, Any]]]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {m % p if p else m}" for k, (m, p) in errors.items()))


def _parse(spec: Threshold, raw: Any) -> Any:
    if spec.type == "bool":
        if isinstance(raw, bool):
            return raw
        if str(raw).strip().lower() in {"1", "true", "yes", "on", "是"}:
            return True
        if str(raw).strip().lower() in {"0", "false", "no", "off", "否", ""}:
            return False
        raise _Bad("Enter yes or no.")
    if spec.type == "codes":
        items = raw if isinstance(raw, list | tuple) else [p for p in str(raw).replace("，", ",").split(",")]
        codes = [str(i).strip() for i in items if str(i).strip()]
        if not codes:
            raise _Bad("Choose at least one.")
        bad = [c for c in codes if c not in spec.options]
        if bad:
            raise _Bad("Not an option: %(items)s.", items=", ".join(bad))
        if spec.single and len(set(codes)) != 1:
            raise _Bad("Choose exactly one.")
        return sorted(set(codes), key=spec.options.index)
    if isinstance(raw, bool) or raw is None or str(raw).strip() == "":
        raise _Bad("A threshold must be a number.")
    try:
        number = Decimal(str(raw).strip())
    except InvalidOperation:
        raise _Bad("A threshold must be a number.") from None
    if not number.is_finite():
        raise _Bad("A threshold must be a number.")
    if spec.type == "int":
        if number != number.to_integral_value():
            raise _Bad("A threshold must be a whole number.")
        if number < spec.minimum:
            raise _Bad("Must be at least %(minimum)s.", minimum=spec.minimum)
        return int(number)
    if spec.type == "ratio":
        if number <= 0:
            raise _Bad("A ratio must be greater than 0.")
        return float(number)
    if number < 0:  # amount
        raise _Bad("An amount cannot be negative.")
    return float(number)


def validate_thresholds(kind: str, raw: dict[str, Any]) -> dict[str, Any]:
    """The typed thresholds of ``kind`` from ``raw``; ThresholdErrors naming every bad or missing
    field (and any field the kind does not take)."""
    if kind not in KIND_THRESHOLDS:
        raise ThresholdErrors({"kind": ("Unknown rule kind: %(kind)s.", {"kind": kind})})
    specs = KIND_THRESHOLDS[kind]
    errors: dict[str, tuple[str, dict[str, Any]]] = {}
    clean: dict[str, Any] = {}
    for spec in specs:
        if spec.name not in raw:
            errors[spec.name] = ("Enter this threshold.", {})
            continue
        try:
            clean[spec.name] = _parse(spec, raw[spec.name])
        except _Bad as exc:
            errors[spec.name] = (exc.message, exc.params)
    for extra in sorted(set(raw) - {s.name for s in specs}):
        errors[extra] = ("A rule of this kind takes no such threshold.", {})
    if errors:
        raise ThresholdErrors(errors)
    return clean
