"""年报的校验 — the rules one annual work report must meet, as field-level problems.

Pure: every function takes the report's values (facts as a mapping of field code → value, figures
as a mapping of figure code → Decimal) and returns a list of ``Problem``s, each naming the field
(a field or figure code of ``schema``, or ``year`` / ``attachments`` / ``__all__``) and saying
why in Chinese and in English. An empty list means the input is fine. Nothing here knows about the
web or the database; the app turns problems into form errors in the reader's language.

Two levels: ``check_draft`` is what a draft must already respect (a number is a number, amounts in
range, totals that are typed add up), ``check_submission`` adds what a complete report needs (the
required facts and totals, the audit report where the law asks for one).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from socredit.core.annualreports.schema import (
    BALANCE,
    FIELD_BY_CODE,
    FIGURE_BY_CODE,
    MAX_AMOUNT,
    PART_OF,
    REQUIRED_FIGURES,
    TOTALS,
    AttachmentKind,
    FieldKind,
    ReportState,
    audit_requirement,
    fields_for,
    pick,
    yes,
)
from socredit.core.types import OrgType

CENT = Decimal("0.01")
MAX_AMOUNT_CHARS = 24


@dataclass(frozen=True)
class Problem:
    """One thing wrong with one field, in both languages."""

    field: str
    zh: str
    en: str

    def text(self, language: str | None = "zh-hans") -> str:
        return pick(self.zh, self.en, language)


def _yuan(value: Decimal) -> str:
    return f"{value:,.2f}"


def _names(codes: Iterable[str], language: str) -> str:
    sep = "、" if language == "zh" else " + "
    return sep.join(FIGURE_BY_CODE[c].zh if language == "zh" else FIGURE_BY_CODE[c].en for c in codes)


# --- one amount ---------------------------------------------------------------------------------


def parse_figure(code: str, text: object) -> tuple[Decimal | None, Problem | None]:
    """An amount as typed ("1,234.50", "-300", "1 000元") → (Decimal with 2 places, None), or
    (None, the problem); empty text is (None, None): not reported."""
    figure = FIGURE_BY_CODE[code]
    raw = str(text if text is not None else "").strip()
    for junk in (",", "，", " ", "\u00a0", "元"):
        raw = raw.replace(junk, "")
    raw = raw.replace("－", "-").replace("．", ".")
    if not raw:
        return None, None
    if len(raw) > MAX_AMOUNT_CHARS:
        return None, Problem(code, f"“{figure.zh}”的金额过长", f"The amount of “{figure.en}” is too long")
    try:
        value = Decimal(raw)
    except InvalidOperation:
        return None, Problem(
            code,
            f"“{figure.zh}”应为金额（元），如 12345.67，而不是“{raw}”",
            f"“{figure.en}” must be an amount in yuan such as 12345.67, not “{raw}”",
        )
    if not value.is_finite():
        return None, Problem(code, f"“{figure.zh}”应为金额（元）", f"“{figure.en}” must be an amount in yuan")
    problem = check_amount(code, value)
    return (None, problem) if problem else (value.quantize(CENT), None)


def check_amount(code: str, value: Decimal) -> Problem | None:
    """Two places at most, within range, and not below zero unless the line can be."""
    figure = FIGURE_BY_CODE[code]
    if abs(value) > MAX_AMOUNT:  # checked first: quantizing a huge value would overflow
        return Problem(code, f"“{figure.zh}”超出可填写的范围（绝对值不超过 {_yuan(MAX_AMOUNT)} 元）",
                       f"“{figure.en}” is out of range (at most {_yuan(MAX_AMOUNT)} yuan)")  # fmt: skip
    if value != value.quantize(CENT):
        return Problem(code, f"“{figure.zh}”最多保留两位小数（元、角、分）",
                       f"“{figure.en}” has at most two decimal places")  # fmt: skip
    if value < 0 and not figure.may_be_negative:
        return Problem(code, f"“{figure.zh}”不能为负数（填写的是 {_yuan(value)}）",
                       f"“{figure.en}” cannot be negative (it is {_yuan(value)})")  # fmt: skip
    return None


# --- the statements -----------------------------------------------------------------------------


def check_figures(figures: Mapping[str, Decimal]) -> list[Problem]:
    """The statements hold together: each amount in range and of the right sign, each typed
    sub-total equal to the sum of its typed lines (a line left empty counts as 0 once any line of
    that total is typed), 货币资金 within 流动资产, and 资产总计 = 负债和净资产总计."""
    problems: list[Problem] = []
    for code, value in figures.items():
        if code not in FIGURE_BY_CODE:
            problems.append(Problem("__all__", f"未知的财务数据项“{code}”", f"Unknown figure “{code}”"))
            continue
        problem = check_amount(code, value)
        if problem:
            problems.append(problem)
    bad = {p.field for p in problems}
    for total in TOTALS:
        lines = total.parts + total.minus
        if total.total not in figures or total.total in bad or not any(c in figures for c in lines):
            continue
        if any(c in bad for c in lines):
            continue
        expected = sum((figures.get(c, Decimal(0)) for c in total.parts), Decimal(0)) - sum(
            (figures.get(c, Decimal(0)) for c in total.minus), Decimal(0)
        )
        stated = figures[total.total]
        if stated != expected:
            f = FIGURE_BY_CODE[total.total]
            how_zh = _names(total.parts, "zh") + ("减" + _names(total.minus, "zh") if total.minus else "之和")
            how_en = _names(total.parts, "en") + (" − " + _names(total.minus, "en") if total.minus else "")
            problems.append(Problem(
                total.total,
                f"“{f.zh}”应等于{how_zh}，即 {_yuan(expected)} 元，填写的是 {_yuan(stated)} 元"
                f"（相差 {_yuan(stated - expected)} 元）",
                f"“{f.en}” must equal {how_en} = {_yuan(expected)} yuan; it is {_yuan(stated)} yuan "
                f"(a difference of {_yuan(stated - expected)} yuan)",
            ))  # fmt: skip
            bad.add(total.total)
    for part, whole in PART_OF:
        ok = part in figures and whole in figures and part not in bad and whole not in bad
        if ok and figures[part] > figures[whole]:
            p, w = FIGURE_BY_CODE[part], FIGURE_BY_CODE[whole]
            problems.append(Problem(
                part,
                f"“{p.zh}”（{_yuan(figures[part])} 元）是“{w.zh}”的一部分，不能大于它（{_yuan(figures[whole])} 元）",
                f"“{p.en}” ({_yuan(figures[part])} yuan) is part of “{w.en}” and cannot exceed it "
                f"({_yuan(figures[whole])} yuan)",
            ))  # fmt: skip
    assets, other_side = BALANCE
    ok = assets in figures and other_side in figures and assets not in bad and other_side not in bad
    if ok and figures[assets] != figures[other_side]:
        a, o = FIGURE_BY_CODE[assets], FIGURE_BY_CODE[other_side]
        gap = figures[assets] - figures[other_side]
        problems.append(Problem(
            other_side,
            f"资产负债表不平衡：“{a.zh}”为 {_yuan(figures[assets])} 元，“{o.zh}”为 {_yuan(figures[other_side])} 元，"
            f"相差 {_yuan(gap)} 元；资产应等于负债加净资产",
            f"The balance sheet does not balance: “{a.en}” is {_yuan(figures[assets])} yuan, “{o.en}” is "
            f"{_yuan(figures[other_side])} yuan, a difference of {_yuan(gap)} yuan; assets must equal "
            f"liabilities plus net assets",
        ))  # fmt: skip
    return problems


# --- the facts ----------------------------------------------------------------------------------


def check_content(content: Mapping[str, object], org_type: OrgType) -> list[Problem]:
    """Each fact as typed: text within its length, a count a whole number ≥ 0, a yes/no or a choice
    one of its values. Facts of another organization type or unknown codes are refused."""
    problems: list[Problem] = []
    for code, value in content.items():
        spec = FIELD_BY_CODE.get(code)
        if spec is None or not spec.applies_to(org_type):
            problems.append(
                Problem("__all__", f"本类组织的年报没有“{code}”一项", f"This report has no item “{code}”")
            )
            continue
        if value in (None, ""):
            continue
        if spec.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT):
            if len(str(value)) > spec.max_length:
                problems.append(Problem(code, f"“{spec.zh}”过长：{len(str(value))}个字，最多{spec.max_length}个",
                                        f"“{spec.en}” is too long: {len(str(value))} characters, at most "
                                        f"{spec.max_length}"))  # fmt: skip
        elif spec.kind is FieldKind.COUNT:
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                problems.append(
                    Problem(code, f"“{spec.zh}”应为不小于0的整数", f"“{spec.en}” must be a whole number ≥ 0")
                )
        elif spec.kind is FieldKind.YES_NO:
            if str(value).lower() not in {"yes", "no", "true", "false"}:
                problems.append(
                    Problem(code, f"“{spec.zh}”请选择“是”或“否”", f"“{spec.en}”: choose yes or no")
                )
        elif spec.kind is FieldKind.CHOICE and spec.choice(str(value)) is None:
            allowed_zh = "、".join(c.zh for c in spec.choices)
            problems.append(Problem(code, f"“{spec.zh}”应为以下之一：{allowed_zh}",
                                    f"“{spec.en}” must be one of the listed choices"))  # fmt: skip
    return problems


def check_year(year: int, *, today: dt.date, registered_on: dt.date | None = None,
               existing: ReportState | None = None) -> list[Problem]:  # fmt: skip
    """A report is about a year that has ended, not before the organization was registered, and not
    one whose report is already concluded (``existing``: the state of its report of that year)."""
    if year >= today.year:
        return [Problem("year", f"{year}年度尚未结束，年度工作报告在次年报送",
                        f"The year {year} has not ended yet; its report is filed the year after")]  # fmt: skip
    if registered_on is not None and year < registered_on.year:
        return [Problem("year", f"组织于{registered_on.year}年登记，没有{year}年度的工作报告",
                        f"The organization was registered in {registered_on.year}; it has no report for {year}")]  # fmt: skip
    if existing is ReportState.CONCLUDED:
        return [
            Problem(
                "year",
                f"{year}年度的年检已经办结，不能再报送",
                f"The inspection of {year} is already concluded",
            )
        ]
    return []


def check_draft(
    content: Mapping[str, object], figures: Mapping[str, Decimal], org_type: OrgType
) -> list[Problem]:
    """What a saved draft already respects (nothing required yet)."""
    return check_content(content, org_type) + check_figures(figures)


def check_submission(content: Mapping[str, object], figures: Mapping[str, Decimal], org_type: OrgType, *,
                     attachments: Iterable[AttachmentKind] = ()) -> list[Problem]:  # fmt: skip
    """A complete report: the draft rules, every required fact and total, the election described if
    there was one, and the audit report where the law requires one (``schema.audit_requirement``)."""
    problems = check_draft(content, figures, org_type)
    for spec in fields_for(org_type):
        if spec.required and content.get(spec.code) in (None, ""):
            problems.append(Problem(spec.code, f"请填写“{spec.zh}”", f"Fill in “{spec.en}”"))
    if yes(content.get("election_held")) and not str(content.get("election_notes") or "").strip():
        problems.append(Problem("election_notes", "本年度换届的，请说明换届选举情况",
                                "The leadership was elected this year: describe how the election went"))  # fmt: skip
    for code in REQUIRED_FIGURES:
        if code not in figures:
            f = FIGURE_BY_CODE[code]
            problems.append(Problem(code, f"请填写“{f.zh}”（没有的填 0）", f"Fill in “{f.en}” (0 if none)"))
    audit = audit_requirement(org_type, charity=yes(content.get("charity_organization")),
                              public_fundraising=yes(content.get("public_fundraising")))  # fmt: skip
    if audit.required:
        if AttachmentKind.AUDIT_REPORT not in set(attachments):
            problems.append(Problem("attachments", f"须附审计报告（依据{audit.basis}）",
                                    f"The audit report must be attached (required by {audit.basis})"))  # fmt: skip
        if content.get("audit_opinion") == "not_audited":
            problems.append(Problem("audit_opinion", f"财务会计报告须经审计（依据{audit.basis}），不能选“未经审计”",
                                    f"The financial statements must be audited (required by {audit.basis})"))  # fmt: skip
    return problems
