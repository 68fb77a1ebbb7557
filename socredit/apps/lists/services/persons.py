"""Person listings (失信惩戒落实到人, R1.19): the retention sweep."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from socredit.apps.audit.services import record_event
from socredit.apps.lists.models import (
    PersonListing,
)
from socredit.apps.lists.services.decisions import refuse_future_day
from socredit.common import policy
from socredit.common.clock import today

# --- persons -------------------------------------------------------------------------------------


@transaction.atomic
def retention_sweep(actor: Any = None, as_of: dt.date | None = None) -> int:
    """Person listings whose retention has ended leave public view and are erased (the person link
    and name removed; the decision stays). With ``persons.extend_until_list_removal`` a listing
    is kept while the organization is still on the serious list."""
    day = as_of or today()
    refuse_future_day(day, what="保留期清理日期")
    profile = policy.policy_profile(day)
    extend = bool(profile.get("persons.extend_until_list_removal", False))
    done = 0
    for pl_ in PersonListing.objects.filter(erased=False, retention_until__lt=day).select_related("entry"):
        if extend and (pl_.entry.left_on is None or pl_.entry.left_on > day):
            continue
        pl_.public = False
        pl_.erased = True
        pl_.erased_on = day
        pl_.person = None
        pl_.person_name = ""
        pl_.save(update_fields=["public", "erased", "erased_on", "person", "person_name"])
        done += 1
    if done:
        record_event(actor=actor, channel="system", action="lists.retention", target_type="lists.personlisting",
                     summary=f"个人失信记录保留期届满，删除 {done} 条", data={"as_of": day})  # fmt: skip
    return done
