"""A webhook receiver for the tests: a real ``http.server`` on loopback, in a thread, that verifies
each request exactly as docs/subscriptions.md tells a receiver to, and answers with the status codes
it is told to (e.g. fail three times, then succeed)."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOLERANCE_SECONDS = 300


def verify(secret: str, headers: Any, body: bytes, now: float | None = None) -> bool:
    """The receiver's check, as written in docs/subscriptions.md (kept independent of the app's code)."""
    timestamp = headers.get("X-Socredit-Timestamp", "")
    if not timestamp.isdigit() or abs((now or time.time()) - int(timestamp)) > TOLERANCE_SECONDS:
        return False  # missing, or too old / too far ahead: a replay
    expected = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    for part in headers.get("X-Socredit-Signature", "").split(","):
        scheme, _, value = part.strip().partition("=")
        if scheme == "v1" and hmac.compare_digest(value, expected):
            return True
    return False


@dataclass
class Received:
    status: int
    headers: dict[str, str]
    body: bytes
    verified: bool

    @property
    def event(self) -> dict[str, Any]:
        return json.loads(self.body)["event"]


@dataclass
class Receiver:
    secret: str = ""
    codes: list[int] = field(default_factory=list)
    """Status codes to answer, in order; 200 once they run out."""
    received: list[Received] = field(default_factory=list)
    url: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def answer(self, headers: Any, body: bytes) -> int:
        with self.lock:
            code = self.codes.pop(0) if self.codes else 200
            self.received.append(
                Received(code, dict(headers.items()), body, verify(self.secret, headers, body))
            )
            return code

    def delivered(self) -> list[Received]:
        return [r for r in self.received if 200 <= r.status < 300]


@contextmanager
def receiving(receiver: Receiver) -> Iterator[Receiver]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 — http.server's name
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            code = receiver.answer(self.headers, body)
            self.send_response(code)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
