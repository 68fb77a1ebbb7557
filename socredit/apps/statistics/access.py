"""The only way the statistics pages choose a region: at or below the principal's own (404 outside)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from socredit.apps.registry.models import Region
from socredit.apps.statistics.models import AssessmentReport, Publication
from socredit.common.access import scope_path_of
from socredit.core.regions import ancestor_paths


@dataclass
class StatisticsScope:
    """The region a dashboard shows: ``region`` None for the whole country (figures path "")."""

    region: Region | None
    path: str
    trail: list[Region] = field(default_factory=list)
    """The regions from the principal's own down to this one's parent (the breadcrumb)."""

    @property
    def code(self) -> str:
        return self.region.code if self.region is not None else ""


def access_statistics_scope(principal: Any, code: str | None = None) -> StatisticsScope:
    """The principal's own region (no ``code``) or the region with ``code`` at or below it; the same
    404 for an unknown code and for one outside the principal's region. Organization accounts and
    principals without a region have none."""
    own = scope_path_of(principal)
    if own is None or getattr(principal, "is_org_account", False):
        raise Http404
    code = (code or "").strip()
    if not code:
        if own == "":
            return StatisticsScope(region=None, path="")
        region = Region.objects.filter(path=own).first()
        if region is None:
            raise Http404
        return StatisticsScope(region=region, path=own)
    region = Region.objects.filter(code=code).first()
    if region is None or not region.path.startswith(own):
        raise Http404
    above = [p for p in ancestor_paths(region.path)[:-1] if p.startswith(own)]
    trail = list(Region.objects.filter(path__in=above).order_by("path"))
    return StatisticsScope(region=region, path=region.path, trail=trail)


def child_regions(scope: StatisticsScope) -> list[Region]:
    """The regions one level below (for the whole country: below its top region); a county's
    children are its streets."""
    if scope.region is None:
        tops = list(Region.objects.filter(parent__isnull=True).order_by("code"))
        if len(tops) != 1:
            return tops
        parent = tops[0]
    else:
        parent = scope.region
    return list(Region.objects.filter(parent=parent, active=True).order_by("code"))


def top_region() -> Region:
    """The region at the top (the nation): where a national administrator's publication is kept."""
    top = Region.objects.filter(parent__isnull=True).order_by("code").first()
    if top is None:
        raise Http404
    return top


def publication_of(region: Region) -> Publication | None:
    """What the authority of ``region`` publishes (public information: the portal shows it)."""
    return Publication.objects.filter(region=region).first()


def published_regions() -> list[Publication]:
    """The publications that publish something, for the portal's list (public information)."""
    return [p for p in Publication.objects.select_related("region").order_by("region__code") if p.panels]


def public_publication(code: str) -> Publication:
    """The publication of the region with ``code`` if it publishes something, else 404."""
    publication = Publication.objects.select_related("region").filter(region__code=code).first()
    if publication is None or not publication.panels:
        raise Http404
    return publication


def access_assessment_reports(principal: Any) -> QuerySet[AssessmentReport]:
    """The assessment reports of regions at or below the principal's own (none for organization
    accounts and principals without a region)."""
    own = scope_path_of(principal)
    if own is None or getattr(principal, "is_org_account", False):
        return AssessmentReport.objects.none()
    return AssessmentReport.objects.filter(path__startswith=own).select_related("region")


def access_assessment_report(principal: Any, pk: Any) -> AssessmentReport:
    """One report within the principal's region; the same 404 for another region's and a missing one."""
    report = access_assessment_reports(principal).filter(pk=pk).first()
    if report is None:
        raise Http404
    return report
