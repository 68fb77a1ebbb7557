"""Credit facts (信用事实): the narrow, integer-coded form of credit records the evaluation reads.

One fact per record version, 32 bytes, no text: the record id, the organization, the kind (the
record-kind table's id), status, dishonesty class, and three dates as day numbers (days since
1970-01-01): when it happened, the last day of its publicity period, and the day it stopped being
in force (repaired or expired). The amount is in yuan, -1 when there is none.

The same layout is a Polars frame (``FACT_SCHEMA``) and a packed byte string (``FACT_DTYPE``).
The database keeps the facts of each block of organizations as one packed string, so the whole
country's facts load from a few thousand rows instead of tens of millions (see
docs/credit-evaluation.md, "Storage").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from functools import cache

import numpy as np
import polars as pl

from socredit.core.types import DishonestyClass, RecordStatus

EPOCH = dt.date(1970, 1, 1)
OPEN_END = 2**31 - 1
"""Day number standing for "no end": no publicity limit, still in force."""
NO_AMOUNT = -1.0

CLASS_CODES: dict[str, int] = {"": 0, **{c.code: i + 1 for i, c in enumerate(DishonestyClass)}}
"""Dishonesty class → small integer (0 none, 1 轻微, 2 一般, 3 较重, 4 严重)."""

COUNTED_STATUSES = (RecordStatus.EFFECTIVE.code, RecordStatus.REPAIRED.code, RecordStatus.EXPIRED.code)
"""Statuses whose records count while in force. A corrected record is replaced by its new version
and a revoked one was void, so neither counts on any date; a repaired or expired record counted
until the day it ended (``ended``), so evaluating an earlier date still sees it."""

FACT_DTYPE = np.dtype(
    [
        ("record_id", "<u4"),
        ("org_id", "<i4"),
        ("kind", "<u2"),
        ("status", "u1"),
        ("cls", "u1"),
        ("day", "<i4"),
        ("until", "<i4"),
        ("ended", "<i4"),
        ("amount", "<f8"),
    ]
)

FACT_SCHEMA: dict[str, pl.DataType] = {
    "record_id": pl.UInt32(),
    "org_id": pl.Int32(),
    "kind": pl.UInt16(),
    "status": pl.UInt8(),
    "cls": pl.UInt8(),
    "day": pl.Int32(),
    "until": pl.Int32(),
    "ended": pl.Int32(),
    "amount": pl.Float64(),
}

MEMBERSHIP_SCHEMA: dict[str, pl.DataType] = {
    "org_id": pl.Int32(),
    "list": pl.String(),
    "since": pl.Int32(),
    "until": pl.Int32(),
}
"""List memberships: on ``list`` from day ``since`` up to, not including, day ``until``."""


def day_number(date: dt.date | None, *, missing: int = OPEN_END) -> int:
    """Days since 1970-01-01; ``missing`` for None."""
    return missing if date is None else (date - EPOCH).days


def from_day_number(day: int) -> dt.date | None:
    return None if day >= OPEN_END else EPOCH + dt.timedelta(days=int(day))


def add_months(date: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (or earlier if negative), clamped to the month's last day."""
    index = date.year * 12 + date.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(date.day, last))


def empty_facts() -> pl.DataFrame:
    return pl.DataFrame(schema=FACT_SCHEMA)


def facts_from_rows(rows: Iterable[Sequence[object]]) -> pl.DataFrame:
    """Facts from Python tuples in FACT_SCHEMA column order, already integer-coded."""
    return pl.DataFrame(list(rows), schema=FACT_SCHEMA, orient="row")


def fact_row(
    *,
    record_id: int,
    org_id: int,
    kind: int,
    status: int,
    dishonesty_class: str,
    occurred_on: dt.date,
    publicity_until: dt.date | None,
    ended_on: dt.date | None,
    amount: float | None,
) -> tuple[int, int, int, int, int, int, int, int, float]:
    """One fact from a record's values (the single-organization path)."""
    return (
        record_id,
        org_id,
        kind,
        status,
        CLASS_CODES.get(dishonesty_class or "", 0),
        day_number(occurred_on),
        day_number(publicity_until),
        day_number(ended_on),
        NO_AMOUNT if amount is None else float(amount),
    )


def sort_facts(facts: pl.DataFrame) -> pl.DataFrame:
    """The canonical order: by organization, kind, day, record."""
    return facts.sort(["org_id", "kind", "day", "record_id"])


def pack(facts: pl.DataFrame) -> bytes:
    """The facts as one packed byte string (FACT_DTYPE records, in the frame's order)."""
    out = np.empty(facts.height, dtype=FACT_DTYPE)
    for name in FACT_DTYPE.names or ():
        out[name] = facts.get_column(name).to_numpy()
    return out.tobytes()


def unpack(blobs: Iterable[bytes]) -> pl.DataFrame:
    """Facts from packed byte strings, concatenated in order."""
    data = b"".join(blobs)
    if len(data) % FACT_DTYPE.itemsize:
        raise ValueError("packed facts are truncated")
    arr = np.frombuffer(data, dtype=FACT_DTYPE)
    return pl.DataFrame(
        {name: np.ascontiguousarray(arr[name]) for name in FACT_DTYPE.names or ()}, schema=FACT_SCHEMA
    )


@cache
def empty_memberships() -> pl.DataFrame:
    """No memberships (one frame, built once: Polars frames are never changed in place, and the
    credit answer asks for it on every call)."""
    return pl.DataFrame(schema=MEMBERSHIP_SCHEMA)
