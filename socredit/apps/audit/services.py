"""record_event(): the one writer of the audit trail, called inside every service's transaction.

Appends are serialized (``_lock_head``) so that each event links to the one stored before it, and
each row's hash is computed over exactly what the row stores (``chain.normalise``, ``chain.digest``;
the canonical form is in docs/audit.md). ``check_chain`` verifies the table against the anchors.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone

from socredit.apps.audit import chain
from socredit.apps.audit.models import AuditEvent

CHANNELS = {"form", "import", "api", "cli", "system"}


def staff_user_of(actor: Any) -> Any:
    """The staff User behind an actor, or None (a department token, the CLI, the system)."""
    if isinstance(actor, Model) and actor._meta.label == settings.AUTH_USER_MODEL:
        return actor
    return None


def actor_label(actor: Any) -> str:
    return actor.get_username() if hasattr(actor, "get_username") else str(actor or "system")


LOCK_KEY = 0x736F_6372_6175_6474
"""The PostgreSQL advisory lock that serializes appends (a fixed 64-bit key, "socraudt")."""


def _lock_head() -> None:
    """Serialize appends until the caller's transaction ends, before the previous hash is read.

    PostgreSQL: a transaction-level advisory lock; the next writer waits for it, and its read of the
    head (READ COMMITTED: a new snapshot per statement) then sees this transaction's event. Without
    it, concurrent writers read the same head and fork the chain. SQLite: nothing to do, the
    connection's IMMEDIATE transactions (settings.DATABASES OPTIONS) take the database's one write
    lock at BEGIN, so that writers are already serialized for their whole transaction."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


def _head() -> str:
    return AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or chain.GENESIS


def _check_call(channel: str, name: str) -> None:
    if channel not in CHANNELS:
        raise ValueError(f"unknown audit channel {channel!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{name} must be called inside a service transaction")


def _chained(prev: str, fields: dict[str, Any]) -> dict[str, Any]:
    """``fields`` as stored, linked to ``prev`` and with their hash."""
    row = chain.normalise({**fields, "prev_hash": prev})
    row["hash"] = chain.digest(row)
    return row


def record_event(
    *,
    actor: Any,
    channel: str,
    action: str,
    target: Model | None = None,
    target_type: str = "",
    target_id: str = "",
    summary: str = "",
    data: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append one audit event; must run inside the caller's transaction (services are atomic)."""
    _check_call(channel, "record_event")
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
    user = staff_user_of(actor)
    _lock_head()
    row = _chained(_head(), {
        "at": timezone.now(), "actor_id": user.pk if user is not None else None, "actor_label": actor_label(actor),
        "channel": channel, "action": action, "target_type": target_type, "target_id": target_id,
        "summary": summary, "data": data,
    })  # fmt: skip
    return AuditEvent.objects.create(**row)


def record_events(*, actor: Any, channel: str, events: Sequence[Mapping[str, Any]]) -> int:
    """Append many events of one actor at once, chained one after the other exactly as as many
    ``record_event`` calls would chain them, under one lock, with one read of the last hash and one
    multi-row insert per chunk. Each event: ``action``, ``target_type``, ``target_id``, ``summary``, ``data``."""
    _check_call(channel, "record_events")
    user = staff_user_of(actor)
    _lock_head()
    common = {"at": timezone.now(), "actor_id": user.pk if user is not None else None,
              "actor_label": actor_label(actor), "channel": channel}  # fmt: skip
    prev = _head()
    rows = []
    for e in events:
        row = _chained(prev, {**common, "action": e["action"], "target_type": e.get("target_type", ""),
                              "target_id": e.get("target_id", ""), "summary": e.get("summary", ""),
                              "data": e.get("data")})  # fmt: skip
        rows.append(AuditEvent(**row))
        prev = row["hash"]
    AuditEvent.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def _stored_rows() -> Any:
    fields = ("id", "hash", *chain.HASHED_FIELDS)
    return AuditEvent.objects.order_by("id").values(*fields).iterator(chunk_size=2000)


def _link_of(hash_: str) -> int | None:
    return AuditEvent.objects.filter(hash=hash_).values_list("id", flat=True).first()


def check_chain(anchor_file: Any = None, *, with_anchors: bool = True) -> chain.ChainReport:
    """The whole chain verified: its length and head, and every break (altered row, missing rows,
    fork, an anchored head no longer stored as anchored), in id order. A damaged anchor file raises
    ValueError (naming the file and line) before any row is read."""
    anchors = list(chain.read_anchors(anchor_file)) if with_anchors else []
    return chain.verify(_stored_rows(), anchors, _link_of)


def verify_chain() -> int | None:
    """The id of the first event where the chain breaks (anchors not read), or None if intact."""
    report = check_chain(with_anchors=False)
    return report.problems[0].event_id if report.problems else None


def anchor_head(anchor_file: Any = None) -> dict[str, Any] | None:
    """Append the head (id, hash, time) to the anchor file; None when there is no event yet."""
    head = AuditEvent.objects.order_by("-id").values("id", "hash", "at").first()
    if head is None:
        return None
    return chain.write_anchor(head["id"], head["hash"], head["at"], anchor_file)
