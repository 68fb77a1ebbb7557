"""The only writers of registry data. Each verb is one atomic, audited transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext

from socredit.apps.audit.services import (
    API_ID_NUMBERS_READ,
    ID_NUMBER_READ,
    READ_PLACES,
    record_event,
    record_sensitive_read,
)
from socredit.apps.registry.access import access_persons
from socredit.apps.registry.models import Department, Organization, Person, Region, Role
from socredit.apps.registry.validation import clean_organization, clean_person, clean_role_terms
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.core.regions import RegionEntry, ancestor_paths
from socredit.core.types import DepartmentKind
from socredit.core.values import clean_text


def region_by_code(code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def registering_department(region: Region, named: str = "") -> Department | None:
    """The 登记管理机关 as a department: the active department ``named`` (an organization's stated
    registration authority) if there is one, else the active civil-affairs department of ``region``
    or of the nearest region above it."""
    if named:
        found = Department.objects.filter(name=named, active=True).first()
        if found is not None:
            return found
    above = Department.objects.filter(
        active=True, kind=DepartmentKind.CIVIL_AFFAIRS.value, region__path__in=ancestor_paths(region.path)
    ).select_related("region")
    return max(above, key=lambda d: len(d.region.path), default=None)


def authority_region(org: Organization) -> Region:
    """The region of the organization's 登记管理机关 (whose rules decide its listings, objections
    and repairs): the registering department's region, else the organization's own region."""
    dept = registering_department(org.region, org.registration_authority)
    return dept.region if dept is not None else org.region


def authority_region_paths(org_ids: Iterable[int]) -> dict[int, str]:
    """``authority_region(org).path`` for many organizations in two queries (the daily run, and every
    record written: a few organizations read only the departments that can be theirs)."""
    rows = list(
        Organization.objects.filter(pk__in=list(org_ids)).values_list(
            "pk", "region__path", "registration_authority"
        )
    )
    return authority_paths_of_rows(rows)


def authority_paths_of_rows(rows: list[tuple[int, str, str]]) -> dict[int, str]:
    """``authority_region_paths`` for organizations already read as (id, region path, registration
    authority): a check of 10,000 organizations reads them once, with their other columns."""
    depts = Department.objects.filter(active=True)
    if len(rows) <= FEW_ORGANIZATIONS:
        names = {named for _pk, _path, named in rows if named}
        above = {p for _pk, path, _named in rows for p in ancestor_paths(path)}
        depts = depts.filter(
            Q(name__in=names) | Q(kind=DepartmentKind.CIVIL_AFFAIRS.value, region__path__in=above)
        )
    by_name: dict[str, str] = {}
    civil: set[str] = set()
    for name, kind, region_path in depts.values_list("name", "kind", "region__path"):
        by_name[name] = region_path
        if kind == DepartmentKind.CIVIL_AFFAIRS.value:
            civil.add(region_path)
    out: dict[int, str] = {}
    nearest: dict[str, str] = {}  # many organizations share a region: its nearest civil-affairs path once
    for pk, path, named in rows:
        if named and named in by_name:
            out[pk] = by_name[named]
            continue
        if path not in nearest:
            found = [p for p in ancestor_paths(path) if p in civil]
            nearest[path] = max(found, key=len) if found else path
        out[pk] = nearest[path]
    return out


FEW_ORGANIZATIONS = 200
"""Up to this many organizations, `authority_region_paths` reads only their candidate departments
(by name and by the civil-affairs bureaus above their regions) instead of all of them (4,000+ in a
national deployment: 100 ms on each record written)."""


def _snapshot(org: Organization) -> dict[str, Any]:
    out = {
        f: (getattr(org, f).code if f == "region" else getattr(org, f))
        for f in ("code", "name", "org_type", "region", "registration_authority", "supervisory_unit", "field",
                  "registered_on", "status", "address", "business_scope", "contact_person", "contact_phone")
    }  # fmt: skip
    out["street"] = org.street.code if org.street_id is not None else None
    return out


@transaction.atomic
def create_organization(*, actor: Any, channel: str, data: Mapping[str, Any]) -> Organization:
    """登记 a new organization from raw input (validated here); FieldErrors on bad input or a known code."""
    values = clean_organization(data, today=today(), region_lookup=region_by_code)
    if Organization.objects.filter(code=values["code"]).exists():
        raise FieldErrors(
            code=gettext("The unified social credit code %(value)s is already registered")
            % {"value": values["code"]}
        )
    org = Organization.objects.create(**values)
    record_event(actor=actor, channel=channel, action="organization.create", target=org,
                 summary=f"登记社会组织 {org.name}", data=_snapshot(org))  # fmt: skip
    return org


@transaction.atomic
def update_organization(
    *, actor: Any, channel: str, organization: Organization, data: Mapping[str, Any]
) -> list[str]:
    """Change registry fields of an organization; returns the names of the fields that changed."""
    if "code" in data and str(data["code"]).strip().upper() != organization.code:
        raise FieldErrors(code=gettext("The unified social credit code cannot be changed"))
    values = clean_organization({k: v for k, v in data.items() if k != "code"}, today=today(),
                                region_lookup=region_by_code, partial=True,
                                current_region=organization.region)  # fmt: skip
    region = values.get("region")
    street = organization.street if organization.street_id is not None else None
    if (
        region is not None
        and "street" not in values
        and street is not None
        and not street.path.startswith(region.path)
    ):
        raise FieldErrors(street=gettext("The organization's township or street is not within the new region: give its street too (or an empty one)"))  # fmt: skip
    before = _snapshot(organization)
    changed = [k for k, v in values.items() if getattr(organization, k) != v]
    if not changed:
        return []
    org = Organization.objects.select_for_update(no_key=True).get(pk=organization.pk)
    for k in changed:
        setattr(org, k, values[k])
    if "name" in changed and before["name"] not in org.former_names.splitlines():
        org.former_names = "\n".join([*org.former_names.splitlines(), before["name"]])
    org.save()
    after = _snapshot(org)
    record_event(actor=actor, channel=channel, action="organization.update", target=org,
                 summary=f"变更社会组织 {org.name}：{'、'.join(changed)}",
                 data={"before": {k: before[k] for k in changed}, "after": {k: after[k] for k in changed}})  # fmt: skip
    organization.refresh_from_db()
    return changed


@transaction.atomic
def get_or_create_person(*, actor: Any, channel: str, data: Mapping[str, Any]) -> tuple[Person, bool]:
    """A person by ID number; created if new. A different name for a known ID number is refused when
    the actor may read the person (a system actor, None, reads all); a person registered outside the
    actor's scope is answered like a new one (the registered name is never told, nor kept from use)."""
    values = clean_person(data, today=today())
    person = Person.objects.filter(id_number=values["id_number"]).first()
    if person is not None:
        visible = actor is None or access_persons(actor).filter(pk=person.pk).exists()
        if visible and person.name != values["name"]:
            raise FieldErrors(
                name=gettext("This ID number is registered as “%(name)s”, not “%(value)s”")
                % {"name": person.name, "value": values["name"]}
            )
        return person, False
    person = Person.objects.create(**values)
    record_event(actor=actor, channel=channel, action="person.create", target=person,
                 summary=f"登记人员 {person.name}", data={"name": person.name})  # fmt: skip
    return person, True


