"""Benchmark the proposal queue (/lists/proposals/) with many open proposals behind a real server.

    .venv/bin/python bench/proposals.py [--proposals 100000] [--orgs 40000] [--requests 30] [--keep]
    .venv/bin/python bench/proposals.py --reuse /tmp/socredit-bench-queue-XXXX   # measure again

1. A fresh SQLite file under a temporary SOCREDIT_VAR_DIR is migrated; organizations (over the
   districts of 郑州 and one other city), one trigger record each proposal and N open proposals
   (lists, grounds, record kinds, dates over two years, a third with a prior notice served) go in
   with ``bulk_create``.
2. gunicorn (2 workers, production settings: SOCREDIT_DEBUG=0, a random SOCREDIT_SECRET_KEY)
   serves the project's WSGI application on a loopback port.
3. Staff sessions (a 郑州 city administrator and a national superuser) are stored in the session
   table and sent as the session cookie; each queue page is requested ``--requests`` times after
   two warm-up requests: p50, p95 and the ratio to the 0.5 s target are printed.

Exits non-zero if a page answers anything but 200 or lacks the queue table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

TARGET_S = 0.5
ROOT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def sessions() -> tuple[dict[str, str], int]:
    """A signed-in session for each bench account (a 郑州 city administrator, a national superuser)
    and the number of open proposals in 郑州."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from socredit.apps.accounts.models import StaffRole, User
    from socredit.apps.accounts.services import create_staff_user
    from socredit.apps.lists.models import ListProposal
    from socredit.apps.registry.models import Region

    keys = {}
    for name, region, superuser in (("bench_city", "410100", False), ("bench_national", None, True)):
        user = User.objects.filter(username=name).first() or create_staff_user(
            actor=None, channel="system", username=name, password=secrets.token_urlsafe(16),
            region=Region.objects.get(code=region) if region else None, staff_role=StaffRole.ADMIN,
            superuser=superuser,
        )  # fmt: skip
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys[name] = session.session_key
    city = ListProposal.objects.filter(
        organization__region__path__startswith=Region.objects.get(code="410100").path
    ).count()
    return keys, city


def build(n_proposals: int, n_orgs: int, seed: int) -> None:
    """Migrate and fill the scratch database."""

    from socredit.apps.lists.models import ListNotice, ListProposal
    from socredit.apps.records.models import CreditRecord, RecordKind
    from socredit.apps.registry.models import Department, Organization, Region
    from socredit.common.clock import today
    from socredit.core.codes import make_social_org_code
    from socredit.core.lists.grounds import GROUNDS_BY_CODE
    from socredit.core.types import DepartmentKind, OrgType, RecordSource

    rng = random.Random(seed)
    from socredit.testing.scratch import migrate_scratch_database

    migrate_scratch_database()
    day = today()
    districts = list(Region.objects.filter(parent__code__in=["410100", "410300"]).order_by("code"))
    dept = Department.objects.create(code="bench-mzj", name="郑州市民政局", kind=DepartmentKind.CIVIL_AFFAIRS.value,
                                     region=Region.objects.get(code="410100"))  # fmt: skip
    t0 = time.perf_counter()
    orgs = []
    for i in range(n_orgs):
        region = districts[i % len(districts)]
        orgs.append(Organization(
            code=make_social_org_code(region.code, OrgType.ASSOCIATION, 100_000 + i),
            name=f"{region.name}第{i}号测试社会组织{rng.choice('甲乙丙丁戊己庚辛')}",
            org_type=OrgType.ASSOCIATION.value, region=region, registration_authority=f"{region.name}民政局",
            registered_on=dt.date(2015, 1, 1) + dt.timedelta(days=i % 3000),
        ))  # fmt: skip
    Organization.objects.bulk_create(orgs, batch_size=5000)
    org_ids = list(Organization.objects.values_list("pk", flat=True))
    # (ground, record kind) pairs the engine proposes from records
    pairs = [("R1.6(5)", "penalty_warning"), ("R1.6(5)", "penalty_fine"), ("R1.6(1)", "annual_report_missing"),
             ("R1.12(4)", "penalty_fine"), ("R1.6(3)", "rectification_overdue")]  # fmt: skip
    kinds = dict(RecordKind.objects.values_list("code", "pk"))
    pairs = [(g, k) for g, k in pairs if k in kinds and g in GROUNDS_BY_CODE]
    records, proposals = [], []
    for i in range(n_proposals):
        ground, kind = pairs[i % len(pairs)]
        arose = day - dt.timedelta(days=rng.randint(0, 730))
        records.append(CreditRecord(
            organization_id=org_ids[i % len(org_ids)], kind_id=kinds[kind], occurred_on=arose,
            document_number=f"郑民罚〔{arose.year}〕{i + 1}号", department=dept, source=RecordSource.IMPORT.value,
            source_actor="bench",
        ))  # fmt: skip
    CreditRecord.objects.bulk_create(records, batch_size=5000)
    t_records = time.perf_counter() - t0
    region_of = dict(Organization.objects.values_list("pk", "region_id"))
    rows = CreditRecord.objects.order_by("pk").values_list("pk", "organization_id", "occurred_on", "kind_id")
    for i, (rid, org_id, occurred_on, kind_id) in enumerate(rows):
        ground, _kind = pairs[i % len(pairs)]
        # bulk_create skips ListProposal.save(): the queue's copies of region and kind are set here
        proposals.append(ListProposal(
            organization_id=org_id, region_id=region_of[org_id], list=GROUNDS_BY_CODE[ground].list, ground=ground,
            trigger_record_id=rid, trigger_kind_id=kind_id, arose_on=occurred_on, notice_required=True,
        ))  # fmt: skip
    ListProposal.objects.bulk_create(proposals, batch_size=5000)
    through = ListProposal.records.through
    notices = []
    pids = list(
        ListProposal.objects.order_by("pk").values_list(
            "pk", "organization_id", "trigger_record_id", "arose_on"
        )
    )
    through.objects.bulk_create(
        [through(listproposal_id=pk, creditrecord_id=rid) for pk, _o, rid, _a in pids], batch_size=10000
    )
    for pk, org_id, _rid, arose in pids[::3]:
        notices.append(ListNotice(
            proposal_id=pk, organization_id=org_id, method="written", served_on=arose, document_number=f"郑民告〔2026〕{pk}号",
            text="（基准测试）", authority_name="郑州市民政局", served_by_label="bench", policy_version="bench",
        ))  # fmt: skip
    ListNotice.objects.bulk_create(notices, batch_size=5000)
    served = {n.proposal_id: n.served_on for n in notices}
    ListProposal.objects.bulk_update(
        [ListProposal(pk=pk, notice_served_on=on) for pk, on in served.items()],
        ["notice_served_on"],
        batch_size=5000,
    )
    t_all = time.perf_counter() - t0
    print(f"built {n_orgs} organizations, {n_proposals} records and open proposals, {len(notices)} notices "
          f"in {t_all:.1f} s (records {t_records:.1f} s)")  # fmt: skip


