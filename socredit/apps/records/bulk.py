"""批量写入记录 — the one bulk writer of credit records, shared by the import (``imports.services``)
and the API batch (``records.services.create_records_batch``).

Rows are validated one by one with ``validation.clean_record`` (so every error names its row and
field exactly as a single entry would); everything after that is set-based: the natural keys of a
chunk are looked up in one query per key kind, new records are inserted as plain rows with one
multi-row ``INSERT … RETURNING`` per chunk (no model instances), their persons and their first line
of history (RecordStateChange) likewise, and the apps
above learn of the change once (``signals.announce``: one re-scoring and one pass of list proposals
over all the organizations touched, not one per record).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from django.db import connection, models
from django.db.models import Model
from django.utils import timezone

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


_CALL = object()
"""Marks a column whose default is a callable, called for each row."""
_MISSING = object()


def _converter(field: Any) -> Any:
    """How a value of ``field`` goes to the database when the driver does not take it as it is: dates,
    times and decimals as the backend stores them (the other columns pass as they are)."""
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField):
        return ops.adapt_datefield_value
    if isinstance(field, models.TimeField):
        return ops.adapt_timefield_value
    if isinstance(field, models.DecimalField):
        return lambda v: field.get_db_prep_save(v, connection)
    return None


def _column_values(model: type[Model], rows: list[dict[str, Any]]) -> tuple[list[str], list[tuple[Any, ...]]]:
    """Every concrete column but the primary key, and each row's values as the database takes them:
    the value given (by attribute name: ``organization_id``), else the field's default (now for
    ``auto_now``). Built column by column (one comprehension each), the defaults and their
    conversion worked out once per column, not once per row."""
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = []
    for f in fields:
        conv = _converter(f)
        name = f.attname
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            default: Any = now
        elif f.has_default() and callable(f.default):
            default = _CALL
        else:
            default = f.get_default()
        if default is not _CALL and default is not None and conv is not None:
            default = conv(default)
        if default is not _CALL and conv is None:
            values = [row.get(name, default) for row in rows]  # most columns: as they are
        else:
            values = []
            for row in rows:
                v = row.get(name, _MISSING)
                if v is _MISSING:
                    values.append(f.get_default() if default is _CALL else default)
                else:
                    values.append(conv(v) if conv is not None and v is not None else v)
        columns.append(values)
    return [f.column for f in fields], list(zip(*columns, strict=True))


def insert_rows(model: type[Model], rows: list[dict[str, Any]], *, returning: bool = False) -> list[int]:
    """INSERT the rows with one statement per chunk, without model instances; the new primary keys
    in row order when ``returning`` (as ``bulk_create`` reads them back). On PostgreSQL one array
    per column (``INSERT … SELECT * FROM unnest(…)``, as ``bulk_create`` does there: a statement with
    tens of thousands of placeholders costs the driver more to parse than the server to run); on
    SQLite multi-row VALUES."""
    if not rows:
        return []
    columns, values = _column_values(model, rows)
    qn = connection.ops.quote_name
    head = f"INSERT INTO {qn(model._meta.db_table)} ({', '.join(qn(c) for c in columns)}) "  # noqa: S608 — names from _meta
    tail = f" RETURNING {qn(model._meta.pk.column)}" if returning else ""
    ids: list[int] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            fields = [f for f in model._meta.concrete_fields if not f.primary_key]
            arrays = ", ".join(f"%s::{f.cast_db_type(connection)}[]" for f in fields)
            sql = f"{head}SELECT * FROM unnest({arrays}){tail}"  # noqa: S608 — names and types from _meta, values bound
            for part in chunks(values, 20 * CHUNK):
                cursor.execute(sql, [list(column) for column in zip(*part, strict=True)])
                if returning:
                    ids.extend(r[0] for r in cursor.fetchall())
            return ids
        one = "(" + ", ".join(["%s"] * len(columns)) + ")"
        per = max(1, min(CHUNK, 30_000 // len(columns)))  # under SQLite's 32,766 bound variables
        for part in chunks(values, per):
            sql = head + "VALUES " + ", ".join([one] * len(part)) + tail  # values bound, never formatted in
            cursor.execute(sql, [v for row in part for v in row])
            if returning:
                ids.extend(r[0] for r in cursor.fetchall())
    return ids


def record_row(
    values: Mapping[str, Any], *, source: int, source_actor: str, source_ref: str = ""
) -> dict[str, Any]:
    """The row of a new record from ``validation.clean_record``'s values (without "persons"), by
    column: what ``insert_records`` writes, with no model instance."""
    row = {f: values.get(f) for f in RECORD_CONTENT if f not in _FK}
    row.update({attname: values[name].pk for attname, name in _FK.items()})
    row.update(publicity_until=values.get("publicity_until"), source=source, source_actor=source_actor[:150],
               source_ref=source_ref)  # fmt: skip
    return row


def insert_records(
    rows: list[dict[str, Any]], persons: list[list[Any]], *, actor: Any, channel: str, reason: str,
    cause: str | None,
) -> list[int]:  # fmt: skip
    """Insert new records (``record_row``s) with their persons (one list per row) and their first
    history line, set-based, inside the caller's transaction; then announce their organizations
    once with ``cause`` (None: the caller announces). Returns the new ids in row order."""
    if connection.features.can_return_rows_from_bulk_insert:
        ids = insert_rows(CreditRecord, rows, returning=True)
    else:  # a backend that cannot read keys back from a multi-row insert
        ids = []
        for chunk in chunks(rows):
            ids.extend(r.pk for r in CreditRecord.objects.bulk_create([CreditRecord(**row) for row in chunk]))
    through = CreditRecord.persons.through
    insert_rows(
        through, [{"creditrecord_id": rid, "person_id": p.pk} for rid, ps in zip(ids, persons, strict=True) for p in ps]
    )  # fmt: skip
    user_id = getattr(staff_user_of(actor), "pk", None)
    label = actor_label(actor)[:150]
    insert_rows(
        RecordStateChange,
        [{"record_id": rid, "from_status": None, "to_status": RecordStatus.EFFECTIVE.value, "reason": reason,
          "actor_id": user_id, "actor_label": label, "channel": channel, "related_id": None} for rid in ids],
    )  # fmt: skip
    if cause is not None:
        announce({r["organization_id"] for r in rows}, cause=cause, actor=actor)
    return ids


__all__ = [
    "CHUNK",
    "RECORD_CONTENT",
    "chunks",
    "content_of",
    "existing_records",
    "first_hit",
    "insert_records",
    "insert_rows",
    "natural_keys",
    "record_row",
]
