"""The hook by which apps above records learn that an organization's credit file changed.

Records sit below the evaluation and the lists in the floors, so they cannot call them. Instead
every service that writes records calls ``announce(...)`` inside its transaction, and apps above
connect to ``records_changed`` (the evaluation re-scores the organization there, in the same
transaction, so the file page is always current).

A bulk writer (the batch API, the import) wraps its work in ``collected_changes()``: the
organizations touched are announced once, at the end, instead of once per record.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.dispatch import Signal

records_changed = Signal()
"""Sent with ``organization_ids`` (set of int), ``cause`` (text for the level history) and ``actor``."""


@dataclass
class _Pending:
    organization_ids: set[int] = field(default_factory=set)
    causes: list[str] = field(default_factory=list)
    actor: Any = None


_pending: ContextVar[_Pending | None] = ContextVar("records_changed_pending", default=None)


def announce(organization_ids: Iterable[int], *, cause: str, actor: Any) -> None:
    """Tell the apps above that these organizations' records changed (now, or at the end of a batch)."""
    ids = {int(i) for i in organization_ids}
    if not ids:
        return
    pending = _pending.get()
    if pending is not None:
        pending.organization_ids |= ids
        pending.causes.append(cause)
        pending.actor = actor
        return
    records_changed.send(sender=None, organization_ids=ids, cause=cause, actor=actor)


@contextmanager
def collected_changes(cause: str | None = None) -> Iterator[None]:
    """Collect announcements inside the block and send one at its end (if it ends without error)."""
    if _pending.get() is not None:  # already collecting: the outer block sends
        yield
        return
    pending = _Pending()
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending.organization_ids:
        text = cause or (
            pending.causes[0] if len(pending.causes) == 1 else f"批量写入 {len(pending.causes)} 条记录"
        )
        records_changed.send(
            sender=None, organization_ids=pending.organization_ids, cause=text, actor=pending.actor
        )
