"""Benchmark of the interactive lookups under a real WSGI server (not a test).

    .venv/bin/python bench/lookups.py [--orgs 200000] [--db PATH | --database-url URL] [--seconds 10]
                                      [--connections 50] [--workers 2] [--smoke]

1. builds a scratch SQLite database (migrated from scratch; N organizations over the real regions,
   inserted with ``executemany``; a few hundred credit records through the product's service; a
   national batch evaluation), or reuses ``--db PATH`` (e.g. the one ``bench/evaluate.py --keep``
   keeps: a token and a national account are added to it), or ``--database-url URL`` (PostgreSQL,
   e.g. ``tools/pg start``; reused like ``--db`` when it holds organizations, e.g. a copy
   ``bench/pgcopy.py`` made of the SQLite one, else built like the scratch database);
2. starts gunicorn (``--workers`` sync workers, DEBUG off, persistent connections) on loopback;
3. checks the answers: the organization lookup, the credit answer for today (equal to the one
   computed on the fly), the API list without and with ``count=true``, the staff list page's total
   and per-level counts (equal to a recount);
4. drives ``GET /api/v1/organizations/{code}`` and ``…/credit`` with a department token at
   ``--connections`` connections with wrk (Debian package ``wrk``; random codes from a Lua list),
   and the staff organization list page of a national account (sequential requests);
5. prints requests/s and p99 against the targets, and the load average (the machine may be shared),
   and last one ``BENCH-RESULT`` line (``bench/_common.py``) for ``bench/national.py``.

``--smoke`` (small size, a few seconds) fails only on a wrong answer, never on a slow one.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench._common import (  # noqa: E402
    Results,
    database_url,
    percentile,
    process_cpu_seconds,
    production_environment,
)

TARGET_LOOKUP_RPS, TARGET_LOOKUP_P99_MS = 2500.0, 25.0
TARGET_CREDIT_RPS = 1500.0
TARGET_LIST_P99_MS = 100.0
SECRET = "bench-lookups-secret-key-for-a-scratch-server-not-for-production"  # noqa: S105 — a scratch server on loopback


def _say(text: str = "") -> None:
    print(text, flush=True)


def _environment(url: str, var_dir: Path) -> dict[str, str]:
    os.environ.update(SOCREDIT_SECRET_KEY=SECRET, SOCREDIT_ALLOWED_HOSTS="127.0.0.1",
                      PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))  # fmt: skip
    return production_environment(url, var_dir)


def insert_organizations(n: int) -> None:
    """N organizations over the real counties (seeded), inserted with ``executemany`` in one
    transaction (Django set up and migrated)."""
    import numpy as np
    from django.db import connection, transaction
    from django.utils import timezone

    from socredit.apps.registry.models import Region
    from socredit.core.codes import make_social_org_code
    from socredit.core.types import OrgType

    rng = np.random.default_rng(2026)
    counties = list(Region.objects.filter(active=True, level=3).values_list("id", "code"))
    picks = rng.integers(0, len(counties), size=n)
    types = [OrgType.ASSOCIATION, OrgType.SERVICE_INSTITUTION, OrgType.FOUNDATION]
    stamp = timezone.now().isoformat()
    rows = []
    for i in range(n):
        region_id, code = counties[int(picks[i])]
        org_type = types[i % 3]
        rows.append((make_social_org_code(code, org_type, i), f"基准社会组织{i:07d}号", org_type.value,
                     region_id, "民政局", "other", "2015-03-01", "normal", stamp, stamp))  # fmt: skip
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO registry_organization (code, name, org_type, region_id, registration_authority, "
            "supervisory_unit, address, contact_person, contact_phone, field, registered_on, status, "
            "created_at, updated_at) VALUES (%s, %s, %s, %s, %s, '', '', '', '', %s, %s, %s, %s, %s)",
            rows,
        )


def signed_in_session(user: Any) -> str:
    """The key of a new database session signed in as ``user`` (the cookie a browser would hold)."""
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session["_auth_user_id"] = str(user.pk)
    session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
    session["_auth_user_hash"] = user.get_session_auth_hash()
    session.create()
    return str(session.session_key)


def build(n: int, fresh: bool | None) -> dict[str, Any]:
    """Migrate and load N organizations (``fresh``; None: when the database holds none); add a
    token, a national account, a session."""
    import django

    django.setup()
    import datetime as dt

    from django.db import connection

    from socredit.apps.accounts.models import StaffRole, User
    from socredit.apps.accounts.services import issue_token
    from socredit.apps.records.services import create_record
    from socredit.apps.registry.models import Department, Organization, Region
    from socredit.common.access import SystemPrincipal
    from socredit.common.clock import today
    from socredit.core.types import DepartmentKind

    t0 = time.perf_counter()
    from socredit.testing.scratch import migrate_scratch_database

    migrate_scratch_database()
    system = SystemPrincipal("bench")
    if fresh is None:
        fresh = not Organization.objects.exists()
    if fresh:
        insert_organizations(n)
        _say(f"  {n:,} organizations inserted in {time.perf_counter() - t0:.1f} s")
    city = Region.objects.get(code="410100")
    dept, _ = Department.objects.get_or_create(
        code="bench-mzj",
        defaults={"name": "基准测试民政局", "kind": DepartmentKind.CIVIL_AFFAIRS.value, "region": city},
    )
    if not Department.objects.filter(code="bench-national").exists():
        Department.objects.create(code="bench-national", name="基准测试全国部门",
                                  kind=DepartmentKind.CIVIL_AFFAIRS.value, region=Region.objects.get(code="100000"))  # fmt: skip
    national_dept = Department.objects.get(code="bench-national")
    _tok, raw = issue_token(actor=system, channel="system", department=national_dept, name="bench",
                            scopes=["organizations:read", "credit:read"])  # fmt: skip
    user = User.objects.filter(username="bench_national").first()
    if user is None:
        user = User(
            username="bench_national", region=Region.objects.get(code="100000"), staff_role=StaffRole.VIEWER
        )
        user.set_password("bench-national-password")
        user.save()
    admin = User.objects.filter(is_superuser=True).first() or User.objects.create_superuser(
        "bench_admin", None, "x" * 12
    )
    if fresh:  # a few records through the product's service, so some answers have a breakdown and a rule
        ids = Organization.objects.order_by("?").values_list("code", flat=True)[: max(20, min(300, n // 50))]
        for i, code in enumerate(ids):
            kind, extra = [("penalty_warning", {}), ("penalty_fine", {"amount": "60000"}), ("grade_5a", {})][
                i % 3
            ]
            create_record(actor=admin, channel="system", data={
                "organization": code, "kind": kind, "occurred_on": today() - dt.timedelta(days=10 + i % 200),
                "department": dept.code, "document_number": f"基准〔2026〕{i + 1}号", **extra})  # fmt: skip
    t1 = time.perf_counter()
    connection.close()
    # in a child process, as the nightly job runs it: the evaluation's working memory (gigabytes at a
    # million) stays out of this process, which drives the load on the same two cores (kept here, it
    # cost the server about 15 % of its lookups per second)
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "evaluate"], check=True, cwd=ROOT,
                   stdout=subprocess.DEVNULL)  # fmt: skip
    _say(f"  national evaluation in {time.perf_counter() - t1:.1f} s")
    session_key = signed_in_session(user)
    codes = list(Organization.objects.order_by("?").values_list("code", flat=True)[:2000])
    organizations = Organization.objects.count()
    connection.close()
    return {"token": raw, "session": session_key, "codes": codes, "seconds": time.perf_counter() - t0,
            "fresh": fresh, "vendor": connection.vendor, "organizations": organizations}  # fmt: skip


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(env: dict[str, str], port: int, workers: int) -> subprocess.Popen[bytes]:
    gunicorn = shutil.which("gunicorn") or str(Path(sys.executable).parent / "gunicorn")
    proc = subprocess.Popen(
        [gunicorn, "socredit.wsgi:application", "-w", str(workers), "-b", f"127.0.0.1:{port}",
         "--backlog", "2048", "--log-level", "warning"],
        env=env, cwd=ROOT, start_new_session=True,
    )  # fmt: skip
    for _ in range(200):
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit("gunicorn did not start")


def stop_server(proc: subprocess.Popen[bytes]) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def server_cpu(server: subprocess.Popen[bytes]) -> dict[int, float]:
    """CPU seconds so far of every process serving the requests: gunicorn's master and workers, and
    on PostgreSQL the server processes of this database's other connections (the workers')."""
    from django.db import connection

    pids = {server.pid}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == server.pid:
                pids.add(int(stat.parent.name))
        except (OSError, ValueError, IndexError):
            continue
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            pids.update(int(r[0]) for r in cursor.fetchall())
    return {pid: process_cpu_seconds(pid) or 0.0 for pid in pids}


def cpu_per_request(before: dict[int, float], after: dict[int, float], requests: int) -> float:
    """Server CPU milliseconds per request between two ``server_cpu`` snapshots."""
    spent = sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())
    return 1000 * spent / max(requests, 1)


def fetch(port: int, path: str, headers: dict[str, str]) -> tuple[int, bytes, float]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    t = time.perf_counter()
    conn.request("GET", path, headers={"Host": "127.0.0.1", **headers})
    response = conn.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - t
    conn.close()
    return response.status, body, elapsed


def check_answers(port: int, ctx: dict[str, Any], n: int) -> list[str]:
    """Wrong answers, as messages (empty when all are right)."""
    import django

    django.setup()
    from socredit.apps.evaluation import counts, services
    from socredit.apps.evaluation.api import _lists_on, _result
    from socredit.apps.evaluation.indicators import get_model
    from socredit.apps.registry.models import Organization

    wrong: list[str] = []
    auth = {"Authorization": f"Bearer {ctx['token']}"}
    for code in ctx["codes"][:40]:
        status, body, _ = fetch(port, f"/api/v1/organizations/{code}", auth)
        if status != 200 or json.loads(body)["code"] != code:
            wrong.append(f"lookup {code}: {status} {body[:200]!r}")
            continue
        status, body, _ = fetch(port, f"/api/v1/organizations/{code}/credit", auth)
        org = Organization.objects.select_related("region").get(code=code)
        model = get_model()
        computed = {
            **_result(org, model, services.explain_organization(org)),
            "lists": _lists_on([org], services.today())[org.pk],
        }
        answer = json.loads(body) if status == 200 else {}
        got = {k: answer.get(k) for k in computed}
        if status != 200 or json.loads(json.dumps(computed, default=str)) != got:
            wrong.append(f"credit {code}: {status} stored answer {got} != computed {computed}")
    status, body, _ = fetch(port, "/api/v1/organizations?page_size=5", auth)
    page = json.loads(body)
    if (
        status != 200
        or len(page["items"]) != min(5, n)
        or page["count"] is not None
        or page["next"] is not (n > 5)
    ):
        wrong.append(f"API list without count: {status} {str(page)[:200]}")
    status, body, _ = fetch(port, "/api/v1/organizations?page_size=5&count=true", auth)
    if status != 200 or json.loads(body)["count"] != Organization.objects.count():
        wrong.append(f"API list with count: {status} {body[:200]!r}")
    if counts.check_counts():
        wrong.append(f"maintained counts differ from a recount: {counts.check_counts()}")
    status, body, _ = fetch(port, "/organizations/", {"Cookie": f"sessionid={ctx['session']}"})
    total = Organization.objects.count()
    shown = re.search(r"共 ([\d,]+) 个", body.decode())  # the list's total, as the page prints it
    if status != 200 or shown is None or int(shown.group(1).replace(",", "")) != total:
        wrong.append(f"staff list page: {status}, total {total} not shown")
    return wrong


def require_wrk() -> None:
    """Stop at once, before any database is built, when wrk is missing: the small runs of the test
    command drive load too, so that their load path is exercised."""
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk; tools/setup --dev installs it)")


def wrk(
    port: int, paths: list[str], headers: dict[str, str], seconds: float, connections: int
) -> dict[str, float]:
    """Requests/s and latency percentiles (ms) from wrk, requests spread over ``paths`` at random."""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write("local paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n")
        for name, value in headers.items():
            script.write(f"wrk.headers[{json.dumps(name)}] = {json.dumps(value)}\n")
        script.write(
            # each wrk thread runs its own copy of the script: seeded with the time alone, every thread
            # asked the same codes in the same order (a table's address differs per thread)
            "math.randomseed(os.time() + tonumber(tostring({}):match('0x(%x+)') or '0', 16) % 100000)\n"
            "request = function() return wrk.format('GET', paths[math.random(#paths)]) end\n"
            "done = function(summary, latency, requests)\n"
            "  io.write(string.format('BENCH %d %d %d %d %d\\n', summary.requests, summary.errors.status,"
            " summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,"
            " latency:percentile(50), latency:percentile(99)))\nend\n"
        )
    out = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--timeout", "10s", "-s", script.name,
         f"http://127.0.0.1:{port}"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    os.unlink(script.name)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    requests, bad_status, socket_errors, p50, p99 = (
        int(x) for x in re.search(r"BENCH (.*)", out).group(1).split()
    )  # type: ignore[union-attr]
    return {
        "rps": rps,
        "p50": p50 / 1000,
        "p99": p99 / 1000,
        "requests": requests,
        "errors": bad_status + socket_errors,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=200_000)
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--db", help="use this SQLite file (e.g. bench/evaluate.py --keep PATH) instead of a fresh one"
    )
    where.add_argument(
        "--database-url", metavar="URL",
        help="run on this PostgreSQL database (tools/pg start), reused when it holds organizations",
    )  # fmt: skip
    parser.add_argument("--seconds", type=float, default=10.0, help="load per endpoint")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--list-requests", type=int, default=200, help="staff list page requests")
    parser.add_argument(
        "--smoke", action="store_true", help="a small, quick run that fails only on wrong answers"
    )
    args = parser.parse_args()
    require_wrk()
    if args.smoke:
        args.seconds, args.list_requests = min(args.seconds, 2.0), min(args.list_requests, 20)
    if args.database_url and not args.database_url.startswith(("postgres://", "postgresql://")):
        parser.error("--database-url: a postgres:// URL (for an SQLite file use --db)")
    scratch = Path(tempfile.mkdtemp(prefix="bench-lookups-"))
    url = args.database_url or database_url(args.db, scratch)
    env = _environment(url, scratch)
    where = f"reusing {args.db}" if args.db else f"on {url.split('?')[0]}" if args.database_url else "fresh"
    _say(f"bench/lookups.py: {where}")
    ctx = build(args.orgs, fresh=None if args.database_url else not args.db)
    if not ctx["fresh"]:
        _say("  reusing the organizations already loaded")
    n = ctx["organizations"]
    port = _free_port()
    server = start_server(env, port, args.workers)
    failures: list[str] = []
    try:
        wrong = check_answers(port, ctx, n)
        for message in wrong:
            _say(f"WRONG: {message}")
        auth = {"Authorization": f"Bearer {ctx['token']}"}
        cpu = server_cpu(server)
        lookup = wrk(
            port, [f"/api/v1/organizations/{c}" for c in ctx["codes"]], auth, args.seconds, args.connections
        )
        cpu, lookup["cpu_ms"] = (
            server_cpu(server),
            cpu_per_request(cpu, server_cpu(server), lookup["requests"]),
        )
        credit = wrk(port, [f"/api/v1/organizations/{c}/credit" for c in ctx["codes"]], auth, args.seconds,
                     args.connections)  # fmt: skip
        credit["cpu_ms"] = cpu_per_request(cpu, server_cpu(server), credit["requests"])
        cookie = {"Cookie": f"sessionid={ctx['session']}"}
        times = []
        for i in range(args.list_requests):
            status, _body, elapsed = fetch(port, "/organizations/" + ("" if i % 2 else "?page=2"), cookie)
            if status != 200:
                wrong.append(f"staff list page: {status}")
                break
            times.append(elapsed * 1000)
    finally:
        stop_server(server)
        shutil.rmtree(scratch, ignore_errors=True)  # the fresh database or only the var directory
    for name, result in (("lookup", lookup), ("credit", credit)):
        if result["errors"]:
            wrong.append(f"{name}: {result['errors']} of {result['requests']} requests failed")
    load = os.getloadavg()
    _say(f"\n{ctx['vendor']}, size: {n:,} organizations; gunicorn {args.workers} sync workers, DEBUG off; {args.connections} "
         f"connections; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} on {os.cpu_count()} CPUs")  # fmt: skip

    def verdict(ok: bool | None) -> str:
        return "    " if ok is None else "PASS" if ok else "FAIL"

    results = Results("lookups")
    results.add("lookup req/s", lookup["rps"], "req/s", TARGET_LOOKUP_RPS, ">=")
    results.add("lookup p99", lookup["p99"], "ms", TARGET_LOOKUP_P99_MS)
    results.add("credit req/s", credit["rps"], "req/s", TARGET_CREDIT_RPS, ">=")
    results.add("credit p99", credit["p99"], "ms")
    results.add("lookup server CPU per request", lookup["cpu_ms"], "ms")
    results.add("credit server CPU per request", credit["cpu_ms"], "ms")
    results.add("list page p99", percentile(times, 0.99), "ms", TARGET_LIST_P99_MS)
    results.add("list page p50", percentile(times, 0.5), "ms")
    results.wrong.extend(wrong)
    lines = [
        ("GET /organizations/{code}", f"{lookup['rps']:,.0f} req/s (≥ {TARGET_LOOKUP_RPS:,.0f})",
         lookup["rps"] >= TARGET_LOOKUP_RPS),
        ("GET /organizations/{code}", f"p99 {lookup['p99']:.1f} ms (< {TARGET_LOOKUP_P99_MS:.0f}), p50 {lookup['p50']:.1f} ms",
         lookup["p99"] < TARGET_LOOKUP_P99_MS),
        ("GET /organizations/{code}/credit", f"{credit['rps']:,.0f} req/s (≥ {TARGET_CREDIT_RPS:,.0f}), p99 {credit['p99']:.1f} ms",
         credit["rps"] >= TARGET_CREDIT_RPS),
        ("server CPU per request (WSGI + database)", f"lookup {lookup['cpu_ms']:.2f} ms, credit {credit['cpu_ms']:.2f} ms "
         "(load-independent; 2 cores / 2,500 req/s = 0.8 ms)", None),
        ("staff list page, national account", f"p99 {percentile(times, 0.99):.1f} ms (< {TARGET_LIST_P99_MS:.0f}), "
         f"p50 {percentile(times, 0.5):.1f} ms", percentile(times, 0.99) < TARGET_LIST_P99_MS),
    ]  # fmt: skip
    for what, figure, ok in lines:
        _say(f"  {verdict(ok)}  {what:36} {figure}")
        if ok is False:
            failures.append(what)
    results.emit()
    if wrong:
        _say(f"\n{len(wrong)} wrong answer(s)")
        return 1
    if args.smoke:
        _say("smoke: all answers right (speed not judged at this size)")
        return 0
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
