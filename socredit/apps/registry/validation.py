"""The field rules of registry input, shared by forms, the API and imports (one rule set, three doors)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from django.utils.translation import gettext

from socredit.apps.registry.models import Region
from socredit.common.choices import label_of
from socredit.common.errors import FieldErrors
from socredit.core.codes import CodeError, validate_id_number, validate_social_org_code
from socredit.core.types import OrgField, OrgStatus, OrgType, RegionLevel, RoleKind
from socredit.core.values import clean_text, parse_date

BUSINESS_SCOPE_MAX = 2000
"""业务范围: the longest accepted (characters)."""

RegionLookup = Callable[[str], Region | None]

ORGANIZATION_FIELDS = (
    "code", "name", "org_type", "region", "registration_authority", "supervisory_unit", "field",
    "registered_on", "status", "address", "business_scope", "contact_person", "contact_phone",
)  # fmt: skip


def organization_not_found(code: str) -> str:
    """Why a code names no organization the caller may use: the code itself is wrong (its length,
    characters or check character — python-stdnum's cn.uscc via ``core.codes``), or it is well formed
    but not registered, or registered outside the caller's region (one answer for both: a write never
    tells whether a code is registered elsewhere)."""
    try:
        validate_social_org_code(code)
    except CodeError as exc:
        return f"{exc}（{code}）"
    return f"未知的社会组织（统一社会信用代码 {code} 未登记或不在本辖区）"


def _enum(errors: FieldErrors, field: str, enum_cls: Any, value: Any, default: Any = None) -> Any:
    if value in (None, ""):
        if default is None:
            errors.add(field, gettext("Cannot be empty"))
        return default
    try:
        return enum_cls.from_text(value)
    except ValueError as exc:
        errors.add(field, str(exc))
        return None


def _text(
    errors: FieldErrors, data: Mapping[str, Any], field: str, max_length: int, required: bool = False
) -> str:
    try:
        return clean_text(data.get(field), max_length=max_length, required=required, what="")
    except ValueError as exc:
        errors.add(field, str(exc).lstrip("：") or "无效")
        return ""


def clean_organization(
    data: Mapping[str, Any],
    *,
    today: dt.date,
    region_lookup: RegionLookup,
    partial: bool = False,
    current_region: Region | None = None,
) -> dict[str, Any]:
    """Validate organization input; return model field values or raise FieldErrors.

    With `partial`, only the keys present are validated (an update); the code cannot change.
    """
    errors = FieldErrors()
    out: dict[str, Any] = {}
    present = set(data) if partial else set(ORGANIZATION_FIELDS)
    parsed = None
    if "code" in present:
        try:
            parsed = validate_social_org_code(str(data.get("code") or ""))
            out["code"] = parsed.code
        except CodeError as exc:
            errors.add("code", str(exc))
    if "name" in present:
        out["name"] = _text(errors, data, "name", 200, required=True)
    if "org_type" in present:
        given = data.get("org_type")
        if given not in (None, ""):
            t = _enum(errors, "org_type", OrgType, given)
            if t is not None and parsed is not None and t is not parsed.org_type:
                errors.add(
                    "org_type",
                    gettext("Does not match the 2nd character of the unified social credit code (%(zh)s)")
                    % {"zh": label_of(parsed.org_type)},
                )
            if t is not None:
                out["org_type"] = t.value
        elif parsed is not None:
            out["org_type"] = parsed.org_type.value
    if "region" in present:
        region_code = str(data.get("region") or "").strip() or (parsed.authority_region if parsed else "")
        region = region_lookup(region_code) if region_code else None
        if region is None:
            errors.add(
                "region",
                gettext("Unknown region code “%(region_code)s”") % {"region_code": region_code}
                if region_code
                else gettext("Cannot be empty"),
            )
        else:
            out["region"] = region
    if "registration_authority" in present:
        out["registration_authority"] = _text(errors, data, "registration_authority", 100)
        if not out["registration_authority"] and out.get("region") is not None:
            out["registration_authority"] = f"{out['region'].name}民政局"
    for field, length in (
        ("supervisory_unit", 100),
        ("address", 200),
        ("business_scope", BUSINESS_SCOPE_MAX),
        ("contact_person", 50),
        ("contact_phone", 30),
    ):
        if field in present:
            out[field] = _text(errors, data, field, length)
    if "field" in present:
        f = _enum(errors, "field", OrgField, data.get("field"), default=OrgField.OTHER)
        if f is not None:
            out["field"] = f.value
    if "status" in present:
        s = _enum(errors, "status", OrgStatus, data.get("status"), default=OrgStatus.NORMAL)
        if s is not None:
            out["status"] = s.value
    if "registered_on" in present:
        try:
            out["registered_on"] = parse_date(data.get("registered_on"), today=today)
        except ValueError as exc:
            errors.add("registered_on", str(exc))
    if "street" in data:  # only when given: a door without the field leaves the street as it is
        out["street"] = _street(
            errors, str(data.get("street") or "").strip(), out.get("region") or current_region
        )
    errors.raise_if_any()
    return out


def _street(errors: FieldErrors, code: str, region: Region | None) -> Region | None:
    """乡镇/街道 of the address: a street region within the registration region, or none. The code
    has 9 digits, or the 12 of the statistical division code (统计用区划代码) ending in 000."""
    if not code:
        return None
    if len(code) == 12 and code.isdigit() and code.endswith("000"):
        code = code[:9]
    street = Region.objects.filter(code=code, level=RegionLevel.STREET.value).first()
    if street is None:
        errors.add("street", gettext("Unknown township or street code “%(code)s”") % {"code": code})
        return None
    if region is not None and not street.path.startswith(region.path):
        errors.add("street", gettext("The township or street is not within the registration region"))
        return None
    return street


def clean_person(data: Mapping[str, Any], *, today: dt.date) -> dict[str, Any]:
    errors = FieldErrors()
    out: dict[str, Any] = {"name": _text(errors, data, "name", 50, required=True)}
    try:
        out["id_number"] = validate_id_number(str(data.get("id_number") or ""), today=today)
    except CodeError as exc:
        errors.add("id_number", str(exc))
    errors.raise_if_any()
    return out


def clean_role_terms(data: Mapping[str, Any], *, today: dt.date) -> dict[str, Any]:
    """The post and its period: kind, start_on (required), end_on (optional, not before start)."""
    errors = FieldErrors()
    out: dict[str, Any] = {}
    k = _enum(errors, "kind", RoleKind, data.get("kind"))
    if k is not None:
        out["kind"] = k.value
    try:
        out["start_on"] = parse_date(data.get("start_on"), today=today)
    except ValueError as exc:
        errors.add("start_on", str(exc))
    end = data.get("end_on")
    out["end_on"] = None
    if end not in (None, ""):
        try:
            out["end_on"] = parse_date(end, today=today)
            if "start_on" in out and out["end_on"] < out["start_on"]:
                errors.add("end_on", gettext("The position ends before it starts"))
        except ValueError as exc:
            errors.add("end_on", str(exc))
    errors.raise_if_any()
    return out
