"""Person listings (失信惩戒落实到人, R1.19): the retention sweep."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from socredit.apps.audit.services import record_event
from socredit.apps.lists.models import (
    PersonListing,
)
from socredit.apps.registry.services import authority_region_paths
from socredit.common import policy
from socredit.common.clock import refuse_future, today

# --- persons -------------------------------------------------------------------------------------


@transaction.atomic
def retention_sweep(actor: Any = None, as_of: dt.date | None = None) -> int:
    """Person listings whose retention has ended leave public view and screening, as the profile of
    the registering authority's region says (``persons.retention_end_action``, R7.1):

    - ``erase``: the person link and the name are removed (征信业管理条例第十六条: 删除);
    - ``archive``: the person link is removed and the listing is no longer public, but the name
      stays on the internal decision file (河南 第十九条: 档案保存).

    The decision itself stays either way. With ``persons.extend_until_list_removal`` a listing is
    kept while the organization is still on the serious list. Returns the number of listings ended."""
    day = as_of or today()
    refuse_future(day, what="保留期清理日期")
    due = list(
        PersonListing.objects.filter(erased=False, archived_on__isnull=True, retention_until__lt=day)
        .select_related("entry")
        .order_by("pk")
    )
    paths = authority_region_paths({pl_.organization_id for pl_ in due})
    counts = {"erase": 0, "archive": 0}
    versions: set[str] = set()
    for pl_ in due:
        profile = policy.policy_profile(day, paths.get(pl_.organization_id))
        if bool(profile.get("persons.extend_until_list_removal", False)) and (
            pl_.entry.left_on is None or pl_.entry.left_on > day
        ):
            continue
        action = profile.str_value("persons.retention_end_action")
        versions.add(profile.version)
        pl_.public = False
        pl_.person = None
        if action == "archive":
            pl_.archived_on = day
            pl_.save(update_fields=["public", "person", "archived_on"])
        else:
            pl_.erased = True
            pl_.erased_on = day
            pl_.person_name = ""
            pl_.save(update_fields=["public", "erased", "erased_on", "person", "person_name"])
        counts[action if action == "archive" else "erase"] += 1
    done = counts["erase"] + counts["archive"]
    if done:
        record_event(actor=actor, channel="system", action="lists.retention", target_type="lists.personlisting",
                     summary=f"个人失信记录保留期届满：删除 {counts['erase']} 条，转入档案 {counts['archive']} 条",
                     data={"as_of": day, **counts, "policy": sorted(versions)})  # fmt: skip
    return done
