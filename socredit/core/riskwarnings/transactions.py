"""资金往来 — transactions reported by finance and banking departments: one row's checks, pure.

A department (finance bureau, bank, the People's Bank's branch …) sends each transaction of a social
organization it holds: its own reference (unique within the department, so a second sending of the
same transaction is recognised), the day, the amount in yuan, the direction (received or paid), the
counterparty, and whether it is a related-party (关联交易) or a cross-border (境外) transaction.

``clean_transaction`` turns one row (spreadsheet cells or an API item, as text or typed values) into
typed values, or names every bad field and why, in Chinese (as ``core.values`` does): the import
report and the API answer read the same. Nothing here knows an organization beyond the registration
day it is given.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from socredit.core.types import Labelled
from socredit.core.values import parse_amount, parse_date

TRANSACTION_MAX = Decimal("10000000000.00")
"""一百亿元: no single transaction of a social organization comes near it; a larger amount is a
typing error (a unit mixed up, digits repeated). A design bound, not a legal parameter."""

REFERENCE_MAX = 100
COUNTERPARTY_MAX = 200
PURPOSE_MAX = 500


class Direction(Labelled):
    """资金方向."""

    IN = ("in", "收入（流入）", "Received")
    OUT = ("out", "支出（流出）", "Paid")


DIRECTION_WORDS = {
    "in": Direction.IN, "收入": Direction.IN, "流入": Direction.IN, "收入（流入）": Direction.IN, "收": Direction.IN,
    "received": Direction.IN,
    "out": Direction.OUT, "支出": Direction.OUT, "流出": Direction.OUT, "支出（流出）": Direction.OUT,
    "付": Direction.OUT, "paid": Direction.OUT,
}  # fmt: skip
YES = {"1", "true", "yes", "y", "是", "有", "√"}
NO = {"", "0", "false", "no", "n", "否", "无"}

FIELDS = (
    "reference",
    "occurred_on",
    "amount",
    "direction",
    "counterparty",
    "related_party",
    "overseas",
    "purpose",
)


def _flag(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value if value is not None else "").strip().lower()
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError(f"“{text[:20]}”不是“是”或“否”")


def _text(value: Any) -> str:
    return " ".join(str(value if value is not None else "").split())


def clean_transaction(
    row: dict[str, Any], *, today: dt.date, registered_on: dt.date | None
) -> tuple[dict[str, Any], dict[str, str]]:
    """(values, errors by field) of one transaction. ``registered_on``: the organization's
    registration day (None when the organization is unknown: that error is the caller's)."""
    values: dict[str, Any] = {}
    errors: dict[str, str] = {}
    reference = _text(row.get("reference"))
    if not reference:
        errors["reference"] = "请填写部门的交易编号（同一部门内唯一）"
    elif len(reference) > REFERENCE_MAX:
        errors["reference"] = f"交易编号过长（最多{REFERENCE_MAX}个字符）"
    values["reference"] = reference
    raw_day = row.get("occurred_on")
    if raw_day in (None, ""):
        errors["occurred_on"] = "请填写交易日期"
    else:
        try:
            day = parse_date(raw_day, today=today)
        except ValueError as exc:
            errors["occurred_on"] = str(exc)
        else:
            if registered_on is not None and day < registered_on:
                errors["occurred_on"] = f"交易日期早于该组织的成立登记日期（{registered_on:%Y-%m-%d}）"
            values["occurred_on"] = day
    try:
        amount = parse_amount(row.get("amount"))
    except ValueError as exc:
        errors["amount"] = str(exc)
    else:
        if amount is None:
            errors["amount"] = "请填写交易金额（元）"
        elif amount <= 0:
            errors["amount"] = "交易金额须大于0（方向在“资金方向”一栏填写）"
        elif amount > TRANSACTION_MAX:
            errors["amount"] = f"交易金额超过{TRANSACTION_MAX:,.2f}元，不可能是一笔真实交易，请核对单位和位数"
        values["amount"] = amount
    direction = DIRECTION_WORDS.get(_text(row.get("direction")).lower())
    if direction is None:
        errors["direction"] = "资金方向须为“收入”或“支出”（in / out）"
    else:
        values["direction"] = direction.value
    counterparty = _text(row.get("counterparty"))
    if not counterparty:
        errors["counterparty"] = "请填写交易对方名称"
    elif len(counterparty) > COUNTERPARTY_MAX:
        errors["counterparty"] = f"交易对方名称过长（最多{COUNTERPARTY_MAX}个字符）"
    values["counterparty"] = counterparty
    for name in ("related_party", "overseas"):
        try:
            values[name] = _flag(row.get(name))
        except ValueError as exc:
            errors[name] = str(exc)
    purpose = _text(row.get("purpose"))
    if len(purpose) > PURPOSE_MAX:
        errors["purpose"] = f"用途说明过长（最多{PURPOSE_MAX}个字符）"
    values["purpose"] = purpose
    return values, errors


def same(stored: dict[str, Any], values: dict[str, Any]) -> bool:
    """Whether a transaction already recorded under the same reference says the same."""
    return all(stored.get(k) == values.get(k) for k in FIELDS)
