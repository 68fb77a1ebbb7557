"""What the list pages show about a ground, a post or an ID number, without reaching into the
services' private helpers: the legal basis of a ground as a decision on ``day`` would cite it, the
grounds staff raise by hand, the Chinese label of a post and the ID number as the viewer may see it.
"""

from __future__ import annotations

import datetime as dt

from socredit.apps.lists import services
from socredit.core.lists.grounds import GROUNDS, Ground
from socredit.core.types import RoleKind

MANUAL_GROUNDS: tuple[str, ...] = ("R1.6(2)", "R1.6(7)", "R1.12(2)", "R1.12(8)")
"""Grounds the records cannot decide: staff raise them by hand (``services.raise_proposal``)."""


def manual_grounds() -> list[Ground]:
    """The grounds a staff proposal may name, in rules.md order."""
    return [g for g in GROUNDS if g.code in MANUAL_GROUNDS]


def legal_basis(code: str, day: dt.date | None = None, region: object = None) -> str:
    """The legal basis a decision on ``code`` would cite, as the decision's document cites it (the
    regulation by title and number, the verified article, the situation) — never an item code or a
    parameter name (``day`` and ``region`` are kept for callers; the citation does not depend on the
    profile)."""
    # The one place the pages read the services' citation helper, so the text cannot drift.
    return services.ground_basis(code)


def post_label(code: str) -> str:
    """任职类型 in Chinese (``legal_rep`` → 法定代表人); the code itself if unknown."""
    try:
        return RoleKind.by_code(code).zh
    except ValueError:
        return code


__all__ = [
    "MANUAL_GROUNDS",
    "legal_basis",
    "manual_grounds",
    "post_label",
]
