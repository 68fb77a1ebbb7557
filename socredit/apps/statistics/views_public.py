"""公开统计 on the portal: the statistics each authority chose to publish (``Publication``), for
its own region, from the stored figures of the latest data date. Nothing else is shown: no panel
outside ``panels.PUBLISHABLE`` (counts of organizations and of the published lists only)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from socredit.apps.statistics.access import public_publication, published_regions
from socredit.apps.statistics.panels import public_panels, read_figures
from socredit.apps.statistics.views import stored_days


def public_index(request: HttpRequest) -> HttpResponse:
    return render(request, "statistics/public_index.html", {"publications": published_regions()})


def public_region(request: HttpRequest, code: str) -> HttpResponse:
    publication = public_publication(code)
    region = publication.region
    days = stored_days()
    day = days[0] if days else None
    panels = public_panels(read_figures(day, region.path), day, publication.panels) if day else []
    context = {"region": region, "day": day, "panels": panels, "chart_data": {"panels": panels}}
    return render(request, "statistics/public_region.html", context)
