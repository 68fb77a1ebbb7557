"""Many department systems writing at once through a real WSGI server (gunicorn, threads enough
for every writer to hold a database connection at the same time): each posts records with its
own token, revokes one and corrects another, repeats one (a duplicate) and sends one bad record;
a reader follows the change feed with its cursor all along.

Afterwards: every 2xx answer's record exists exactly once and holds what was sent, nothing
answered with an error was written, every failure is a clear 4xx or 503 (never another 5xx), the
cursor reader saw every change event once, in id order, with no id missing, and the audit chain
and the database are intact.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from socredit.testing.reliability.checks import check_database, require

ROOT = Path(__file__).resolve().parents[3]
DOCUMENT = "郑民〔2026〕并发{}-{}号"
WRITE_SCOPES = ["records:write", "records:read"]


@dataclass
class Answer:
    what: str  # create / duplicate / invalid / revoke / correct
    status: int
    body: Any
    document: str = ""
    record: int | None = None


@dataclass
class WriterReport:
    writers: int
    per_writer: int
    seconds: float = 0.0
    statuses: Counter[int] = field(default_factory=Counter)
    events_read: int = 0
    reads: int = 0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(threads: int, log: Path) -> tuple[subprocess.Popen[bytes], int]:
    """gunicorn on loopback with the environment of this process: 2 workers, ``threads`` each; its
    log (refused requests, tracebacks) goes to ``log``."""
    port = _free_port()
    with log.open("ab") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "socredit.wsgi:application", "--bind", f"127.0.0.1:{port}",
             "--workers", "2", "--worker-class", "gthread", "--threads", str(threads), "--timeout", "120",
             "--backlog", "1024", "--log-level", "warning"],
            cwd=ROOT, start_new_session=True, stdout=out, stderr=out,
        )  # fmt: skip
    for _ in range(300):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server, port
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.1)
    stop_server(server)
    raise RuntimeError("gunicorn did not start")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    try:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    except ProcessLookupError:
        pass


class Client:
    """One keep-alive connection with a bearer token."""

    def __init__(self, port: int, token: str) -> None:
        self.port, self.token = port, token
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def call(self, method: str, path: str, body: Any = None) -> tuple[int, Any]:
        headers = {"Authorization": f"Bearer {self.token}"}
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        for attempt in (1, 2):
            try:
                self.conn.request(method, f"/api/v1{path}", body=data, headers=headers)
                response = self.conn.getresponse()
                raw = response.read()
                break
            except (ConnectionError, http.client.RemoteDisconnected):
                # the server closed an idle keep-alive connection before the request was sent
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt == 2:
                    raise
        try:
            return response.status, json.loads(raw) if raw else None
        except ValueError:
            return response.status, raw.decode(errors="replace")[:500]


def _writer(
    client: Client, w: int, per_writer: int, orgs: list[str], start: threading.Barrier
) -> list[Answer]:
    answers = []
    start.wait()
    for j in range(per_writer):
        doc = DOCUMENT.format(w, j)
        body = {"organization": orgs[(w + j) % len(orgs)], "kind": "penalty_warning",
                "occurred_on": f"2025-{1 + j % 12:02d}-{1 + w % 28:02d}", "document_number": doc,
                "summary": f"并发写入 {w}-{j}"}  # fmt: skip
        status, answer = client.call("POST", "/records", body)
        record = answer.get("id") if status == 201 and isinstance(answer, dict) else None
        answers.append(Answer("create", status, answer, doc, record))
        if j == 0:  # the same record again: a duplicate, refused
            status, answer = client.call("POST", "/records", body)
            answers.append(Answer("duplicate", status, answer, doc))
        if j == 1:  # a bad record: refused with the field named
            status, answer = client.call(
                "POST", "/records", {**body, "document_number": doc + "-坏", "kind": "没有这种事项"}
            )
            answers.append(Answer("invalid", status, answer, doc + "-坏"))
    created = [a for a in answers if a.what == "create" and a.record]
    if created:
        status, answer = client.call(
            "POST", f"/records/{created[0].record}/revoke", {"reason": f"并发撤销 {w}"}
        )
        answers.append(Answer("revoke", status, answer, created[0].document, created[0].record))
    if len(created) > 1:
        status, answer = client.call("POST", f"/records/{created[1].record}/correct",
                                     {"reason": f"并发更正 {w}", "changes": {"summary": f"更正后 {w}"}})  # fmt: skip
        new = answer.get("id") if status == 201 and isinstance(answer, dict) else None
        answers.append(Answer("correct", status, answer, created[1].document, new))
    return answers


def _reader(client: Client, after: int, stop: threading.Event, seen: list[int], reads: list[int]) -> None:
    cursor = after
    while True:
        finishing = stop.is_set()
        status, page = client.call("GET", f"/changes?after={cursor}&limit=1000")
        reads.append(status)
        if status == 200:
            seen.extend(item["id"] for item in page["items"])
            cursor = page["next"]
            if page["has_more"]:
                continue
        if finishing:
            return
        time.sleep(0.02)


def concurrent_writers(writers: int, per_writer: int, folder: Path) -> WriterReport:
    """Run the crowd against a fresh gunicorn and check what it left; raises `Broken` if a property fails."""
    from django.db import connections

    from socredit.apps.audit.models import AuditEvent
    from socredit.apps.records.models import ChangeEvent, CreditRecord
    from socredit.apps.registry.models import Department, Organization
    from socredit.core.types import RecordStatus
    from socredit.testing import factories

    require(per_writer >= 2, "each writer posts at least two records (one revoked, one corrected)")
    dept = Department.objects.get(code="mzj-410100")
    tokens = [factories.token(WRITE_SCOPES, dept, name=f"并发写入 {w}")[1] for w in range(writers)]
    reader_token = factories.token(["changes:read"], dept, name="变更读取")[1]
    orgs = list(
        Organization.objects.filter(registered_on__lt="2025-01-01")
        .order_by("code")
        .values_list("code", flat=True)[:50]
    )
    first_event = ChangeEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    audit_before = Counter(AuditEvent.objects.values_list("action", flat=True))
    connections.close_all()

    report = WriterReport(writers, per_writer)
    log = folder / "gunicorn.log"
    server, port = start_server(threads=max(4, (writers + 2) // 2), log=log)
    try:
        start = threading.Barrier(writers + 1)
        results: dict[int, list[Answer]] = {}
        stop, seen, reads = threading.Event(), [], []

        def work(w: int) -> None:
            results[w] = _writer(Client(port, tokens[w]), w, per_writer, orgs, start)

        threads = [threading.Thread(target=work, args=(w,)) for w in range(writers)]
        reader = threading.Thread(
            target=_reader, args=(Client(port, reader_token), first_event, stop, seen, reads)
        )
        for t in threads:
            t.start()
        reader.start()
        t0 = time.perf_counter()
        start.wait()
        for t in threads:
            t.join()
        report.seconds = time.perf_counter() - t0
        stop.set()
        reader.join()
    finally:
        stop_server(server)
    require(len(results) == writers, f"{writers - len(results)} writers ended with an exception")
    answers = [a for w in sorted(results) for a in results[w]]
    report.statuses = Counter(a.status for a in answers)
    report.events_read, report.reads = len(seen), len(reads)

    # every failure clear: a 4xx, or a 503 asking to retry; never another 5xx
    bad = [a for a in answers if a.status >= 500 and a.status != 503]
    require(not bad, f"{len(bad)} server errors, e.g. {bad[0] if bad else ''}; the server's log ends:\n"
            + "\n".join(log.read_text(errors="replace").splitlines()[-40:]))  # fmt: skip
    odd = [a for a in answers if a.what in ("revoke", "correct") and a.status not in (200, 201, 503)]
    require(not odd, f"{len(odd)} revocations or corrections refused, e.g. {odd[0] if odd else ''}")
    require(all(s == 200 for s in reads), f"the change feed answered {Counter(reads)}")
    for a in answers:
        if a.what in ("duplicate", "invalid"):
            require(a.status in (422, 503), f"a {a.what} record answered {a.status}: {a.body}")
        if 400 <= a.status < 500 or a.status == 503:
            require(isinstance(a.body, dict) and a.body, f"a {a.status} without a message: {a.body}")

    # every 2xx write exists exactly once and holds what was sent; nothing refused was written
    for a in answers:
        versions = list(CreditRecord.objects.filter(document_number=a.document))
        current = [v for v in versions if v.is_current]
        if a.what == "create":
            if a.status == 201:
                require(len(current) == 1, f"{a.document}: answered 201, {len(current)} current records")
                require(
                    any(v.pk == a.record for v in versions),
                    f"{a.document}: answered id {a.record}, not stored",
                )
            else:
                require(not versions, f"{a.document}: answered {a.status}, yet written")
        elif a.what == "invalid":
            require(not versions, f"{a.document}: refused, yet written")
        elif a.what == "revoke" and a.status == 200:
            require(current[0].pk == a.record and current[0].status == RecordStatus.REVOKED.value,
                    f"{a.document}: revocation answered 200, record is {current[0].status}")  # fmt: skip
        elif a.what == "correct" and a.status == 201:
            require(len(versions) == 2 and current[0].pk == a.record and current[0].summary.startswith("更正后"),
                    f"{a.document}: correction answered 201, versions {versions}")  # fmt: skip
    for what, status, action in (("create", 201, "record.create"), ("revoke", 200, "record.revoke"),
                                 ("correct", 201, "record.correct")):  # fmt: skip
        n = sum(1 for a in answers if a.what == what and a.status == status)
        made = Counter(AuditEvent.objects.values_list("action", flat=True))[action] - audit_before[action]
        require(made == n, f"{n} answers {status} to {what}, {made} audit events {action}")
        require(n > 0 or what != "create", "no record was written at all")

    # the cursor reader saw every event once, in id order, and the ids have no gap
    # (the feed of a token without credit:read leaves out the level changes the writes caused)
    every = list(ChangeEvent.objects.filter(id__gt=first_event).order_by("id").values_list("id", flat=True))
    stored = list(
        ChangeEvent.objects.filter(id__gt=first_event, kind__in=["record.revoked", "record.corrected"])
        .order_by("id")
        .values_list("id", flat=True)
    )
    expected = sum(1 for a in answers if a.what in ("revoke", "correct") and a.status in (200, 201))
    require(
        len(stored) == expected,
        f"{expected} revocations and corrections answered, {len(stored)} change events",
    )
    require(seen == sorted(set(seen)), "the cursor reader saw an event twice or out of order")
    require(seen == stored, f"the cursor reader missed events: {sorted(set(stored) - set(seen))[:10]}")
    require(not every or every[-1] - every[0] + 1 == len(every), "the change event ids have gaps")
    check_database("after the concurrent writers")
    return report
