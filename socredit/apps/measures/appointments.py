"""任职审查中的联合奖惩措施 — the measures a registrar is offered when a person is about to take a post.

The bans app's registration screening (``bans.screening``) asks, for each person screened at
registration or at a change of legal representative or responsible person, which measures of the
catalogue's scenario "registration of a new organization or change of responsible person" apply to
the person on the day: this module answers it from the same status a credit check reads (bans in
force, serious listings as a responsible person, domain blacklists), each measure one sentence with
its implementing department and legal basis, mandatory first. Registered from ``MeasuresConfig.ready``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from socredit.apps.measures import catalogues, statuses
from socredit.core.measures.evaluate import applicable_measures

SCENARIO = "registration"
"""The catalogue's scenario for a new organization's registration and a change of responsible person."""


def appointment_measures(id_number: str, day: dt.date, bans: list[Any]) -> list[str]:
    """The measures of ``SCENARIO`` that apply to the person with ``id_number`` on ``day``, in words.

    The person's serious listings are read in every region: a joint punishment binds wherever the
    person is appointed, as the bans do (``bans`` is what the screening already read; the status reads
    them again with the listings and blacklists, in the same few queries)."""
    try:
        catalogue = catalogues.catalogue_on(day)
    except catalogues.NoCatalogue:
        return []
    row = statuses.person_statuses([id_number], day, "").get(id_number)
    if row is None:
        return []
    language = get_language() or "zh-hans"
    found = []
    for applied in applicable_measures(row.status, SCENARIO, catalogue, day):
        m = applied.measure
        force = _("mandatory") if m.mandatory else _("recommended")
        found.append(
            _("%(text)s (%(force)s; by %(department)s; basis: %(basis)s)")
            % {
                "text": m.text_in(language),
                "force": force,
                "department": m.department_in(language),
                "basis": m.citations,
            }  # fmt: skip
        )
    return found
