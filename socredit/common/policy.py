"""The policy profile in force: the core's profile library plus the deployment's locality setting."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from socredit.core.policy import PolicyProfile, profile_for, shipped_profiles


def policy_profile(day: dt.date) -> PolicyProfile:
    """The policy profile in force on ``day`` for ``SOCREDIT_POLICY_LOCALITY`` (national before the
    locality's first profile; the oldest national one before any)."""
    locality = getattr(settings, "SOCREDIT_POLICY_LOCALITY", "national") or "national"
    for name in (locality, "national"):
        try:
            return profile_for(day, name)
        except KeyError:
            continue
    national = sorted(
        (m for m in shipped_profiles().versions() if m.version.startswith("national-")),
        key=lambda m: m.effective_from,
    )
    return shipped_profiles().get(national[0].version)
