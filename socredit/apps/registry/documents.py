"""Letterheads and document numbers of an authority (文头、文号): read by every app that issues documents."""

from __future__ import annotations

from django.db import transaction

from socredit.apps.registry.models import (
    Department,
    DocumentNumberPattern,
    DocumentSequence,
    Letterhead,
    fill_number_pattern,
)
from socredit.common.documents import Letterhead as PrintedLetterhead


def letterhead_of(department: Department | None, fallback_name: str = "") -> PrintedLetterhead | None:
    """The letterhead documents of ``department`` print (its name if none was set), or one with
    ``fallback_name`` alone for an authority that is not a department in the registry."""
    if department is not None:
        row = Letterhead.objects.filter(department=department).first()
        if row is not None:
            return PrintedLetterhead(row.name, row.address, row.postcode, row.phone, row.contact)
        return PrintedLetterhead(department.name)
    return PrintedLetterhead(fallback_name) if fallback_name else None


def _pattern(department: Department | None, doc_type: str) -> str | None:
    if department is None:
        return None
    return (
        DocumentNumberPattern.objects.filter(department=department, doc_type=doc_type)
        .values_list("pattern", flat=True)
        .first()
    )


def next_number(department: Department | None, doc_type: str, year: int) -> str:
    """The number the next document would get (shown to staff as a suggestion; nothing is taken)."""
    pattern = _pattern(department, doc_type)
    if pattern is None:
        return ""
    last = (
        DocumentSequence.objects.filter(department=department, doc_type=doc_type, year=year)
        .values_list("last", flat=True)
        .first()
    )
    return fill_number_pattern(pattern, year, (last or 0) + 1)


def allocate_number(department: Department | None, doc_type: str, year: int) -> str:
    """Take the next number of the department's pattern for ``doc_type`` in ``year``, in the caller's
    transaction (the sequence row stays locked until the decision commits, so two decisions never get
    the same number and a rolled-back decision gives its number back). Empty when no pattern is set."""
    pattern = _pattern(department, doc_type)
    if pattern is None:
        return ""
    with transaction.atomic():
        seq, _ = DocumentSequence.objects.select_for_update().get_or_create(
            department=department, doc_type=doc_type, year=year
        )
        seq.last += 1
        seq.save(update_fields=["last"])
        return fill_number_pattern(pattern, year, seq.last)
