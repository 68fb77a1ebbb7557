"""资金往来 — the import channel for transactions reported by finance and banking departments.

``record_transactions`` is the one writer, for the file import (``imports`` app, kind
``transactions``) and the API (``POST /finance/transactions``, scope ``finance:write``). Each row
is checked on its own (``core.riskwarnings.transactions.clean_transaction``: the organization within
the caller's region, the department, the reference, a day neither in the future nor before the
organization's registration, an amount above 0 and below a sane bound, a known direction); a bad
row gets its errors by field and never stops the good ones. By (department, reference): a
transaction already recorded with the same content is ``existing`` (nothing written: a second
sending is safe), one with other content is an error on the row (a department corrects its data at
the source, never by overwriting here). The valid rows are written in one transaction with one
audit event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from socredit.apps.audit.services import record_event
from socredit.apps.records.bulk import chunks
from socredit.apps.records.validation import RecordLookups
from socredit.apps.registry.models import Department
from socredit.apps.registry.validation import organization_not_found
from socredit.apps.riskwarnings.models import FinancialTransaction
from socredit.common.clock import today
from socredit.core.riskwarnings.transactions import FIELDS, clean_transaction, same

BATCH_MAX = 1000


@dataclass
class Checked:
    """The plan of a batch: rows to write, rows already recorded, errors by row index."""

    new: list[dict[str, Any]] = field(default_factory=list)
    existing: list[tuple[int, FinancialTransaction]] = field(default_factory=list)
    errors: dict[int, dict[str, list[str]]] = field(default_factory=dict)
    written: list[tuple[int, FinancialTransaction]] = field(default_factory=list)

    def add(self, index: int, name: str, message: str) -> None:
        self.errors.setdefault(index, {}).setdefault(name, []).append(message)


def check(
    rows: Sequence[tuple[int, dict[str, Any]]], *, lookups: RecordLookups, fixed_department: Department | None
) -> Checked:
    """Check rows ``(index, row)``: ``organization`` (统一社会信用代码), ``department`` (name or code;
    ignored when ``fixed_department`` — a token reports as its own department) and FIELDS."""
    day = today()
    out = Checked()
    seen: dict[tuple[int, str], int] = {}
    pending: list[tuple[int, dict[str, Any]]] = []
    lookups.prefetch_organizations(str(r.get("organization") or "") for _i, r in rows)
    for index, row in rows:
        code = str(row.get("organization") or "").strip().upper().replace(" ", "")
        org = lookups.organization(code) if code else None
        if not code:
            out.add(index, "organization", gettext("Enter the unified social credit code"))
        elif org is None:
            out.add(index, "organization", organization_not_found(code))
        dept = fixed_department
        if dept is None:
            name = str(row.get("department") or "").strip()
            dept = lookups.department(name) if name else None
            if dept is None:
                out.add(index, "department", gettext("Enter a known department (its name or code)") if name
                        else gettext("Enter the reporting department"))  # fmt: skip
        values, errors = clean_transaction(row, today=day, registered_on=org.registered_on if org else None)
        for name, message in errors.items():
            out.add(index, name, message)
        if index in out.errors or org is None or dept is None:
            continue
        key = (dept.pk, values["reference"])
        if key in seen:
            out.add(index, "reference", gettext("The reference repeats row %(row)s of the same department")
                    % {"row": seen[key]})  # fmt: skip
            continue
        seen[key] = index
        pending.append((index, {**values, "organization": org, "department": dept}))
    stored: dict[tuple[int, str], FinancialTransaction] = {}
    by_dept: dict[int, list[str]] = {}
    for dept_id, ref in seen:
        by_dept.setdefault(dept_id, []).append(ref)
    for dept_id, refs in by_dept.items():
        for part in chunks(refs):
            for t in FinancialTransaction.objects.filter(
                department_id=dept_id, reference__in=part
            ).select_related("organization", "department"):
                stored[(dept_id, t.reference)] = t
    for index, values in pending:
        old = stored.get((values["department"].pk, values["reference"]))
        if old is None:
            out.new.append({"index": index, **values})
        elif old.organization_id == values["organization"].pk and same(
            {k: getattr(old, k) for k in FIELDS}, values
        ):
            out.existing.append((index, old))
        else:
            out.add(index, "reference", gettext(
                "The department already reported a transaction under this reference with other content "
                "(recorded %(day)s); a transaction is corrected at its source, not overwritten"
            ) % {"day": f"{old.occurred_on:%Y-%m-%d}"})  # fmt: skip
    return out


@transaction.atomic
def write(*, actor: Any, channel: str, checked: Checked, batch: str) -> int:
    """Write the new rows of ``checked`` (all or nothing) with one audit event; how many."""
    made = FinancialTransaction.objects.bulk_create(
        FinancialTransaction(
            organization=v["organization"], department=v["department"], channel=channel, batch=batch[:100],
            **{k: v[k] for k in FIELDS},
        )
        for v in checked.new
    )  # fmt: skip
    checked.written = [(v["index"], t) for v, t in zip(checked.new, made, strict=True)]
    if made:
        departments = sorted({v["department"].name for v in checked.new})
        record_event(actor=actor, channel=channel, action="riskwarnings.transactions_import",
                     summary=f"导入资金往来 {len(made)} 笔（{'、'.join(departments)[:200]}；{batch[:60]}）",
                     data={"batch": batch, "count": len(made),
                           "references": [[v["department"].code, v["reference"]] for v in checked.new][:500]})  # fmt: skip
    return len(made)


def record_transactions(
    *,
    actor: Any,
    channel: str,
    items: list[dict[str, Any]],
    fixed_department: Department | None,
    batch: str = "",
) -> Checked:
    """Check and write a batch of API items (index = position); the result by item."""
    checked = check(list(enumerate(items)), lookups=RecordLookups(actor), fixed_department=fixed_department)
    write(actor=actor, channel=channel, checked=checked,
          batch=batch or f"接口 {timezone.localtime():%Y-%m-%d %H:%M:%S}")  # fmt: skip
    return checked
