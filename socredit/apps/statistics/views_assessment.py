"""考核报告 pages: the list of a user's reports with the form that generates one, a report's summary,
and its PDF and XLSX. Scoped like the dashboard: a region at or below the user's own, the same 404
with a message for an unknown code and one outside the user's area."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from socredit.apps.statistics.access import access_assessment_report, access_assessment_reports
from socredit.apps.statistics.assessment.periods import recent_quarters
from socredit.apps.statistics.assessment.render import display_rows
from socredit.apps.statistics.assessment.services import generate_assessment_report
from socredit.apps.statistics.forms import AssessmentForm
from socredit.apps.statistics.views import _scope_or_message, _staff
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.common.exports import content_disposition

PER_PAGE = 30
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _language() -> str:
    return "en" if (get_language() or "").startswith("en") else "zh-hans"


@login_required
@require_http_methods(["GET", "POST"])
def assessment_list(request: HttpRequest) -> HttpResponse:
    """The reports of the user's area, newest first, and the form (officers and administrators)."""
    _staff(request)
    may_generate = bool(getattr(request.user, "can_write", False))
    form = AssessmentForm(
        request.POST or None, initial={"language": _language(), "region": request.GET.get("region", "")}
    )
    status = 200
    if request.method == "POST":
        if not may_generate:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            request.GET = request.GET.copy()
            request.GET["region"] = data["region"]
            try:
                scope = _scope_or_message(request)
            except Http404 as exc:  # the same 404 as the dashboard, with its message, nothing written
                return render(request, "statistics/assessment_list.html", {
                    "form": form, "errors": [str(exc)], "may_generate": may_generate, "reports": None,
                    "quarters": recent_quarters(today())}, status=404)  # fmt: skip
            try:
                report = generate_assessment_report(request.user, scope.region, data["start"], data["end"],
                                                    data["language"], channel="form")  # fmt: skip
            except FieldErrors as exc:
                for field, texts in exc.errors.items():
                    if field == "end" and data.get("period"):
                        field = "period"  # the dates came from the period asked for
                    form.add_error(field if field in form.fields else None, texts)
            else:
                messages.success(request, _("The assessment report is generated."))
                return redirect("statistics:assessment_detail", pk=report.pk)
        status = 400
    reports = Paginator(access_assessment_reports(request.user), PER_PAGE).get_page(request.GET.get("page"))
    context: dict[str, Any] = {
        "form": form, "reports": reports, "may_generate": may_generate, "quarters": recent_quarters(today()),
    }  # fmt: skip
    return render(request, "statistics/assessment_list.html", context, status=status)


@login_required
def assessment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One report: its facts, its sections as tables, and the PDF and XLSX."""
    _staff(request)
    report = _report_or_message(request, pk)
    sections = [{**s, "shown": display_rows(s)} for s in report.content.get("sections", [])]
    versions = access_assessment_reports(request.user).filter(
        path=report.path, start=report.start, end=report.end
    )
    return render(request, "statistics/assessment_detail.html",
                  {"report": report, "c": report.content, "sections": sections, "versions": versions})  # fmt: skip


@login_required
def assessment_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The stored PDF or XLSX, as generated (its SHA-256 is kept with the report)."""
    _staff(request)
    if fmt not in CONTENT_TYPES:
        raise Http404
    report = _report_or_message(request, pk)
    file = report.pdf if fmt == "pdf" else report.xlsx
    try:
        handle = file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The report's file is missing from the storage.")) from None
    response = FileResponse(handle, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = content_disposition(file.name.rsplit("/", 1)[-1])
    return response


def _report_or_message(request: HttpRequest, pk: int) -> Any:
    try:
        return access_assessment_report(request.user, pk)
    except Http404:
        raise Http404(_("There is no assessment report with this number in your area.")) from None