@transaction.atomic
def assign_role(
    *, actor: Any, channel: str, organization: Organization, person: Person, data: Mapping[str, Any]
) -> tuple[Role, bool]:
    """Record a post (任职); an identical post (same person, organization, kind, start) is not duplicated."""
    terms = clean_role_terms(data, today=today())
    if terms["start_on"] < organization.registered_on - dt.timedelta(days=366):
        raise FieldErrors(
            start_on=gettext("The position starts more than a year before the organization was founded")
        )
    role, created = Role.objects.get_or_create(
        person=person, organization=organization, kind=terms["kind"], start_on=terms["start_on"],
        defaults={"end_on": terms["end_on"]},
    )  # fmt: skip
    if not created and role.end_on != terms["end_on"] and terms["end_on"] is not None:
        role.end_on = terms["end_on"]
        role.save(update_fields=["end_on"])
        created = True
    if created:
        record_event(actor=actor, channel=channel, action="role.assign", target=role,
                     summary=f"{person.name} 任 {organization.name} {role.kind_label}",
                     data={"organization": organization.code, "kind": role.kind,
                           "start_on": role.start_on, "end_on": role.end_on})  # fmt: skip
    return role, created


@transaction.atomic
def confirm_held_role(*, actor: Any, channel: str, role: Role) -> Role:
    """身份核实：同一人 — the post held for an identity check is the registered person's after all
    (the name was filed wrongly): it is shown under the registered name and counts from now on."""
    role = Role.objects.select_for_update().select_related("person", "organization").get(pk=role.pk)
    if not role.is_held:
        raise FieldErrors(role=gettext("This position is already verified"))
    stated, role.stated_name = role.stated_name, ""
    role.save(update_fields=["stated_name"])
    record_event(actor=actor, channel=channel, action="role.identity_confirmed", target=role,
                 summary=f"核实为同一人：{role.organization.name} {role.kind_label}（所报姓名“{stated}”，"
                 f"登记姓名“{role.person.name}”）", data={"stated_name": stated})  # fmt: skip
    return role


WITHDRAW_REASON_MAX = 500


