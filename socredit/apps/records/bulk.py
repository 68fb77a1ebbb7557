"""批量写入记录 — the one bulk writer of credit records, shared by the import (``imports.services``)
and the API batch (``records.services.create_records_batch``).

Rows are validated one by one with ``validation.clean_record`` (so every error names its row and
field exactly as a single entry would); everything after that is set-based: the natural keys of a
chunk are looked up in one query per key kind, new records are inserted with ``bulk_create`` in
batches, their persons and their first line of history (RecordStateChange) likewise, and the apps
above learn of the change once (``signals.announce``: one re-scoring and one pass of list proposals
over all the organizations touched, not one per record).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from socredit.apps.audit.services import actor_label, staff_user_of
from socredit.apps.records.models import CreditRecord, RecordStateChange
from socredit.apps.records.signals import announce
from socredit.core.types import RecordStatus

CHUNK = 2000
"""Rows per statement: under SQLite's 32,766 bound variables for the widest insert."""

RECORD_CONTENT = ("organization_id", "kind_id", "occurred_on", "decided_on", "document_number", "amount",
                  "department_id", "summary", "visibility", "dishonesty_class", "external_id")  # fmt: skip
"""What decides "the same record" (with the persons implicated): every content column."""

NaturalKey = tuple[int, str, str]
"""(department id, ``external_id`` or ``document_number``, value): the partial unique indexes."""

_FK = {"organization_id": "organization", "kind_id": "kind", "department_id": "department"}


def chunks(items: list[Any], size: int = CHUNK) -> Iterator[list[Any]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def natural_keys(values: Mapping[str, Any]) -> list[NaturalKey]:
    """The natural keys of cleaned values: the external id first, then the document number (the
    order ``services.find_duplicate`` looks them up in)."""
    dept = values["department"].pk
    keys = []
    if values.get("external_id"):
        keys.append((dept, "external_id", values["external_id"]))
    if values.get("document_number"):
        keys.append((dept, "document_number", values["document_number"]))
    return keys


def content_of(values: Mapping[str, Any]) -> dict[str, Any]:
    """The content of cleaned values, comparable with ``existing_records``' answers."""
    out = {f: (values[_FK[f]].pk if f in _FK else values.get(f)) for f in RECORD_CONTENT}
    out["persons"] = sorted(p.pk for p in values.get("persons", []))
    return out


def existing_records(keys: Iterable[NaturalKey]) -> dict[NaturalKey, tuple[int, dict[str, Any]]]:
    """Current records holding any of the natural keys: (id, content with persons), in one query
    per key kind and chunk (plus one for their persons)."""
    wanted_keys = set(keys)
    out: dict[NaturalKey, dict[str, Any]] = {}
    by_id: dict[int, dict[str, Any]] = {}
    for field in ("external_id", "document_number"):
        wanted = sorted({k[2] for k in wanted_keys if k[1] == field})
        departments = sorted({k[0] for k in wanted_keys if k[1] == field})
        for chunk in chunks(wanted):
            # department + the partial index's own condition, so the natural-key index serves the
            # lookup (as in services.find_duplicate) instead of a scan of every record
            qs = (
                CreditRecord.objects.filter(
                    is_current=True, department_id__in=departments, **{f"{field}__in": chunk}
                )
                .exclude(**{field: ""})
                .order_by()
            )
            for rec in qs.values("id", *RECORD_CONTENT):
                key = (rec["department_id"], field, rec[field])
                if key in wanted_keys:
                    rec["persons"] = []
                    out[key] = by_id.setdefault(rec["id"], rec)
    through = CreditRecord.persons.through
    for chunk in chunks(sorted(by_id)):
        for rid, pid in through.objects.filter(creditrecord_id__in=chunk).values_list(
            "creditrecord_id", "person_id"
        ):
            by_id[rid]["persons"].append(pid)
    return {
        k: (v["id"], {**{f: v[f] for f in RECORD_CONTENT}, "persons": sorted(v["persons"])})
        for k, v in out.items()
    }


def first_hit(
    values: Mapping[str, Any], existing: Mapping[NaturalKey, tuple[int, dict[str, Any]]]
) -> tuple[str, int, dict[str, Any]] | None:
    """The existing record ``values`` collide with: (the key field, its id, its content)."""
    for key in natural_keys(values):
        if key in existing:
            rid, content = existing[key]
            # the field to blame: the external id when that is what both share
            same_ext = values.get("external_id") and content["external_id"] == values["external_id"]
            return ("external_id" if same_ext else "document_number"), rid, content
    return None


def insert_records(
    new: list[tuple[CreditRecord, list[Any]]], *, actor: Any, channel: str, reason: str, cause: str | None
) -> None:
    """Insert new records with their persons and their first history line, set-based, inside the
    caller's transaction; then announce the organizations once with ``cause`` (None: the caller
    announces)."""
    records = [r for r, _ in new]
    for chunk in chunks(records):
        CreditRecord.objects.bulk_create(chunk)
    through = CreditRecord.persons.through
    links = [through(creditrecord_id=r.pk, person_id=p.pk) for r, persons in new for p in persons]
    through.objects.bulk_create(links, batch_size=CHUNK)
    user, label = staff_user_of(actor), actor_label(actor)[:150]
    changes = [
        RecordStateChange(
            record_id=r.pk,
            from_status=None,
            to_status=RecordStatus.EFFECTIVE.value,
            reason=reason,
            actor=user,
            actor_label=label,
            channel=channel,
        )  # fmt: skip
        for r in records
    ]
    RecordStateChange.objects.bulk_create(changes, batch_size=CHUNK)
    if cause is not None:
        announce({r.organization_id for r in records}, cause=cause, actor=actor)


__all__ = [
    "CHUNK",
    "RECORD_CONTENT",
    "chunks",
    "content_of",
    "existing_records",
    "first_hit",
    "insert_records",
    "natural_keys",
]
