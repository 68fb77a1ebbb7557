"""登记 — registration of establishment, change, deregistration and revocation, and the branches and
representative offices of an organization. Each verb is one atomic, audited transaction that also
writes the organization's registration history (``RegistrationChange``); on any error nothing is
written.

Who is screened: the legal representative entered at establishment or by a change, and the person
in charge (负责人) of a branch or representative office when it is registered or changed (the person
screening registered by the lists app, ``hooks.screen_person``). Its findings must be confirmed
(``screening_confirmed``) before the act is saved, and the confirmation is kept in the audit event.
What stands in the way of a deregistration or revocation comes from ``hooks.status_findings``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from socredit.apps.audit.services import record_event
from socredit.apps.registry import hooks
from socredit.apps.registry.models import (
    CONFIRMED_ROLE,
    Branch,
    BranchKind,
    ChangedItem,
    Organization,
    Person,
    Region,
    RegistrationAct,
    RegistrationChange,
    Role,
)
from socredit.apps.registry.validation import BUSINESS_SCOPE_MAX, clean_organization, clean_person
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.common.uploads import CheckedFile, check_evidence
from socredit.core.types import OrgStatus, RoleKind
from socredit.core.values import clean_text, parse_date

ACTIVE = (OrgStatus.NORMAL.value, OrgStatus.SUSPENDED.value)
"""Statuses under which an organization can still be changed or given branches."""
TEXT_ITEMS = {ChangedItem.NAME: 200, ChangedItem.ADDRESS: 200, ChangedItem.BUSINESS_SCOPE: BUSINESS_SCOPE_MAX,
              ChangedItem.SUPERVISORY_UNIT: 100}  # fmt: skip
REASON_MAX = 1000


@dataclass(frozen=True)
class Document:
    """The document behind a registration act: its number and date, and an optional checked file."""

    number: str = ""
    date: dt.date | None = None
    file: CheckedFile | None = None


def clean_document(
    data: Mapping[str, Any], *, day: dt.date, number_and_date: bool = True, errors: FieldErrors | None = None
) -> Document:
    """``document_number``, ``document_date`` and ``document`` (an uploaded file) from form or API input.
    ``number_and_date``: both are required (a change, a deregistration); otherwise the number or the
    file is (the approval of an establishment)."""
    own = errors if errors is not None else FieldErrors()
    number = ""
    try:
        number = clean_text(data.get("document_number"), max_length=100, what="")
    except ValueError as exc:
        own.add("document_number", str(exc))
    when = None
    if data.get("document_date") not in (None, ""):
        try:
            when = parse_date(data.get("document_date"), today=day)
        except ValueError as exc:
            own.add("document_date", str(exc))
    elif number_and_date:
        own.add("document_date", _("Enter the date of the document."))
    file = None
    upload = data.get("document")
    if upload:
        try:
            file = check_evidence([upload], field="document")[0]
        except FieldErrors as exc:
            for message in exc.errors.get("document", []):
                own.add("document", message)
    if number_and_date and not number:
        own.add("document_number", _("Enter the number of the document behind this registration."))
    elif not number_and_date and not number and file is None:
        own.add(
            "document_number", _("Enter the approval's document number or upload the founding documents.")
        )
    if errors is None:
        own.raise_if_any()
    return Document(number, when, file)


def _date(errors: FieldErrors, data: Mapping[str, Any], field: str, day: dt.date) -> dt.date | None:
    try:
        return parse_date(data.get(field), today=day)
    except ValueError as exc:
        errors.add(field, str(exc))
        return None


def _text(
    errors: FieldErrors, data: Mapping[str, Any], field: str, max_length: int, *, required: bool
) -> str:
    try:
        return clean_text(data.get(field), max_length=max_length, required=required, what="")
    except ValueError as exc:
        errors.add(field, str(exc) or _("This field is required."))
        return ""


def _in_scope(actor: Any, region: Region) -> bool:
    if actor is None:
        return True
    path = actor.scope_path()
    return path is not None and region.path.startswith(path)


def _history(organization: Organization, act: str, effective_on: dt.date, document: Document, *,
             item: str = "", before: str = "", after: str = "", reason: str = "",
             branch: Branch | None = None) -> RegistrationChange:  # fmt: skip
    row = RegistrationChange(
        organization=organization, act=act, item=item, before=before, after=after, effective_on=effective_on,
        document_number=document.number, document_date=document.date, reason=reason, branch=branch,
    )  # fmt: skip
    if document.file is not None:
        f = document.file
        row.document_name, row.document_type, row.document_sha256 = f.name, f.content_type, f.sha256
        row.document.save(f.sha256, ContentFile(f.content), save=False)
    row.save()
    return row


def _doc_data(document: Document) -> dict[str, Any]:
    return {"document_number": document.number, "document_date": document.date,
            "document_file": document.file.name if document.file else ""}  # fmt: skip


def _screen(
    id_number: str, actor: Any, day: dt.date, confirmed: bool, errors: FieldErrors
) -> list[hooks.Finding]:
    """The screening of a person about to take a post; an error asking for confirmation if it found
    anything and the registrar has not confirmed it."""
    findings = hooks.screen_person(id_number, actor, day)
    if findings and not confirmed:
        errors.add("screening_confirmed", _("The screening found records on this person: read them and "
                                            "confirm to register the person anyway."))  # fmt: skip
    return findings


def _person_label(person: Person) -> str:
    return f"{person.name}（{person.masked_id}）"


LEGAL_REP_FIELDS: dict[str, str] = {"name": "legal_rep_name", "id_number": "legal_rep_id_number"}
HEAD_FIELDS: dict[str, str] = {"name": "head", "id_number": "head_id_number"}
"""Where the form and the API put a person's name and ID number: the legal representative's, and the
person in charge (负责人) of a branch or representative office."""


def _take_person(actor: Any, channel: str, name: str, id_number: str, fields: Mapping[str, str] = LEGAL_REP_FIELDS) -> Person:  # fmt: skip
    from socredit.apps.registry.services import get_or_create_person

    try:
        person, _created = get_or_create_person(actor=actor, channel=channel,
                                                data={"name": name, "id_number": id_number})  # fmt: skip
    except FieldErrors as exc:
        raise FieldErrors({fields.get(k, k): v for k, v in exc.errors.items()}) from None
    return person


def _clean_named_person(
    data: Mapping[str, Any], day: dt.date, errors: FieldErrors, fields: Mapping[str, str] = LEGAL_REP_FIELDS
) -> dict[str, str] | None:
    """The name and ID number of a person about to take a post, from the fields ``fields`` names;
    each error on its own field (a name error once, where the field already has none)."""
    try:
        return clean_person({k: data.get(f) for k, f in fields.items()}, today=day)
    except FieldErrors as exc:
        for k, messages in exc.errors.items():
            field = fields.get(k, k)
            if k == "name" and errors.errors.get(field):
                continue
            for m in messages:
                errors.add(field, m)
        return None


def _clean_legal_rep(data: Mapping[str, Any], day: dt.date, errors: FieldErrors) -> dict[str, str] | None:
    return _clean_named_person(data, day, errors)


# --- 成立登记 -----------------------------------------------------------------------------------------


@transaction.atomic
def register_organization(
    *, actor: Any, channel: str, data: Mapping[str, Any], screening_confirmed: bool = False
) -> Organization:
    """成立登记: a new organization with its legal representative (found by ID number or created)
    and the founding document. ``data`` holds the organization's fields (as ``clean_organization``
    reads them), ``legal_rep_name``, ``legal_rep_id_number``, ``document_number``, ``document_date``
    and ``document`` (a file). FieldErrors on any bad input, out-of-scope region or known code."""
    from socredit.apps.registry.services import assign_role, create_organization, region_by_code

    day = today()
    errors = FieldErrors()
    values: dict[str, Any] = {}
    try:
        values = clean_organization({**data, "status": OrgStatus.NORMAL.value}, today=day,
                                    region_lookup=region_by_code)  # fmt: skip
    except FieldErrors as exc:
        errors = exc
    if "code" in values and Organization.objects.filter(code=values["code"]).exists():
        errors.add("code", _("The unified social credit code %(code)s is already registered to another "
                             "organization.") % {"code": values["code"]})  # fmt: skip
    if "region" in values and not _in_scope(actor, values["region"]):
        errors.add("region", _("%(region)s is outside your region: an organization is registered by the "
                               "authority of its own region.") % {"region": values["region"].name})  # fmt: skip
    if values.get("registered_on") and values["registered_on"] > day:
        errors.add("registered_on", _("The founding date cannot be later than today."))
    rep = _clean_legal_rep(data, day, errors)
    document = clean_document(data, day=day, number_and_date=False, errors=errors)
    findings = _screen(rep["id_number"], actor, day, screening_confirmed, errors) if rep else []
    errors.raise_if_any()
    assert rep is not None
    org = create_organization(actor=actor, channel=channel, data={**data, "status": OrgStatus.NORMAL.value})
    person = _take_person(actor, channel, rep["name"], rep["id_number"])
    assign_role(actor=actor, channel=channel, organization=org, person=person,
                data={"kind": RoleKind.LEGAL_REPRESENTATIVE.value, "start_on": org.registered_on})  # fmt: skip
    _history(org, RegistrationAct.ESTABLISH, org.registered_on, document, after=org.name)
    record_event(actor=actor, channel=channel, action="organization.register", target=org,
                 summary=f"成立登记：{org.name}，法定代表人{person.name}",
                 data={"legal_representative": person.pk, **_doc_data(document),
                       "screening": [f.text for f in findings], "screening_confirmed": bool(findings)})  # fmt: skip
    return org


# --- 变更登记 -----------------------------------------------------------------------------------------


def _require_active(org: Organization) -> None:
    if org.status not in ACTIVE:
        raise FieldErrors({"__all__": [_("%(name)s is %(status)s: its registration can no longer be changed.")
                                       % {"name": org.name, "status": org.status_label}]})  # fmt: skip


def current_legal_representatives(org: Organization) -> list[Role]:
    return list(
        Role.objects.filter(
            CONFIRMED_ROLE, organization=org, kind=RoleKind.LEGAL_REPRESENTATIVE.value, end_on__isnull=True
        ).select_related("person")  # fmt: skip
    )


@transaction.atomic
def change_registration(
    *, actor: Any, channel: str, organization: Organization, item: str, data: Mapping[str, Any],
    screening_confirmed: bool = False,
) -> RegistrationChange:  # fmt: skip
    """变更登记 of one item (``ChangedItem``) from ``effective_on``, with its document (number and
    date required). A text item takes ``value``; the legal representative ``legal_rep_name`` and
    ``legal_rep_id_number`` (screened: see the module). The former legal representative's post ends
    the day before the new one's starts."""
    from socredit.apps.registry.services import assign_role, update_organization

    day = today()
    org = Organization.objects.select_for_update(no_key=True).select_related("region").get(pk=organization.pk)
    _require_active(org)
    if item not in ChangedItem.values:
        raise FieldErrors(item=_("Unknown item of change."))
    errors = FieldErrors()
    effective_on = _date(errors, data, "effective_on", day)
    if effective_on and effective_on > day:
        errors.add("effective_on", _("A change takes effect today at the latest."))
    if effective_on and effective_on < org.registered_on:
        errors.add("effective_on", _("A change cannot take effect before the organization was founded (%(date)s).")
                   % {"date": org.registered_on.isoformat()})  # fmt: skip
    document = clean_document(data, day=day, errors=errors)
    findings: list[hooks.Finding] = []
    if item == ChangedItem.LEGAL_REPRESENTATIVE:
        rep = _clean_legal_rep(data, day, errors)
        current = current_legal_representatives(org)
        if rep and any(r.person.id_number == rep["id_number"] for r in current):
            errors.add("legal_rep_id_number", _("This person is already the legal representative."))
        if rep and not errors.errors.get("legal_rep_id_number"):
            findings = _screen(rep["id_number"], actor, day, screening_confirmed, errors)
        errors.raise_if_any()
        assert rep is not None and effective_on is not None
        person = _take_person(actor, channel, rep["name"], rep["id_number"])
        for role in current:
            role.end_on = max(role.start_on, effective_on - dt.timedelta(days=1))
            role.save(update_fields=["end_on"])
        assign_role(actor=actor, channel=channel, organization=org, person=person,
                    data={"kind": RoleKind.LEGAL_REPRESENTATIVE.value, "start_on": effective_on})  # fmt: skip
        before = "、".join(_person_label(r.person) for r in current)
        after = _person_label(person)
    else:
        value = _text(errors, data, "value", TEXT_ITEMS[ChangedItem(item)], required=item == ChangedItem.NAME)
        if not errors.errors.get("value") and (getattr(org, item) or "") == value:
            errors.add("value", _("This is what is registered now: enter the new value."))
        errors.raise_if_any()
        assert effective_on is not None
        before = getattr(org, item) or ""
        try:
            update_organization(actor=actor, channel=channel, organization=org, data={item: value})
        except FieldErrors as exc:
            raise FieldErrors({"value": [m for ms in exc.errors.values() for m in ms]}) from None
        after = value
    row = _history(org, RegistrationAct.CHANGE, effective_on, document, item=item, before=before, after=after)
    record_event(actor=actor, channel=channel, action="organization.change_registration", target=org,
                 summary=f"变更登记：{org.name}，{ChangedItem(item).label}由“{before}”变更为“{after}”"[:500],
                 data={"item": item, "before": before, "after": after, "effective_on": effective_on,
                       **_doc_data(document), "screening": [f.text for f in findings],
                       "screening_confirmed": bool(findings)})  # fmt: skip
    organization.refresh_from_db()
    return row


