"""Small factories and named personas for tests. Data goes in through the real services where
that matters (records, organizations) so that tests exercise what users do.

Personas (region codes are real GB/T 2260 codes, loaded by migration):
  city_admin      郑州市 (410100) administrator — sees every district of the city
  staff_jinshui   金水区 (410105) officer
  staff_xinzheng  新郑市 (410184) officer
  viewer_jinshui  金水区 read-only viewer
  superuser       national superuser
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal
from typing import Any

from socredit.apps.accounts.models import ApiToken, StaffRole, User
from socredit.apps.accounts.services import create_staff_user, issue_token
from socredit.apps.records.models import CreditRecord
from socredit.apps.records.services import create_record
from socredit.apps.registry.models import Department, Organization, Person, Region
from socredit.apps.registry.services import assign_role, create_organization, get_or_create_person
from socredit.core.codes import make_id_number, make_social_org_code
from socredit.core.types import DepartmentKind, OrgType

PASSWORD = "Demo-pass-2026"
_serial = itertools.count(1)


def region(code: str) -> Region:
    return Region.objects.get(code=code)


def staff(
    username: str, region_code: str | None, role: str = StaffRole.OFFICER, superuser: bool = False
) -> User:
    existing = User.objects.filter(username=username).first()
    if existing:
        return existing
    return create_staff_user(actor=None, channel="system", username=username, password=PASSWORD,
                             region=region(region_code) if region_code else None, staff_role=role,
                             superuser=superuser)  # fmt: skip


def personas() -> dict[str, User]:
    return {
        "city_admin": staff("city_admin", "410100", StaffRole.ADMIN),
        "staff_jinshui": staff("staff_jinshui", "410105", StaffRole.OFFICER),
        "staff_xinzheng": staff("staff_xinzheng", "410184", StaffRole.OFFICER),
        "viewer_jinshui": staff("viewer_jinshui", "410105", StaffRole.VIEWER),
        "superuser": staff("superuser", None, StaffRole.ADMIN, superuser=True),
    }


def org_account(org: Organization, username: str | None = None) -> User:
    """An organization's own account (组织账号) for ``org``."""
    from socredit.apps.accounts.services import create_organization_account

    username = username or f"org-{org.code}"
    existing = User.objects.filter(username=username).first()
    if existing:
        return existing
    return create_organization_account(actor=None, channel="system", organization=org, username=username,
                                       password=PASSWORD, full_name=f"{org.name}联络员")  # fmt: skip


def department(code: str = "zz-mzj", name: str = "郑州市民政局", region_code: str = "410100",
               kind: DepartmentKind = DepartmentKind.CIVIL_AFFAIRS) -> Department:  # fmt: skip
    dept, _ = Department.objects.get_or_create(
        code=code, defaults={"name": name, "kind": kind.value, "region": region(region_code)}
    )
    return dept


def token(scopes: list[str], dept: Department | None = None, name: str = "test") -> tuple[ApiToken, str]:
    return issue_token(
        actor=None, channel="system", department=dept or department(), name=name, scopes=scopes
    )


def organization(region_code: str = "410105", org_type: OrgType = OrgType.ASSOCIATION, name: str | None = None,
                 registered_on: dt.date = dt.date(2015, 3, 1), **extra: Any) -> Organization:  # fmt: skip
    serial = next(_serial)
    data = {
        "code": make_social_org_code(region_code, org_type, 900_000 + serial),
        "name": name or f"测试社会组织{serial}号",
        "region": region_code,
        "registered_on": registered_on,
        **extra,
    }
    return create_organization(actor=None, channel="system", data=data)


def person(name: str = "张伟", birth: dt.date = dt.date(1985, 6, 1), region_code: str = "410105") -> Person:
    number = make_id_number(region_code, birth, next(_serial) % 1000)
    return get_or_create_person(actor=None, channel="system", data={"name": name, "id_number": number})[0]


def role(org: Organization, who: Person, kind: str = "legal_rep", start_on: dt.date = dt.date(2016, 1, 1)):
    return assign_role(actor=None, channel="system", organization=org, person=who,
                       data={"kind": kind, "start_on": start_on})[0]  # fmt: skip


def record(org: Organization, kind: str = "penalty_warning", actor: Any = None, **extra: Any) -> CreditRecord:
    data = {
        "organization": org.code,
        "kind": kind,
        "occurred_on": extra.pop("occurred_on", dt.date(2024, 5, 10)),
        "department": extra.pop("department", department().code),
        "document_number": extra.pop("document_number", f"郑民罚〔2024〕{next(_serial)}号"),
        **extra,
    }
    if actor is None:
        actor = User.objects.filter(is_superuser=True).first() or staff(
            "superuser", None, StaffRole.ADMIN, True
        )
    return create_record(actor=actor, channel="system", data=data)


def amount(text: str) -> Decimal:
    return Decimal(text)


def reference_data() -> None:
    """Load the regions, the record-kind catalogue and the calendar years that data migrations load,
    where they are missing: a transactional test's flush empties every table, migration-loaded data
    included, and serialized_rollback cannot restore it (content types clash)."""
    from socredit.apps.records.models import RecordKind
    from socredit.apps.registry.models import Region
    from socredit.apps.registry.services import load_regions
    from socredit.apps.workdays.models import CalendarYear
    from socredit.apps.workdays.services import seed_from_package
    from socredit.core.catalogue import reference_kinds
    from socredit.core.regions import stdnum_regions

    if not Region.objects.exists():
        load_regions(stdnum_regions())
    fields = {f.name for f in RecordKind._meta.get_fields()}  # the catalogue has CSV-only columns too
    for row in reference_kinds():
        RecordKind.objects.get_or_create(
            code=row["code"], defaults={k: v for k, v in row.items() if k != "code" and k in fields}
        )
    if not CalendarYear.objects.exists():
        seed_from_package(None)
