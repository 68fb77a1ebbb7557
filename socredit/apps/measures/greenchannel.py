"""Green channel and 容缺受理 (seed 004 §四(三)) for one organization: what the organization page
shows and what the commitments app's 容缺受理 asks before an organization signs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext

from socredit.apps.commitments.eligibility import ToleranceEligibility
from socredit.apps.measures import statuses


def green_channel_of(organization: Any, day: dt.date) -> dict[str, Any]:
    """The organization's green-channel standing on ``day``: the profile's rule, its clean years, and
    whether it qualifies (``applies`` is false where the profile states no green channel)."""
    found = statuses.organizations_in_scope([organization.code], "")
    rule = statuses.green_channel_rules(found.values(), day)[organization.pk]
    status = statuses.organization_statuses(found, day)[organization.code].status
    return {
        "applies": rule.enabled and rule.clean_years is not None, "required_years": rule.clean_years,
        "clean_years": status.clean_years, "eligible": status.green_channel, "listed": bool(status.lists),
    }  # fmt: skip


def tolerance_eligibility(organization: Any, day: dt.date) -> ToleranceEligibility:
    """Registered with the commitments app: 容缺受理 is for the organizations of the green channel."""
    g = green_channel_of(organization, day)
    if not g["applies"]:
        return ToleranceEligibility(applies=False, eligible=True)
    if g["eligible"]:
        return ToleranceEligibility(applies=True, eligible=True)
    if g["listed"]:
        reason = gettext("The organization is on the abnormal-activity list or the serious list")
    else:
        reason = gettext(
            "The organization has %(years)s full years without a negative credit record; the green channel "
            "needs %(required)s"
        ) % {"years": g["clean_years"], "required": g["required_years"]}
    return ToleranceEligibility(applies=True, eligible=False, reason=reason)