def server_cpu(master: int) -> float:
    """CPU seconds used so far by the gunicorn master and its workers (Linux /proc; 0 elsewhere): a
    measure of the work per request that other processes on the machine do not inflate."""
    tick = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
    total = 0.0
    try:
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        for pid in [str(master), *children]:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    except (OSError, IndexError, ValueError):
        return 0.0
    return total


def fetch(url: str, session: str) -> tuple[int, float, bytes]:
    req = urllib.request.Request(  # noqa: S310 — the loopback http URL built in main()
        url, headers={"Cookie": f"sessionid={session}", "Accept-Language": "zh-hans"}
    )
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(req, timeout=60) as r:  # noqa: S310
            body = r.read()
            status = r.status
    except urllib.error.HTTPError as e:
        body, status = e.read(), e.code
    return status, time.perf_counter() - t0, body


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=100_000)
    parser.add_argument("--orgs", type=int, default=0, help="default: 40%% of the proposals")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database and print its path")
    parser.add_argument("--reuse", metavar="DIR", help="measure again on a database kept by --keep")
    args = parser.parse_args()
    n_orgs = args.orgs or max(10, args.proposals * 2 // 5)

    scratch = Path(args.reuse) if args.reuse else Path(tempfile.mkdtemp(prefix="socredit-bench-queue-"))
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{scratch / 'bench.sqlite3'}",
        "SOCREDIT_VAR_DIR": str(scratch),
        "SOCREDIT_DEBUG": "0",
        "SOCREDIT_SECRET_KEY": secrets.token_urlsafe(50),
        "SOCREDIT_ALLOWED_HOSTS": "127.0.0.1",
        "SOCREDIT_SSL_REDIRECT": "0",  # plain HTTP on loopback
        "DJANGO_SETTINGS_MODULE": "socredit.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    os.environ.update(env)  # before django.setup(): settings read these once
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    if not args.reuse:
        build(args.proposals, n_orgs, args.seed)
    keys, in_city = sessions()
    far = min(50, max(1, in_city // 25))  # page 50, or the last full page of a small run

    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "socredit.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "2", "--log-level", "warning", "--timeout", "120"],
        env=env, cwd=ROOT,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}/lists/proposals/"
    failures = 0
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        scenarios = [
            ("city", "unfiltered", ""),
            ("city", "ground R1.6(5)", "?ground=R1.6(5)"),
            ("city", "region 金水区", "?region=410105"),
            ("city", f"page {far}", f"?page={far}"),
            ("city", "notice served, by organization", "?state=served&sort=organization"),
            ("city", "search by name", "?" + urllib.parse.urlencode({"q": "第123"})),
            ("national", "unfiltered", ""),
            ("national", "sorted by organization", "?sort=organization"),
            ("national", f"region 410100, page {far}", f"?region=410100&page={far}"),
        ]
        print(f"\n{'account':9} {'page':32} {'p50':>8} {'p95':>8} {'p95/0.5s':>9} {'cpu/req':>8} {'KiB':>6}")
        for who, label, query in scenarios:
            session = keys[f"bench_{who}"]
            times = []
            size = 0
            cpu0 = 0.0
            for i in range(args.requests + 2):
                if i == 2:
                    cpu0 = server_cpu(server.pid)
                status, took, body = fetch(base + query, session)
                ok = status == 200 and b'id="queue-results"' in body and b"<table" in body
                if not ok:
                    print(f"  BROKEN {who} {label}: HTTP {status}, {len(body)} bytes", file=sys.stderr)
                    failures += 1
                    break
                size = len(body)
                if i >= 2:  # two warm-up requests
                    times.append(took)
            cpu = (server_cpu(server.pid) - cpu0) / max(1, len(times))
            if times:
                times.sort()
                p50 = statistics.median(times)
                p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
                print(
                    f"{who:9} {label:32} {p50 * 1000:6.0f}ms {p95 * 1000:6.0f}ms {p95 / TARGET_S:8.2f}× {cpu * 1000:6.0f}ms {size / 1024:6.0f}"
                )
    finally:
        server.terminate()
        server.wait(timeout=30)
        if args.keep or args.reuse:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch)  # the database, and what the settings make beside it (static, uploads)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
