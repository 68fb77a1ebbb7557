"""The reference catalogue of record kinds (信用信息事项目录) shipped with the product.

It is domain reference data, so it lives in the core: the record-kind table is loaded from it, and
an indicator model is checked against it. Administrators may add kinds in the back office; those
are passed in as extra known codes where a model is checked.
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources
from typing import Any


@cache
def _rows() -> tuple[dict[str, Any], ...]:
    text = resources.files("socredit.core").joinpath("data/record_kinds.csv").read_text(encoding="utf-8")
    rows = []
    for row in csv.DictReader(text.splitlines()):
        row["default_publicity_months"] = (
            int(row["default_publicity_months"]) if row["default_publicity_months"] else None
        )
        row["default_visibility"] = int(row["default_visibility"])
        row["repairable"] = row["repairable"] == "1"
        rows.append(row)
    return tuple(rows)


def reference_kinds() -> list[dict[str, Any]]:
    """Rows of the shipped catalogue, typed for ``RecordKind(**row)`` (fresh dicts on every call)."""
    return [dict(row) for row in _rows()]


def reference_kind_codes() -> frozenset[str]:
    """The codes of the shipped catalogue."""
    return frozenset(row["code"] for row in _rows())
