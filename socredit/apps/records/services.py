"""The only writers of credit records: create, correct, revoke, repair. Each is atomic and audited."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext, pgettext

from socredit.apps.audit.services import actor_label, record_event, staff_user_of
from socredit.apps.records import bulk, outbox
from socredit.apps.records.models import CreditRecord, RecordStateChange
from socredit.apps.records.signals import announce, collected_changes
from socredit.apps.records.timeliness import withdraw_deadline
from socredit.apps.records.validation import RecordLookups, clean_record
from socredit.apps.registry.models import Department
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.core.types import RecordSource, RecordStatus

CHANNEL_SOURCE = {"form": RecordSource.FORM, "import": RecordSource.IMPORT, "api": RecordSource.API,
                  "cli": RecordSource.IMPORT, "system": RecordSource.SYSTEM}  # fmt: skip
CONTENT_FIELDS = ("kind", "occurred_on", "decided_on", "document_number", "amount", "department", "summary",
                  "visibility", "dishonesty_class", "external_id")  # fmt: skip


def _label(record: CreditRecord) -> str:
    """The record as the level-change history names it to staff and to the organization (kind and
    document number, or kind and date): the history is read in /my/, so no database id."""
    return f"{record.kind.name_zh} {record.document_number or record.occurred_on.strftime('%Y-%m-%d')}"


def find_duplicate(
    values: Mapping[str, Any], *, other_than: CreditRecord | None = None
) -> CreditRecord | None:
    """The current record with the same natural key (department + document number, or external id),
    other than ``other_than``."""
    dept = values["department"]
    current = CreditRecord.objects.filter(department=dept, is_current=True)
    if other_than is not None:
        current = current.exclude(pk=other_than.pk)
    if values.get("external_id"):
        # The conditions of the partial unique indexes are repeated so the database can use them
        # (without them SQLite scans the department's records: 119 ms vs 1.4 ms in a big department).
        hit = current.filter(external_id=values["external_id"]).exclude(external_id="").first()
        if hit:
            return hit
    if values.get("document_number"):
        return current.filter(document_number=values["document_number"]).exclude(document_number="").first()
    return None


def refuse_duplicate(values: Mapping[str, Any], *, other_than: CreditRecord | None = None) -> None:
    """FieldErrors naming the field (document_number or external_id) when another current record of
    the department already holds that natural key; ``other_than`` is the record being corrected."""
    dup = find_duplicate(values, other_than=other_than)
    if dup is None:
        return
    field = (
        "external_id"
        if values.get("external_id") and dup.external_id == values["external_id"]
        else "document_number"
    )
    raise FieldErrors(
        {
            field: [
                gettext(
                    "Repeats the existing record “%(reference)s” (one department's document numbers and external ids cannot repeat)"
                )
                % {"reference": dup.reference}
            ]
        }
    )


def _save_unique(record: CreditRecord) -> None:
    """Save ``record``; a natural key taken since validation (a concurrent write) is a field error too."""
    try:
        with transaction.atomic():
            record.save()
    except IntegrityError:
        raise FieldErrors(
            document_number=gettext(
                "Repeats an existing record (one department's document numbers and external ids cannot repeat)"
            )
        ) from None


def snapshot(record: CreditRecord, persons: list[Any] | None = None) -> dict[str, Any]:
    return {
        "organization": record.organization.code,
        "kind": record.kind.code,
        "occurred_on": record.occurred_on,
        "decided_on": record.decided_on,
        "document_number": record.document_number,
        "amount": record.amount,
        "department": record.department.code,
        "summary": record.summary,
        "visibility": record.visibility,
        "dishonesty_class": record.dishonesty_class,
        "external_id": record.external_id,
        "persons": sorted(p.id_number for p in (record.persons.all() if persons is None else persons))
        if record.pk or persons is not None
        else [],
    }


def add_state_change(record: CreditRecord, frm: int | None, to: int, reason: str, actor: Any, channel: str,
                     related: CreditRecord | None = None) -> None:  # fmt: skip
    """One line of the record's readable history (RecordStateChange); inside the caller's transaction."""
    RecordStateChange.objects.create(record=record, from_status=frm, to_status=to, reason=reason,
                                     actor=staff_user_of(actor), actor_label=actor_label(actor)[:150], channel=channel,
                                     related=related)  # fmt: skip


@transaction.atomic
def create_record(
    *, actor: Any, channel: str, data: Mapping[str, Any], fixed_department: Department | None = None,
    lookups: RecordLookups | None = None,
) -> CreditRecord:  # fmt: skip
    """录入 one credit record from raw input; FieldErrors for bad input or a duplicate natural key."""
    values = clean_record(data, today=today(), lookups=lookups or RecordLookups(actor),
                          fixed_department=fixed_department)  # fmt: skip
    refuse_duplicate(values)
    persons = values.pop("persons")
    record = CreditRecord(**values, source=CHANNEL_SOURCE[channel].value, source_actor=actor_label(actor))
    _save_unique(record)
    record.persons.set(persons)
    add_state_change(record, None, RecordStatus.EFFECTIVE.value, "录入", actor, channel)
    record_event(actor=actor, channel=channel, action="record.create", target=record,
                 summary=f"{record.organization.name}：{record.kind.name_zh}", data=snapshot(record))  # fmt: skip
    announce([record.organization_id], cause=f"新增记录：{_label(record)}", actor=actor)
    return record


def _locked_effective(record: CreditRecord, verb: str) -> CreditRecord:
    """The current version of ``record``, locked; FieldErrors unless it is effective (only those change).

    FOR NO KEY UPDATE, not FOR UPDATE (PostgreSQL): two changes of one record still wait for each
    other, but a transaction that only references the record (a row with a foreign key to it,
    checked FOR KEY SHARE at its commit) does not wait for this one. With FOR UPDATE, a writer
    holding the audit chain's lock at its commit waited for this row while this transaction waited
    for the audit lock: a deadlock, answered 500 (found with 50 concurrent API writers,
    tests/system/test_reliability.py). Every row lock that does not delete the row is taken so."""
    record = CreditRecord.objects.select_for_update(no_key=True).get(pk=record.pk)
    if not record.is_current or record.status != RecordStatus.EFFECTIVE.value:
        raise FieldErrors(
            {
                "__all__": [
                    gettext("The record is “%(status_label)s”; only records in force can be %(verb)s")
                    % {"status_label": record.status_label, "verb": verb}
                ]
            }
        )
    return record


def _require_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise FieldErrors(reason=gettext("A reason is required"))
    if len(reason) > 500:
        raise FieldErrors(reason=gettext("The reason is too long (at most 500 characters)"))
    return reason


@transaction.atomic
def correct_record(
    *, actor: Any, channel: str, record: CreditRecord, data: Mapping[str, Any], reason: str
) -> CreditRecord:
    """更正: supersede `record` with a new version holding the corrected values; the old keeps its content."""
    reason = _require_reason(reason)
    record = _locked_effective(record, pgettext("record action", "corrected"))
    base = snapshot(record)
    merged = {**base, **{k: v for k, v in data.items() if k in base and k != "organization"}}
    lookups = RecordLookups(actor, known_persons=record.persons.all())
    values = clean_record(merged, today=today(), lookups=lookups,
                          fixed_department=record.department if channel == "api" else None)  # fmt: skip
    refuse_duplicate(values, other_than=record)
    persons = values.pop("persons")
    changed = [f for f in CONTENT_FIELDS if values.get(f) != getattr(record, f)]
    if not changed and {p.pk for p in persons} == {p.pk for p in record.persons.all()}:
        raise FieldErrors({"__all__": [gettext("The correction is the same as the record")]})
    # The old version leaves the natural-key uniqueness (is_current=False) before the new one enters.
    old_status = record.status
    record.status = RecordStatus.CORRECTED.value
    record.is_current = False
    record.save(update_fields=["status", "is_current", "updated_at"])
    new = CreditRecord(**values, source=CHANNEL_SOURCE[channel].value, source_actor=actor_label(actor),
                       supersedes=record)  # fmt: skip
    _save_unique(new)
    new.persons.set(persons)
    add_state_change(record, old_status, RecordStatus.CORRECTED.value, reason, actor, channel, related=new)
    add_state_change(
        new,
        None,
        RecordStatus.EFFECTIVE.value,
        f"更正原记录（{_label(record)}）：{reason}",
        actor,
        channel,
        related=record,
    )
    record_event(actor=actor, channel=channel, action="record.correct", target=new,
                 summary=f"更正记录 #{record.pk} → #{new.pk}：{reason}",
                 data={"from": record.pk, "changed": changed, "reason": reason, "after": snapshot(new)})  # fmt: skip
    announce({record.organization_id, new.organization_id}, cause=f"更正记录（{_label(record)}）：{reason}",
             actor=actor)  # fmt: skip
    outbox.emit("record.corrected", new.organization, new,
                {"record": record.pk, "new_record": new.pk, "changed": changed, "reason": reason,
                 **_withdrawal(record)})  # fmt: skip
    return new


def _withdrawal(record: CreditRecord) -> dict[str, Any]:
    """The withdrawal deadline of the published record after a revocation or change today (R6.3),
    for the systems that published it: the last day and the working days it rests on."""
    due = withdraw_deadline(record, today())
    if due is None:
        return {}
    return {"withdraw_by": due.due.isoformat(), "withdraw_provisional": due.provisional}


@transaction.atomic
def revoke_record(*, actor: Any, channel: str, record: CreditRecord, reason: str) -> CreditRecord:
    """撤销: the record stays, in state 已撤销, with the reason; it no longer counts anywhere."""
    reason = _require_reason(reason)
    record = _locked_effective(record, pgettext("record action", "revoked"))
    old = record.status
    record.status = RecordStatus.REVOKED.value
    record.save(update_fields=["status", "updated_at"])
    add_state_change(record, old, RecordStatus.REVOKED.value, reason, actor, channel)
    record_event(actor=actor, channel=channel, action="record.revoke", target=record,
                 summary=f"撤销记录 #{record.pk}：{reason}", data={"reason": reason})  # fmt: skip
    announce([record.organization_id], cause=f"撤销记录（{_label(record)}）：{reason}", actor=actor)
    outbox.emit("record.revoked", record.organization, record,
                {"record": record.pk, "reason": reason, **_withdrawal(record)})  # fmt: skip
    return record


@transaction.atomic
def repair_record(
    *, actor: Any, channel: str, record: CreditRecord, on: dt.date, reason: str, case_number: str,
    extra: Mapping[str, Any] | None = None,
) -> CreditRecord:  # fmt: skip
    """信用修复: the record stops being published, shared and counted from ``on`` (rules.md R2.6).

    It stays in the internal history in state 已修复 with ``ended_on = on``; the evaluation counts it
    only for dates before ``on``. Conditions are the caller's to check (cases.services.repairs).
    """
    reason = _require_reason(reason)
    record = _locked_effective(record, pgettext("record action", "repaired"))
    old = record.status
    record.status = RecordStatus.REPAIRED.value
    record.ended_on = on
    record.save(update_fields=["status", "ended_on", "updated_at"])
    add_state_change(
        record, old, RecordStatus.REPAIRED.value, f"信用修复（{case_number}）：{reason}", actor, channel
    )
    record_event(actor=actor, channel=channel, action="record.repair", target=record,
                 summary=f"修复记录 #{record.pk}（{case_number}）：{reason}",
                 data={"case": case_number, "ended_on": on, "reason": reason})  # fmt: skip
    announce([record.organization_id], cause=f"信用修复（{case_number}）：{_label(record)}", actor=actor)
    outbox.emit("record.repaired", record.organization, record,
                {"record": record.pk, "kind": record.kind.code, "ended_on": on.isoformat(), "case": case_number,
                 "reason": reason, **(extra or {})})  # fmt: skip
    return record


BATCH_MAX = 1000
"""The most items one batch may carry (API `POST /records/batch`)."""


def _natural_keys(values: Mapping[str, Any]) -> list[tuple[str, str]]:
    keys = []
    if values.get("external_id"):
        keys.append(("external_id", values["external_id"]))
    if values.get("document_number"):
        keys.append(("document_number", values["document_number"]))
    return keys


def _content(values: Mapping[str, Any]) -> dict[str, Any]:
    """What decides "the same record": organization, every content field and the persons implicated."""
    out = {f: values.get(f) for f in CONTENT_FIELDS}
    out["organization"] = values["organization"].pk
    out["kind"], out["department"] = values["kind"].pk, values["department"].pk
    out["persons"] = sorted(p.pk for p in values.get("persons", []))
    return out


def same_content(values: Mapping[str, Any], record: CreditRecord) -> bool:
    """Whether cleaned input `values` say exactly what the existing `record` says."""
    existing = {f: getattr(record, f) for f in CONTENT_FIELDS}
    existing["organization"] = record.organization_id
    existing["kind"], existing["department"] = record.kind_id, record.department_id
    existing["persons"] = sorted(p.pk for p in record.persons.all())
    return _content(values) == existing


def create_records_batch(
    *, actor: Any, channel: str, items: list[Mapping[str, Any]], fixed_department: Department | None = None
) -> dict[str, list[Any]]:
    """批量报送: validate every item; write all valid new items in ONE transaction; report the rest by index.

    Idempotent: an item whose natural key (department + document number, or external id) already
    exists — in the database or earlier in the same batch — with the same content is reported under
    "duplicates" with the existing id and not written again; with different content it is an error
    (a change goes through correct_record). Returns
    {"created": [id, …], "duplicates": [{"index", "id"}], "errors": [{"index", "errors"}]}.
    """
    if len(items) > BATCH_MAX:
        raise FieldErrors(
            items=gettext("At most %(batch_max)s records at a time; %(count)s were sent")
            % {"batch_max": BATCH_MAX, "count": len(items)}
        )
    lookups = RecordLookups(actor)
    lookups.prefetch_organizations(
        str(item.get("organization") or "") for item in items if isinstance(item, Mapping)
    )
    errors: list[dict[str, Any]] = []
    duplicates: list[dict[str, Any]] = []
    cleaned: list[tuple[int, dict[str, Any]]] = []
    for index, data in enumerate(items):
        try:
            cleaned.append(
                (index, clean_record(data, today=today(), lookups=lookups, fixed_department=fixed_department))
            )
        except FieldErrors as exc:
            errors.append({"index": index, "errors": exc.errors})
    # the natural keys of the whole batch in one query per key kind (not one per item)
    existing = bulk.existing_records(k for _, values in cleaned for k in bulk.natural_keys(values))
    pending: list[tuple[int, dict[str, Any]]] = []
    in_batch: dict[tuple[int, str, str], tuple[int, dict[str, Any]]] = {}
    same_as_earlier: list[tuple[int, int]] = []  # (index, index of the earlier identical item)
    for index, values in cleaned:
        keys = bulk.natural_keys(values)
        content = bulk.content_of(values)
        earlier = next((in_batch[k] for k in keys if k in in_batch), None)
        if earlier is not None:
            if earlier[1] == content:
                same_as_earlier.append((index, earlier[0]))
            else:
                field = next(k[1] for k in keys if k in in_batch)
                errors.append(
                    {
                        "index": index,
                        "errors": {field: [f"与本批第 {earlier[0]} 条的文书号/外部编号相同但内容不同"]},
                    }
                )
            continue
        hit = bulk.first_hit(values, existing)
        if hit is not None:
            field, rid, theirs = hit
            if theirs == content:
                duplicates.append({"index": index, "id": rid})
            else:
                errors.append({"index": index, "errors": {field: [
                    f"与已有记录“{CreditRecord.objects.select_related('kind').get(pk=rid).reference}”"
                    "的文书号/外部编号相同但内容不同（修改请使用更正）"]}})  # fmt: skip
            continue
        for k in keys:
            in_batch[k] = (index, content)
        pending.append((index, values))

    created_by_index: dict[int, int] = {}
    if pending:
        try:
            with transaction.atomic():
                _write_batch(pending, actor, channel, created_by_index)
        except IntegrityError:  # e.g. written by someone else since validation: one at a time, as such
            created_by_index.clear()
            with transaction.atomic(), collected_changes():
                for index, _values in pending:
                    try:
                        record = create_record(actor=actor, channel=channel, data=items[index],
                                               fixed_department=fixed_department, lookups=lookups)  # fmt: skip
                    except FieldErrors as exc:
                        errors.append({"index": index, "errors": exc.errors})
                        continue
                    created_by_index[index] = record.pk
    for index, first in same_as_earlier:
        if first in created_by_index:
            duplicates.append({"index": index, "id": created_by_index[first]})
        else:
            errors.append(
                {"index": index, "errors": {"__all__": [f"与本批第 {first} 条相同，而该条未能写入"]}}
            )
    return {
        "created": [created_by_index[i] for i in sorted(created_by_index)],
        "duplicates": sorted(duplicates, key=lambda d: d["index"]),
        "errors": sorted(errors, key=lambda e: e["index"]),
    }


def _write_batch(
    pending: list[tuple[int, dict[str, Any]]], actor: Any, channel: str, created_by_index: dict[int, int]
) -> None:
    """The valid new items of a batch through the bulk writer (the import's), with ONE audit event for
    the batch: how many records, their ids, and per record its organization, kind and natural key
    (the full content is the records' own rows and their first history line)."""
    label = actor_label(actor)
    source = CHANNEL_SOURCE[channel].value
    rows, persons = [], []
    for _index, values in pending:
        persons.append(values.pop("persons"))
        rows.append(bulk.record_row(values, source=source, source_actor=label))
    ids = bulk.insert_records(rows, persons, actor=actor, channel=channel, reason="录入", cause=None)
    created_by_index.update(zip((index for index, _v in pending), ids, strict=True))
    first = pending[0][1]
    record_event(actor=actor, channel=channel, action="record.create_batch",
                 summary=f"批量报送：新增记录 {len(ids)} 条",
                 data={"count": len(ids), "ids": ids,
                       "records": [{"id": rid, "organization": v["organization"].code, "kind": v["kind"].code,
                                    "document_number": v["document_number"], "external_id": v["external_id"]}
                                   for rid, (_i, v) in zip(ids, pending, strict=True)]})  # fmt: skip
    # the cause the level history shows (read in /my/: no database id): as one create_record says it
    one = f"{first['kind'].name_zh} {first['document_number'] or first['occurred_on'].strftime('%Y-%m-%d')}"
    cause = f"新增记录：{one}" if len(ids) == 1 else f"批量写入 {len(ids)} 条记录"
    announce({r["organization_id"] for r in rows}, cause=cause, actor=actor)


def set_objection_mark(records: list[CreditRecord], *, marked: bool) -> int:
    """异议标注: mark records as 异议中 while an objection is open, or clear the mark (rules.md R6.1, R6.2).

    The record stays effective and published (R6.2); the mark is shown beside it wherever it is
    shown. Runs inside the objection service's transaction; audited there with the case.
    """
    ids = [r.pk for r in records]
    n = CreditRecord.objects.filter(pk__in=ids, under_objection=not marked).update(
        under_objection=marked, updated_at=timezone.now()
    )
    for r in records:
        r.under_objection = marked
    return n
