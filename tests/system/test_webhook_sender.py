"""The webhook sender as deployed: `socredit webhooks` processes on a scratch database of their own,
posting to a real receiver on loopback that is slow and fails at first. A sender killed with SIGKILL
in the middle loses nothing: the next one delivers every event, in order per subject, repeating at
most the attempt that was in flight; SIGTERM stops a sender cleanly after its current attempt."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from socredit.apps.subscriptions.tests.receiver import Receiver, receiving
from tests.system.test_background_imports import ROOT, Scratch

pytestmark = pytest.mark.slow
EVENTS = 30

SETUP = """
import sys
from django.db import transaction
from socredit.testing import factories
from socredit.apps.records import outbox
from socredit.apps.subscriptions.services import create_subscription
factories.reference_data()
factories.personas()
dept = factories.department()
orgs = [factories.organization("410105"), factories.organization("410105")]
subscription, secret = create_subscription(actor=None, channel="system", department=dept, data={
    "name": "sender", "regions": ["410105"], "kinds": ["record.revoked"], "webhook_url": sys.argv[1]})
for i in range(int(sys.argv[2])):
    with transaction.atomic():
        outbox.emit("record.revoked", orgs[i % 2], None, {"n": i})
print(secret)
"""


@pytest.fixture
def scratch(tmp_path: Path):
    db = Scratch(tmp_path)
    db.env.update({"SOCREDIT_WEBHOOK_ALLOW_LOOPBACK": "1", "SOCREDIT_WEBHOOK_BACKOFF_SECONDS": "0.05",
                   "SOCREDIT_WEBHOOK_BACKOFF_MAX_SECONDS": "0.2", "SOCREDIT_WEBHOOK_TIMEOUT_SECONDS": "1",
                   "SOCREDIT_WEBHOOK_MAX_ATTEMPTS": "20"})  # fmt: skip
    try:
        db.socredit("migrate", "--no-input", "-v0")
        yield db
    finally:
        db.drop()


def _sender(db: Scratch) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "socredit.cli", "webhooks", "--idle-seconds", "0.1"], cwd=ROOT,
                            env=db.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)  # fmt: skip


def _wait(condition, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


class SlowReceiver(Receiver):
    def answer(self, headers, body):
        time.sleep(0.03)  # a window to kill the sender in the middle of a send
        return super().answer(headers, body)


def test_a_killed_sender_loses_nothing_and_sigterm_stops_cleanly(scratch: Scratch) -> None:
    with receiving(SlowReceiver(codes=[500, 502, 503])) as rx:
        rx.secret = scratch.python(SETUP, rx.url, str(EVENTS)).strip().splitlines()[-1]
        first = _sender(scratch)
        try:
            _wait(lambda: len(rx.delivered()) >= EVENTS // 3, 120, "the first deliveries")
            first.send_signal(signal.SIGKILL)
        finally:
            first.kill()
            first.wait(timeout=30)
        assert len(rx.delivered()) < EVENTS, "the sender finished before it could be killed"
        second = _sender(scratch)
        try:
            _wait(lambda: len({r.event["id"] for r in rx.delivered()}) >= EVENTS, 180, "every delivery")
            _wait(lambda: scratch.one("SELECT count(*) FROM subscriptions_delivery WHERE status = 'pending'")[0] == 0,
                  30, "the last attempt to be logged")  # fmt: skip
            second.send_signal(signal.SIGTERM)
            out, _ = second.communicate(timeout=30)
        finally:
            second.kill()
        assert second.returncode == 0 and "stopped" in out, out
    delivered = [r.event for r in rx.delivered()]
    ids = [e["id"] for e in delivered]
    assert len(set(ids)) == EVENTS  # nothing lost
    assert len(ids) - EVENTS <= 1  # at most the attempt in flight when killed came twice
    assert all(r.verified for r in rx.received)
    for org in {e["organization"] for e in delivered}:
        sent = [r.event["id"] for r in rx.received if r.event["organization"] == org]
        assert sent == sorted(sent)  # in order per subject, repeats included
    logged = scratch.one("SELECT count(*) FROM subscriptions_delivery WHERE status = 'delivered'")[0]
    assert logged == EVENTS
