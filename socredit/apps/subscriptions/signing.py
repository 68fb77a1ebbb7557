"""Webhook signatures (签名): HMAC-SHA256 over the timestamp and the exact body.

    signed = f"{timestamp}.".encode() + body          # timestamp: Unix seconds, as sent
    X-Socredit-Signature: v1=<hex HMAC-SHA256(secret, signed)>[,v1=<hex with the previous secret>]

The second signature is there only in the hours after a rotation (``SOCREDIT_WEBHOOK_SECRET_GRACE_HOURS``),
so a receiver can switch keys without losing deliveries. docs/subscriptions.md shows a receiver's
check; ``verify`` here is that same check (the tests use it as the receiver does).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SCHEME = "v1"
SIGNATURE_HEADER = "X-Socredit-Signature"
TIMESTAMP_HEADER = "X-Socredit-Timestamp"
EVENT_HEADER = "X-Socredit-Event-Id"
DELIVERY_HEADER = "X-Socredit-Delivery-Id"
SECRET_PREFIX = "whsec_"  # noqa: S105 — the visible prefix of every secret, not a secret
DEFAULT_TOLERANCE_SECONDS = 300


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """The hex HMAC-SHA256 of ``b"<timestamp>." + body`` under ``secret``."""
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signature_header(secrets_in_force: list[str], timestamp: int, body: bytes) -> str:
    return ",".join(f"{SCHEME}={signature(s, timestamp, body)}" for s in secrets_in_force if s)


def verify(secret: str, header: str, timestamp: str, body: bytes, now: float,
           tolerance: int = DEFAULT_TOLERANCE_SECONDS) -> bool:  # fmt: skip
    """A receiver's check: the timestamp is within ``tolerance`` seconds of ``now`` (a replay of an
    old request fails) and one of the header's v1 signatures matches (compared in constant time)."""
    try:
        ts = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - ts) > tolerance:
        return False
    expected = signature(secret, ts, body)
    given = [part.partition("=")[2] for part in header.split(",") if part.strip().startswith(f"{SCHEME}=")]
    return any(hmac.compare_digest(expected, g.strip()) for g in given)
