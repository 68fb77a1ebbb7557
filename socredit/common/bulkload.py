"""批量载入 — raw bulk loads (demo data, benchmark databases, a copy into PostgreSQL) without the
row triggers that keep derived tables in step (the search index, the maintained level counts).

Those triggers cost about 0.7 ms per organization (the search grams of each name): 12 minutes for a
national data set of 1,000,000 organizations, against about a minute to rebuild the same tables
from scratch in a few set-based statements afterwards. Only for loads that own the database while
they run: a service writing while the triggers are away would leave the derived tables behind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection
from django.dispatch import Signal

resumed = Signal()
"""Sent (``tables=``) when ``triggers_suspended`` has put the triggers back: what they keep in step
and is not rebuilt by the caller is invalidated by its receivers (the stored public answers: their
change stamps were not raised during the load)."""


@contextmanager
def triggers_suspended(*tables: str) -> Iterator[None]:
    """Within the block, the user triggers on ``tables`` do not fire; they are back afterwards, also
    on an error. The caller rebuilds what they maintain.

    SQLite has no switch: the triggers are read from the schema, dropped and created again from
    the same SQL (so it works for whatever triggers the migrations made). PostgreSQL disables them.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # deferred foreign-key checks of earlier writes in this transaction would block the ALTER
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            for table in tables:
                cursor.execute(f"ALTER TABLE {connection.ops.quote_name(table)} DISABLE TRIGGER USER")
            try:
                yield
            finally:
                with connection.cursor() as again:
                    again.execute("SET CONSTRAINTS ALL IMMEDIATE")
                    for table in tables:
                        again.execute(f"ALTER TABLE {connection.ops.quote_name(table)} ENABLE TRIGGER USER")
                resumed.send(sender=None, tables=tables)
            return
        marks = ", ".join(["%s"] * len(tables))
        cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks}) ORDER BY rowid",  # noqa: S608 — placeholders only
            list(tables),
        )
        saved = cursor.fetchall()
        for name, _sql in saved:
            cursor.execute(f"DROP TRIGGER IF EXISTS {connection.ops.quote_name(name)}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            for _name, sql in saved:
                cursor.execute(sql)
        resumed.send(sender=None, tables=tables)
