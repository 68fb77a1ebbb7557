"""Registry API: organizations and persons, through the same access functions and services as the pages."""

import datetime as dt
from types import SimpleNamespace
from typing import Annotated, Any

from django.db import transaction
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from socredit.apps.registry import services
from socredit.apps.registry.access import (
    access_organization,
    access_organizations,
    access_person,
    access_persons,
    access_roles,
)
from socredit.apps.registry.filters import OrganizationFilter
from socredit.apps.registry.models import Organization, Person, Role
from socredit.common.api import FieldErrorsOut, PageNumber, construct, id_number_for, require
from socredit.common.errors import FieldErrors

router = Router()

ORGS_READ, ORGS_WRITE = "organizations:read", "organizations:write"
PERSONS_READ = "persons:read"


# --- Schemas ------------------------------------------------------------------------------------


class OrganizationOut(Schema):
    code: str = Field(description="统一社会信用代码")
    name: str
    former_names: list[str] = Field(description="曾用名，先后为序（按曾用名也可检索：q）")
    org_type: str
    org_type_label: str = Field(alias="type_label")
    region: str = Field(alias="region.code")
    region_name: str = Field(alias="region.name")
    registration_authority: str
    supervisory_unit: str
    field: str
    field_label: str
    registered_on: dt.date
    status: str
    status_label: str
    address: str
    street: str | None = Field(None, description="乡镇（街道）代码（9位），未登记为空")
    street_name: str | None = None
    contact_person: str
    contact_phone: str
    created_at: dt.datetime
    updated_at: dt.datetime

    @staticmethod
    def resolve_former_names(obj: Organization) -> list[str]:
        return obj.former_names.splitlines()

    @staticmethod
    def resolve_street(obj: Organization) -> str | None:
        return obj.street.code if obj.street_id is not None else None

    @staticmethod
    def resolve_street_name(obj: Organization) -> str | None:
        return obj.street.name if obj.street_id is not None else None


class RegisteredFacts(Schema):
    """What a registration states of an organization, as both the organization upsert and the
    registration API's 成立登记 take it."""

    code: str = Field(max_length=18, description="统一社会信用代码（18位）")
    name: str = Field(max_length=200)
    org_type: str | None = Field(None, max_length=20, description="类型代码（1/2/3/9），默认取代码第2位")
    region: str | None = Field(None, max_length=64, description="行政区划代码（6位），默认取代码第3–8位")
    registration_authority: str = Field("", max_length=100)
    supervisory_unit: str = Field("", max_length=100, description="业务主管单位")
    field: str | None = Field(None, max_length=20)


class OrganizationIn(RegisteredFacts):
    """Enum fields take the code or the Chinese label; region defaults to the one in the code."""

    registered_on: dt.date | Annotated[str, Field(max_length=40)] = Field(
        description="成立登记日期 YYYY-MM-DD"
    )
    status: str | None = Field(None, max_length=20)
    address: str = Field("", max_length=200)
    street: str | None = Field(
        None, max_length=12, description="乡镇（街道）代码：9位，或12位统计用区划代码；须在登记的行政区划内"
    )
    contact_person: str = Field("", max_length=50)
    contact_phone: str = Field("", max_length=30)


class OrganizationPatch(Schema):
    """Only the fields sent are changed; the code cannot change."""

    name: str | None = Field(None, max_length=200)
    org_type: str | None = Field(None, max_length=20)
    region: str | None = Field(None, max_length=64)
    registration_authority: str | None = Field(None, max_length=100)
    supervisory_unit: str | None = Field(None, max_length=100)
    field: str | None = Field(None, max_length=20)
    registered_on: dt.date | Annotated[str, Field(max_length=40)] | None = None
    status: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=200)
    street: str | None = Field(None, max_length=12, description="乡镇（街道）代码；空字符串清除")
    contact_person: str | None = Field(None, max_length=50)
    contact_phone: str | None = Field(None, max_length=30)


class OrganizationQuery(Schema):
    q: str | None = Field(
        None, max_length=1000, description="名称或统一社会信用代码（超过200字的查询不匹配任何组织）"
    )
    org_type: str | None = Field(None, max_length=20)
    field: str | None = Field(None, max_length=20)
    region: str | None = Field(
        None,
        max_length=64,
        description="行政区划（含下级）：代码，或本辖区内的名称（如 金水区）；无此区划或名称不唯一时 422",
    )
    status: str | None = Field(None, max_length=20)


class PersonOut(Schema):
    id: int
    name: str
    id_number: str = Field(description="身份证号码；无 persons:pii 权限时为掩码")

    @staticmethod
    def resolve_id_number(obj: Person, context: Any) -> str:
        return id_number_for(obj, context)


