"""Person listings (失信惩戒落实到人, R1.19): the retention sweep."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from socredit.apps.audit.services import record_event
from socredit.apps.evaluation import storage
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
    refuse_future(day, what=gettext("the date of the retention clean-up"))
    # set-based: the due rows as values (the index on erased, retention_until), then one UPDATE per
    # action and chunk; the rows still kept (extended while on the serious list) are only read
    due = list(
        PersonListing.objects.filter(erased=False, archived_on__isnull=True, retention_until__lt=day)
        .order_by("pk")
        .values_list("pk", "organization_id", "entry__left_on")
    )
    paths = authority_region_paths({org for _pk, org, _left in due})
    by_action: dict[str, list[int]] = {"erase": [], "archive": []}
    versions: set[str] = set()
    profiles: dict[str | None, Any] = {}
    for pk, org, left_on in due:
        path = paths.get(org)
        if path not in profiles:
            profiles[path] = policy.policy_profile(day, path)
        profile = profiles[path]
        if bool(profile.get("persons.extend_until_list_removal", False)) and (
            left_on is None or left_on > day
        ):
            continue
        action = profile.str_value("persons.retention_end_action")
        versions.add(profile.version)
        by_action["archive" if action == "archive" else "erase"].append(pk)
    for i in range(0, len(by_action["archive"]), storage.IN_CLAUSE):
        PersonListing.objects.filter(pk__in=by_action["archive"][i : i + storage.IN_CLAUSE]).update(
            public=False, person=None, archived_on=day
        )
    for i in range(0, len(by_action["erase"]), storage.IN_CLAUSE):
        PersonListing.objects.filter(pk__in=by_action["erase"][i : i + storage.IN_CLAUSE]).update(
            public=False, person=None, erased=True, erased_on=day, person_name=""
        )
    counts = {action: len(pks) for action, pks in by_action.items()}
    done = counts["erase"] + counts["archive"]
    if done:
        record_event(actor=actor, channel="system", action="lists.retention", target_type="lists.personlisting",
                     summary=f"个人失信记录保留期届满：删除 {counts['erase']} 条，转入档案 {counts['archive']} 条",
                     data={"as_of": day, **counts, "policy": sorted(versions)})  # fmt: skip
    return done
