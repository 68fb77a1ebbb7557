"""The policy profile in force for a decision: chosen by the date and the deciding authority's region.

``policy_profile(day, region)`` is the one door the apps use. ``region`` is the region of the
authority concerned (the registering authority of the organization, the authority receiving an
objection): a ``Region``, its GB/T 2260 code or its path. The nearest locality governing that region
or a region above it applies, combined with the national profile in force on the same day
(``socredit.core.policy_select``). A date for which that locality, or the national line beneath it,
has no profile raises ``NoProfile`` naming the locality and the date: no silent fallback.

``region=None`` is for callers that decide for no particular authority (a national page, a run over
the whole country): the profile of ``SOCREDIT_POLICY_DEFAULT_REGION`` (a region code; default the
national level, 100000).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings

from socredit.core.policy import PolicyProfile
from socredit.core.policy_select import NoProfile, profile_in_force

__all__ = ["NoProfile", "policy_profile", "region_key"]


def region_key(region: Any) -> str | None:
    """The region as the core selection reads it: a Region's path, a code or path string, or None."""
    if region is None:
        return None
    path = getattr(region, "path", None)
    if isinstance(path, str) and path:
        return path
    code = getattr(region, "code", region)
    if not isinstance(code, str) or not code.strip():
        raise ValueError(f"无法识别的行政区划：{region!r}")
    return code.strip()


def policy_profile(day: dt.date, region: Any = None) -> PolicyProfile:
    """The profile in force on ``day`` for an authority of ``region`` (Region, code, path or None)."""
    key = region_key(region)
    if key is None:
        key = getattr(settings, "SOCREDIT_POLICY_DEFAULT_REGION", None) or None
    return profile_in_force(day, key)


def masked_id_number(number: str, region: Any = None, day: dt.date | None = None) -> str:
    """``number`` masked as the profile in force (today, for ``region``) says:
    ``persons.id_mask_keep_first`` leading and ``persons.id_mask_keep_last`` trailing characters."""
    from socredit.common.clock import today
    from socredit.core.codes import mask_id_number

    profile = policy_profile(day or today(), region)
    return mask_id_number(
        number,
        profile.int_value("persons.id_mask_keep_first"),
        profile.int_value("persons.id_mask_keep_last"),
    )
