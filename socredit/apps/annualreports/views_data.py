"""The staff page of the reports' figures (年报财务数据) and its export: a region's filed reports on one
year, one line per report, one column per figure, as CSV or XLSX (socredit.common.exports), columns
labelled in the reader's language. Reads through ``data.access_filed_reports`` (the account's region)."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from socredit.apps.annualreports.data import export_headers, export_rows, region_in_scope, region_reports
from socredit.apps.audit.services import record_download
from socredit.common import clock
from socredit.common.access import scope_path_of
from socredit.common.exports import export_refusal, export_response, refused, refused_filter

EXPORT_NAME = "annual-report-figures"


class FigureExportForm(forms.Form):
    """``?year=&region=`` of the figures' page and export."""

    year = forms.IntegerField(
        label=gettext_lazy("Year reported"), min_value=2000, max_value=2100, required=False
    )
    region = forms.RegexField(label=gettext_lazy("Region code"), required=False, regex=r"^\d{6}$")


def _default_year() -> int:
    """The last year that has ended: the year whose reports are being filed now."""
    return clock.today().year - 1


@login_required
def figure_page(request: HttpRequest) -> HttpResponse:
    """The year and region to export, and the two export links."""
    if getattr(request.user, "is_org_account", False) or scope_path_of(request.user) is None:
        raise PermissionDenied
    form = FigureExportForm(request.GET)
    count = None
    query = ""
    if form.is_valid():
        try:
            region = region_in_scope(request.user, form.cleaned_data["region"])
        except Http404:  # an unknown or out-of-scope region is a form error on this page
            form.add_error("region", _("No such region in your jurisdiction"))
        else:
            year = form.cleaned_data["year"] or _default_year()
            count = region_reports(request.user, year, region).count()
            query = f"year={year}" + (
                f"&region={form.cleaned_data['region']}" if form.cleaned_data["region"] else ""
            )
    return render(request, "annualreports/figure_export.html", {"form": form, "count": count, "query": query})


@login_required
def figure_export(request: HttpRequest, fmt: str) -> HttpResponse:
    form = FigureExportForm(request.GET)
    back = reverse("annualreport_data:figure_page")
    if not form.is_valid():
        return refused_filter(request, form, back)
    try:
        region = region_in_scope(request.user, form.cleaned_data["region"])
    except Http404:  # an unknown or out-of-scope region: say so on the refusal page
        return refused(request, _("No such region in your jurisdiction"), back)
    year = form.cleaned_data["year"] or _default_year()
    reports = region_reports(request.user, year, region)
    if refusal := export_refusal(request, fmt, reports, back):
        return refusal
    title = _("Figures of the annual work reports on %(year)s") % {"year": year}
    record_download(request.user, file="export_annual_report_figures", target=None, name=title,
                    query=request.GET.urlencode())  # fmt: skip
    return export_response(fmt, name=f"{EXPORT_NAME}-{year}", title=title,
                           headers=export_headers(get_language() or "zh-hans"), rows=export_rows(reports))  # fmt: skip
