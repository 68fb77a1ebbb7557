"""Subscriptions through the API: CRUD by a department's token and by an administrator's session,
the subscription's feed and its cursor across a restart, bad webhook URLs, the delivery log."""

from __future__ import annotations

import socket

import pytest
from django.db import connections
from django.test import Client

from socredit.apps.audit.models import AuditEvent
from socredit.apps.subscriptions import services
from socredit.apps.subscriptions.models import Delivery, Subscription
from socredit.testing import factories

pytestmark = pytest.mark.django_db
API = "/api/v1/subscriptions"


def bearer(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def create(client, raw, **data):
    body = {
        "name": "金水区变化",
        "regions": ["410105"],
        "kinds": ["record.revoked", "credit.level_changed"],
        **data,
    }
    return client.post(API, body, content_type="application/json", **bearer(raw))


def test_token_creates_reads_changes_and_deletes_its_subscription(client, token, jinshui):
    tok, raw = token
    r = create(client, raw, organizations=[jinshui.code], lists=["serious"])
    assert r.status_code == 201, r.json()
    body = r.json()
    assert body["secret"].startswith("whsec_") and body["department"] == tok.department.code
    assert body["organizations"] == [jinshui.code] and body["lists"] == ["serious"]
    pk = body["id"]
    got = client.get(f"{API}/{pk}", **bearer(raw)).json()
    assert "secret" not in got  # shown once, at creation
    r = client.patch(f"{API}/{pk}", {"kinds": ["list.entered"], "active": False}, content_type="application/json",
                     **bearer(raw))  # fmt: skip
    assert r.status_code == 200 and r.json()["kinds"] == ["list.entered"] and r.json()["active"] is False
    assert r.json()["organizations"] == [jinshui.code]  # fields not given are kept
    assert client.get(API, **bearer(raw)).json()["items"][0]["id"] == pk
    rotated = client.post(f"{API}/{pk}/rotate-secret", **bearer(raw)).json()["secret"]
    assert rotated != body["secret"] and Subscription.objects.get(pk=pk).secret == rotated
    assert client.delete(f"{API}/{pk}", **bearer(raw)).status_code == 204
    assert not Subscription.objects.exists()
    actions = list(
        AuditEvent.objects.filter(action__startswith="subscription.")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == ["subscription.create", "subscription.update", "subscription.rotate_secret",
                       "subscription.delete"]  # fmt: skip
    assert not any(rotated in str(e.data) or body["secret"] in str(e.data) for e in AuditEvent.objects.all())


def test_other_department_and_non_administrators_are_refused(client, login, personas, token, jinshui):
    _, raw = token
    pk = create(client, raw).json()["id"]
    _, other = factories.token(["changes:read"], factories.department("zz-swj", "郑州市税务局", "410100"))
    assert client.get(f"{API}/{pk}", **bearer(other)).status_code == 404
    assert client.delete(f"{API}/{pk}", **bearer(other)).status_code == 404
    _, no_scope = factories.token(["records:read"])
    assert client.get(API, **bearer(no_scope)).status_code == 403
    assert login(personas["staff_jinshui"]).get(API).status_code == 403  # an officer, not an administrator
    assert login(personas["city_admin"]).get(f"{API}/{pk}").status_code == 200


def test_administrator_creates_for_a_department_of_the_region(login, personas, dept):
    client = login(personas["city_admin"])
    body = {"name": "管理员代建", "department": dept.code, "lists": ["abnormal"], "kinds": ["list.entered"]}
    r = client.post(API, body, content_type="application/json")
    assert r.status_code == 201 and r.json()["department"] == dept.code
    r = client.post(API, {**body, "department": "nowhere"}, content_type="application/json")
    assert r.status_code == 422 and "nowhere" in r.json()["errors"]["department"][0]


def test_bad_input_names_each_field_and_value(client, token, jinshui, settings):
    _, raw = token
    settings.SOCREDIT_WEBHOOK_ALLOW_LOOPBACK = False
    r = create(client, raw, organizations=[jinshui.code, "91410105MA00000000"], regions=["999999"],
               lists=["grey"], kinds=["record.deleted"], webhook_url="ftp://example.org/x")  # fmt: skip
    assert r.status_code == 422
    errors = r.json()["errors"]
    assert "91410105MA00000000" in errors["organizations"][0] and jinshui.code not in str(
        errors["organizations"]
    )
    assert (
        "999999" in errors["regions"][0]
        and "grey" in errors["lists"][0]
        and "record.deleted" in errors["kinds"][0]
    )
    assert "http" in errors["webhook_url"][0]
    r = create(client, raw, regions=[], kinds=["record.revoked"])
    assert r.status_code == 422 and r.json()["errors"]["__all__"]
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("url", [
    "ftp://hooks.example.org/x", "javascript:alert(1)", "http:///nohost", "http://127.0.0.1:8000/hook",
    "http://127.8.9.1/hook", "http://localhost/hook", "http://[::1]/hook", "http://0.0.0.0/hook",
    "http://[::ffff:127.0.0.1]/hook", "https://user:pw@hooks.example.org/x", "http://testserver/hook",
])  # fmt: skip
def test_webhook_urls_refused(client, token, url, settings):
    settings.SOCREDIT_WEBHOOK_ALLOW_LOOPBACK = False
    _, raw = token
    r = create(client, raw, webhook_url=url)
    assert r.status_code == 422, url
    assert r.json()["errors"]["webhook_url"], url


def test_own_host_name_refused_even_with_loopback_allowed(client, token, settings):
    settings.SOCREDIT_WEBHOOK_ALLOW_LOOPBACK = True
    _, raw = token
    r = create(client, raw, webhook_url=f"http://{socket.gethostname()}/hook")
    assert r.status_code == 422 and socket.gethostname().lower() in r.json()["errors"]["webhook_url"][0]
    assert create(client, raw, webhook_url="http://127.0.0.1:8123/hook").status_code == 201
    assert create(client, raw, webhook_url="http://localhost:8123/hook").status_code == 201
    # a department's receiver on a private network is allowed
    assert create(client, raw, webhook_url="https://10.20.30.40/hook").status_code == 201


@pytest.fixture
def reloaded(transactional_db):
    """The reference data (regions…), which an earlier transactional test's flush may have taken."""
    factories.reference_data()


@pytest.mark.django_db(transaction=True)  # committed for real: a restart closes every connection
def test_subscription_feed_cursor_survives_a_restart(reloaded, client, token, jinshui, xinzheng, emit):
    _, raw = token
    pk = create(client, raw, kinds=["record.revoked", "list.entered"]).json()["id"]
    first = [emit("record.revoked", jinshui), emit("record.revoked", xinzheng), emit("list.entered", jinshui)]
    page = client.get(f"{API}/{pk}/changes", {"limit": 1}, **bearer(raw)).json()
    assert [e["id"] for e in page["items"]] == [first[0].pk] and page["has_more"]
    page = client.get(f"{API}/{pk}/changes", {"after": page["next"]}, **bearer(raw)).json()
    assert [e["id"] for e in page["items"]] == [first[2].pk] and not page["has_more"]  # 新郑 not followed
    assert client.post(f"{API}/{pk}/changes/ack", {"cursor": page["next"]}, content_type="application/json",
                       **bearer(raw)).status_code == 200  # fmt: skip
    later = emit("record.revoked", jinshui)
    # a restart: the server's connections and the client's state are gone; the stored cursor is not
    connections.close_all()
    fresh = Client()
    page = fresh.get(f"{API}/{pk}/changes", **bearer(raw)).json()
    assert [e["id"] for e in page["items"]] == [later.pk]
    assert page["items"][0]["kind_label"] == "记录撤销"
    # the client's own cursor works the same way after it
    assert fresh.get(f"{API}/{pk}/changes", {"after": later.pk}, **bearer(raw)).json()["items"] == []
    r = fresh.post(f"{API}/{pk}/changes/ack", {"cursor": later.pk + 100}, content_type="application/json",
                   **bearer(raw))  # fmt: skip
    assert r.status_code == 422 and "cursor" in r.json()["errors"]


def test_level_changes_need_credit_read(client, jinshui, dept):
    _, raw = factories.token(["changes:read"], dept)
    r = create(client, raw, kinds=["credit.level_changed"])
    assert r.status_code == 422 and "credit:read" in r.json()["errors"]["kinds"][0]


def test_delivery_log_and_replay_through_the_api(client, token, jinshui, emit, webhook_settings):
    _, raw = token
    pk = create(client, raw, webhook_url="http://127.0.0.1:9/hook").json()["id"]
    event = emit("record.revoked", jinshui)
    services.fan_out()
    delivery = Delivery.objects.get()
    services.record_attempt(delivery, services.Outcome(at=delivery.created_at, duration_ms=12, status_code=None,
                                                       error="ConnectionRefusedError: refused"))  # fmt: skip
    items = client.get(f"{API}/{pk}/deliveries", **bearer(raw)).json()["items"]
    assert [(d["event"], d["status"], d["attempts"]) for d in items] == [(event.pk, "pending", 1)]
    detail = client.get(f"{API}/{pk}/deliveries/{delivery.pk}", **bearer(raw)).json()
    assert detail["attempt_log"][0]["error"].startswith("ConnectionRefusedError")
    assert detail["attempt_log"][0]["duration_ms"] == 12
    r = client.post(f"{API}/{pk}/deliveries/{delivery.pk}/replay", **bearer(raw))
    assert r.status_code == 200 and r.json()["attempts"] == 0
    r = client.post(
        f"{API}/{pk}/replay", {"from_event": event.pk}, content_type="application/json", **bearer(raw)
    )
    assert r.json() == {"requeued": 1}
    assert client.get(f"{API}/{pk}/deliveries", {"status": "nope"}, **bearer(raw)).status_code == 422
