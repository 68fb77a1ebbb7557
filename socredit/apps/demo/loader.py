"""Write the generated demo city to the database, fast: bulk inserts, one transaction per chunk.

Primary keys are assigned here (continuing after the current maximum), so that persons, posts,
records and their links are inserted without reading ids back. On PostgreSQL the sequences are
reset afterwards; on SQLite `PRAGMA synchronous=OFF` is set for the load only.

Demo data is not entered by anyone: the rows are written in bulk, each record gets its one
"录入" state change (source SYSTEM, actor "demo-data"), and one audit event summarizes the load.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone

from socredit.apps.accounts.models import StaffRole, TokenScope, User
from socredit.apps.accounts.services import create_staff_user, issue_token
from socredit.apps.audit.services import record_event
from socredit.apps.demo import generator as gen
from socredit.apps.demo.spotchecks import assign_streets
from socredit.apps.evaluation.bulkload import loading_in_bulk
from socredit.apps.records.models import CreditRecord, RecordKind, RecordStateChange
from socredit.apps.records.validation import publicity_end
from socredit.apps.registry.models import (
    Department,
    DocumentNumberPattern,
    DocumentType,
    Letterhead,
    Organization,
    Person,
    Region,
    Role,
)
from socredit.common import clock
from socredit.core.pinyin import name_sort_key
from socredit.core.types import DepartmentKind, RecordSource, RecordStatus

ACTOR = "demo-data"
CHANNEL = "cli"
DEMO_PASSWORD = "socredit-demo"  # noqa: S105 — published demo-only password, printed by demo-logins
TOKEN_FILE_NAME = "demo-token.txt"  # noqa: S105 — a file name, not a secret
TOKEN_SCOPES = (
    TokenScope.RECORDS_WRITE,
    TokenScope.RECORDS_READ,
    TokenScope.ORGANIZATIONS_READ,
    TokenScope.CREDIT_READ,
    TokenScope.LISTS_READ,
    TokenScope.OBJECTIONS_VERIFY,
    TokenScope.COMPLAINTS_WRITE,
    TokenScope.CHANGES_READ,
)
BATCH_ORGS = 2000
"""Organizations per transaction (≈ 35,000 rows with their persons, posts, records and links)."""
INSERT_BATCH = 2000
"""Rows per INSERT statement (bulk_create batch_size); below SQLite's 32,766 variables for every table."""


@dataclass(frozen=True)
class DemoAccount:
    username: str
    region: str | None
    staff_role: str
    full_name: str
    superuser: bool = False

    @property
    def scope(self) -> str:
        return "全国（超级管理员）" if self.superuser else f"{self.region} {StaffRole(self.staff_role).label}"


def demo_accounts(city: str = gen.DEFAULT_CITY) -> list[DemoAccount]:
    """city_admin (the city, admin), two district officers, a viewer and the superuser `admin`.

    For another city than Zhengzhou the district accounts take its first two districts.
    """
    if city == gen.DEFAULT_CITY:
        first, second = "410105", "410184"
    else:
        layout = gen.city_layout(city)
        first, second = layout.districts[0].code, layout.districts[-1].code
    return [
        # Names as an office's accounts carry them (a person's name); the header shows the post beside it.
        DemoAccount("city_admin", city, StaffRole.ADMIN, "王建国"),
        DemoAccount("jinshui", first, StaffRole.OFFICER, "李娜"),
        DemoAccount("xinzheng", second, StaffRole.OFFICER, "张伟"),
        DemoAccount("viewer", first, StaffRole.VIEWER, "刘洋"),
        *(
            [DemoAccount("jingbalu", "410105001", StaffRole.VIEWER, "陈静")]
            if city == gen.DEFAULT_CITY
            else []
        ),
        DemoAccount("admin", None, StaffRole.ADMIN, "赵磊", superuser=True),
    ]


class DemoDataExists(Exception):
    """The database already holds organizations; demo data is loaded only into an empty one."""


@dataclass
class LoadResult:
    organizations: int = 0
    persons: int = 0
    roles: int = 0
    records: int = 0
    record_persons: int = 0
    departments: int = 0
    seconds: float = 0.0
    users: list[str] = field(default_factory=list)
    token_file: Path | None = None
    kinds: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in {"kinds", "token_file", "seconds"}}


def token_path(var_dir: Path) -> Path:
    return Path(var_dir) / TOKEN_FILE_NAME


