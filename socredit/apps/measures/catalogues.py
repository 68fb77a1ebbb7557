"""Which measures catalogue applies on a day: the shipped versions plus the administrators' versions
(``CatalogueVersion`` rows), checked by the same loader with the line of any mistake."""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Max

from socredit.apps.measures.models import CatalogueVersion
from socredit.core.config import Library
from socredit.core.measures.catalogue import MeasureCatalogue, catalogue_library

_cached: tuple[tuple[object, ...], Library[MeasureCatalogue]] | None = None


def library() -> Library[MeasureCatalogue]:
    """Shipped and stored versions (rebuilt when a version is saved; cached per process otherwise)."""
    global _cached
    agg = CatalogueVersion.objects.aggregate(n=Count("id"), last=Max("id"))
    key = (agg["n"], agg["last"])
    if _cached is None or _cached[0] != key:
        lib = catalogue_library()
        for row in CatalogueVersion.objects.order_by("effective_from", "id"):
            lib.add_text(row.text, source=f"catalogue:{row.version}")
        _cached = (key, lib)
    return _cached[1]


class NoCatalogue(LookupError):
    """No catalogue is in force on the day asked."""


def catalogue_on(day: dt.date) -> MeasureCatalogue:
    try:
        return library().for_date(day)
    except KeyError:
        raise NoCatalogue(day) from None


def check_text(text: str, source: str = "upload") -> MeasureCatalogue:
    """Parse and check a catalogue text without saving it (ConfigError with the line if wrong)."""
    return library().check_text(text, source=source)
