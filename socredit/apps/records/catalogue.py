"""The reference catalogue of record kinds shipped with the product (data/record_kinds.csv)."""

from __future__ import annotations

import csv
from importlib import resources
from typing import Any


def reference_kinds() -> list[dict[str, Any]]:
    """Rows of the shipped catalogue, typed for RecordKind(**row)."""
    text = (
        resources.files("socredit.apps.records").joinpath("data/record_kinds.csv").read_text(encoding="utf-8")
    )
    rows = []
    for row in csv.DictReader(text.splitlines()):
        row["default_publicity_months"] = (
            int(row["default_publicity_months"]) if row["default_publicity_months"] else None
        )
        row["default_visibility"] = int(row["default_visibility"])
        rows.append(row)
    return rows
