"""The staff pages: an administrator subscribes a department of the region (the secret shown once),
sees the delivery log with every attempt, replays, rotates and deletes; officers are refused."""

from __future__ import annotations

import pytest

from socredit.apps.subscriptions import services
from socredit.apps.subscriptions.models import Delivery, Subscription

pytestmark = pytest.mark.django_db


def test_administrator_subscribes_and_sees_the_delivery_log(
    login, personas, dept, jinshui, emit, webhook_settings
):
    client = login(personas["city_admin"])
    assert client.get("/subscriptions/").status_code == 200
    r = client.post("/subscriptions/new/", {
        "department": dept.pk, "name": "页面订阅", "organizations": jinshui.code, "regions": "",
        "kinds": ["record.revoked"], "webhook_url": "http://127.0.0.1:9/hook",
    })  # fmt: skip
    assert r.status_code == 200, r.content.decode()[:2000]
    subscription = Subscription.objects.get()
    assert subscription.secret in r.content.decode() and "no-store" in r["Cache-Control"]
    event = emit("record.revoked", jinshui)
    services.fan_out()
    delivery = Delivery.objects.get()
    services.record_attempt(delivery, services.Outcome(at=delivery.created_at, duration_ms=1234, status_code=503,
                                                       error="HTTP 503 Service Unavailable"))  # fmt: skip
    page = client.get(f"/subscriptions/{subscription.pk}/").content.decode()
    assert subscription.secret not in page
    assert str(event.pk) in page and "HTTP 503 Service Unavailable" in page and "1234" in page
    assert jinshui.code in page
    r = client.post(f"/subscriptions/{subscription.pk}/replay/", {"from_event": event.pk})
    assert r.status_code == 302 and Delivery.objects.get().attempts == 0
    r = client.post(f"/subscriptions/{subscription.pk}/rotate-secret/")
    subscription.refresh_from_db()
    assert subscription.secret in r.content.decode() and subscription.previous_secret
    r = client.post(f"/subscriptions/{subscription.pk}/edit/", {
        "name": "页面订阅", "organizations": jinshui.code, "kinds": ["record.revoked"], "webhook_url": "ftp://x/y",
        "active": "on",
    })  # fmt: skip
    assert r.status_code == 400 and "http" in r.content.decode()
    assert client.post(f"/subscriptions/{subscription.pk}/delete/").status_code == 302
    assert not Subscription.objects.exists()


def test_form_errors_name_the_codes_and_pages_work_in_english(login, personas, dept):
    client = login(personas["city_admin"])
    r = client.post("/subscriptions/new/", {"department": dept.pk, "name": "x", "organizations": "BADCODE",
                                            "kinds": ["record.revoked"]})  # fmt: skip
    assert r.status_code == 400 and "BADCODE" in r.content.decode()
    assert "该部门所在区划内没有登记此统一社会信用代码的社会组织" in r.content.decode()
    assert "信用等级变化" in client.get("/subscriptions/new/").content.decode()
    client.cookies["django_language"] = "en"
    page = client.get("/subscriptions/new/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Credit level changed" in page


def test_officers_are_refused(login, personas):
    assert login(personas["staff_jinshui"]).get("/subscriptions/").status_code == 403
