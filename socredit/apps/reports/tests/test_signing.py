"""Verification codes and the report signature (HMAC under the server's report key)."""

from __future__ import annotations

import os

import pytest

from socredit.apps.reports import signing

pytestmark = pytest.mark.vendor_neutral  # codes and signatures: no database (socredit/testing/vendor.py)


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("7KQ2-M9XD-3FHT", "7KQ2M9XD3FHT"),
        ("7kq2 m9xd 3fht", "7KQ2M9XD3FHT"),
        (" 7KQ2M9XD3FHT ", "7KQ2M9XD3FHT"),
        ("OOOO-IIII-LLLL", "000011111111"),  # O, I and L read as 0, 1 and 1
    ],
)
def test_normalize_code_accepts_what_people_type(typed, stored):
    assert signing.normalize_code(typed) == stored


@pytest.mark.parametrize(
    "typed", ["", "7KQ2-M9XD", "7KQ2-M9XD-3FHTX", "7KQ2-M9XD-3FH!", "<script>", "U" * 12, "7" * 41]
)
def test_normalize_code_refuses_what_cannot_be_a_code(typed):
    assert signing.normalize_code(typed) is None


def test_new_codes_are_well_formed_and_differ():
    codes = {signing.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(signing.normalize_code(signing.format_code(c)) == c for c in codes)


def test_canonical_json_ignores_key_order_and_keeps_chinese():
    assert signing.canonical_json({"b": 1, "a": "养老"}) == '{"a":"养老","b":1}'


def test_signature_detects_any_change_and_depends_on_the_key(settings, tmp_path):
    settings.SOCREDIT_REPORT_KEY_FILE = str(tmp_path / "key")
    payload = {"number": "1", "content": {"lists": {"current": []}, "name": "甲"}}
    sig = signing.sign(payload)
    assert signing.signature_valid(payload, sig)
    assert oct(os.stat(tmp_path / "key").st_mode & 0o777) == "0o600"
    assert not signing.signature_valid({**payload, "content": {"lists": {"current": []}, "name": "乙"}}, sig)
    settings.SOCREDIT_REPORT_KEY_FILE = str(tmp_path / "other-key")
    assert not signing.signature_valid(payload, sig)  # another server key: the old signature fails
