"""统一社会信用代码 and ID numbers: validation, the social-organization rule, masking, generation."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from socredit.core.codes import (
    CodeError,
    make_id_number,
    make_social_org_code,
    mask_id_number,
    org_code_check_char,
    validate_id_number,
    validate_social_org_code,
)
from socredit.core.types import OrgType


def test_known_national_foundation_code_is_valid():
    # 53100000500019795A: the example of rules.md R8.3 (a national foundation).
    parsed = validate_social_org_code("53100000500019795a ")
    assert parsed.code == "53100000500019795A"
    assert parsed.org_type is OrgType.FOUNDATION
    assert parsed.authority_region == "100000"
    assert parsed.org_code_ok


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("", "不能为空"),
        ("5310000050001979", "应为18位"),
        ("53100000500019795B", "校验位错误"),
        ("91350100M000100Y43", "第1位登记管理部门码为“9”"),  # an enterprise: valid USCC, not a social org
        ("12100000401359321Q", "第1位登记管理部门码为“1”"),
        ("5I100000500019795A", "非法字符"),
    ],
)
def test_invalid_codes_are_refused_with_the_reason(code, reason):
    with pytest.raises(CodeError, match=reason):
        validate_social_org_code(code)


def test_unknown_category_digit_is_refused():
    # Build a checksum-valid code with category 4, which civil affairs does not use (R8.2).
    from stdnum.cn import uscc

    head = "54410100MJ0000017"
    code = head + uscc.calc_check_digit(head)
    with pytest.raises(CodeError, match="第2位机构类别码为“4”"):
        validate_social_org_code(code)


def test_org_code_check_matches_rules_vectors():
    # rules.md R8.4, verified on 53100000500019795A: body 50001979 → check 5.
    assert org_code_check_char("50001979") == "5"


@given(
    region=st.sampled_from(["410100", "410105", "410184", "310107", "100000"]),
    org_type=st.sampled_from(list(OrgType)),
    serial=st.integers(min_value=0, max_value=999_999),
)
def test_generated_codes_always_validate(region, org_type, serial):
    code = make_social_org_code(region, org_type, serial)
    parsed = validate_social_org_code(code)
    assert parsed.org_type is org_type
    assert parsed.authority_region == region
    assert parsed.org_code_ok


@given(
    birth=st.dates(min_value=dt.date(1984, 1, 1), max_value=dt.date(2005, 12, 31)),
    seq=st.integers(min_value=0, max_value=999),
)
def test_generated_id_numbers_validate_and_mask(birth, seq):
    number = make_id_number("410105", birth, seq)
    assert validate_id_number(number) == number
    masked = mask_id_number(number)
    assert masked[0] == number[0] and masked[-1] == number[-1]
    assert set(masked[1:-1]) == {"*"}


def test_id_number_errors_are_specific():
    good = make_id_number("410105", dt.date(1990, 5, 3), 21)
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    with pytest.raises(CodeError, match="校验位错误"):
        validate_id_number(bad_check)
    with pytest.raises(CodeError, match="应为18位"):
        validate_id_number(good[:-2])
    future = make_id_number("410105", dt.date(2030, 1, 1), 1)
    with pytest.raises(CodeError, match="晚于今天"):
        validate_id_number(future, today=dt.date(2026, 11, 23))