# --- 注销登记、撤销登记 -------------------------------------------------------------------------------

STATUS_OF_ACT = {
    RegistrationAct.DEREGISTER: OrgStatus.DEREGISTERED,
    RegistrationAct.REVOKE: OrgStatus.REVOKED,
}


@transaction.atomic
def end_registration(
    *, actor: Any, channel: str, organization: Organization, act: str, data: Mapping[str, Any],
    warnings_confirmed: bool = False,
) -> RegistrationChange:  # fmt: skip
    """注销登记 (``deregister``, on the organization's application) or 撤销登记 (``revoke``, a penalty):
    the status from ``effective_on``, with the reason and the document. What the other apps find
    (``hooks.status_findings``: open cases, listings) either refuses the act or must be confirmed
    (``warnings_confirmed``). The organization's open branches and offices close the same day."""
    day = today()
    org = Organization.objects.select_for_update(no_key=True).select_related("region").get(pk=organization.pk)
    if act not in STATUS_OF_ACT:
        raise FieldErrors(act=_("Unknown registration act."))
    _require_active(org)
    errors = FieldErrors()
    effective_on = _date(errors, data, "effective_on", day)
    if effective_on and effective_on > day:
        errors.add("effective_on", _("The date cannot be later than today."))
    if effective_on and effective_on < org.registered_on:
        errors.add("effective_on", _("The date cannot be before the organization was founded (%(date)s).")
                   % {"date": org.registered_on.isoformat()})  # fmt: skip
    reason = _text(errors, data, "reason", REASON_MAX, required=True)
    document = clean_document(data, day=day, errors=errors)
    findings = hooks.status_findings(org, str(act), day)
    for f in findings:
        if f.blocking:
            errors.add("__all__", f.text)
    if any(not f.blocking for f in findings) and not warnings_confirmed:
        errors.add("warnings_confirmed", _("Read the warnings above and confirm to go ahead."))
    errors.raise_if_any()
    assert effective_on is not None
    status = STATUS_OF_ACT[RegistrationAct(act)]
    before = org.status
    org.status = status.value
    org.save(update_fields=["status", "updated_at"])
    closed = []
    for branch in Branch.objects.select_for_update().filter(organization=org, closed_on__isnull=True):
        branch.closed_on = max(branch.established_on, effective_on)
        branch.save(update_fields=["closed_on"])
        closed.append(branch.name)
    row = _history(org, act, effective_on, document, before=before, after=org.status, reason=reason)
    hooks.after_status_change(org, str(act), effective_on, document.number, document.date, actor, channel)
    record_event(actor=actor, channel=channel, action=f"organization.{act}", target=org,
                 summary=f"{'注销登记' if act == RegistrationAct.DEREGISTER else '撤销登记'}：{org.name}"[:500],
                 data={"effective_on": effective_on, "reason": reason, **_doc_data(document),
                       "branches_closed": closed, "warnings": [f.text for f in findings if not f.blocking],
                       "warnings_confirmed": bool(findings)})  # fmt: skip
    organization.refresh_from_db()
    return row


