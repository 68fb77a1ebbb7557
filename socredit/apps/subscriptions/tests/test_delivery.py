"""Webhook delivery end to end against a real receiver on loopback: signatures verify as the docs
say, retries lose nothing and keep the order per subject, deliveries are parked after the limit
and replayed by hand, the fan-out never duplicates."""

from __future__ import annotations

import json
import time
from io import StringIO

import pytest
from django.core.management import call_command

from socredit.apps.subscriptions import sender, services, signing
from socredit.apps.subscriptions.models import Delivery, DeliveryAttempt, Subscription
from socredit.apps.subscriptions.tests.receiver import Receiver, receiving, verify

pytestmark = pytest.mark.django_db


def subscribe(personas, dept, url, **data):
    data = {"name": "测试订阅", "regions": ["410105"], "kinds": ["record.revoked", "list.entered"],
            "webhook_url": url, **data}  # fmt: skip
    return services.create_subscription(
        actor=personas["city_admin"], channel="api", department=dept, data=data
    )


def drain(passes=30):
    """Run sender passes until nothing is pending (the backoff is zero in these tests)."""
    for _ in range(passes):
        sender.run_once()
        if not Delivery.objects.filter(status="pending").exists():
            return
    raise AssertionError("deliveries still pending")


def test_signature_verifies_as_documented(personas, dept, jinshui, emit, webhook_settings):
    with receiving(Receiver()) as rx:
        subscription, secret = subscribe(personas, dept, "")
        rx.secret = secret
        services.update_subscription(actor=personas["city_admin"], channel="api", subscription=subscription,
                                     data={"webhook_url": rx.url})  # fmt: skip
        event = emit("record.revoked", jinshui, reason="决定被撤销")
        drain()
    [got] = rx.received
    assert got.verified and got.status == 200
    assert got.headers["X-Socredit-Event-Id"] == str(event.pk)
    delivery = Delivery.objects.get()
    assert got.headers["X-Socredit-Delivery-Id"] == str(delivery.pk)
    body = json.loads(got.body)
    assert body["event"]["kind"] == "record.revoked" and body["event"]["organization"] == jinshui.code
    assert body["event"]["payload"]["reason"] == "决定被撤销" and body["subscription"] == subscription.pk
    # what the receiver must refuse: another body, another key, an old request replayed
    assert not verify(secret, got.headers, got.body + b" ")
    assert not verify("whsec_other", got.headers, got.body)
    assert not verify(secret, got.headers, got.body, now=time.time() + 3600)
    # the app's own helper agrees with the receiver's check
    ts = got.headers["X-Socredit-Timestamp"]
    assert signing.verify(secret, got.headers["X-Socredit-Signature"], ts, got.body, now=int(ts))
    assert not signing.verify(secret, got.headers["X-Socredit-Signature"], ts, got.body, now=int(ts) + 301)


def test_rotated_secret_signs_with_both_during_grace(personas, dept, jinshui, emit, webhook_settings):
    with receiving(Receiver()) as rx:
        subscription, old = subscribe(personas, dept, rx.url)
        new = services.rotate_secret(actor=personas["city_admin"], channel="api", subscription=subscription)
        assert new != old
        emit("record.revoked", jinshui)
        drain()
    [got] = rx.received
    assert verify(old, got.headers, got.body) and verify(new, got.headers, got.body)
    assert got.headers["X-Socredit-Signature"].count("v1=") == 2


def test_failing_receiver_loses_nothing_and_keeps_order_per_subject(
    personas, dept, jinshui, jinshui2, emit, webhook_settings
):
    webhook_settings.SOCREDIT_WEBHOOK_MAX_ATTEMPTS = 10
    with receiving(Receiver(codes=[500, 503, 500, 502, 500])) as rx:
        subscription, secret = subscribe(personas, dept, rx.url)
        rx.secret = secret
        events = [emit("record.revoked", org, n=i) for i in range(4) for org in (jinshui, jinshui2)]
        drain()
    assert Delivery.objects.filter(status="delivered").count() == len(events)
    assert all(r.verified for r in rx.received)
    delivered = [r.event["id"] for r in rx.delivered()]
    assert sorted(set(delivered)) == sorted(e.pk for e in events)  # none lost
    for org in (jinshui, jinshui2):
        # every request for a subject (failed or not) in event order: an event is never sent
        # before the earlier one for the same subject was delivered
        sent = [r.event["id"] for r in rx.received if r.event["organization"] == org.code]
        assert sent == sorted(sent)
    assert DeliveryAttempt.objects.filter(succeeded=False).count() == 5
    failed = DeliveryAttempt.objects.filter(succeeded=False).first()
    assert failed.status_code == 500 and "500" in failed.error and failed.duration_ms >= 0


