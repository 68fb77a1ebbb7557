"""The reference catalogue of record kinds; the data lives in the core (core/data/record_kinds.csv)."""

from __future__ import annotations

from socredit.core.catalogue import reference_kinds

__all__ = ["reference_kinds"]
