"""`socredit audit verify` says OK with the count and head, or where the chain breaks with exit
status 1; `socredit audit anchor` appends the head; the daily case job anchors too."""

import io
import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import translation

from socredit.apps.audit.models import AuditEvent
from socredit.apps.audit.services import record_event

pytestmark = pytest.mark.django_db


def _events(n):
    with transaction.atomic():
        return [record_event(actor=None, channel="cli", action="test.event", target_type="t", target_id=str(i))
                for i in range(n)]  # fmt: skip


def _run(*args):
    out = io.StringIO()
    with translation.override("en"):
        call_command("audit", *args, stdout=out)
    return out.getvalue()


def test_verify_says_ok_with_the_count_and_the_head_hash():
    events = _events(3)
    out = _run("verify")
    assert out.startswith("OK: 3 events, 0 anchors checked")
    assert f"#{events[-1].pk} {events[-1].hash}" in out


def test_verify_names_the_altered_event_and_exits_1():
    events = _events(3)
    AuditEvent.objects.filter(pk=events[1].pk).update(summary="篡改")
    out = io.StringIO()
    with translation.override("en"), pytest.raises(CommandError) as err:
        call_command("audit", "verify", stdout=out)
    assert err.value.returncode == 1
    lines = out.getvalue().splitlines()
    assert lines[0] == "BROKEN: 1 problems in 3 events"
    assert lines[1].startswith(f"Event {events[1].pk} (") and "was altered" in lines[1]


def test_verify_in_chinese_by_default():
    events = _events(2)
    AuditEvent.objects.filter(pk=events[0].pk).delete()
    out = io.StringIO()
    with pytest.raises(CommandError):
        call_command("audit", "verify", stdout=out)
    assert f"事件 {events[1].pk}" in out.getvalue() and "之前有事件缺失" in out.getvalue()


def test_anchor_appends_the_head_and_verify_checks_it():
    _run("anchor")  # an empty trail: nothing written
    path = Path(settings.SOCREDIT_AUDIT_ANCHOR_FILE)
    assert not path.exists()
    events = _events(2)
    assert f"Anchored event {events[-1].pk}, hash {events[-1].hash}" in _run("anchor")
    _events(1)
    _run("anchor")
    assert [json.loads(x)["id"] for x in path.read_text().splitlines()] == [events[-1].pk, events[-1].pk + 1]
    assert _run("verify").startswith("OK: 3 events, 2 anchors checked")
    AuditEvent.objects.filter(pk=events[-1].pk).update(hash="0" * 64)
    with pytest.raises(CommandError):
        _run("verify")


def test_a_damaged_anchor_file_is_a_clear_error():
    Path(settings.SOCREDIT_AUDIT_ANCHOR_FILE).write_text("garbage\n")
    with pytest.raises(CommandError, match=r"\.jsonl:1: not an anchor line"):
        _run("verify")


def test_the_daily_case_job_anchors_the_head(today_is):
    events = _events(1)
    out = io.StringIO()
    call_command("cases", "daily", stdout=out)
    assert f"审计链头已锚定：事件 {events[0].pk}" in out.getvalue()
    anchors = Path(settings.SOCREDIT_AUDIT_ANCHOR_FILE).read_text().splitlines()
    assert json.loads(anchors[-1])["hash"] == events[0].hash