class RoleOut(Schema):
    id: int
    kind: str
    kind_label: str
    start_on: dt.date
    end_on: dt.date | None
    is_current: bool
    organization: str = Field(alias="organization.code")
    organization_name: str = Field(alias="organization.name")
    identity_pending: bool = Field(
        alias="is_held", description="身份待核实：所报姓名与该身份证号码已登记的姓名不一致，待核实"
    )
    person: PersonOut

    @staticmethod
    def resolve_person(obj: Role) -> Any:
        if obj.is_held:  # under the name as filed: the filer is never told the registered one
            return SimpleNamespace(
                id=obj.person_id, pk=obj.person_id, name=obj.stated_name, id_number=obj.person.id_number
            )
        return obj.person


class PersonDetailOut(PersonOut):
    roles: list[RoleOut]

    @staticmethod
    def resolve_roles(obj: Person) -> list[Role]:
        return list(obj.roles_in_scope)  # set by the endpoint from access_roles


class PersonQuery(Schema):
    name: str | None = Field(None, max_length=50, description="姓名（包含）")


# --- Organizations ------------------------------------------------------------------------------


@router.get("/organizations", response=list[OrganizationOut], summary="List organizations")
@paginate(PageNumber)
def list_organizations(request: HttpRequest, filters: Query[OrganizationQuery]) -> Any:
    principal = require(request, ORGS_READ)
    filterset = OrganizationFilter(
        filters.dict(exclude_none=True),
        queryset=access_organizations(principal),
        scope_path=principal.scope_path(),
    )
    if not filterset.is_valid():
        raise FieldErrors({k: [str(m) for m in v] for k, v in filterset.errors.items()})
    # A search keeps its relevance order (exact code, exact name, prefix, other; then name).
    return (
        filterset.qs
        if filters.q and filters.q.strip()
        else filterset.qs.order_by("name_sort", "name", "code")
    )


@router.get("/organizations/{code}", response=OrganizationOut, summary="One organization")
def get_organization(request: HttpRequest, code: str) -> OrganizationOut:
    # the busiest call of other departments' systems: built without a second validation
    return construct(OrganizationOut, access_organization(require(request, ORGS_READ), code))


def _refuse_outside_scope(principal: Any, org: Organization) -> None:
    """Inside the service's transaction: an organization the caller could not see afterwards is refused."""
    if not access_organizations(principal).filter(pk=org.pk).exists():
        raise FieldErrors(region=f"行政区划 {org.region.code} 不在本账号/令牌的辖区内")


@router.post(
    "/organizations", response={201: OrganizationOut, 422: FieldErrorsOut}, summary="Register an organization"
)
def create_organization(request: HttpRequest, payload: OrganizationIn) -> Status[Any]:
    principal = require(request, ORGS_WRITE)
    with transaction.atomic():
        org = services.create_organization(actor=principal, channel="api", data=payload.dict())
        _refuse_outside_scope(principal, org)
    return Status(201, org)


@router.patch(
    "/organizations/{code}",
    response={200: OrganizationOut, 422: FieldErrorsOut},
    summary="Change an organization",
)
def update_organization(request: HttpRequest, code: str, payload: OrganizationPatch) -> Organization:
    principal = require(request, ORGS_WRITE)
    org = access_organization(principal, code)
    with transaction.atomic():
        services.update_organization(actor=principal, channel="api", organization=org,
                                     data=payload.dict(exclude_unset=True))  # fmt: skip
        _refuse_outside_scope(principal, org)
    return org


@router.get("/organizations/{code}/persons", response=list[RoleOut], summary="Posts held in an organization")
@paginate(PageNumber)
def list_organization_persons(request: HttpRequest, code: str) -> Any:
    principal = require(request, PERSONS_READ)
    org = access_organization(principal, code)
    return access_roles(principal).filter(organization=org).order_by("kind", "-start_on", "id")


# --- Persons ------------------------------------------------------------------------------------


@router.get("/persons", response=list[PersonOut], summary="List persons")
@paginate(PageNumber)
def list_persons(request: HttpRequest, filters: Query[PersonQuery]) -> Any:
    qs = access_persons(require(request, PERSONS_READ))
    if filters.name:
        qs = qs.filter(name__contains=filters.name.strip())
    return qs.order_by("name", "id")


@router.get("/persons/{int:person_id}", response=PersonDetailOut, summary="One person with posts in scope")
def get_person(request: HttpRequest, person_id: int) -> Person:
    principal = require(request, PERSONS_READ)
    person = access_person(principal, person_id)
    roles = access_roles(principal).filter(person=person).order_by("-start_on", "id")
    person.roles_in_scope = list(roles)
    return person
