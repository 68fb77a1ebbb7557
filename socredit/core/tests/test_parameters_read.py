"""Every declared policy parameter is read by the product (issue 10, item 7).

A parameter stated in the profiles but read by no code would look like a rule the platform applies
while it applies nothing. This test scans the product code (not tests, migrations, or the profile
machinery that only declares and loads parameters) for each key of ``PARAMETERS`` written as a string
literal. Parameters reserved for work not yet built (``RESERVED``:
``evaluation.*``) are exempt; the profile pages mark them 预留：尚未启用.
"""

import re
from pathlib import Path

import pytest

from socredit.core.policy_parameters import PARAMETERS, RESERVED, reserved_for

ROOT = Path(__file__).resolve().parents[2]  # the socredit package
DECLARING = {
    ROOT / "core" / "policy.py",
    ROOT / "core" / "policy_parameters.py",
    ROOT / "core" / "policy_select.py",
    ROOT / "core" / "config.py",
}


def _product_sources() -> str:
    texts = []
    for path in sorted(ROOT.rglob("*.py")):
        parts = set(path.relative_to(ROOT).parts)
        if "tests" in parts or "migrations" in parts or path in DECLARING:
            continue
        texts.append(path.read_text(encoding="utf-8"))
    return "\n".join(texts)


SOURCES = _product_sources()


# Keys built from a template, e.g. f"repair.{dishonesty_class}_publicity_min_months": each
# placeholder stands for one identifier-like part of a key.
def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{[^}]*\}", template)
    return re.compile("[a-z_]+".join(re.escape(p) for p in parts) + "$")


TEMPLATES = [_pattern(t) for t in set(re.findall(r"""f["']([a-z_]+\.[a-z_.]*\{[^"']*)["']""", SOURCES))]


def _read(key: str) -> bool:
    if re.search(r"""["']""" + re.escape(key) + r"""["']""", SOURCES) is not None:
        return True
    return any(t.match(key) for t in TEMPLATES)


def _cases():
    for key in PARAMETERS:
        if reserved_for(key) is not None:
            continue
        yield pytest.param(key, id=key)


@pytest.mark.parametrize("key", list(_cases()))
def test_every_declared_parameter_is_read_by_the_product(key):
    assert _read(key), f"policy parameter {key} is declared but no product code reads it"


def test_reserved_parameters_are_only_those_for_work_not_yet_built():
    reserved = sorted(k for k in PARAMETERS if reserved_for(k))
    assert reserved and all(k.startswith(tuple(RESERVED)) for k in reserved)
    # work not yet built: grade management, the public list page
    assert set(RESERVED) == {
        "evaluation.",
        "publicity.list_fields",
        "publicity.publish_internal_class",
    }
    for key in reserved:
        assert not _read(key), f"{key} is read now: remove its prefix from RESERVED"


def test_the_scan_sees_a_parameter_the_product_reads():
    # the scan is not vacuous: the fine threshold is read through ListParameters.KEYS
    assert _read("lists.serious.fine_threshold_yuan")
    assert not _read("lists.serious.fine_treshold_yuan")