@contextmanager
def _fast_sqlite():
    """Skip fsync during the bulk load on SQLite (a crash mid-load means: delete and load again)."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as c:
        c.execute("PRAGMA synchronous=OFF")
    try:
        yield
    finally:
        with connection.cursor() as c:
            c.execute("PRAGMA synchronous=NORMAL")


ORG_COLUMNS = ("id", "code", "name", "name_sort", "org_type", "region_id", "registration_authority", "supervisory_unit", "field",
               "registered_on", "status", "address", "contact_person", "contact_phone", "created_at", "updated_at")  # fmt: skip
PERSON_COLUMNS = ("id", "name", "id_number", "created_at", "updated_at")
ROLE_COLUMNS = ("person_id", "organization_id", "kind", "start_on", "end_on", "stated_name")
RECORD_COLUMNS = ("id", "organization_id", "kind_id", "occurred_on", "decided_on", "document_number", "amount",
                  "department_id", "summary", "dishonesty_class", "visibility", "status", "source", "source_actor",
                  "source_ref", "external_id", "is_current", "supersedes_id", "created_at", "updated_at",
                  "publicity_until", "under_objection")  # fmt: skip
CHANGE_COLUMNS = ("id", "record_id", "at", "from_status", "to_status", "reason", "actor_id", "actor_label", "channel",
                  "related_id")  # fmt: skip


def _insert(model: type[Model], attnames: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """INSERT `rows` (values already adapted for the database) with executemany, INSERT_BATCH rows at a time.

    bulk_create spends most of its time preparing each value of each row (measured 19,000 rows/s on
    SQLite against ≈ 150,000 here); the values are generated, so they need no model validation.
    """
    if not rows:
        return
    meta = model._meta
    columns = ", ".join(connection.ops.quote_name(meta.get_field(a).column) for a in attnames)
    sql = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(attnames))})"  # noqa: S608 — names from model _meta, values as parameters
    with connection.cursor() as c:
        for i in range(0, len(rows), INSERT_BATCH):
            c.executemany(sql, rows[i : i + INSERT_BATCH])


def _next_id(model: type[Model]) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def _ensure_departments(layout: gen.CityLayout) -> tuple[dict[str, int], int]:
    """The demo departments by code → pk; an existing department with the same name or code is reused."""
    regions = dict(
        Region.objects.filter(code__in={d.region for d in layout.departments()}).values_list("code", "pk")
    )
    ids: dict[str, int] = {}
    created = 0
    for d in layout.departments():
        existing = (
            Department.objects.filter(name=d.name).first() or Department.objects.filter(code=d.code).first()
        )
        if existing is None:
            existing = Department.objects.create(
                code=d.code, name=d.name, kind=d.kind, region_id=regions[d.region]
            )
            created += 1
        ids[d.code] = existing.pk
        if d.kind == DepartmentKind.CIVIL_AFFAIRS.value:
            _ensure_letterhead(existing, d, layout)
    return ids, created


DEMO_NUMBER_PATTERNS = {
    DocumentType.PRIOR_NOTICE: "{abbr}信告〔{{year}}〕{{seq}}号",
    DocumentType.LIST_DECISION: "{abbr}信列〔{{year}}〕{{seq}}号",
    DocumentType.TRANSFER_DECISION: "{abbr}信转〔{{year}}〕{{seq}}号",
    DocumentType.REMOVAL_DECISION: "{abbr}信移〔{{year}}〕{{seq}}号",
    DocumentType.RED_DECISION: "{abbr}信红〔{{year}}〕{{seq}}号",
}
"""文号格式 of the demo civil-affairs bureaus (金民信列〔2026〕1号 …); each authority sets its own in the admin."""


def _ensure_letterhead(dept: Department, d: gen.Department, layout: gen.CityLayout) -> None:
    """The demo bureau's letterhead (its full name with the city's, a made-up address and phone) and
    number patterns, unless an administrator has set them already."""
    full = d.name if d.name.startswith(layout.city.name) else f"{layout.city.name}{d.name}"
    Letterhead.objects.get_or_create(department=dept, defaults={
        "name": full, "address": f"{full.removesuffix('民政局')}政务服务中心三楼", "postcode": "",
        "phone": "0371-12345678", "contact": "信用管理科",
    })  # fmt: skip
    for doc_type, pattern in DEMO_NUMBER_PATTERNS.items():
        DocumentNumberPattern.objects.get_or_create(department=dept, doc_type=doc_type,
                                                    defaults={"pattern": pattern.format(abbr=d.abbr)})  # fmt: skip


def load_demo(
    *, orgs: int, seed: int, city: str = gen.DEFAULT_CITY, today: dt.date | None = None,
    batches: Iterable[gen.Batch] | None = None, batch_orgs: int = BATCH_ORGS,
    progress: Callable[[int, int], None] | None = None,
) -> LoadResult:  # fmt: skip
    """Generate and insert `orgs` organizations (or insert the given pre-generated `batches`).

    Raises DemoDataExists if any organization is already registered.
    """
    if Organization.objects.exists():
        raise DemoDataExists(
            f"数据库中已有 {Organization.objects.count()} 个社会组织，未载入演示数据（不会重复载入）"
        )
    started = time.perf_counter()
    today = today or clock.today()
    layout = gen.city_layout(city)
    if batches is None:
        batches = gen.DemoGenerator(orgs, seed, today=today, layout=layout).batches(batch_orgs)
    result = LoadResult()
    with _fast_sqlite():
        with transaction.atomic():
            dept_ids, result.departments = _ensure_departments(layout)
        regions = dict(Region.objects.values_list("code", "pk"))
        kinds = {k.code: k for k in RecordKind.objects.all()}
        base = {m: _next_id(m) for m in (Organization, Person, CreditRecord, RecordStateChange)}
        person_base, org_base = base[Person], base[Organization]
        record_id, change_id = base[CreditRecord], base[RecordStateChange]
        Through = CreditRecord.persons.through
        now = timezone.now()
        effective = RecordStatus.EFFECTIVE.value
        system = RecordSource.SYSTEM.value
        ops = connection.ops
        day = ops.adapt_datefield_value
        stamp = ops.adapt_datetimefield_value(now)
        money = ops.adapt_decimalfield_value
        # the search index and level counts are built once after the load, not row by row
        with loading_in_bulk():
            for batch in batches:
                org_rows = [
                    (org_base + o.index, o.code, o.name, name_sort_key(o.name), o.org_type, regions[o.region], o.registration_authority,
                     o.supervisory_unit, o.field, day(o.registered_on), o.status, o.address, o.contact_person,
                     o.contact_phone, stamp, stamp)
                    for o in batch.orgs
                ]  # fmt: skip
                person_rows = [
                    (person_base + p.index, p.name, p.id_number, stamp, stamp) for p in batch.persons
                ]
                role_rows = [
                    (person_base + r.person, org_base + r.org, r.kind, day(r.start_on), day(r.end_on), "")
                    for r in batch.roles
                ]  # fmt: skip
                record_rows, link_rows, change_rows = [], [], []
                for r in batch.records:
                    k = kinds[r.kind]
                    record_rows.append((
                        record_id, org_base + r.org, k.pk, day(r.occurred_on), day(r.decided_on), r.document_number,
                        money(r.amount, 14, 2) if r.amount is not None else None, dept_ids[r.department], r.summary,
                        k.default_dishonesty_class, k.default_visibility, effective, system, ACTOR, "", "", True,
                        None, stamp, stamp, day(publicity_end(k, r.decided_on or r.occurred_on)), False,
                    ))  # fmt: skip
                    link_rows += [(record_id, person_base + p) for p in r.persons]
                    change_rows.append(
                        (change_id, record_id, stamp, None, effective, "录入", None, ACTOR, "system", None)
                    )
                    record_id += 1
                    change_id += 1
                    result.kinds[r.kind] += 1
                with transaction.atomic():
                    _insert(Organization, ORG_COLUMNS, org_rows)
                    _insert(Person, PERSON_COLUMNS, person_rows)
                    _insert(Role, ROLE_COLUMNS, role_rows)
                    _insert(CreditRecord, RECORD_COLUMNS, record_rows)
                    _insert(Through, ("creditrecord_id", "person_id"), link_rows)
                    _insert(RecordStateChange, CHANGE_COLUMNS, change_rows)
                result.organizations += len(org_rows)
                result.persons += len(person_rows)
                result.roles += len(role_rows)
                result.records += len(record_rows)
                result.record_persons += len(link_rows)
                if progress:
                    progress(result.organizations, orgs)
            with transaction.atomic():  # 乡镇、街道 and each organization's street (its address's)
                assign_streets(city)
        _reset_sequences()
        result.seconds = time.perf_counter() - started
        with transaction.atomic():
            record_event(actor=ACTOR, channel=CHANNEL, action="demo.load", target_type="demo",
                         summary=f"载入演示数据：{layout.city.name} {result.organizations} 个社会组织、"
                                 f"{result.persons} 名人员、{result.records} 条信用记录（种子 {seed}）",
                         data={"seed": seed, "city": city, "today": today.isoformat(), **result.as_dict()})  # fmt: skip
    return result


def _reset_sequences() -> None:
    """Explicit primary keys bypass PostgreSQL sequences; move them past the new rows."""
    if connection.vendor != "postgresql":
        return
    models = [Organization, Person, Role, CreditRecord, CreditRecord.persons.through, RecordStateChange]
    with connection.cursor() as c:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            c.execute(sql)


def create_demo_accounts(*, city: str, var_dir: Path) -> tuple[list[str], Path]:
    """The demo staff accounts and a 税务局 API token whose raw key is written to var/demo-token.txt.

    Existing usernames are left as they are. Returns the created usernames and the token file.
    """
    created = []
    for a in demo_accounts(city):
        if User.objects.filter(username=a.username).exists():
            continue
        region = Region.objects.get(code=a.region) if a.region else None
        create_staff_user(actor=ACTOR, channel=CHANNEL, username=a.username, password=DEMO_PASSWORD, region=region,
                          staff_role=a.staff_role, full_name=a.full_name, superuser=a.superuser)  # fmt: skip
        created.append(a.username)
    tax = gen.city_layout(city).departments()
    tax_code = next(d for d in tax if d.code.startswith("sw-"))
    department = Department.objects.filter(name=tax_code.name).first() or Department.objects.get(
        code=tax_code.code
    )
    _, raw = issue_token(actor=ACTOR, channel=CHANNEL, department=department, name="演示令牌（税务局）",
                         scopes=[s.value for s in TOKEN_SCOPES])  # fmt: skip
    path = token_path(var_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(raw + "\n", encoding="utf-8")
    path.chmod(0o600)
    return created, path
