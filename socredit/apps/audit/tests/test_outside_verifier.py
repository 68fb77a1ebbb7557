"""A verifier written from docs/audit.md alone (hashlib and json, reading the table with plain SQL)
agrees with the product's: the canonical form is documented precisely enough to check from outside."""

import datetime
import hashlib
import json

import pytest
from django.db import connection, transaction

from socredit.apps.audit.models import AuditEvent
from socredit.apps.audit.services import record_event, record_events

pytestmark = pytest.mark.django_db


def _numbers(value):
    """docs/audit.md: a number with no fractional part is written as an integer."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _numbers(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers(v) for v in value]
    return value


def _utc(at):
    if isinstance(at, str):  # SQLite: UTC text
        at = datetime.datetime.fromisoformat(at)
    if at.tzinfo is None:  # SQLite: UTC without a zone
        at = at.replace(tzinfo=datetime.UTC)
    return at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def outside_verify(cursor):
    """The id of the first row that does not verify, or None; and the number of rows."""
    cursor.execute("SELECT id, at, actor_id, actor_label, channel, action, target_type, target_id, summary,"
                   " data, prev_hash, hash FROM audit_auditevent ORDER BY id")  # fmt: skip
    prev, n = "", 0
    for (
        id_,
        at,
        actor_id,
        actor,
        channel,
        action,
        ttype,
        tid,
        summary,
        data,
        prev_hash,
        hash_,
    ) in cursor.fetchall():
        n += 1
        if isinstance(data, str):
            data = json.loads(data)
        obj = {"v": 2, "prev": prev_hash, "at": _utc(at), "actor_id": actor_id, "actor": actor, "channel": channel,
               "action": action, "target_type": ttype, "target_id": tid, "summary": summary, "data": _numbers(data)}  # fmt: skip
        text = json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        if prev_hash != prev or hashlib.sha256(text.encode("utf-8")).hexdigest() != hash_:
            return id_, n
        prev = hash_
    return None, n


def test_an_outside_program_verifies_the_chain(personas):
    with transaction.atomic():
        record_event(actor=personas["city_admin"], channel="form", action="record.revoke", target_type="records.creditrecord",
                     target_id="12", summary="理由" * 400, data={"reason": "引号\"、反斜杠\\、换行\n\t", "amount": 2.0,
                     "ratio": 0.1, "big": 1e20, "z": [None, True, {"b": 1, "a": "阿"}]})  # fmt: skip
        record_events(actor="数据导入", channel="import", events=[{"action": "import.row", "target_type": "t",
                                                              "target_id": str(i), "data": {"i": i}} for i in range(3)])  # fmt: skip
    with connection.cursor() as cursor:
        assert outside_verify(cursor) == (None, AuditEvent.objects.count())


def test_the_outside_program_sees_an_alteration(personas):
    with transaction.atomic():
        ev = record_event(actor=None, channel="system", action="a", target_type="t", summary="原文")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET summary = %s WHERE id = %s", ["改文", ev.pk])
        assert outside_verify(cursor)[0] == ev.pk
