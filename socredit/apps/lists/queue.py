"""列入建议队列 — the open proposals of an account's region as a paged, filtered, sorted queue with a
count per filter value, for a city of 20,000 organizations and a country of 900,000.

Reading only (the services write). Every query starts from the open proposals (``status =
proposed``) and is served by the queue indexes of ``ListProposal`` (status + arose_on, status +
ground, status + list). No full COUNT per page: the total is the sum of the per-list counts that the
filter panel shows anyway, and a page fetches one row more than it shows to know whether a next
page exists. The per-value counts leave out their own filter, so they show the spread under every
other filter (as the organization list's credit-level counts do).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
)
from django.utils.translation import gettext_lazy as _

from socredit.apps.lists.access import access_open_proposals
from socredit.apps.lists.models import LIST_CHOICES, LIST_LABELS, RED_GROUND, ListNotice, ListProposal
from socredit.apps.records.models import RecordKind
from socredit.apps.registry.fields import RegionField
from socredit.apps.registry.models import Organization, Region
from socredit.apps.registry.regions import region_ids_under
from socredit.common.access import scope_path_of
from socredit.common.clock import today
from socredit.common.paging import PER_PAGE, Page
from socredit.core.lists.grounds import GROUNDS

MAX_PAGE = 4000
BULK_CAP = 500
""""Select all matching" takes at most this many proposals (in the queue's order)."""

AGES = [
    ("0-30", _("up to 30 days"), 0, 30),
    ("31-90", _("31 to 90 days"), 31, 90),
    ("91-365", _("91 days to a year"), 91, 365),
    ("365+", _("more than a year"), 366, None),
]
"""Age buckets: days since the ground arose (both ends included)."""

STATES = [
    ("not_served", _("notice not served")),
    ("served", _("notice served")),
    # the 陈述申辩 period of the prior notice (``ListNotice.statement_due_on``)
    ("period_running", _("statement period running")),
    ("period_ended", _("statement period ended")),
    ("no_notice", _("no notice needed")),
]

PERIOD_STATES = ("period_running", "period_ended")

SORTS = {
    "arose": (_("Oldest ground first"), ["arose_on", "id"]),
    "-arose": (_("Newest ground first"), ["-arose_on", "-id"]),
    "organization": (_("Organization"), ["organization__name", "id"]),
    "ground": (_("Ground"), ["ground", "arose_on", "id"]),
}
FILTERS = ("list", "ground", "region", "age", "state", "kind", "q")


def _ground_choices() -> list[tuple[str, str]]:
    """Grounds by title (the item codes stay internal); the list tells apart the two 其他情形."""
    return [(g.code, f"{g.title}（{LIST_LABELS[g.list]}）") for g in GROUNDS] + [
        (RED_GROUND, str(_("Meets the red-list criteria")))
    ]


class QueueFilterForm(forms.Form):
    """``?list=&ground=&region=&age=&state=&kind=&q=&sort=&page=`` of the proposal queue."""

    q = forms.CharField(label=_("Name or code"), required=False, max_length=100)
    list = forms.ChoiceField(label=_("List"), required=False)
    ground = forms.ChoiceField(label=_("Ground"), required=False)
    region = RegionField()
    age = forms.ChoiceField(label=_("Days since the ground arose"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    kind = forms.ChoiceField(label=_("Record kind"), required=False)
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, *args: Any, kinds: list[tuple[str, str]] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        blank = [("", "—")]
        self.fields["list"].choices = blank + [(k, str(LIST_LABELS[k])) for k, _t in LIST_CHOICES]
        self.fields["ground"].choices = blank + _ground_choices()
        self.fields["age"].choices = blank + [(k, label) for k, label, _a, _b in AGES]
        self.fields["state"].choices = blank + STATES
        self.fields["kind"].choices = blank + (kinds or [])
        self.fields["sort"].choices = [(k, label) for k, (label, _o) in SORTS.items()]


@dataclass
class Facet:
    """One filter's values with the number of open proposals under the other filters."""

    name: str
    label: Any
    values: list[dict[str, Any]] = field(default_factory=list)


def trigger_kinds() -> list[RecordKind]:
    """The record kinds that can complete a ground, for the kind filter."""
    from socredit.apps.lists.services.common import TRIGGER_KINDS

    return list(RecordKind.objects.filter(code__in=TRIGGER_KINDS).order_by("code"))


class ProposalQueue:
    """The open proposals an account may read, filtered by ``data`` (a QueryDict or dict)."""

    def __init__(self, user: Any, data: Any) -> None:
        self.user = user
        kinds = trigger_kinds()
        self.kinds = [(k.code, k.name) for k in kinds]
        self._kind_codes = {k.pk: k.code for k in kinds}
        self.form = QueueFilterForm(data, kinds=self.kinds)
        self.form.fields["region"].scope_path = scope_path_of(user)
        self.valid = self.form.is_valid()
        self.values: dict[str, Any] = dict(self.form.cleaned_data) if self.valid else {}
        self.day = today()
        self.base = access_open_proposals(user)
        # The counts read the proposals' copy of their organization's region, so that they scan one
        # index without looking up organizations; the rows shown and acted on stay scoped by the
        # organization itself (``access_open_proposals``). The copy follows every move of an
        # organization (``sync_proposal_regions``, ``resync_proposal_regions``).
        self.count_base = self._region_scope(scope_path_of(user))
        self._region_ids: dict[str, list[int]] = {}
        self._total = 0
        self._kind_ids = {code: pk for pk, code in self._kind_codes.items()}

    # --- filters ----------------------------------------------------------------------------------

    def region_ids(self, region: Region) -> list[int]:
        """Ids of the region and of every region below it (looked up once a page)."""
        if region.path not in self._region_ids:
            self._region_ids[region.path] = region_ids_under(region.path)
        return self._region_ids[region.path]

    def _apply(self, qs: QuerySet[ListProposal], name: str, value: Any) -> QuerySet[ListProposal]:
        if value in (None, ""):
            return qs
        if name == "list":
            return qs.filter(list=value)
        if name == "ground":
            return qs.filter(ground=value)
        if name == "region":
            return qs.filter(region_id__in=self.region_ids(value))
        if name == "age":
            return qs.filter(self.age_q(value))
        if name == "state":
            return qs.filter(self.state_q(value))
        if name == "kind":
            return qs.filter(trigger_kind_id=self._kind_ids.get(value, -1))
        if name == "q":
            text = value.strip()
            if len(text) == 18 and text[:2].isdigit():
                orgs = Organization.objects.filter(code=text.upper())
            else:
                orgs = Organization.objects.filter(Q(name__contains=text) | Q(code__startswith=text.upper()))
            return qs.filter(organization_id__in=orgs.values("pk"))
        raise KeyError(name)

    def age_q(self, key: str) -> Q:
        for k, _label, low, high in AGES:
            if k == key:
                q = Q(arose_on__lte=self.day - dt.timedelta(days=low))
                if high is not None:
                    q &= Q(arose_on__gte=self.day - dt.timedelta(days=high))
                return q
        return Q(pk__in=[])

    def state_q(self, key: str) -> Q:
        if key == "not_served":
            return Q(notice_required=True, notice_served_on__isnull=True)
        if key == "served":
            return Q(notice_served_on__isnull=False)
        if key == "no_notice":
            return Q(notice_required=False, notice_served_on__isnull=True)
        if key in PERIOD_STATES:
            lookup = "statement_due_on__gte" if key == "period_running" else "statement_due_on__lt"
            return Q(Exists(ListNotice.objects.filter(proposal=OuterRef("pk"), **{lookup: self.day})))
        return Q(pk__in=[])

    @staticmethod
    def _region_scope(path: str | None) -> QuerySet[ListProposal]:
        qs = ListProposal.objects.filter(status=ListProposal.Status.PROPOSED)
        if path is None:
            return qs.none()
        if path == "":
            return qs
        return qs.filter(
            region_id__in=list(Region.objects.filter(path__startswith=path).values_list("pk", flat=True))
        )

    def filtered(self, *, without: str | None = None, counting: bool = False) -> QuerySet[ListProposal]:
        qs = self.count_base if counting else self.base
        for name in FILTERS:
            if name != without:
                qs = self._apply(qs, name, self.values.get(name))
        return qs

    def is_filtered(self) -> bool:
        return any(self.values.get(n) not in (None, "") for n in FILTERS)

    def ordered(self) -> QuerySet[ListProposal]:
        key = self.values.get("sort") or "arose"
        return self.filtered().order_by(*SORTS.get(key, SORTS["arose"])[1])

    # --- one page ---------------------------------------------------------------------------------

    def page(self, number: int) -> Page:
        """One page: the ids in the queue's order first (the sort reads only what it orders by), then
        those rows with their organization, region and record kind."""
        number = max(1, min(number, MAX_PAGE))
        start = (number - 1) * PER_PAGE
        ids = list(self.ordered().values_list("pk", flat=True)[start : start + PER_PAGE + 1])
        by_id = ListProposal.objects.select_related("organization__region", "trigger_kind").in_bulk(
            ids[:PER_PAGE]
        )
        return Page([by_id[i] for i in ids[:PER_PAGE]], number, len(ids) > PER_PAGE)

    def matching_ids(self, cap: int = BULK_CAP) -> list[int]:
        """ "Select all matching": the ids of the first ``cap`` proposals in the queue's order."""
        return list(self.ordered().values_list("pk", flat=True)[:cap])

    # --- counts per filter value ------------------------------------------------------------------

    def _age_key(self, arose_on: dt.date) -> str:
        days = (self.day - arose_on).days
        for k, _label, _low, high in AGES:
            if high is None or days <= high:
                return k
        return AGES[-1][0]

    def _cube(self) -> list[dict[str, Any]]:
        """One scan of the open proposals under the region and search filters, grouped by date, list,
        ground, record kind and whether a notice is required, counting those with a notice served: a
        few thousand rows at most (days × grounds), read in the order of the queue index without a
        sort, from which each other filter's counts are summed under the rest."""
        qs = self._apply(
            self._apply(self.count_base, "region", self.values.get("region")), "q", self.values.get("q")
        )
        if self.values.get("state") in PERIOD_STATES:  # not a column of the cube: filtered in SQL
            qs = self._apply(qs, "state", self.values["state"])
        rows = (
            qs.order_by()
            .values_list("arose_on", "list", "ground", "trigger_kind_id", "notice_required")
            .annotate(n=Count("pk"), served=Count("notice_served_on"))
        )
        cells: dict[tuple[str, str, str, str, str], int] = {}
        ages: dict[dt.date, str] = {}
        for arose_on, lst, ground, kind_id, required, n, served in rows:
            age = ages.get(arose_on) or ages.setdefault(arose_on, self._age_key(arose_on))
            kind = self._kind_codes.get(kind_id, "")
            for state, m in (("served", served), ("not_served" if required else "no_notice", n - served)):
                if m:
                    key = (lst, ground, kind, age, state)
                    cells[key] = cells.get(key, 0) + m
        return [
            {"list": k[0], "ground": k[1], "kind": k[2], "age": k[3], "state": k[4], "n": n}
            for k, n in cells.items()
        ]

    def facets(self) -> list[Facet]:
        cube = self._cube()
        dims = ("list", "ground", "kind", "age", "state")
        active = {d: self.values.get(d) for d in dims if self.values.get(d) not in (None, "")}
        if active.get("state") in PERIOD_STATES:
            del active["state"]  # applied in SQL by _cube
        counts: dict[str, dict[str, int]] = {d: {} for d in dims}
        self._total = 0
        for row in cube:
            misses = [d for d, v in active.items() if row[d] != v]
            if not misses:
                self._total += row["n"]
            for d in dims:
                if not misses or misses == [d]:  # the row passes every filter but (perhaps) d's own
                    counts[d][row[d]] = counts[d].get(row[d], 0) + row["n"]
        # the statement period splits the served notices (an extra count)
        keys = [k for k, _label in STATES if k in PERIOD_STATES or self.values.get("state") in PERIOD_STATES]
        extra = self.filtered(without="state", counting=True).aggregate(
            **{k: Count("pk", filter=self.state_q(k)) for k in keys}
        )
        counts["state"].update(extra)
        per_region = (
            self.filtered(without="region", counting=True)
            .order_by()
            .values_list("region_id")
            .annotate(n=Count("pk"))
        )
        regions = dict(per_region.values_list("region_id", "n"))
        c = counts
        return [
            Facet("list", _("List"), [self._value("list", k, str(LIST_LABELS[k]), c["list"].get(k, 0)) for k, _t in LIST_CHOICES]),
            Facet("ground", _("Ground"), [self._value("ground", k, t, c["ground"][k]) for k, t in _ground_choices() if c["ground"].get(k)]),
            Facet("age", _("Days since the ground arose"), [self._value("age", k, t, c["age"].get(k, 0)) for k, t, _a, _b in AGES]),
            Facet("state", _("State"), [self._value("state", k, t, c["state"].get(k, 0)) for k, t in STATES]),
            Facet("kind", _("Record kind"), [self._value("kind", k, t, c["kind"][k]) for k, t in self.kinds if c["kind"].get(k)]),
            Facet("region", _("Region"), self._region_values(regions)),
        ]  # fmt: skip

    def _value(self, name: str, key: str, label: Any, n: int) -> dict[str, Any]:
        return {"key": key, "label": label, "n": n, "current": self.values.get(name) == key}

    def _region_values(self, per_region: dict[int, int]) -> list[dict[str, Any]]:
        """Counts for the regions one level below the chosen region (or the account's own region)."""
        parent = self.values.get("region") or getattr(self.user, "region", None)
        if parent is None:  # national scope: the provinces under the national root
            parent = Region.objects.filter(parent__isnull=True).order_by("code").first()
        children = Region.objects.filter(parent=parent)
        ids = dict(Region.objects.filter(pk__in=list(per_region)).values_list("pk", "path"))
        out = []
        for child in children.order_by("code"):
            n = sum(c for rid, c in per_region.items() if ids.get(rid, "").startswith(child.path))
            if n:
                out.append(self._value("region", child.code, child.name, n))
        return out

    def total(self, facets: list[Facet]) -> int:
        """Exact number of matches, summed from the grouped scan of ``facets()`` (no COUNT of its own)."""
        return self._total


def facet_links(facets: list[Facet], query: Any) -> None:
    """Each value's link: the current query with this value set (or taken off when it is current)."""
    for facet in facets:
        for v in facet.values:
            q = query.copy()
            q.pop("page", None)
            if v["current"]:
                q.pop(facet.name, None)
            else:
                q[facet.name] = v["key"]
            v["query"] = q.urlencode()