def test_parked_after_the_limit_then_replayed(personas, dept, jinshui, emit, webhook_settings):
    webhook_settings.SOCREDIT_WEBHOOK_MAX_ATTEMPTS = 3
    with receiving(Receiver(codes=[500] * 3)) as rx:
        subscription, _ = subscribe(personas, dept, rx.url)
        first = emit("record.revoked", jinshui)
        drain()
        delivery = Delivery.objects.get(event=first)
        assert delivery.status == "dead" and delivery.attempts == 3 and delivery.last_status_code == 500
        assert "HTTP 500" in delivery.last_error
        assert list(delivery.attempt_log.values_list("number", flat=True)) == [1, 2, 3]
        # a parked delivery does not hold back later events of the same subject
        second = emit("record.revoked", jinshui)
        drain()
        assert Delivery.objects.get(event=second).status == "delivered"
        services.replay_delivery(actor=personas["city_admin"], channel="form", delivery=delivery)
        drain()
        delivery.refresh_from_db()
        assert delivery.status == "delivered" and delivery.attempt_log.count() == 4
        # replay from an event id: both again
        assert services.replay_from(actor=personas["city_admin"], channel="api", subscription=subscription,
                                    event_id=first.pk) == 2  # fmt: skip
        drain()
    assert [r.event["id"] for r in rx.delivered()] == [second.pk, first.pk, first.pk, second.pk]


def test_replay_from_an_event_before_the_subscription_fans_it_out(
    personas, dept, jinshui, emit, webhook_settings
):
    earlier = emit("record.revoked", jinshui)
    with receiving(Receiver()) as rx:
        subscription, _ = subscribe(personas, dept, rx.url)
        drain()
        assert rx.received == []  # a new subscription follows changes from now on
        services.replay_from(actor=personas["city_admin"], channel="api", subscription=subscription,
                             event_id=earlier.pk)  # fmt: skip
        drain()
    assert [r.event["id"] for r in rx.delivered()] == [earlier.pk]


def test_fan_out_is_idempotent(personas, dept, jinshui, xinzheng, emit, webhook_settings):
    subscription, _ = subscribe(personas, dept, "http://127.0.0.1:9/hook")
    emit("record.revoked", jinshui)
    emit("record.revoked", xinzheng)  # another region: not matched
    emit("record.corrected", jinshui)  # a kind not chosen
    emit("list.entered", jinshui, list="abnormal")
    assert services.fan_out() == 2
    assert services.fan_out() == 0
    # as if a crash had lost the cursor's move: fanning out again makes nothing twice
    Subscription.objects.filter(pk=subscription.pk).update(fanout_cursor=0)
    services.fan_out()
    assert Delivery.objects.count() == 2
    assert set(Delivery.objects.values_list("organization_id", flat=True)) == {jinshui.pk}


def test_redirects_and_unreachable_receivers_are_failed_attempts(
    personas, dept, jinshui, emit, webhook_settings
):
    with receiving(Receiver(codes=[302])) as rx:
        subscribe(personas, dept, rx.url)
        emit("record.revoked", jinshui)
        sender.run_once()
    delivery = Delivery.objects.get()
    assert delivery.status == "pending" and delivery.last_status_code == 302
    # the receiver is gone now: the connection is refused, recorded as the attempt's error
    sender.run_once()
    delivery.refresh_from_db()
    assert delivery.last_status_code is None and "Connection" in delivery.last_error


def test_backoff_grows_and_jitters(settings):
    import random

    settings.SOCREDIT_WEBHOOK_BACKOFF_SECONDS = 10
    settings.SOCREDIT_WEBHOOK_BACKOFF_MAX_SECONDS = 100
    rng = random.Random(1)
    waits = [[services.backoff_seconds(n, rng) for _ in range(50)] for n in (1, 2, 3, 6)]
    assert all(5 <= w <= 10 for w in waits[0]) and all(10 <= w <= 20 for w in waits[1])
    assert all(20 <= w <= 40 for w in waits[2]) and all(50 <= w <= 100 for w in waits[3])  # capped
    assert len({round(w, 6) for w in waits[0]}) > 40  # jittered


def test_the_command_sends_one_pass(personas, dept, jinshui, emit, webhook_settings):
    with receiving(Receiver()) as rx:
        _, secret = subscribe(personas, dept, rx.url)
        rx.secret = secret
        emit("record.revoked", jinshui)
        out = StringIO()
        call_command("webhooks", "--once", stdout=out)
    assert "fanned out 1, sent 1, delivered 1" in out.getvalue()
    assert [r.verified for r in rx.received] == [True]