# --- 分支机构、代表机构 -------------------------------------------------------------------------------

BRANCH_TEXT = {"name": 200, "head": 50, "address": 200, "business_scope": BUSINESS_SCOPE_MAX}
BRANCH_ITEMS = {"name": ChangedItem.NAME, "head": ChangedItem.HEAD, "address": ChangedItem.ADDRESS,
                "business_scope": ChangedItem.BUSINESS_SCOPE}  # fmt: skip


def _branch_values(data: Mapping[str, Any], errors: FieldErrors) -> dict[str, str]:
    return {f: _text(errors, data, f, n, required=f in ("name", "head")) for f, n in BRANCH_TEXT.items()}


def _unique_branch_name(
    org: Organization, name: str, errors: FieldErrors, exclude: int | None = None
) -> None:
    if name and Branch.objects.filter(organization=org, name=name).exclude(pk=exclude).exists():
        errors.add("name", _("%(org)s already has a branch or office named %(name)s.")
                   % {"org": org.name, "name": name})  # fmt: skip


@transaction.atomic
def add_branch(
    *, actor: Any, channel: str, organization: Organization, data: Mapping[str, Any],
    screening_confirmed: bool = False,
) -> Branch:  # fmt: skip
    """分支机构或代表机构的设立登记: kind, name, person in charge (``head`` and ``head_id_number``,
    screened as a legal representative is: see the module), address, business scope,
    ``established_on`` and the document (number and date)."""
    day = today()
    org = Organization.objects.select_for_update(no_key=True).get(pk=organization.pk)
    _require_active(org)
    errors = FieldErrors()
    kind = str(data.get("kind") or "")
    if kind not in BranchKind.values:
        errors.add("kind", _("Choose a branch or a representative office."))
    values = _branch_values(data, errors)
    established_on = _date(errors, data, "established_on", day)
    if established_on and established_on < org.registered_on:
        errors.add("established_on", _("The date cannot be before the organization was founded (%(date)s).")
                   % {"date": org.registered_on.isoformat()})  # fmt: skip
    _unique_branch_name(org, values["name"], errors)
    head = _clean_named_person(data, day, errors, HEAD_FIELDS)
    findings = _screen(head["id_number"], actor, day, screening_confirmed, errors) if head else []
    document = clean_document(data, day=day, errors=errors)
    errors.raise_if_any()
    assert established_on is not None and head is not None
    person = _take_person(actor, channel, head["name"], head["id_number"], HEAD_FIELDS)
    branch = Branch.objects.create(organization=org, kind=kind, established_on=established_on, head_person=person,
                                   **values)  # fmt: skip
    _history(org, RegistrationAct.BRANCH_ADD, established_on, document, after=branch.name, branch=branch)
    record_event(actor=actor, channel=channel, action="branch.add", target=branch,
                 summary=f"{org.name}设立{branch.get_kind_display()}：{branch.name}，负责人{person.name}"[:500],
                 data={"organization": org.code, **values, "kind": kind, "head_person": person.pk, **_doc_data(document),
                       "screening": [f.text for f in findings], "screening_confirmed": bool(findings)})  # fmt: skip
    return branch


