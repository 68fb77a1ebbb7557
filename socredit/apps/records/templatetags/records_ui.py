"""Record fragments that registry pages embed: an organization's credit file, a person's records.

Registry sits below records in the app order and may not import it; its templates load these tags
instead (`{% load records_ui %}`), and the records app keeps the one way of reading its rows.
"""

from __future__ import annotations

from typing import Any

from django import template

from socredit.apps.records.access import access_records
from socredit.common.choices import label_of
from socredit.core.types import RecordCategory

register = template.Library()


def credit_file_groups(user: Any, organization: Any) -> list[dict[str, Any]]:
    """The organization's records (every version) grouped by category, in RecordCategory order.

    Each record gets `.superseded_by_version` (the version that corrected it, if any) from the same
    list, so that the timeline costs two queries however long it is.
    """
    records = list(access_records(user).filter(organization=organization).prefetch_related("persons"))
    by_supersedes = {r.supersedes_id: r for r in records if r.supersedes_id}
    groups: dict[str, list[Any]] = {}
    for r in records:
        r.superseded_by_version = by_supersedes.get(r.pk)
        groups.setdefault(r.kind.category, []).append(r)
    return [
        {"category": cat, "label": label_of(cat), "records": groups[cat.value]}
        for cat in RecordCategory
        if cat.value in groups
    ]


@register.inclusion_tag("records/partials/_credit_file.html", takes_context=True)
def credit_file(context: template.Context, organization: Any) -> dict[str, Any]:
    groups = credit_file_groups(context["request"].user, organization)
    return {"groups": groups, "record_count": sum(len(g["records"]) for g in groups)}


@register.inclusion_tag("records/partials/_person_records.html", takes_context=True)
def person_records(context: template.Context, person: Any) -> dict[str, Any]:
    user = context["request"].user
    return {"records": list(access_records(user).filter(persons=person, is_current=True))}
