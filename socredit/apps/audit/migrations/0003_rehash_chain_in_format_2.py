"""Re-chain the existing audit events in format 2 (docs/audit.md) and say so in the trail.

Format 1 hashed the summary before it was cut to 500 characters and left out the time and the
account id, so an old chain either still verified under format 1 or was already broken by a long
summary. This migration first checks the old chain under format 1 (``legacy_first_break``: the id
of the first event that did not verify, or null), then recomputes every link in format 2 over what
the rows store, and appends one event ``audit.chain_rehashed`` whose data records the count, the
old head hash and that check, so that the re-chaining itself stays on the record. An empty table
(a new installation) is left as it is.
"""

import hashlib
import json

from django.db import migrations
from django.utils import timezone

from socredit.apps.audit import chain

BATCH = 2000


def _legacy_digest(prev_hash, ev):
    """Format 1 (before this migration), kept only to check the old chain."""
    payload = {"actor": ev.actor_label, "channel": ev.channel, "action": ev.action,
               "target": f"{ev.target_type}#{ev.target_id}", "summary": ev.summary, "data": ev.data}  # fmt: skip
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def _fields(ev):
    return {name: getattr(ev, name) for name in chain.HASHED_FIELDS}


def rehash(apps, schema_editor):
    AuditEvent = apps.get_model("audit", "AuditEvent")
    if not AuditEvent.objects.exists():
        return
    legacy_prev, legacy_break, count, old_head = "", None, 0, ""
    prev = chain.GENESIS
    batch = []
    for ev in AuditEvent.objects.order_by("id").iterator(chunk_size=BATCH):
        count += 1
        if legacy_break is None and (ev.prev_hash != legacy_prev or ev.hash != _legacy_digest(legacy_prev, ev)):
            legacy_break = ev.id
        legacy_prev = old_head = ev.hash
        row = chain.normalise({**_fields(ev), "prev_hash": prev})
        for name in ("actor_label", "action", "target_type", "target_id", "summary", "data"):
            setattr(ev, name, row[name])
        ev.prev_hash = prev
        ev.hash = prev = chain.digest(row)
        batch.append(ev)
        if len(batch) >= BATCH:
            AuditEvent.objects.bulk_update(batch, HASH_FIELDS, batch_size=BATCH)
            batch = []
    AuditEvent.objects.bulk_update(batch, HASH_FIELDS, batch_size=BATCH)
    row = chain.normalise({
        "prev_hash": prev, "at": timezone.now(), "actor_id": None, "actor_label": "migration", "channel": "system",
        "action": "audit.chain_rehashed", "target_type": "audit.auditevent", "target_id": "",
        "summary": f"审计链按第{chain.FORMAT}版规范重新计算（{count} 条）",
        "data": {"events": count, "format": chain.FORMAT, "legacy_head": old_head,
                 "legacy_first_break": legacy_break},
    })  # fmt: skip
    row["hash"] = chain.digest(row)
    AuditEvent.objects.create(**row)


HASH_FIELDS = ["actor_label", "action", "target_type", "target_id", "summary", "data", "prev_hash", "hash"]


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_at_set_by_the_writer")]

    operations = [migrations.RunPython(rehash, migrations.RunPython.noop)]