@transaction.atomic
def change_branch(
    *, actor: Any, channel: str, branch: Branch, data: Mapping[str, Any], screening_confirmed: bool = False
) -> list[str]:
    """分支机构或代表机构的变更登记: the fields given that differ, from ``effective_on``, with the
    document; one history row per changed field. Returns the changed fields. A new person in charge
    needs the ID number (``head_id_number``) and is screened; an ID number given for the same name
    registers the person in charge of an older branch (screened too)."""
    day = today()
    branch = Branch.objects.select_for_update().select_related("organization").get(pk=branch.pk)
    org = branch.organization
    _require_active(org)
    errors = FieldErrors()
    if not branch.is_open:
        errors.add("__all__", _("This branch or office is closed."))
        errors.raise_if_any()
    values = _branch_values(data, errors)
    effective_on = _date(errors, data, "effective_on", day)
    if effective_on and effective_on < branch.established_on:
        errors.add("effective_on", _("The date cannot be before the branch or office was established."))
    _unique_branch_name(org, values["name"], errors, exclude=branch.pk)
    head, findings = _branch_head_change(branch, values, data, actor, day, screening_confirmed, errors)
    document = clean_document(data, day=day, errors=errors)
    changed = [f for f, v in values.items() if getattr(branch, f) != v]
    if head is not None and "head" not in changed:
        changed.append("head")
    if not changed and not errors:
        errors.add("__all__", _("Nothing differs from what is registered now."))
    errors.raise_if_any()
    assert effective_on is not None
    before = {f: getattr(branch, f) for f in changed}
    for f in changed:
        setattr(branch, f, values[f])
    fields = list(changed)
    if head is not None:
        branch.head_person = _take_person(actor, channel, head["name"], head["id_number"], HEAD_FIELDS)
        fields.append("head_person")
    branch.save(update_fields=fields)
    for f in changed:
        _history(org, RegistrationAct.BRANCH_CHANGE, effective_on, document, item=BRANCH_ITEMS[f],
                 before=before[f], after=values[f], branch=branch)  # fmt: skip
    record_event(actor=actor, channel=channel, action="branch.change", target=branch,
                 summary=f"{org.name}的{branch.name}变更登记"[:500],
                 data={"before": before, "after": {f: values[f] for f in changed}, "effective_on": effective_on,
                       **_doc_data(document), "head_person": branch.head_person_id,
                       "screening": [f.text for f in findings], "screening_confirmed": bool(findings)})  # fmt: skip
    return changed


