"""Parsing of the plain values that arrive from forms, spreadsheets and the API.

Each parser returns the value or raises ValueError whose message says, in Chinese, what is wrong,
so that an import report and a form error read the same.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

EARLIEST_DATE = dt.date(1949, 10, 1)
"""No credit record or registration predates the People's Republic; earlier dates are typing errors."""

_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y.%m.%d", "%Y%m%d", "%Y年%m月%d日")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII).fullmatch
"""The common form, read without strptime (an import reads hundreds of thousands of dates)."""
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]").search
"""Control characters other than tab, newline and carriage return."""


def _strptime_any(text: str) -> dt.date:
    if _ISO_DATE(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass  # e.g. 2024-02-30: the formats below say why
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()  # noqa: DTZ007 — a calendar date, no time zone
        except ValueError:
            continue
    if re.fullmatch(r"\d{4}[-/.]\d{1,2}[-/.]\d{1,2}", text):
        raise ValueError(f"日期“{text}”不存在")
    raise ValueError(f"日期“{text}”格式错误，应为 YYYY-MM-DD")


def parse_date(value: object, *, today: dt.date | None = None, allow_future: bool = False) -> dt.date:
    """A calendar date from text, a date or a datetime; refuses impossible, pre-1949 and future dates."""
    if isinstance(value, dt.datetime):
        date = value.date()
    elif isinstance(value, dt.date):
        date = value
    else:
        text = str(value or "").strip()
        if not text:
            raise ValueError("日期不能为空")
        date = _strptime_any(text)
    if date < EARLIEST_DATE:
        raise ValueError(f"日期 {date.isoformat()} 早于 1949-10-01，不可能")
    if not allow_future and today is not None and date > today:
        raise ValueError(f"日期 {date.isoformat()} 晚于今天（{today.isoformat()}）")
    return date


AMOUNT_MAX = Decimal("999999999999.99")
"""The largest amount a record holds (the column keeps 14 digits, two of them decimals)."""
AMOUNT_RANGE = "0 至 999,999,999,999.99 元"
AMOUNT_MAX_CHARS = 40
"""Longer text is no amount anyone typed (the largest, with thousands separators and 元, has 20)."""


def _shown(value: object) -> str:
    text = str(value)
    return text if len(text) <= 24 else f"{text[:20]}…"


def parse_amount(value: object) -> Decimal | None:
    """An amount in yuan (元), at most two decimals, in 0 … AMOUNT_MAX; empty means no amount.

    The range is checked by exact comparison before any arithmetic: quantizing 1e26 or 1e400 would
    overflow the decimal context, and an integer of thousands of digits cannot even become text."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"金额“{value}”不是数字")
    if isinstance(value, int):
        if value < 0:
            raise ValueError(f"金额不能为负数，应在 {AMOUNT_RANGE}之间")
        if value > AMOUNT_MAX:
            raise ValueError(_out_of_range(value if value.bit_length() < 64 else "…"))
        return Decimal(value).quantize(Decimal("0.01"))
    if isinstance(value, Decimal):
        amount = value
    elif isinstance(value, float):
        amount = Decimal(repr(value))
    else:
        text = str(value).strip().replace(",", "").replace("，", "").removesuffix("元").strip()
        if not text:
            return None
        if len(text) > AMOUNT_MAX_CHARS:
            raise ValueError(
                f"金额过长（{len(text)}个字符，最多{AMOUNT_MAX_CHARS}个），应在 {AMOUNT_RANGE}之间"
            )
        try:
            amount = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"金额“{_shown(value)}”不是数字") from None
    if not amount.is_finite():
        raise ValueError(f"金额“{_shown(value)}”不是数字")
    if amount < 0:
        raise ValueError(f"金额不能为负数（{_shown(amount)}），应在 {AMOUNT_RANGE}之间")
    if amount > AMOUNT_MAX:
        raise ValueError(_out_of_range(amount))
    # In range: at most 12 integer digits, so quantizing to cents stays within the context precision.
    cents = amount.quantize(Decimal("0.01"))
    if amount != cents:
        raise ValueError(f"金额最多保留两位小数（{_shown(amount)}）")
    return cents if cents else Decimal("0.00")  # "-0" is zero, not a negative amount


def _out_of_range(amount: object) -> str:
    return f"金额超出范围（{_shown(amount)}），应在 {AMOUNT_RANGE}之间"


def clean_text(value: object, *, max_length: int, required: bool = False, what: str = "内容") -> str:
    """Strip a text value, refuse control characters and over-long input; HTML is kept as inert text."""
    text = "" if value is None else str(value).strip()
    if required and not text:
        raise ValueError(f"{what}不能为空")
    if len(text) > max_length:
        raise ValueError(f"{what}过长（{len(text)}字，最多{max_length}字）")
    if _CONTROL(text):
        raise ValueError(f"{what}含有控制字符")
    return text
