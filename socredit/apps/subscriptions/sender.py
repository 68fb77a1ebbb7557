"""The webhook sender (``socredit webhooks``): turns new change events into deliveries and POSTs
them, signed, to the subscriptions' webhook URLs.

One pass (``run_once``): fan out (``services.fan_out``), then take the due deliveries
(``services.due_deliveries``: their time has come, no earlier one for the same subject waits),
hold each (a lease, so a second sender skips it and a killed sender's hold runs out by itself),
POST it outside any transaction (a slow receiver never holds a database lock), and log the attempt
in a transaction of its own. A kill at any point loses nothing: at worst the attempt in flight is
sent again (at-least-once; receivers de-duplicate by the event id).

Plain ``urllib`` with a timeout, no redirects followed (a 3xx is a failure: a redirect could lead
to this server itself), the destination checked again before each send (``webhook_urls``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
import urllib.error
import urllib.request
from typing import Any

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from socredit.apps.records import outbox
from socredit.apps.subscriptions import services, signing
from socredit.apps.subscriptions.models import Delivery
from socredit.apps.subscriptions.webhook_urls import refused_destination

log = logging.getLogger(__name__)
USER_AGENT = "socredit-webhooks/1"
BATCH = 100


def body_of(delivery: Delivery) -> bytes:
    """The JSON body of a delivery: the event as the change feed shows it, and which delivery and
    subscription it is. The exact bytes are signed."""
    event = delivery.event
    document = {
        "delivery": delivery.pk,
        "subscription": delivery.subscription_id,
        "event": {
            "id": event.pk,
            "at": event.at.isoformat(),
            "kind": event.kind,
            "kind_label": outbox.KINDS.get(event.kind, event.kind),
            "organization": event.organization.code,
            "organization_name": event.organization.name,
            "record": event.record_id,
            "payload": event.payload,
        },
    }
    return json.dumps(document, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # the 3xx comes back as an HTTPError: a failed attempt


_opener = urllib.request.build_opener(_NoRedirect)


def post(delivery: Delivery, now: dt.datetime | None = None) -> services.Outcome:
    """POST one delivery; never raises for the receiver's faults (they are the outcome's error)."""
    subscription = delivery.subscription
    at = now or timezone.now()
    started = time.monotonic()

    def outcome(code: int | None, error: str) -> services.Outcome:
        return services.Outcome(at=at, duration_ms=int((time.monotonic() - started) * 1000), status_code=code,
                                error=error)  # fmt: skip

    refused = refused_destination(subscription.webhook_url)
    if refused:
        return outcome(None, refused)
    body = body_of(delivery)
    timestamp = int(at.timestamp())
    request = urllib.request.Request(subscription.webhook_url, data=body, method="POST", headers={  # noqa: S310 — http(s) only (webhook_urls)
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        signing.TIMESTAMP_HEADER: str(timestamp),
        signing.SIGNATURE_HEADER: signing.signature_header(services.secrets_in_force(subscription, at), timestamp, body),
        signing.EVENT_HEADER: str(delivery.event_id),
        signing.DELIVERY_HEADER: str(delivery.pk),
    })  # fmt: skip
    try:
        with _opener.open(request, timeout=float(settings.SOCREDIT_WEBHOOK_TIMEOUT_SECONDS)) as response:
            response.read(1024)
            return outcome(response.status, "")
    except urllib.error.HTTPError as exc:
        return outcome(exc.code, f"HTTP {exc.code} {exc.reason}")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return outcome(None, f"{type(reason).__name__}: {reason}"[:500])


def run_once(batch: int = BATCH, stop: threading.Event | None = None) -> dict[str, int]:
    """One pass: fan out, then send what is due (each due subject once). Counts of what happened.
    With ``stop`` set meanwhile, it ends after the attempt in progress."""
    made = services.fan_out()
    sent = delivered = 0
    # a send cannot outlast its timeout much: past this a killed sender's hold is let go
    lease = dt.timedelta(seconds=float(settings.SOCREDIT_WEBHOOK_TIMEOUT_SECONDS) * 2 + 5)
    for delivery in services.due_deliveries(timezone.now(), batch):
        if stop is not None and stop.is_set():
            break
        if not services.claim(delivery, timezone.now(), lease):
            continue
        result = services.record_attempt(delivery, post(delivery))
        sent += 1
        delivered += result.status == "delivered"
    return {"fanned_out": made, "sent": sent, "delivered": delivered}


def run_forever(stop: threading.Event, idle_seconds: float = 2.0) -> None:
    """Passes until ``stop`` is set (the command sets it on SIGTERM/SIGINT): the pass in progress
    ends its current attempt and logs it; while work remains the next pass starts at once."""
    while not stop.is_set():
        close_old_connections()
        try:
            counts = run_once(stop=stop)
        except Exception:
            log.exception("webhook pass failed; trying again")
            counts = {"sent": 0, "fanned_out": 0}
        if not counts["sent"] and not counts["fanned_out"]:
            stop.wait(idle_seconds)
