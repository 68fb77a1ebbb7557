"""What must hold of the database after any kill or any crowd of writers: the file or the server
finds nothing broken, no row points at a row that does not exist, and the audit chain verifies."""

from __future__ import annotations

from typing import Any


class Broken(AssertionError):
    """A reliability property that does not hold (the message says which, and where)."""


def require(condition: Any, message: str) -> None:
    if not condition:
        raise Broken(message)


def orphans() -> list[str]:
    """Every foreign key of every model whose value names no row of the table it points at
    (vendor-neutral: SQLite's foreign_key_check and PostgreSQL's constraints are asked too)."""
    from django.apps import apps
    from django.db import connection

    found = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            if model._meta.proxy or not model._meta.managed:
                continue
            for field in model._meta.concrete_fields:
                if not field.is_relation or field.remote_field is None or not field.db_constraint:
                    continue
                parent = field.remote_field.model._meta
                target = field.target_field.column
                cursor.execute(
                    f"SELECT COUNT(*) FROM {quote(model._meta.db_table)} c WHERE c.{quote(field.column)} IS NOT NULL"
                    f" AND NOT EXISTS (SELECT 1 FROM {quote(parent.db_table)} p"
                    f" WHERE p.{quote(target)} = c.{quote(field.column)})"
                )
                n = cursor.fetchone()[0]
                if n:
                    found.append(
                        f"{model._meta.db_table}.{field.column}: {n} rows point at no {parent.db_table} row"
                    )
    return found


def database_intact() -> list[str]:
    """Problems the database itself reports, and orphaned foreign keys; empty when intact."""
    from django.db import connection

    problems = []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA integrity_check")
            rows = [r[0] for r in cursor.fetchall()]
            if rows != ["ok"]:
                problems += [f"integrity_check: {r}" for r in rows]
            cursor.execute("PRAGMA foreign_key_check")
            problems += [f"foreign_key_check: {r}" for r in cursor.fetchall()]
        else:
            # every deferred constraint checked now, and no index the server marked invalid
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute("SELECT indexrelid::regclass::text FROM pg_index WHERE NOT indisvalid")
            problems += [f"invalid index {r[0]}" for r in cursor.fetchall()]
    return problems + orphans()


def check_database(where: str) -> None:
    """Raise `Broken` unless the database is intact and the audit chain verifies."""
    from socredit.apps.audit.services import verify_chain

    problems = database_intact()
    require(not problems, f"{where}: the database is damaged: {'; '.join(problems[:5])}")
    broken_at = verify_chain()
    require(broken_at is None, f"{where}: the audit chain breaks at event {broken_at}")
