"""Raw-SQL building blocks shared by the set-based readers (no models).

A set-based read asks about thousands of subjects at once (a credit check of 10,000 organizations, a
search's candidate ids). Passing them as thousands of bound parameters hits SQLite's variable limit and
makes PostgreSQL plan a long ``IN`` list; both vendors take the whole set as **one** parameter instead:
a JSON array read by ``json_each`` on SQLite, a typed array on PostgreSQL.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from django.db import connection


def values_subquery(values: Sequence[Any], *, pg_type: str | None = None) -> tuple[str, list[Any]]:
    """``SELECT …`` yielding ``values`` from one bound parameter, and that parameter: for
    ``column IN (subquery)`` or ``RawSQL`` in an ORM filter. ``pg_type`` (e.g. ``bigint``) casts the
    array on PostgreSQL where the column's type should not be left to the driver's guess."""
    if connection.vendor == "postgresql":
        cast = f"::{pg_type}[]" if pg_type else ""
        return f"SELECT unnest(%s{cast})", [list(values)]
    return "SELECT value FROM json_each(%s)", [json.dumps(list(values))]


def column_in(column: str, values: Sequence[Any]) -> tuple[str, list[Any]]:
    """The condition "``column`` is one of ``values``" with ``values`` as one bound parameter: ``= ANY``
    of an array on PostgreSQL (an index scan per element), the ``json_each`` subquery on SQLite."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s)", [list(values)]
    subquery, params = values_subquery(values)
    return f"{column} IN ({subquery})", params


def fetch_rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Every row of one raw query on the default connection."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
