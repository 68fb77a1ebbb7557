"""parse_amount answers every input with an amount or a ValueError naming the field and the range,
never an arithmetic exception: huge, tiny, NaN, Infinity, exponent forms, very long digit strings."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socredit.core.values import AMOUNT_MAX, AMOUNT_RANGE, parse_amount


def _outcome(value: object) -> Decimal | str | None:
    """The amount, or the message of the ValueError; any other exception fails the test."""
    try:
        return parse_amount(value)
    except ValueError as exc:
        message = str(exc)
        assert message.startswith("金额"), message  # the field is named
        return message


def _accepted(result: Decimal | str | None) -> None:
    if isinstance(result, Decimal):
        assert Decimal(0) <= result <= AMOUNT_MAX
        assert result == result.quantize(Decimal("0.01"))
        assert result.as_tuple().exponent == -2


@pytest.mark.parametrize(
    "text",
    ["1e26", "1E26", "1e400", "1e999999999999999999", "99999999999999999999999999999", "1000000000000",
     "999999999999.995", "+1e12"],
)  # fmt: skip
def test_huge_amounts_are_out_of_range_and_say_the_range(text):
    with pytest.raises(ValueError, match="金额超出范围") as caught:
        parse_amount(text)
    assert AMOUNT_RANGE in str(caught.value)


@pytest.mark.parametrize(
    "value", [10**40, pytest.param(10**5000, id="int-5001-digits"), Decimal("1e400"), 1e300, float(10**13)]
)
def test_huge_numbers_of_every_type_are_out_of_range(value):
    with pytest.raises(ValueError, match="金额超出范围"):
        parse_amount(value)


@pytest.mark.parametrize(
    "value", [-1, pytest.param(-(10**5000), id="int-minus-5001-digits"), Decimal("-1e400"), "-1e400", -0.5]
)
def test_negative_numbers_of_every_type_are_refused(value):
    with pytest.raises(ValueError, match="不能为负数"):
        parse_amount(value)


@pytest.mark.parametrize(
    "value",
    ["NaN", "nan", "sNaN", "Infinity", "-Infinity", "inf", float("nan"), float("inf"), Decimal("NaN")],
)
def test_not_a_number_and_infinity_are_not_numbers(value):
    with pytest.raises(ValueError, match="不是数字"):
        parse_amount(value)


@pytest.mark.parametrize("text", ["1e-400", "0.001", "1E-999999999999999999", "0." + "0" * 30 + "1"])
def test_tiny_fractions_are_refused_for_their_decimals(text):
    with pytest.raises(ValueError, match="两位小数"):
        parse_amount(text)


def test_a_very_long_digit_string_is_refused_for_its_length():
    with pytest.raises(ValueError, match=r"金额过长（100000个字符，最多40个）"):
        parse_amount("1" * 100_000)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("999,999,999,999.99元", AMOUNT_MAX), ("1e3", Decimal("1000.00")), ("12.000", Decimal("12.00")),
     (5, Decimal("5.00")), (0.1, Decimal("0.10")), ("-0", Decimal("0.00")), (AMOUNT_MAX, AMOUNT_MAX)],
)  # fmt: skip
def test_in_range_forms_read_as_cents(value, expected):
    result = parse_amount(value)
    assert result == expected
    assert str(result) == str(expected)


@given(st.decimals(allow_nan=True, allow_infinity=True))
def test_any_decimal_gives_an_amount_in_range_or_a_message(value):
    _accepted(_outcome(value))


@given(st.decimals(allow_nan=True, allow_infinity=True).map(str))
def test_any_decimal_text_gives_an_amount_in_range_or_a_message(text):
    result = _outcome(text)
    _accepted(result)
    if isinstance(result, Decimal):
        assert result == Decimal(text)


@given(st.integers(min_value=-2, max_value=10**6), st.integers(min_value=-(10**6), max_value=10**6))
def test_exponent_forms_of_any_size(digits, exponent):
    text = f"{digits}e{exponent}"
    result = _outcome(text)
    _accepted(result)
    amount = Decimal(text)
    if 0 <= amount <= AMOUNT_MAX and amount == amount.quantize(Decimal("0.01")):
        assert result == amount
    else:
        assert isinstance(result, str)


@given(st.integers())
def test_any_integer(value):
    result = _outcome(value)
    _accepted(result)
    assert (result == value) if 0 <= value <= AMOUNT_MAX else isinstance(result, str)


@given(st.floats())
def test_any_float(value):
    _accepted(_outcome(value))


@given(st.text(alphabet="0123456789.eE+-,元 ", max_size=60))
def test_any_numeric_looking_text(text):
    _accepted(_outcome(text))


@given(st.text(max_size=80))
def test_any_text(text):
    _accepted(_outcome(text))
