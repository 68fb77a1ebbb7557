"""统一社会信用代码 and 居民身份证号码: validation, masking and (for demo data and tests) generation.

Validation is python-stdnum's (`stdnum.cn.uscc`, `stdnum.cn.ric`); this module adds the
social-organization rule of rules.md R8.2 and the secondary organization-code check of R8.4.
"""

from __future__ import annotations

import datetime as dt
import operator
import re
from dataclasses import dataclass

from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric, uscc

from socredit.core.types import OrgType

CIVIL_AFFAIRS_DEPARTMENT_CODE = "5"
"""登记管理部门码 of 民政 (rules.md R8.2)."""

_ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


class CodeError(ValueError):
    """A code failed validation; the message says why, in Chinese, for the user."""


@dataclass(frozen=True, slots=True)
class SocialOrgCode:
    """A validated social-organization USCC and what it tells."""

    code: str
    org_type: OrgType
    authority_region: str
    """登记管理机关行政区划码 (positions 3–8)."""
    org_code_ok: bool
    """The inner GB 11714 check (R8.4); a warning only, because legacy codes exist."""


def org_code_check_char(body8: str) -> str:
    """GB 11714 check character over the 8 characters of a 组织机构代码 body (rules.md R8.4)."""
    total = 0
    for ch, w in zip(body8, _ORG_CODE_WEIGHTS, strict=True):
        v = int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10
        total += v * w
    c = 11 - total % 11
    return "X" if c == 10 else "0" if c == 11 else str(c)


def validate_social_org_code(raw: str) -> SocialOrgCode:
    """Validate a 统一社会信用代码 as a civil-affairs social organization's (R8.1–R8.3).

    Raises CodeError with a specific reason: length, characters, check character, department code
    (must be 5, 民政) or organization category (1, 2, 3 or 9).
    """
    text = (raw or "").strip().upper()
    if not text:
        raise CodeError("统一社会信用代码不能为空")
    try:
        code = uscc.validate(text)
    except stdnum_errors.InvalidLength:
        raise CodeError(f"统一社会信用代码应为18位，实际{len(uscc.compact(text))}位") from None
    except stdnum_errors.InvalidFormat:
        raise CodeError("统一社会信用代码含非法字符（前8位须为数字，不得含I、O、Z、S、V）") from None
    except stdnum_errors.InvalidChecksum:
        raise CodeError("统一社会信用代码校验位错误") from None
    except stdnum_errors.ValidationError as exc:  # any other stdnum refusal
        raise CodeError(f"统一社会信用代码无效：{exc}") from None
    if code[0] != CIVIL_AFFAIRS_DEPARTMENT_CODE:
        raise CodeError(f"第1位登记管理部门码为“{code[0]}”，社会组织应为“5”（民政）")
    try:
        org_type = OrgType.by_code(code[1])
    except ValueError:
        raise CodeError(
            f"第2位机构类别码为“{code[1]}”，应为1（社会团体）、2（民办非企业单位）、3（基金会）或9（其他）"
        ) from None
    return SocialOrgCode(
        code=code,
        org_type=org_type,
        authority_region=code[2:8],
        org_code_ok=org_code_check_char(code[8:16]) == code[16],
    )


_USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUES = {c: i for i, c in enumerate(_USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_SOCIAL_ORG_SHAPE = re.compile(r"5[1239]\d{6}[0-9A-HJ-NPQRTUWXY]{10}")


def is_social_org_code(text: str) -> bool:
    """True when ``text`` is, exactly as written, a code ``validate_social_org_code`` accepts unchanged
    (18 characters, 民政 department code, a category, the GB 32100 check character): the fast path of
    a check of 10,000 codes, where python-stdnum's validation costs 0.1 ms a code. A code that fails
    here goes through ``validate_social_org_code`` for its normalised form or its specific error (a
    property test proves the two agree)."""
    if _SOCIAL_ORG_SHAPE.fullmatch(text) is None:
        return False
    total = sum(map(operator.mul, map(_USCC_VALUES.__getitem__, text[:17]), _USCC_WEIGHTS))
    return text[17] == _USCC_ALPHABET[(31 - total) % 31]


def make_social_org_code(region: str, org_type: OrgType, serial: int) -> str:
    """Build a valid social-organization USCC: 5 + category + region + MJ-series 组织机构代码 + check.

    Used by the demo-data generator and tests; `serial` (0..999_999) makes it unique per region/type.
    """
    if not (len(region) == 6 and region.isdigit()):
        raise CodeError(f"区划码应为6位数字：{region!r}")
    body8 = f"MJ{serial % 1_000_000:06d}"
    org_code = body8 + org_code_check_char(body8)
    head = f"{CIVIL_AFFAIRS_DEPARTMENT_CODE}{org_type.value}{region}{org_code}"
    return head + uscc.calc_check_digit(head)


def validate_id_number(raw: str, today: dt.date | None = None) -> str:
    """Validate a 18-digit 居民身份证号码 with python-stdnum (birth date, birth place, check digit)."""
    text = (raw or "").strip().upper()
    if not text:
        raise CodeError("身份证号码不能为空")
    try:
        number = ric.validate(text)
    except stdnum_errors.InvalidLength:
        raise CodeError(f"身份证号码应为18位，实际{len(ric.compact(text))}位") from None
    except stdnum_errors.InvalidFormat:
        raise CodeError("身份证号码格式错误（前17位须为数字）") from None
    except stdnum_errors.InvalidChecksum:
        raise CodeError("身份证号码校验位错误") from None
    except stdnum_errors.InvalidComponent:
        raise CodeError("身份证号码中的出生日期或地址码无效") from None
    except stdnum_errors.ValidationError as exc:
        raise CodeError(f"身份证号码无效：{exc}") from None
    if today is not None and ric.get_birth_date(number) > today:
        raise CodeError("身份证号码中的出生日期晚于今天")
    return number


def make_id_number(region: str, birth: dt.date, sequence: int) -> str:
    """Build a valid ID number (demo data and tests). Odd sequence = male, even = female (GB 11643)."""
    head = f"{region}{birth:%Y%m%d}{sequence % 1000:03d}"
    # stdnum expects the number with a check-digit placeholder at the end.
    return head + ric.calc_check_digit(head + "0")


def mask_id_number(number: str, keep_first: int = 1, keep_last: int = 1) -> str:
    """Mask an ID number for display, keeping ``keep_first`` leading and ``keep_last`` trailing
    characters (the profile's ``persons.id_mask_keep_first`` / ``_last``; rules.md R7.2 recommends
    1 and 1). A number too short to keep that much and still hide something is masked whole."""
    if keep_first < 0 or keep_last < 0:
        raise ValueError("keep_first and keep_last must not be negative")
    if len(number) <= keep_first + keep_last:
        return "*" * len(number)
    tail = number[len(number) - keep_last :] if keep_last else ""
    return number[:keep_first] + "*" * (len(number) - keep_first - keep_last) + tail


def is_valid_uscc_char(ch: str) -> bool:
    return ch in _USCC_ALPHABET
