"""The only ways to read the register of bans on persons (从业禁止、任职限制).

Two doors:

- ``bans_in_force(id_numbers, as_of)``: what binds each person on a day, for the credit checks and the
  person screening. Set-based (two queries per ``ID_CHUNK`` numbers), keyed by the normalised ID number
  the caller sent, each ban as a ``BanView`` in words: no database id, no ID number inside. A ban
  binds wherever the person is appointed, so this door is not region-scoped: callers decide who may
  ask about a person (a department's check, a registrar's screening).
- ``access_bans`` / ``access_ban``: the register's rows for staff and department tokens within their
  region (the deciding authority's region), like every other non-public row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import get_language

from socredit.apps.bans.models import Ban, BanSource, BanState
from socredit.apps.registry.models import Person
from socredit.common.access import get_or_404, restrict
from socredit.common.choices import label_for
from socredit.core import bans as rules
from socredit.core.bans import BanKind

ID_CHUNK = 10_000
"""ID numbers per chunk (two queries each: the persons, then their bans): a check of 10,000 persons
is two queries, below SQLite's 32,766 variables and PostgreSQL's limits."""

BINDING_STATES = (BanState.IN_FORCE.value, BanState.LIFTED.value)
"""States in which a ban binds on some days (a lifted one up to the day before it was lifted)."""


@dataclass(frozen=True)
class BanView:
    """One ban in force, as a check or a screening shows it (in the reader's language where the
    ground is one the platform knows; otherwise in the decision's own words)."""

    kind: str
    """``employment_ban`` (从业禁止) or ``post_restriction`` (任职限制)."""
    kind_label: str
    ground: str
    authority: str
    document_number: str
    decided_on: dt.date
    start_on: dt.date
    until: dt.date | None
    """The last day it binds; None: until lifted."""
    scope: str
    """The posts or sector barred, and where (``scope_region``)."""
    scope_region: str
    legal_basis: str
    source: str


_SEPARATORS = str.maketrans("", "", " -\u3000")


def normalise_id_number(raw: Any) -> str | None:
    """The 18-character form of an ID number (spaces and dashes dropped, ``x`` upper-cased), or None
    if it cannot be one. The check digit is not verified here: callers report bad numbers themselves.
    (Plain ``str`` methods: python-stdnum's ``clean`` costs 0.15 ms a number, most of a 10,000-person check.)"""
    number = str(raw or "").translate(_SEPARATORS).upper()
    return number if len(number) == 18 and number[:17].isdigit() and number[17] in "0123456789X" else None


def _texts(code: str, ground: str, basis: str, scope: str, language: str | None) -> tuple[str, str, str]:
    rule = rules.GROUNDS_BY_CODE.get(code, rules.OTHER)
    if rule is rules.OTHER or (language or "").startswith("zh") or not rule.title_en:
        return ground, basis, scope
    return rule.title(language), rule.basis(language) if rule.basis_zh else basis, rule.scope(language)


def texts(ban: Ban, language: str | None = None) -> tuple[str, str, str]:
    """(ground, legal basis, scope) in the reader's language for a ground the platform knows, else as
    the decision states them."""
    return _texts(ban.ground, ban.ground_text, ban.legal_basis, ban.scope, language or get_language())


VIEW_FIELDS = ("kind", "ground", "ground_text", "legal_basis", "scope", "authority_name", "document_number",
               "decided_on", "start_on", "until", "source", "scope_region__name")  # fmt: skip
"""The columns a ``BanView`` is made of, read as tuples (no model instances on the check's path)."""


def _view(row: tuple[Any, ...], language: str | None) -> BanView:
    kind, code, ground, basis, scope, authority, number, decided_on, start_on, until, source, region = row
    ground, basis, scope = _texts(code, ground, basis, scope, language)
    return BanView(
        kind=kind, kind_label=label_for(BanKind, kind), ground=ground, authority=authority, document_number=number,
        decided_on=decided_on, start_on=start_on, until=until, scope=scope, scope_region=region or "",
        legal_basis=basis, source=str(BanSource(source).label) if source in BanSource.values else source,
    )  # fmt: skip


def view_of(ban: Ban) -> BanView:
    """One register row as a ``BanView``."""
    region = ban.scope_region.name if ban.scope_region_id else ""
    return _view((*(getattr(ban, f) for f in VIEW_FIELDS[:-1]), region), get_language())


def binding_on(day: dt.date) -> Q:
    """Bans that bind on ``day``: confirmed, begun, not run out, not yet lifted."""
    return (
        Q(state__in=BINDING_STATES, start_on__lte=day)
        & (Q(until__isnull=True) | Q(until__gte=day))
        & (Q(lifted_on__isnull=True) | Q(lifted_on__gt=day))
    )


def bans_in_force(id_numbers: Iterable[str], as_of: dt.date) -> dict[str, list[BanView]]:
    """The bans binding each person on ``as_of``, keyed by the normalised 18-character ID number.

    Only persons with at least one ban in force are keys (``.get(number, [])`` for the others); a
    number that cannot be an ID number matches nobody. Newest first. Two queries per ``ID_CHUNK``
    distinct numbers."""
    numbers = sorted({n for n in (normalise_id_number(x) for x in id_numbers) if n})
    language = get_language()
    found: dict[str, list[BanView]] = {}
    for i in range(0, len(numbers), ID_CHUNK):
        # persons first (the unique ID-number index), then their bans by person id (the person index):
        # given the join, SQLite's planner walks every ban in force instead (50,000 at national scale)
        persons = dict(
            Person.objects.filter(id_number__in=numbers[i : i + ID_CHUNK])
            .order_by()
            .values_list("pk", "id_number")
        )
        if not persons:
            continue
        rows = (
            Ban.objects.filter(binding_on(as_of), person_id__in=list(persons))
            .order_by("person_id", "-start_on", "-id")
            .values_list("person_id", *VIEW_FIELDS)
        )
        for person_id, *row in rows:
            found.setdefault(persons[person_id], []).append(_view(tuple(row), language))
    return found


def _base() -> QuerySet[Ban]:
    return Ban.objects.select_related("person", "region", "scope_region", "organization", "source_department")


def access_bans(principal: Any) -> QuerySet[Ban]:
    """The register's rows decided within the principal's region (none without a region)."""
    return restrict(_base(), principal, "region__path")


def access_ban(principal: Any, pk: Any) -> Ban:
    """One ban, or the same 404 whether missing or outside the region."""
    return get_or_404(access_bans(principal), pk=pk)


def person_bans(principal: Any, person: Any) -> QuerySet[Ban]:
    """A person's bans within the principal's region, newest first (the person's page)."""
    return access_bans(principal).filter(person=person)


__all__ = [
    "BanView",
    "access_ban",
    "access_bans",
    "bans_in_force",
    "binding_on",
    "normalise_id_number",
    "person_bans",
    "view_of",
]
