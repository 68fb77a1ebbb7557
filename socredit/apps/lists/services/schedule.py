"""The daily run's list of organizations to read (日常运行待办, ``ListRunDue``): marked by every change
of a fact the lists read, in the change's own transaction, and rescheduled by the run itself."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from socredit.apps.evaluation import storage
from socredit.apps.lists.models import ListRunDue


def mark_changed(org_ids: Iterable[int]) -> None:
    """Mark organizations whose facts changed: the next daily run reads them, whatever its day."""
    ids = sorted({int(i) for i in org_ids if i is not None})
    for i in range(0, len(ids), storage.IN_CLAUSE):
        ListRunDue.objects.bulk_create(
            [
                ListRunDue(organization_id=o, due_on=ListRunDue.CHANGED)
                for o in ids[i : i + storage.IN_CLAUSE]
            ],
            update_conflicts=True,
            unique_fields=["organization"],
            update_fields=["due_on"],
        )


def schedule(due: dict[int, dt.date | None]) -> None:
    """After a run read these organizations: the next day each must be read again (None: only on a
    new fact — the row goes)."""
    later = {o: d for o, d in due.items() if d is not None}
    gone = sorted(o for o, d in due.items() if d is None)
    for i in range(0, len(gone), storage.IN_CLAUSE):
        ListRunDue.objects.filter(organization_id__in=gone[i : i + storage.IN_CLAUSE]).delete()
    rows = [ListRunDue(organization_id=o, due_on=d) for o, d in sorted(later.items())]
    for i in range(0, len(rows), storage.IN_CLAUSE):
        ListRunDue.objects.bulk_create(
            rows[i : i + storage.IN_CLAUSE], update_conflicts=True, unique_fields=["organization"],
            update_fields=["due_on"],
        )  # fmt: skip


def due_ids(day: dt.date) -> list[int]:
    """The organizations the run on ``day`` must read (changed, or due on or before it)."""
    return sorted(ListRunDue.objects.filter(due_on__lte=day).values_list("organization_id", flat=True))


def on_records_changed(sender: Any, *, organization_ids: set[int], **_: Any) -> None:
    mark_changed(organization_ids)


def department_organizations(dept_id: int, name: str) -> list[int]:
    """The organizations a department's region decides for: those with a record it gave and those it
    registered (``registration_authority``, its name): their authority's profile may follow it."""
    from socredit.apps.records.models import CreditRecord
    from socredit.apps.registry.models import Organization

    given = CreditRecord.objects.filter(department_id=dept_id).values_list("organization_id", flat=True)
    registered = Organization.objects.filter(registration_authority=name).values_list("pk", flat=True)
    return sorted(set(given.distinct()) | set(registered))


def on_department_saving(sender: Any, *, instance: Any, raw: bool = False, **_: Any) -> None:
    """pre_save of a department: remember the region (and name) it had, for ``on_department_saved``."""
    if raw or instance.pk is None:
        return
    instance._lists_before = (
        type(instance).objects.filter(pk=instance.pk).values_list("region_id", "name").first()
    )


def on_department_saved(
    sender: Any, *, instance: Any, created: bool = False, raw: bool = False, **_: Any
) -> None:
    """post_save of a department: when its region changed, the next daily run reads again every
    organization whose records it gave or that it registered (another region may apply another
    policy profile to them)."""
    before = getattr(instance, "_lists_before", None)
    instance._lists_before = None
    if raw or created or before is None or before[0] == instance.region_id:
        return
    mark_changed(
        department_organizations(instance.pk, before[1])
        + department_organizations(instance.pk, instance.name)
    )


def on_row_saved(sender: Any, *, instance: Any, **_: Any) -> None:
    """post_save of a list entry, decision or proposal (its organization) or of an organization."""
    mark_changed([getattr(instance, "organization_id", None) or instance.pk])