def _branch_head_change(
    branch: Branch, values: Mapping[str, str], data: Mapping[str, Any], actor: Any, day: dt.date,
    confirmed: bool, errors: FieldErrors,
) -> tuple[dict[str, str] | None, list[hooks.Finding]]:  # fmt: skip
    """The new person in charge a change registers (None when it stays), screened."""
    entered = str(data.get("head_id_number") or "").strip()
    renamed = bool(values["head"]) and values["head"] != branch.head
    if not entered:
        if renamed:
            errors.add("head_id_number", _("Enter the ID number of the new person in charge: the person is screened "
                                           "before the change is registered."))  # fmt: skip
        return None, []
    head = _clean_named_person(data, day, errors, HEAD_FIELDS)
    if head is None:
        return None, []
    current = branch.head_person
    if current is not None and current.id_number == head["id_number"] and not renamed:
        return None, []
    return head, _screen(head["id_number"], actor, day, confirmed, errors)


@transaction.atomic
def close_branch(*, actor: Any, channel: str, branch: Branch, data: Mapping[str, Any]) -> Branch:
    """分支机构或代表机构的注销登记: ``closed_on``, the reason and the document."""
    day = today()
    branch = Branch.objects.select_for_update().select_related("organization").get(pk=branch.pk)
    errors = FieldErrors()
    if not branch.is_open:
        errors.add("__all__", _("This branch or office is closed."))
        errors.raise_if_any()
    closed_on = _date(errors, data, "closed_on", day)
    if closed_on and closed_on > day:
        errors.add("closed_on", _("The date cannot be later than today."))
    if closed_on and closed_on < branch.established_on:
        errors.add("closed_on", _("The date cannot be before the branch or office was established."))
    reason = _text(errors, data, "reason", REASON_MAX, required=True)
    document = clean_document(data, day=day, errors=errors)
    errors.raise_if_any()
    assert closed_on is not None
    branch.closed_on = closed_on
    branch.save(update_fields=["closed_on"])
    _history(branch.organization, RegistrationAct.BRANCH_CLOSE, closed_on, document, before=branch.name,
             reason=reason, branch=branch)  # fmt: skip
    record_event(actor=actor, channel=channel, action="branch.close", target=branch,
                 summary=f"{branch.organization.name}的{branch.name}注销"[:500],
                 data={"closed_on": closed_on, "reason": reason, **_doc_data(document)})  # fmt: skip
    return branch
