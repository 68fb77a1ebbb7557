"""乡镇、街道 (streets and towns): loading the published list and adding one where the list lags.

Streets sit below their county (``RegionLevel.STREET``, 9-digit codes). Nobody registers an
organization in a street; an organization may name the street of its address
(``Organization.street``) and a street account (乡镇/街道) sees the organizations of its street
(``common.access.restrict``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from socredit.apps.audit.services import record_event
from socredit.apps.registry.models import Region
from socredit.common.errors import FieldErrors
from socredit.core.regions import RegionEntry
from socredit.core.types import RegionLevel


@dataclass
class StreetLoad:
    created: int = 0
    renamed: int = 0
    unchanged: int = 0
    skipped: int = 0
    """Streets whose county is not among the regions (a county code the GB/T 2260 list lacks)."""


@transaction.atomic
def load_streets(entries: Iterable[RegionEntry], *, actor: Any = None, channel: str = "system") -> StreetLoad:
    """Create or rename streets from ``entries`` below their counties; idempotent (one audit event)."""
    out = StreetLoad()
    counties = {r.code: r for r in Region.objects.filter(level=RegionLevel.DISTRICT.value)}
    existing = {r.code: r for r in Region.objects.filter(level=RegionLevel.STREET.value)}
    new: list[Region] = []
    for e in entries:
        county = counties.get(e.parent_code or "")
        if county is None:
            out.skipped += 1
            continue
        current = existing.get(e.code)
        if current is None:
            new.append(Region(code=e.code, name=e.name, level=RegionLevel.STREET.value, parent=county,
                              path=f"{county.path}{e.code}/", active=e.active))  # fmt: skip
            existing[e.code] = new[-1]
        elif current.pk is not None and current.name != e.name:
            current.name = e.name
            current.save(update_fields=["name"])
            out.renamed += 1
        else:
            out.unchanged += 1
    Region.objects.bulk_create(new, batch_size=2000)  # path is set above: bulk_create skips save()
    out.created = len(new)
    if out.created or out.renamed:
        record_event(actor=actor, channel=channel, action="region.streets", target_type="registry.region",
                     summary=f"载入乡镇、街道：新增 {out.created}，更名 {out.renamed}，未找到所属县级区划 {out.skipped}",
                     data={"created": out.created, "renamed": out.renamed, "skipped": out.skipped})  # fmt: skip
    return out


@transaction.atomic
def add_street(*, actor: Any, channel: str, code: str, name: str, county: str) -> Region:
    """One 乡镇/街道 the published list lacks (a new street, a renamed one): audited."""
    code, name, county = (code or "").strip(), (name or "").strip(), (county or "").strip()
    if len(code) == 12 and code.isdigit() and code.endswith("000"):
        code = code[:9]  # the 12-digit 统计用区划代码 of a township or street: its first 9 digits
    errors = FieldErrors()
    parent = Region.objects.filter(code=county, level=RegionLevel.DISTRICT.value).first()
    if parent is None:
        errors.add("county", gettext("Enter the code of a county-level region"))
    if not (len(code) == 9 and code.isdigit()):
        errors.add("code", gettext("A township or street code has 9 digits (or 12 ending in 000)"))
    elif parent is not None and not code.startswith(parent.code):
        errors.add(
            "code", gettext("The code must begin with the county's code %(county)s") % {"county": parent.code}
        )
    elif Region.objects.filter(code=code).exists():
        errors.add("code", gettext("This code is already a region"))
    if not name or len(name) > 64:
        errors.add("name", gettext("Enter a name of at most 64 characters"))
    errors.raise_if_any()
    assert parent is not None
    region = Region.objects.create(code=code, name=name, level=RegionLevel.STREET.value, parent=parent)
    record_event(actor=actor, channel=channel, action="region.street_add", target=region,
                 summary=f"新增乡镇、街道：{parent.name}{name}（{code}）")  # fmt: skip
    return region
