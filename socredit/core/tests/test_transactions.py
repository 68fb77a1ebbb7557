"""One reported transaction's checks (资金往来): every impossible value named by field."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from socredit.core.riskwarnings.transactions import TRANSACTION_MAX, clean_transaction, same

TODAY = dt.date(2026, 6, 1)
REGISTERED = dt.date(2015, 3, 1)
GOOD = {"reference": "ZZCZ-1", "occurred_on": "2026-03-18", "amount": "1,200,000.00", "direction": "支出",
        "counterparty": " 郑州市某某建设工程有限公司 ", "related_party": "是", "overseas": ""}  # fmt: skip


def test_a_good_row_is_typed():
    values, errors = clean_transaction(GOOD, today=TODAY, registered_on=REGISTERED)
    assert errors == {}
    assert values["amount"] == Decimal("1200000.00") and values["direction"] == "out"
    assert (
        values["occurred_on"] == dt.date(2026, 3, 18)
        and values["counterparty"] == "郑州市某某建设工程有限公司"
    )
    assert (values["related_party"], values["overseas"]) == (True, False)
    assert same(values, dict(values)) and not same(values, {**values, "amount": Decimal("1.00")})


@pytest.mark.parametrize(("field", "value", "words"), [
    ("amount", "-5", "负数"),
    ("amount", "0", "大于0"),
    ("amount", "", "请填写"),
    ("amount", "abc", "不是数字"),
    ("amount", str(TRANSACTION_MAX + 1), "不可能"),
    ("amount", "1.234", ""),
    ("occurred_on", "2026-06-02", ""),
    ("occurred_on", "2015-02-28", "成立登记日期"),
    ("occurred_on", "2026-02-30", "不存在"),
    ("occurred_on", "", "请填写"),
    ("direction", "sideways", "收入"),
    ("direction", "", "收入"),
    ("counterparty", "", "请填写"),
    ("reference", "", "请填写"),
    ("reference", "x" * 101, "过长"),
    ("related_party", "maybe", "是"),
])  # fmt: skip
def test_impossible_values_are_named_by_field(field, value, words):
    _values, errors = clean_transaction({**GOOD, field: value}, today=TODAY, registered_on=REGISTERED)
    assert set(errors) == {field}
    assert words in errors[field]


def test_an_unknown_organization_only_skips_the_registration_check():
    _values, errors = clean_transaction(
        {**GOOD, "occurred_on": "1990-01-01"}, today=TODAY, registered_on=None
    )
    assert errors == {}
