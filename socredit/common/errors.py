"""FieldErrors: the one error type for bad input, whatever the door (form, import row, API)."""

from __future__ import annotations


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

    def raise_if_any(self) -> None:
        if self.errors:
            raise self
