"""Migration 0003 re-chains a format-1 trail in format 2, and the re-chaining is itself on the record
with what the old chain looked like (its head, and where it was already broken)."""

import importlib

import pytest
from django.apps import apps

from socredit.apps.audit.models import AuditEvent
from socredit.apps.audit.services import check_chain

pytestmark = pytest.mark.django_db
migration = importlib.import_module("socredit.apps.audit.migrations.0003_rehash_chain_in_format_2")


def _legacy_trail(summaries):
    """Rows as format 1 wrote them: the summary stored cut, hashed whole."""
    AuditEvent.objects.all().delete()
    prev = ""
    for i, summary in enumerate(summaries):
        ev = AuditEvent(actor_label="system", channel="system", action="old.event", target_type="t",
                        target_id=str(i), summary=summary[:500], data={"i": i}, prev_hash=prev)  # fmt: skip
        ev.summary = summary
        ev.hash = migration._legacy_digest(prev, ev)
        ev.summary = summary[:500]
        ev.save()
        prev = ev.hash
    return list(AuditEvent.objects.order_by("id"))


def test_an_intact_old_chain_is_re_chained_and_recorded():
    old = _legacy_trail(["一", "二", "三"])
    assert not check_chain().ok  # format 1 does not verify as format 2
    migration.rehash(apps, None)
    report = check_chain()
    assert report.ok and report.count == 4
    last = AuditEvent.objects.order_by("-id").first()
    assert last.action == "audit.chain_rehashed" and last.channel == "system"
    assert last.data == {"events": 3, "format": 2, "legacy_head": old[-1].hash, "legacy_first_break": None}
    assert [e.summary for e in AuditEvent.objects.order_by("id")][:3] == ["一", "二", "三"]


def test_an_old_chain_broken_by_a_long_summary_says_where():
    old = _legacy_trail(["一", "长" * 600, "三"])
    migration.rehash(apps, None)
    assert check_chain().ok
    assert AuditEvent.objects.order_by("-id").first().data["legacy_first_break"] == old[1].pk


def test_an_empty_trail_gets_no_event():
    AuditEvent.objects.all().delete()
    migration.rehash(apps, None)
    assert not AuditEvent.objects.exists()
