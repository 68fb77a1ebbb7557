"""FieldErrors: the one error type for bad input, whatever the door (form, import row, API)."""

from __future__ import annotations

from django.utils.translation import pgettext


class FieldErrors(Exception):
    """Bad input: a mapping of field name → list of messages (Chinese, specific, for the user).

    The field "__all__" holds errors that concern the input as a whole.
    """

    def __init__(self, errors: dict[str, list[str]] | None = None, **single: str) -> None:
        self.errors: dict[str, list[str]] = {k: list(v) for k, v in (errors or {}).items()}
        for field, message in single.items():
            self.errors.setdefault(field, []).append(message)
        super().__init__(self.as_text())

    def add(self, field: str, message: str) -> None:
        self.errors.setdefault(field, []).append(message)

    def __str__(self) -> str:
        return self.as_text()

    def __bool__(self) -> bool:
        return bool(self.errors)

    def as_text(self) -> str:
        return "；".join(
            f"{f}：{'、'.join(ms)}" if f != "__all__" else "、".join(ms) for f, ms in self.errors.items()
        )

    def messages(self) -> str:
        """Every message, without the field names (what a page shows a reader outside a form)."""
        return pgettext("list of errors", "; ").join(m for ms in self.errors.values() for m in ms)

    def raise_if_any(self) -> None:
        if self.errors:
            raise self


BUSY_SQLSTATES = frozenset({"40001", "40P01", "55P03"})
"""PostgreSQL: serialization failure, deadlock detected, lock not available."""


def database_busy(exc: BaseException) -> bool:
    """Whether a database error means "busy, try again" and not a fault: SQLite's lock still held
    after the whole busy timeout, or PostgreSQL choosing this transaction as a deadlock's or a
    serialization conflict's victim. The transaction was rolled back, so nothing was written."""
    text = str(exc)
    if "database is locked" in text or "database table is locked" in text:
        return True
    cause = exc.__cause__
    return (
        getattr(cause, "sqlstate", None) in BUSY_SQLSTATES or getattr(cause, "pgcode", None) in BUSY_SQLSTATES
    )
