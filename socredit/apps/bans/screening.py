"""任职审查 — what the bans tell the registration when a person is about to take a post.

Registered as the registry's person screener ``bans`` (``registry.hooks``), next to the lists' one
(serious-list listings in the retention period, and the posts held elsewhere by a listed person):

- every ban in force on the day, with its kind, scope, ground, deciding decision, period and legal
  basis (``ban_findings``). Bans are read across regions: a ban binds wherever the person is
  appointed, and what a finding shows is what a department's credit check shows anyway;
- the posts the banned person holds on the day elsewhere, within the registrar's region, when the
  lists' screener does not already report them (it does for a listed person);
- the measures of the scenario "change of responsible person" (变更负责人), from the measures
  catalogue: ``APPOINTMENT_MEASURES`` is the one integration point. The measures app registers a
  provider with ``register_appointment_measures``; until it does, none are shown.

Findings are warnings the registrar confirms (the registry keeps them in the audit event): whether a
ban's scope covers the post at hand (a charitable organization, a foundation's chair…) is the
registrar's reading of the decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from socredit.apps.bans.access import BanView, bans_in_force, normalise_id_number
from socredit.apps.registry.hooks import Finding

APPOINTMENT_SCENARIO = "responsible_person_change"
"""The scenario (业务事项) of the measures catalogue a screening offers: registration of a new
organization's legal representative or a change of responsible person (变更负责人)."""

AppointmentMeasures = Callable[[str, dt.date, list[BanView]], list[str]]
"""(normalised ID number, day, the person's bans in force — possibly none) → the measures of
``APPOINTMENT_SCENARIO`` that apply to the person, each one sentence in the active language with its
legal basis, mandatory first; [] when none applies."""

APPOINTMENT_MEASURES: dict[str, AppointmentMeasures] = {}
"""The integration point for the measures catalogue (filled by ``register_appointment_measures``)."""


def register_appointment_measures(name: str, provider: AppointmentMeasures) -> None:
    APPOINTMENT_MEASURES[name] = provider


def _day(d: dt.date | None) -> str:
    return date_format(d, "DATE_FORMAT") if d is not None else ""


def ban_sentence(ban: BanView) -> str:
    """One ban in words: kind and scope, ground, decision, period and legal basis."""
    until = (_("until %(date)s") % {"date": _day(ban.until)}) if ban.until else _("until lifted")
    where = (_(" (in %(region)s)") % {"region": ban.scope_region}) if ban.scope_region else ""
    return _(
        "%(kind)s in force: %(scope)s%(where)s. Ground: %(ground)s. Decided by %(authority)s "
        "(%(number)s, %(decided)s); from %(start)s %(until)s. Legal basis: %(basis)s."
    ) % {
        "kind": ban.kind_label, "scope": ban.scope.rstrip("。."), "where": where, "ground": ban.ground.rstrip("。."),
        "authority": ban.authority, "number": ban.document_number, "decided": _day(ban.decided_on),
        "start": _day(ban.start_on), "until": until, "basis": ban.legal_basis or "—",
    }  # fmt: skip


def ban_findings(id_number: str, day: dt.date) -> list[BanView]:
    number = normalise_id_number(id_number)
    return bans_in_force([number], day).get(number, []) if number else []


def _posts_elsewhere(number: str, principal: Any, day: dt.date) -> list[Finding]:
    # the lists' screener reports a listed person's posts already
    from socredit.apps.lists import screening as list_screening
    from socredit.apps.lists.presentation import post_label
    from socredit.apps.registry.models import Person

    if list_screening.screen_person(number, day, principal=principal).listings:
        return []
    person = Person.objects.filter(id_number=number).first()
    if person is None:
        return []
    return [
        Finding(_("This person, under a ban in force, now holds the post of %(post)s at %(organization)s.")
                % {"post": post_label(role.kind), "organization": role.organization.name})
        for role in list_screening.posts_on(person, day, principal)
    ]  # fmt: skip


def screen_for_registration(id_number: str, principal: Any, day: dt.date) -> list[Finding]:
    """The registry's screener: bans in force, the banned person's posts elsewhere, and the measures
    of the appointment scenario."""
    number = normalise_id_number(id_number)
    if number is None:
        return []
    bans = ban_findings(number, day)
    found = [Finding(ban_sentence(b)) for b in bans]
    if bans:
        found += _posts_elsewhere(number, principal, day)
    # the measures are asked even without a ban: a listing or another condition may call for one
    for provider in APPOINTMENT_MEASURES.values():
        found += [Finding(_("Measure: %(measure)s") % {"measure": m}) for m in provider(number, day, bans)]
    return found


__all__ = [
    "APPOINTMENT_MEASURES",
    "APPOINTMENT_SCENARIO",
    "ban_findings",
    "ban_sentence",
    "register_appointment_measures",
    "screen_for_registration",
]
