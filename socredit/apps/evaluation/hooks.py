"""Where list memberships come from: the hook the list module plugs into.

The evaluation needs to know who is on the 严重违法失信名单 (→ D) and the 活动异常名录 (→ at most C)
on the evaluation date. The lists live in an app above this one, so this app keeps a registry of
membership sources: each is a function (lo, hi, ids) → frame in ``MEMBERSHIP_SCHEMA`` for the
organizations with lo <= id < hi (or exactly ``ids`` when given). The list app registers its
source in its AppConfig.ready(); with no source registered nobody is on any list.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl

from socredit.core.scoring.facts import MEMBERSHIP_SCHEMA, empty_memberships

MembershipSource = Callable[[int, int, "np.ndarray[Any, Any] | None"], pl.DataFrame]
_sources: dict[str, MembershipSource] = {}


def register_membership_source(name: str, source: MembershipSource) -> None:
    """Add (or replace) a source of list memberships."""
    _sources[name] = source


def unregister_membership_source(name: str) -> None:
    _sources.pop(name, None)


def memberships(lo: int, hi: int, ids: np.ndarray[Any, Any] | None = None) -> pl.DataFrame:
    """Memberships of organizations lo <= id < hi from every registered source."""
    found = [source(lo, hi, ids) for source in _sources.values()]
    # most organizations are on no list: skip the frame work for empty answers (the credit API per call)
    frames = [f.select(list(MEMBERSHIP_SCHEMA)).cast(MEMBERSHIP_SCHEMA) for f in found if f.height]
    return pl.concat(frames) if frames else empty_memberships()
