"""行政区划选择 — a region named the way staff name it: by its code (410105), its name (金水区), part
of it (金水) or with the names above it (郑州市金水区), among the regions of the user's own tree.

Used by the organization list's region filter (and the API's) and by the region picker's suggestions
(`registry:region_suggest`). Regions are public reference data (GB/T 2260): no access check is
needed to read them, only the user's tree narrows the suggestions and the names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import F, Q, Value
from django.db.models.functions import StrIndex
from django.utils.translation import gettext as _

from socredit.apps.registry.models import Region
from socredit.core.types import RegionLevel

_CODE = re.compile(r"(?<!\d)(\d{6})(?!\d)")
SUGGESTIONS = 12
"""At most this many regions are suggested at once (the best first)."""
MAX_TEXT = 64
"""Longer than any region's name with its province and city."""


@dataclass(frozen=True)
class RegionChoice:
    code: str
    name: str
    full_name: str
    """The name with those above it below the nation, e.g. 河南省郑州市金水区."""

    @property
    def label(self) -> str:
        """What the picker writes into the box: the full name and the code (the code decides)."""
        return f"{self.full_name}（{self.code}）"


def _clean(text: str) -> str:
    return re.sub(r"\s+", "", text or "")[:MAX_TEXT]


def _in_scope(scope_path: str | None):
    regions = Region.objects.filter(active=True).exclude(
        level=RegionLevel.STREET.value
    )  # a code no longer in use is still found by its code
    return regions.filter(path__startswith=scope_path) if scope_path else regions


def _choices(regions: list[Region]) -> list[RegionChoice]:
    """Each region with its full name (one query for the names above them all)."""
    above = {code for r in regions for code in r.path.strip("/").split("/")[:-1]}
    names = dict(
        Region.objects.filter(code__in=above, level__gt=RegionLevel.NATIONAL.value).values_list(
            "code", "name"
        )
    )
    out = []
    for r in regions:
        chain = [names.get(c, "") for c in r.path.strip("/").split("/")[:-1]]
        out.append(RegionChoice(r.code, r.name, "".join(chain) + r.name if r.level else r.name))
    return out


def _candidates(text: str, scope_path: str | None) -> list[RegionChoice]:
    """The regions of the tree whose full name holds ``text`` (cleaned), best first: named exactly,
    then whose own name begins with it, then the rest; by level (higher first), then code."""
    if not text:
        return []
    # a name that holds the text (金水 → 金水区), or that the text holds (郑州市金水区 → 金水区)
    rows = list(
        _in_scope(scope_path)
        .alias(in_text=StrIndex(Value(text), F("name")))
        .filter(Q(name__contains=text) | Q(in_text__gt=0))
        .only("code", "name", "path", "level")[:500]
    )
    levels = {r.code: r.level for r in rows}
    found = [c for c in _choices(rows) if text in c.full_name]

    def rank(c: RegionChoice) -> tuple[int, int, str]:
        return (0 if _names_exactly(c, text) else 1 if c.name.startswith(text) else 2, levels[c.code], c.code)

    return sorted(found, key=rank)


def _names_exactly(choice: RegionChoice, text: str) -> bool:
    """``text`` is the region's name, alone or after (some of) the names above it."""
    return choice.name == text or (choice.full_name.endswith(text) and text.endswith(choice.name))


def suggest_regions(text: str, scope_path: str | None, limit: int = SUGGESTIONS) -> list[RegionChoice]:
    """Regions of the user's tree for what was typed so far (a code prefix or part of a name)."""
    text = _clean(text)
    if text.isdigit():
        regions = list(_in_scope(scope_path).filter(code__startswith=text).order_by("code")[:limit])
        return _choices(regions)
    return _candidates(text, scope_path)[:limit]


def resolve_region(text: str, scope_path: str | None) -> Region:
    """The one region ``text`` names (see the module docstring); ValidationError saying why not:
    unknown, or several regions (named, so the user can pick one)."""
    text = _clean(text)
    code = _CODE.search(text)
    if code:
        region = Region.objects.filter(code=code.group(1)).first()
        if region is None:
            raise ValidationError(_("No region has the code %(code)s.") % {"code": code.group(1)})
        return region
    found = _candidates(text, scope_path)
    exact = [c for c in found if _names_exactly(c, text)]
    if len(exact) == 1 or len(found) == 1:
        return Region.objects.get(code=(exact or found)[0].code)
    if not found:
        raise ValidationError(_("No region in your area is named “%(name)s”.") % {"name": text})
    shown = "、".join(c.full_name for c in found[:5])
    raise ValidationError(
        _("Several regions match “%(name)s”: %(regions)s. Pick one from the suggestions or enter its code.")
        % {"name": text, "regions": shown + ("…" if len(found) > 5 else "")}
    )


def region_ids_under(path: str) -> list[int]:
    """The ids of the region with this path and of every region below it (a few hundred at most).

    Organizations are scoped as ``region_id IN (these)`` rather than by the region's path through a
    join: the database then reads the organizations of those regions from the index on their region
    (and sorts the few) instead of walking the name index and joining each row to its region."""
    return list(Region.objects.filter(path__startswith=path).order_by().values_list("pk", flat=True))


def whole_country(path: str) -> bool:
    """The path holds every region: "" or the path of the only region at the top (the nation)."""
    if not path:
        return True
    return path.count("/") == 2 and not Region.objects.filter(parent__isnull=True).exclude(path=path).exists()
