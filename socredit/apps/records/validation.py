"""The field rules of a credit record, shared by the form, the API and the import."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext

from socredit.apps.records.bulk import chunks
from socredit.apps.records.models import RecordKind
from socredit.apps.registry.access import access_organizations, access_persons
from socredit.apps.registry.models import Department, Organization, Person
from socredit.apps.registry.validation import organization_not_found
from socredit.common.errors import FieldErrors
from socredit.core.codes import CodeError, validate_id_number
from socredit.core.repair import period_end
from socredit.core.types import DishonestyClass, Polarity, Visibility
from socredit.core.values import clean_text, parse_amount, parse_date

RECORD_FIELDS = (
    "organization", "kind", "occurred_on", "decided_on", "document_number", "amount", "department",
    "summary", "visibility", "dishonesty_class", "persons", "external_id",
)  # fmt: skip


class RecordLookups:
    """Resolves the references in record input, within the principal's scope, with a small cache.

    The import subclasses it to preload whole tables; the form and the API use it as it is.
    An organization outside the scope is reported exactly like an unknown one, and so is a person:
    an ID number is resolved only among the persons the principal may read (`access_persons`, those
    holding a post in an organization in scope), so that a write never tells whether, or as whom, a
    number is registered in another region. ``known_persons`` are accepted as well: the persons
    already named on the record being corrected.
    """

    def __init__(self, principal: Any, *, known_persons: Iterable[Person] = ()) -> None:
        self.principal = principal
        self._orgs: dict[str, Organization | None] = {}
        self._kinds: dict[str, RecordKind | None] = {}
        self._depts: dict[str, Department | None] = {}
        self._persons: dict[str, Person | None] = {p.id_number: p for p in known_persons}

    def prefetch_organizations(self, codes: Iterable[str]) -> None:
        """Read the organizations of many codes (normalised as `clean_record` does) in one query per
        chunk, not one per item: a batch of 1,000 records took 10 s on PostgreSQL one by one."""
        normalised = {str(c or "").strip().upper() for c in codes}
        # a code with a NUL is refused by clean_record; PostgreSQL would refuse the whole query
        wanted = sorted({c for c in normalised if "\x00" not in c} - {""} - set(self._orgs))
        for part in chunks(wanted):
            found = {o.code: o for o in access_organizations(self.principal).filter(code__in=part)}
            for code in part:
                self._orgs[code] = found.get(code)

    def organization(self, code: str) -> Organization | None:
        if code not in self._orgs:
            self._orgs[code] = access_organizations(self.principal).filter(code=code).first()
        return self._orgs[code]

    def kind(self, code: str) -> RecordKind | None:
        if code not in self._kinds:
            self._kinds[code] = (
                RecordKind.objects.filter(code=code, active=True).first()
                or RecordKind.objects.filter(name_zh=code, active=True).first()
            )
        return self._kinds[code]

    def department(self, text: str) -> Department | None:
        if text not in self._depts:
            self._depts[text] = (
                Department.objects.filter(code=text, active=True).select_related("region").first()
                or Department.objects.filter(name=text, active=True).select_related("region").first()
            )
        return self._depts[text]

    def person(self, id_number: str) -> Person | None:
        if id_number not in self._persons:
            self._persons[id_number] = access_persons(self.principal).filter(id_number=id_number).first()
        return self._persons[id_number]


def unknown_person_message(number: str) -> str:
    """The one answer for an ID number that is not registered and for one registered outside scope."""
    return f"身份证号码 {number} 对应的人员未登记或不在本辖区"


def split_id_numbers(value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if isinstance(value, list | tuple):
        items = [str(v) for v in value]
    else:
        items = str(value).replace("；", ";").replace("，", ",").replace(",", ";").split(";")
    return [i.strip().upper() for i in items if i and i.strip()]


def clean_record(
    data: Mapping[str, Any],
    *,
    today: dt.date,
    lookups: RecordLookups,
    fixed_department: Department | None = None,
) -> dict[str, Any]:
    """Validate record input; return model values (plus "persons": [Person]) or raise FieldErrors.

    `fixed_department` is set for a department's API token: its records are always its own.
    """
    errors = FieldErrors()
    out: dict[str, Any] = {}
    # A NUL character is in no legitimate value, and PostgreSQL refuses it in any text it is asked to
    # compare or store: refused here, before any lookup, naming each field that holds one.
    for field, value in data.items():
        values = value if isinstance(value, list | tuple) else [value]
        if any(isinstance(v, str) and "\x00" in v for v in values):
            errors.add(
                field,
                gettext("Contains a control character that is not allowed (NUL); remove it and submit again"),
            )
    errors.raise_if_any()

    code = str(data.get("organization") or "").strip().upper()
    org = lookups.organization(code) if code else None
    if not code:
        errors.add("organization", gettext("Cannot be empty"))
    elif org is None:
        errors.add("organization", organization_not_found(code))
    else:
        out["organization"] = org

    kind_code = str(data.get("kind") or "").strip()
    kind = lookups.kind(kind_code) if kind_code else None
    if not kind_code:
        errors.add("kind", gettext("Cannot be empty"))
    elif kind is None:
        errors.add(
            "kind", gettext("Unknown kind of credit information “%(kind_code)s”") % {"kind_code": kind_code}
        )
    else:
        out["kind"] = kind

    for field in ("occurred_on", "decided_on"):
        raw = data.get(field)
        if field == "decided_on" and raw in (None, ""):
            out[field] = None
            continue
        try:
            out[field] = parse_date(raw, today=today)
        except ValueError as exc:
            errors.add(field, str(exc))
    occurred, decided = out.get("occurred_on"), out.get("decided_on")
    if occurred and decided and decided < occurred:
        errors.add(
            "decided_on",
            gettext("The decision date %(decided)s is earlier than the date of the conduct %(occurred)s")
            % {"decided": decided, "occurred": occurred},
        )
    if org is not None and occurred and occurred < org.registered_on:
        errors.add(
            "occurred_on",
            gettext(
                "The date of the conduct %(occurred)s is earlier than the organization's registration date %(registered_on)s"
            )
            % {"occurred": occurred, "registered_on": org.registered_on},
        )

    try:
        out["amount"] = parse_amount(data.get("amount"))
    except ValueError as exc:
        errors.add("amount", str(exc))

    for field, length in (("document_number", 100), ("summary", 2000), ("external_id", 100)):
        try:
            out[field] = clean_text(data.get(field), max_length=length, what="")
        except ValueError as exc:
            errors.add(field, str(exc))

    if fixed_department is not None:
        given = str(data.get("department") or "").strip()
        if given and given not in {fixed_department.code, fixed_department.name}:
            errors.add(
                "department",
                gettext("A token can only send its own department's (%(name)s) information")
                % {"name": fixed_department.name},
            )
        out["department"] = fixed_department
    else:
        dept_text = str(data.get("department") or "").strip()
        dept = lookups.department(dept_text) if dept_text else None
        if not dept_text:
            errors.add("department", gettext("Cannot be empty"))
        elif dept is None:
            errors.add("department", gettext("Unknown department “%(dept_text)s”") % {"dept_text": dept_text})
        else:
            out["department"] = dept

    vis = data.get("visibility")
    if vis in (None, ""):
        out["visibility"] = kind.default_visibility if kind else Visibility.PUBLIC.value
    else:
        try:
            out["visibility"] = Visibility.from_text(vis).value
        except ValueError as exc:
            errors.add("visibility", str(exc))

    dc = data.get("dishonesty_class")
    if dc in (None, ""):
        out["dishonesty_class"] = kind.default_dishonesty_class if kind and kind.is_negative else ""
    else:
        try:
            out["dishonesty_class"] = DishonestyClass.from_text(dc).value
            if kind is not None and kind.polarity != Polarity.NEGATIVE.value:
                errors.add("dishonesty_class", gettext("Only dishonesty information has a dishonesty class"))
        except ValueError as exc:
            errors.add("dishonesty_class", str(exc))

    persons: list[Person] = []
    for id_number in split_id_numbers(data.get("persons")):
        try:
            number = validate_id_number(id_number)
        except CodeError as exc:
            errors.add("persons", f"{id_number}：{exc}")
            continue
        person = lookups.person(number)
        if person is None:
            errors.add("persons", unknown_person_message(number))
        elif person not in persons:
            persons.append(person)
    out["persons"] = persons

    errors.raise_if_any()
    out["publicity_until"] = publicity_end(kind, out.get("decided_on") or out["occurred_on"])
    return out


def publicity_end(kind: RecordKind, start: dt.date) -> dt.date | None:
    """The last day of a record's publicity period (公示期): the kind's months from the decision (R2.8),
    counted as the repair rules count them (民法典 第二百零一、二百零二条: the decision day is not
    counted; the period ends on the corresponding day), so that display, evaluation and repair agree."""
    months = kind.default_publicity_months
    if not months or not kind.is_negative:
        return None
    return period_end(start, months)
