"""Staff pages of the statistics: the dashboard of a region (drill-down to its child regions and
streets), each panel's numbers as CSV/XLSX, the targets' values and what an authority publishes.

Each view: parse → ``access_statistics_scope`` (404 outside the user's region) → read the stored
figures (``panels``) or call a service → render. The charts are drawn by ``static/socredit/statistics.js``
from the page's JSON (``json_script``), under the Content-Security-Policy (no inline script).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext
from django.views.decorators.http import require_http_methods

from socredit.apps.statistics import quality, services
from socredit.apps.statistics.access import (
    StatisticsScope,
    access_statistics_scope,
    child_regions,
    publication_of,
    top_region,
)
from socredit.apps.statistics.forms import PublicationForm, TargetsForm
from socredit.apps.statistics.models import AggregationRun
from socredit.apps.statistics.panels import (
    CHILD_METRICS,
    all_panels,
    child_row,
    read_figures,
    read_many,
    targets,
)
from socredit.common.access import is_administrator
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.common.exports import FORMATS, export_response

DAYS_OFFERED = 62
QUALITY_PER_PAGE = 50


def stored_days() -> list[dt.date]:
    """The data dates with figures, newest first (the day selector's choices)."""
    return list(AggregationRun.objects.order_by("-day").values_list("day", flat=True)[:DAYS_OFFERED])


def chosen_day(text: str, days: list[dt.date]) -> dt.date | None:
    """The data date asked for (the newest without one); FieldErrors saying what is wrong with it."""
    text = (text or "").strip()
    if not text:
        return days[0] if days else None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise FieldErrors({"day": [_("“%(text)s” is not a date (YYYY-MM-DD).") % {"text": text}]}) from None
    if day > today():
        raise FieldErrors(
            {"day": [_("%(day)s lies in the future: there are no figures for it yet.") % {"day": day}]}
        )
    if day not in days:
        raise FieldErrors({"day": [
            _("There are no figures for %(day)s. Choose one of the data dates offered.") % {"day": day}
        ]})  # fmt: skip
    return day


def _scope_or_message(request: HttpRequest) -> StatisticsScope:
    try:
        return access_statistics_scope(request.user, request.GET.get("region"))
    except Http404:
        raise Http404(_("There is no region with this code in your area.")) from None


def _staff(request: HttpRequest) -> None:
    if getattr(request.user, "is_org_account", False):
        raise PermissionDenied


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """统计分析 of one region: the targets, every panel (chart, table, downloads) and the child regions."""
    _staff(request)
    days = stored_days()
    context: dict[str, Any] = {"days": days, "errors": [], "panels": [], "children": []}
    try:
        scope = _scope_or_message(request)
    except Http404 as exc:
        context["errors"] = [str(exc)]
        return render(request, "statistics/dashboard.html", context, status=404)
    context["scope"] = scope
    try:
        day = chosen_day(request.GET.get("day", ""), days)
    except FieldErrors as exc:
        context["errors"] = [m for ms in exc.errors.values() for m in ms]
        return render(request, "statistics/dashboard.html", context, status=400)
    context["day"] = day
    if day is None:
        return render(request, "statistics/dashboard.html", context)
    figures = read_figures(day, scope.path)
    context["panels"] = all_panels(figures, day)
    context["chart_data"] = {"panels": context["panels"]}
    children = child_regions(scope)
    many = read_many(day, [c.path for c in children], CHILD_METRICS)
    context["children"] = [(c, child_row(many[c.path])) for c in children]
    context["empty"] = not figures
    return render(request, "statistics/dashboard.html", context)


@login_required
def panel_export(request: HttpRequest, key: str, fmt: str) -> HttpResponse:
    """One panel's table as CSV or XLSX, for the same region and data date as the page."""
    _staff(request)
    if fmt not in FORMATS:
        raise Http404
    scope = _scope_or_message(request)
    try:
        day = chosen_day(request.GET.get("day", ""), stored_days())
    except FieldErrors as exc:
        return HttpResponse(" ".join(m for ms in exc.errors.values() for m in ms), status=400,
                            content_type="text/plain; charset=utf-8")  # fmt: skip
    if day is None:
        raise Http404
    panel = next((p for p in all_panels(read_figures(day, scope.path), day) if p["key"] == key), None)
    if panel is None:
        raise Http404
    place = scope.region.name if scope.region is not None else pgettext("statistics", "National")
    return export_response(
        fmt, name=f"statistics-{key}-{scope.code or 'national'}", title=f"{panel['title']} · {place}",
        headers=panel["headers"], rows=iter(panel["rows"]), day=day,
    )  # fmt: skip


def _administrator(request: HttpRequest) -> None:
    if not is_administrator(request.user):
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def target_edit(request: HttpRequest) -> HttpResponse:
    """目标值: the values the target gauges are measured against (administrators)."""
    _administrator(request)
    form = TargetsForm(request.POST or None, initial=targets())
    if request.method == "POST" and form.is_valid():
        services.set_targets(actor=request.user, channel="form", values=form.cleaned_data)
        messages.success(request, _("The target values are saved."))
        return redirect("statistics:dashboard")
    return render(request, "statistics/target_edit.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def publication_edit(request: HttpRequest) -> HttpResponse:
    """统计公开: which of its region's statistics the administrator's authority publishes."""
    _administrator(request)
    region = getattr(request.user, "region", None) or top_region()
    current = publication_of(region)
    form = PublicationForm(request.POST or None, initial={"panels": current.panels if current else []})
    if request.method == "POST" and form.is_valid():
        services.set_publication(
            actor=request.user, channel="form", region=region, panels=form.cleaned_data["panels"]
        )
        messages.success(request, _("The published statistics are saved."))
        return redirect("statistics:publication_edit")
    return render(request, "statistics/publication_edit.html", {"form": form, "region": region})


QUALITY_TITLES = {
    "no_legal_rep": gettext_lazy("Organizations without a legal representative"),
    "missing_fields": gettext_lazy("Organizations with missing or invalid fields"),
    "late_records": gettext_lazy("Records entered after the time limit (last 12 months)"),
    "silent_departments": gettext_lazy("Departments that stopped sending records"),
}


def _quality_rows(request: HttpRequest, scope: StatisticsScope, check: str) -> tuple[Any, bool]:
    """The rows of one check (a queryset or a list) and whether the late-record candidates were cut."""
    if check == "no_legal_rep":
        return quality.without_legal_rep(request.user, scope), False
    if check == "missing_fields":
        return quality.with_missing_fields(request.user, scope), False
    if check == "late_records":
        return quality.late_records(request.user, scope)
    return quality.silent_departments(request.user, scope), False


@login_required
def quality_overview(request: HttpRequest) -> HttpResponse:
    """数据质量: how many rows of each check the region has, each a link to the rows."""
    _staff(request)
    scope = _scope_or_message(request)
    counts = []
    for check in quality.CHECKS:
        rows, cut = _quality_rows(request, scope, check)
        counts.append(
            (check, QUALITY_TITLES[check], len(rows) if isinstance(rows, list) else rows.count(), cut)
        )
    return render(request, "statistics/quality.html", {"scope": scope, "counts": counts})


@login_required
def quality_rows(request: HttpRequest, check: str) -> HttpResponse:
    """The rows of one data-quality check, fifty a page, each a link to its page."""
    _staff(request)
    if check not in quality.CHECKS:
        raise Http404
    scope = _scope_or_message(request)
    rows, cut = _quality_rows(request, scope, check)
    page = Paginator(rows, QUALITY_PER_PAGE).get_page(request.GET.get("page"))
    if check == "missing_fields":
        for org in page.object_list:
            org.missing = quality.missing_labels(org)
    context = {"scope": scope, "check": check, "title": QUALITY_TITLES[check], "page": page, "cut": cut,
               "working_days_note": check == "late_records", "silent_days": quality.SILENT_DAYS}  # fmt: skip
    return render(request, "statistics/quality_rows.html", context)
