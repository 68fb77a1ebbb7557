"""record_event(): the one writer of the audit trail, called inside every service's transaction."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Model

from socredit.apps.audit.models import AuditEvent

CHANNELS = {"form", "import", "api", "cli", "system"}


def _digest(prev_hash: str, payload: dict[str, Any]) -> str:
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def staff_user_of(actor: Any) -> Any:
    """The staff User behind an actor, or None (a department token, the CLI, the system)."""
    if isinstance(actor, Model) and actor._meta.label == settings.AUTH_USER_MODEL:
        return actor
    return None


def actor_label(actor: Any) -> str:
    return actor.get_username() if hasattr(actor, "get_username") else str(actor or "system")


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
    if channel not in CHANNELS:
        raise ValueError(f"unknown audit channel {channel!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_event must be called inside a service transaction")
    if target is not None:
        target_type = target._meta.label_lower
        target_id = str(target.pk)
    user = staff_user_of(actor)
    label = actor_label(actor)
    # Round-trip through JSON so that what is hashed is exactly what the JSONField reads back.
    data = json.loads(json.dumps(data or {}, ensure_ascii=False, default=str))
    last = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or ""
    payload = {
        "actor": label,
        "channel": channel,
        "action": action,
        "target": f"{target_type}#{target_id}",
        "summary": summary,
        "data": data or {},
    }
    return AuditEvent.objects.create(
        actor=user,
        actor_label=label[:150],
        channel=channel,
        action=action,
        target_type=target_type,
        target_id=target_id,
        summary=summary[:500],
        data=data or {},
        prev_hash=last,
        hash=_digest(last, payload),
    )


def record_events(*, actor: Any, channel: str, events: Sequence[Mapping[str, Any]]) -> int:
    """Append many events of one actor at once, chained one after the other exactly as as many
    ``record_event`` calls would chain them, with one read of the last hash and one multi-row insert
    per chunk. Each event: ``action``, ``target_type``, ``target_id``, ``summary``, ``data``."""
    if channel not in CHANNELS:
        raise ValueError(f"unknown audit channel {channel!r}")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("record_events must be called inside a service transaction")
    user = staff_user_of(actor)
    label = actor_label(actor)
    prev = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first() or ""
    rows = []
    for e in events:
        data = json.loads(json.dumps(e.get("data") or {}, ensure_ascii=False, default=str))
        target_type, target_id, summary = (
            e.get("target_type", ""),
            e.get("target_id", ""),
            e.get("summary", ""),
        )
        payload = {"actor": label, "channel": channel, "action": e["action"], "target": f"{target_type}#{target_id}",
                   "summary": summary, "data": data}  # fmt: skip
        digest = _digest(prev, payload)
        rows.append(AuditEvent(actor=user, actor_label=label[:150], channel=channel, action=e["action"],
                               target_type=target_type, target_id=target_id, summary=summary[:500], data=data,
                               prev_hash=prev, hash=digest))  # fmt: skip
        prev = digest
    AuditEvent.objects.bulk_create(rows, batch_size=500)
    return len(rows)


def verify_chain() -> int | None:
    """The id of the first event whose hash does not follow from its predecessor, or None if intact."""
    prev = ""
    for ev in AuditEvent.objects.order_by("id").iterator(chunk_size=2000):
        payload = {
            "actor": ev.actor_label,
            "channel": ev.channel,
            "action": ev.action,
            "target": f"{ev.target_type}#{ev.target_id}",
            "summary": ev.summary,
            "data": ev.data,
        }
        if ev.prev_hash != prev or ev.hash != _digest(prev, payload):
            return ev.id
        prev = ev.hash
    return None