@transaction.atomic
def withdraw_held_role(*, actor: Any, channel: str, role: Role, reason: str) -> None:
    """身份核实：不是同一人 — the post held for an identity check is withdrawn (it named someone
    else under a registered ID number); the organization's staff file it again correctly."""
    try:
        reason = clean_text(
            reason, max_length=WITHDRAW_REASON_MAX, required=True, what=gettext("the reason for revoking")
        )
    except ValueError as exc:
        raise FieldErrors(reason=str(exc)) from None
    role = Role.objects.select_for_update().select_related("person", "organization").get(pk=role.pk)
    if not role.is_held:
        raise FieldErrors(
            role=gettext("This position is verified and cannot be revoked as a mistaken identity")
        )
    record_event(actor=actor, channel=channel, action="role.identity_rejected", target=role,
                 summary=f"身份不符，撤销任职：{role.organization.name} {role.kind_label}（所报姓名“{role.stated_name}”）",
                 data={"stated_name": role.stated_name, "person": role.person_id, "reason": reason})  # fmt: skip
    role.delete()


@transaction.atomic
def load_regions(entries: Iterable[RegionEntry], *, actor: Any = None, channel: str = "system") -> int:
    """Create or refresh regions from GB/T 2260 entries (parents before children); idempotent."""
    by_code = {r.code: r for r in Region.objects.all()}
    count = 0
    for e in sorted(entries, key=lambda e: (e.level.value, e.code)):
        parent = by_code.get(e.parent_code) if e.parent_code else None
        region = by_code.get(e.code)
        if region is None:
            region = Region(code=e.code)
        elif (region.name, region.level, region.parent_id, region.active) == (
            e.name,
            e.level.value,
            parent.pk if parent else None,
            e.active,
        ):
            continue
        region.name, region.level, region.parent, region.active = e.name, e.level.value, parent, e.active
        region.save()
        by_code[e.code] = region
        count += 1
    if count:
        record_event(actor=actor, channel=channel, action="region.load", target_type="registry.region",
                     summary=f"载入/更新行政区划 {count} 条", data={"count": count})  # fmt: skip
    return count


# --- a whole ID number, shown on request -------------------------------------------------------------

ID_NUMBER_SHOWN_ON = {
    k: READ_PLACES[k] for k in ("person_page", "organization_page", "record_page", "person_list")
}
"""The pages that offer to show a whole ID number, as the review of reads names them."""
_SHOWN_ON_ZH = {"person_page": "人员页面", "organization_page": "组织页面", "record_page": "信用记录页面",
                "person_list": "失信惩戒落实到人"}  # the audit summary (stored, in Chinese)  # fmt: skip


def reveal_id_number(user: Any, person: Person, *, shown_on: str) -> str:
    """A person's whole ID number for a staff member who may see it (``User.can_see_id_numbers``),
    recorded as one audit event (``person.id_number_read``: who, whose, on which page) before it is
    given out. Pages show numbers masked; this is the one way a page shows a whole one."""
    if not getattr(user, "can_see_id_numbers", False):
        raise PermissionDenied
    if shown_on not in ID_NUMBER_SHOWN_ON:
        raise FieldErrors(shown_on=gettext("Unknown page"))
    record_sensitive_read(actor=user, channel="form", action=ID_NUMBER_READ, target=person,
                          summary=f"查看{person.name}的完整身份证号码（{_SHOWN_ON_ZH[shown_on]}）",
                          data={"shown_on": shown_on})  # fmt: skip
    return person.id_number


def record_api_id_numbers_read(principal: Any, *, operation: str, persons: Mapping[int, str]) -> None:
    """One audit event (``api.id_numbers_read``) for an API answer that carries whole ID numbers: the
    caller, the operation (method and path) and the ids of the persons — one event per request,
    however many persons it names (``persons``: id → name; the summary names the first three).
    Called by the API root before the answer is sent."""
    ids, names = list(persons), list(persons.values())
    who = "、".join(names[:3]) + (f"等{len(names)}人" if len(names) > 3 else "")
    record_sensitive_read(
        actor=principal, channel="api", action=API_ID_NUMBERS_READ, target_type=Person._meta.label_lower,
        target_id=str(ids[0]) if len(ids) == 1 else "", summary=f"接口返回{who}的完整身份证号码"[:500],
        data={"operation": operation, "persons": ids},
    )  # fmt: skip


# --- registration (成立、变更、注销、撤销 and branches): services/registration.py ------------------------

from socredit.apps.registry.services.registration import (  # noqa: E402 — after the verbs it calls
    add_branch,
    change_branch,
    change_registration,
    close_branch,
    end_registration,
    register_organization,
)

__all__ = [
    "add_branch",
    "assign_role",
    "change_branch",
    "change_registration",
    "close_branch",
    "create_organization",
    "end_registration",
    "get_or_create_person",
    "register_organization",
    "update_organization",
]
