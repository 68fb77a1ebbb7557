"""任职筛查 — a person's serious-list record (失信惩戒落实到人) and their posts elsewhere.

A serious-list decision records the organization's 法定代表人 / 负责人 (``PersonListing``) so that
their later roles elsewhere can be screened. ``screen_person`` answers, for one ID number on one
day: the person listings in force and public then (from the decision day up to ``retention_until``,
or longer while the organization is still on the serious list when the profile says
``persons.extend_until_list_removal``), and the posts the person holds that day in *other*
organizations, each with a warning line.

Scope. With a ``principal`` both halves are read within its region, like every other list row:
a listing through the listed organization's region, a post through its organization's region.
A city account therefore screens across its districts; a district account sees neither a listing
nor a post of another district. Without a principal (commands, services) nothing is restricted.
Erased or non-public listings never show: after ``retention_sweep`` the person is gone from them.

Unknown ID numbers, persons outside the scope and persons with nothing on record all give the same
empty result, so that the answer does not tell whether a person is registered elsewhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from socredit.apps.lists import presentation, services
from socredit.apps.lists.models import LIST_LABELS, PersonListing
from socredit.apps.registry.models import CONFIRMED_ROLE, Person, Role
from socredit.apps.registry.services import authority_region_paths
from socredit.common import policy
from socredit.common.access import restrict
from socredit.common.errors import FieldErrors

ORG_PATH = "organization__region__path"


@dataclass(frozen=True)
class ListingHit:
    """One person listing in force: the organization, its list and ground, the decision, the post."""

    listing_id: int
    organization_name: str
    organization_code: str
    list: str
    list_title: str
    ground: str
    ground_title: str
    document_number: str
    decided_on: dt.date
    decision_id: int
    post: str
    post_label: str
    from_date: dt.date
    retention_until: dt.date


@dataclass(frozen=True)
class PostElsewhere:
    """A post held on the day in an organization other than the listed ones, with its warning."""

    organization_name: str
    organization_code: str
    post: str
    post_label: str
    start_on: dt.date
    warning: str


@dataclass(frozen=True)
class Screening:
    id_number: str
    as_of: dt.date
    listings: list[ListingHit] = field(default_factory=list)
    posts_elsewhere: list[PostElsewhere] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        """True when the person is listed and holds a post in another organization."""
        return bool(self.listings and self.posts_elsewhere)


def _scoped(qs: QuerySet[Any], principal: Any, field_path: str) -> QuerySet[Any]:
    return qs if principal is None else restrict(qs, principal, field_path)


def listings_in_force(person: Person, day: dt.date, principal: Any = None) -> QuerySet[PersonListing]:
    """The public, not erased listings of ``person`` in force on ``day`` (within scope). Whether a
    listing outlives its retention while the organization stays on the serious list is the rule
    (``persons.extend_until_list_removal``) of the organization's registering authority's region."""
    candidates = PersonListing.objects.filter(
        person=person, public=True, erased=False, archived_on__isnull=True, from_date__lte=day
    ).select_related("entry")
    paths = authority_region_paths({pl_.organization_id for pl_ in candidates})
    ids = []
    for pl_ in candidates:
        if pl_.retention_until >= day:
            ids.append(pl_.pk)
            continue
        try:
            profile = policy.policy_profile(day, paths.get(pl_.organization_id))
        except policy.NoProfile as exc:
            raise FieldErrors(
                as_of=gettext("The policy parameters cannot be applied: %(message)s")
                % {"message": exc.message}
            ) from None
        still_listed = pl_.entry.left_on is None or pl_.entry.left_on > day
        if still_listed and bool(profile.get("persons.extend_until_list_removal", False)):
            ids.append(pl_.pk)
    qs = (
        PersonListing.objects.filter(pk__in=ids)
        .select_related("organization", "decision", "entry")
        .order_by("-from_date", "-id")
    )
    return _scoped(qs, principal, ORG_PATH)


def posts_on(person: Person, day: dt.date, principal: Any = None) -> QuerySet[Role]:
    """The posts ``person`` holds on ``day`` (start_on ≤ day ≤ end_on), within scope."""
    qs = (
        Role.objects.filter(CONFIRMED_ROLE, person=person, start_on__lte=day)
        .filter(Q(end_on__isnull=True) | Q(end_on__gte=day))
        .select_related("organization")
        .order_by("organization__name", "kind", "-start_on")
    )
    return _scoped(qs, principal, ORG_PATH)


def warning_text(organization_name: str, post_label: str) -> str:
    return _(
        "This person was the legal representative or responsible person of an organization on the "
        "serious list and now holds the post of %(post)s at %(organization)s."
    ) % {"organization": organization_name, "post": post_label}


def screen_person(id_number: str, as_of: dt.date | None = None, *, principal: Any = None) -> Screening:
    """Screen one person by ID number on ``as_of`` (today): listings in force, posts elsewhere.

    ``id_number`` is expected validated (``socredit.core.codes.validate_id_number``); an unknown
    number gives an empty result. Posts elsewhere are listed only for a listed person.
    """
    day = as_of or services.today()
    number = (id_number or "").strip().upper()
    person = Person.objects.filter(id_number=number).first()
    if person is None:
        return Screening(id_number=number, as_of=day)
    hits = [
        ListingHit(
            listing_id=pl.pk,
            organization_name=pl.organization.name,
            organization_code=pl.organization.code,
            list=pl.entry.list,
            list_title=str(LIST_LABELS.get(pl.entry.list, pl.entry.list)),
            ground=pl.decision.ground,
            ground_title=services.ground_title(pl.decision.ground),
            document_number=pl.decision.document_number,
            decided_on=pl.decision.decided_on,
            decision_id=pl.decision_id,
            post=pl.post,
            post_label=presentation.post_label(pl.post),
            from_date=pl.from_date,
            retention_until=pl.retention_until,
        )
        for pl in listings_in_force(person, day, principal)
    ]
    if not hits:
        return Screening(id_number=number, as_of=day)
    listed_orgs = {h.organization_code for h in hits}
    elsewhere = []
    for role in posts_on(person, day, principal):
        if role.organization.code in listed_orgs:
            continue
        label = presentation.post_label(role.kind)
        elsewhere.append(
            PostElsewhere(
                organization_name=role.organization.name,
                organization_code=role.organization.code,
                post=role.kind,
                post_label=label,
                start_on=role.start_on,
                warning=warning_text(role.organization.name, label),
            )
        )
    return Screening(id_number=number, as_of=day, listings=hits, posts_elsewhere=elsewhere)


__all__ = ["ListingHit", "PostElsewhere", "Screening", "listings_in_force", "posts_on", "screen_person"]
