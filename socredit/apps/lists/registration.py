"""What the lists tell the registration (registry.hooks): the person screening of a legal
representative about to be registered, and the listings in force when an organization is
deregistered or its registration revoked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from socredit.apps.lists import screening
from socredit.apps.lists.models import RED, ListEntry
from socredit.apps.registry.hooks import Finding
from socredit.core.lists.grounds import ABNORMAL, SERIOUS


def list_name(code: str) -> str:
    return {
        ABNORMAL: pgettext("credit list", "the list of organizations with abnormal activities"),
        SERIOUS: pgettext("credit list", "the list of seriously illegal and dishonest organizations"),
        RED: pgettext("credit list", "the red list"),
    }.get(code, code)


def screen_for_registration(id_number: str, principal: Any, day: dt.date) -> list[Finding]:
    """失信惩戒落实到人: the person's listings in force (as legal representative or responsible person
    of a seriously dishonest organization) and the posts they hold elsewhere, within the scope."""
    result = screening.screen_person(id_number, day, principal=principal)
    found = [
        Finding(_("%(post)s of %(org)s when it was put on %(list)s (decision %(number)s of %(date)s); "
                  "this record stands until %(until)s.")
                % {"post": hit.post_label, "org": hit.organization_name, "list": list_name(hit.list),
                   "number": hit.document_number or "—", "date": hit.decided_on.isoformat(),
                   "until": hit.retention_until.isoformat()})
        for hit in result.listings
    ]  # fmt: skip
    found += [Finding(post.warning) for post in result.posts_elsewhere]
    return found


def listings_before_status_change(organization: Any, act: str, day: dt.date) -> list[Finding]:
    """A deregistered or revoked organization stays on the lists it is on: the registrar is warned and
    goes ahead once confirmed (rules.md R1.14(c): a listing because of a revocation is removed by
    the authority after the deregistration, so a listed organization can be deregistered)."""
    entries = ListEntry.objects.in_force(day).filter(organization=organization).exclude(list=RED)
    return [
        Finding(_("%(org)s has been on %(list)s since %(date)s; it stays listed until it is removed "
                  "by a decision.") % {"org": organization.name, "list": list_name(e.list),
                                       "date": e.entered_on.isoformat()})
        for e in entries.order_by("entered_on")
    ]  # fmt: skip
