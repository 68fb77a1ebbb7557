"""The red list (守信红名单): yearly publication and confirmation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from socredit.apps.audit.services import record_event
from socredit.apps.evaluation.models import CreditScore
from socredit.apps.lists.models import (
    RED,
    RED_GROUND,
    ListDecision,
    ListProposal,
)
from socredit.apps.lists.services.common import (
    active_entry,
    histories,
    list_records,
    profile_groups,
)
from socredit.apps.lists.services.daily import (
    red_standings,
)
from socredit.apps.lists.services.proposals import (
    confirm_proposal,
    open_proposal,
)
from socredit.common.clock import refuse_future, today
from socredit.common.errors import FieldErrors
from socredit.core.lists import (
    red_list_candidates,
)

# --- the red list --------------------------------------------------------------------------------


@transaction.atomic
def red_list_publication(actor: Any, year: int, *, as_of: dt.date | None = None,
                         channel: str = "cli") -> list[ListProposal]:  # fmt: skip
    """The yearly red-list run: a proposal for every organization meeting every criterion
    (``lists.red.*``) on ``as_of`` (31 December of ``year``, or today if earlier)."""
    day = as_of or min(dt.date(year, 12, 31), today())
    refuse_future(day, what=gettext("the date of the red list selection"))
    candidates = []
    versions = set()
    levels = dict(CreditScore.objects.values_list("organization_id", "level"))
    # each organization under the profile of its registering authority's region (its own red-list bar)
    for profile, params, group in profile_groups(sorted(levels), day):
        ids = [i for i in group if levels.get(i) == params.red_min_level]
        if not ids:
            continue
        versions.add(profile.version)
        records = list_records(ids, profile)
        candidates += red_list_candidates(
            red_standings(ids, day, records), records, day, params, histories(ids)
        )
    made = []
    for c in candidates:
        if active_entry(c.org_id, day, red=True) is not None or open_proposal(
            c.org_id, RED, RED_GROUND, None
        ):
            continue
        made.append(
            ListProposal.objects.create(
                organization_id=c.org_id,
                list=RED,
                ground=RED_GROUND,
                arose_on=day,
                needs_confirmation=True,
                notice_required=False,
                reason="；".join(c.reasons),
                note=f"{year}年度守信红名单候选",
            )  # fmt: skip
        )
    record_event(actor=actor, channel=channel, action="lists.red_publication", target_type="lists.listproposal",
                 summary=f"{year}年度守信红名单候选 {len(made)} 个",
                 data={"year": year, "as_of": day, "proposals": [p.pk for p in made], "policy": sorted(versions)})  # fmt: skip
    return made


def confirm_red(actor: Any, proposal: ListProposal, **kwargs: Any) -> ListDecision:
    """Publish a red-list candidate (the same decision as any listing)."""
    if proposal.list != RED:
        raise FieldErrors(__all__=gettext("Not a red list candidate"))
    return confirm_proposal(actor, proposal, **kwargs)
