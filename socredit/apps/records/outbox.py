"""变更事件发件箱 — the durable outbox of changes other departments must learn of.

``emit`` writes one ``ChangeEvent`` inside the caller's transaction, so an event exists exactly
when its change committed (no event for a rolled-back repair, no repair without its event).
Departments read the outbox in id order with a cursor (``read``; ``GET /api/v1/changes``): they
remember the last id they saw and ask for what comes after it.

A cursor is only safe if ids become visible in increasing order. On PostgreSQL a sequence hands
out ids when rows are inserted, not when transactions commit: transaction A may take id 10, B take
id 11 and commit first, a reader sees 11 and moves its cursor past 10, and when A commits, event
10 is never read. ``emit`` therefore takes one transaction-scoped advisory lock before inserting:
emitters queue on it, each holds it until its commit, so ids are handed out and committed in the
same order. The lock is held only from the first event to the end of the writer's transaction,
and only writers of events wait for it. SQLite needs nothing: it admits one writer at a time.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import connection
from django.db.models import Q

from socredit.apps.records.models import ChangeEvent, CreditRecord
from socredit.apps.registry.models import Organization
from socredit.common.access import restrict
from socredit.core.types import Visibility

OUTBOX_LOCK = 0x736F_6372_6564_0001
"""The PostgreSQL advisory-lock key of the outbox ("socred" + 1; any constant unused elsewhere)."""

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000

KINDS = {
    "record.corrected": "记录更正",
    "record.revoked": "记录撤销",
    "record.repaired": "信用修复",
    "record.expired": "公示期届满停止公示",
    "list.entered": "列入名录",
    "list.removed": "移出名录",
    "credit.level_changed": "信用等级变化",
    "ban.created": "新增人员从业禁止或任职限制",
}
"""The event kinds and their Chinese names."""


def _lock() -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [OUTBOX_LOCK])


def order_lock() -> None:
    """Take the outbox's order lock for a writer that inserts events with its own set-based SQL
    (the evaluation's level changes), as ``emit`` does; held until the writer's transaction ends."""
    _lock()


def emit(
    kind: str,
    organization: Organization,
    record: CreditRecord | None = None,
    payload: Mapping[str, Any] | None = None,
) -> ChangeEvent:
    """Write one change event in the caller's transaction (call it inside ``transaction.atomic``)."""
    if kind not in KINDS:
        raise ValueError(f"unknown change event kind {kind!r}")
    if not connection.in_atomic_block:
        # Outside a transaction the advisory lock would be released at once and order lost.
        raise RuntimeError("outbox.emit must run inside the transaction of the change it reports")
    _lock()
    return ChangeEvent.objects.create(
        kind=kind,
        organization=organization,
        region_path=organization.region.path,
        record=record,
        payload={"organization": organization.code, **(payload or {})},
    )


KIND_SCOPES = {"credit.level_changed": "credit:read", "ban.created": "persons:read"}
"""Kinds a department token reads only with one more scope: a level is read with credit:read, a
person's ban with persons:read, as through their own endpoints."""


def events(principal: Any) -> Any:
    """The events the principal may read: its region and below; a department token never sees
    events about records marked 内部使用 (as in ``access_records``), nor the kinds of
    ``KIND_SCOPES`` without their scope."""
    qs = ChangeEvent.objects.select_related("organization")
    if callable(getattr(principal, "has_scope", None)):
        qs = qs.filter(Q(record__isnull=True) | ~Q(record__visibility=Visibility.INTERNAL.value))
        hidden = [kind for kind, scope in KIND_SCOPES.items() if not principal.has_scope(scope)]
        if hidden:
            qs = qs.exclude(kind__in=hidden)
    return restrict(qs, principal, "region_path")


def read(principal: Any, after: int = 0, limit: int = DEFAULT_LIMIT) -> tuple[list[ChangeEvent], int, bool]:
    """Events with id > ``after`` in id order: (events, next cursor, whether more may follow).

    The next cursor is the last id returned (``after`` itself when nothing is new), so a reader
    that stores it and asks again never misses or repeats an event.
    """
    limit = max(1, min(int(limit), MAX_LIMIT))
    rows = list(events(principal).filter(id__gt=max(0, int(after))).order_by("id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if rows else max(0, int(after))), more
