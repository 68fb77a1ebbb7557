"""Finding dormant organizations: the one definition (``core.dormancy.select_dormant``) read by
``riskwarnings.dormant.find_dormant`` — the same reads and parameters the warning rule ``dormant``
uses, so that the clean-up and the warnings always name the same organizations.

Who has filed no annual report in the window (the last ``report_years`` report years whose due date
has passed for the organization, from the deadline run's obligations), shown no activity within
``inactive_months`` and (where the profile asks) cannot be reached at its registered address.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from socredit.apps.riskwarnings.dormant import Profiles, find_dormant

__all__ = ["Candidate", "Profiles", "candidates"]


@dataclass
class Candidate:
    org: int
    code: str
    path: str
    version: str
    missing_years: list[int]
    last_activity_on: dt.date | None = None
    unreachable_on: dt.date | None = None
    unreachable_source: str = ""


def candidates(as_of: dt.date, exclude: set[int] | None = None) -> list[Candidate]:
    """Every dormant organization on ``as_of`` (but those in ``exclude``), in code order."""
    frame = find_dormant(as_of, exclude)
    return [
        Candidate(org, code, path, version, list(years), last, reach, source or "")
        for org, code, path, version, years, last, reach, source in frame.iter_rows()
    ]
