"""Staff pages of annual work reports (年度工作报告 / 年检): the review queue, one report with its
return and conclusion forms, entering a report filed on paper, and the attachments.

Each view: parse → access_* (404 outside the region: only the registering authority's region and
those above it see a report) → service (the only writer, which validates) → render. Everyone
signed in reads; only accounts that may write (officers, administrators) act.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from socredit.apps.annualreports import services
from socredit.apps.annualreports.access import access_attachment, access_report, access_reports
from socredit.apps.annualreports.display import (
    public_attachments,
    report_audit,
    report_disclosure,
    report_parts,
)
from socredit.apps.annualreports.forms import (
    AttachmentForm,
    ConcludeForm,
    PaperForm,
    QueueFilterForm,
    ReportForm,
    ReturnForm,
)
from socredit.apps.annualreports.models import AnnualReport
from socredit.apps.annualreports.risk import filter_by_risk, flag_labels_for
from socredit.apps.annualreports.uploads import attach_from_request
from socredit.apps.audit.services import record_download
from socredit.apps.registry.access import access_organization
from socredit.common.access import scope_path_of
from socredit.common.errors import FieldErrors
from socredit.core.annualreports.schema import Channel, ReportState
from socredit.core.types import OrgType

PER_PAGE = 50


def _require_write(user: Any) -> None:
    if not user.can_write:
        raise PermissionDenied


@login_required
def report_list(request: HttpRequest) -> HttpResponse:
    """审核队列: reports of the account's region, submitted ones first (oldest submission first)."""
    form = QueueFilterForm(request.GET)
    form.fields["region"].scope_path = scope_path_of(request.user)
    qs = access_reports(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["year"]:
            qs = qs.filter(year=data["year"])
        # an organization's online draft is its own work in progress: not in the queue until submitted.
        # Said per state, so that a queue of one state is counted on the (state, year, …) index alone
        # (the exclusion reads every row's channel: 1.3 s for 930,000 reports)
        if data["state"] == ReportState.DRAFT.value:
            qs = qs.filter(state=ReportState.DRAFT.value, channel=Channel.PAPER.value)
        elif data["state"]:
            qs = qs.filter(state=data["state"])
        else:
            qs = qs.exclude(state=ReportState.DRAFT.value, channel=Channel.ONLINE.value)
        if data["org_type"]:
            qs = qs.filter(organization__org_type=data["org_type"])
        if data["field"]:
            qs = qs.filter(organization__field=data["field"])
        if data["region"]:
            qs = qs.filter(organization__region__path__startswith=data["region"].path)
        if data["risk"]:
            qs = filter_by_risk(qs, data["risk"])
        if data["q"]:
            text = data["q"].strip()
            qs = qs.filter(
                Q(organization__name__icontains=text) | Q(organization__code__icontains=text.upper())
            )
    else:
        qs = qs.none()
    page = Paginator(qs.order_by("-year", "submitted_on", "id"), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    reports = list(page.object_list)
    flags = flag_labels_for(reports)
    for r in reports:
        r.risk_flags = flags.get(r.pk, [])
    waiting = access_reports(request.user).filter(state=ReportState.SUBMITTED.value).count()
    context = {"form": form, "page": page, "reports": reports, "query": query.urlencode(), "waiting": waiting}
    return render(request, "annualreports/report_list.html", context, status=400 if form.errors else 200)


def _detail_page(
    request: HttpRequest, report: AnnualReport, forms: dict[str, Any] | None = None
) -> HttpResponse:
    forms = forms or {}
    submitted = report.state == ReportState.SUBMITTED.value
    context = {
        "report": report, "org": report.organization, "parts": report_parts(report),
        "disclosure": report_disclosure(report), "public_attachments": public_attachments(report),
        "audit": report_audit(report), "history": list(report.history.all()),
        "can_review": request.user.can_write and submitted,
        "return_form": forms.get("return") or ReturnForm(),
        "conclude_form": forms.get("conclude") or ConcludeForm(),
        "open": next(iter(forms), None), "risk_flags": flag_labels_for([report]).get(report.pk, []),
        "can_attach": request.user.can_write and report.channel == Channel.PAPER.value and report.editable,
        "attachment_form": forms.get("attach") or AttachmentForm(),
        "deadline": services.filing_deadline(report.organization, report.year),
    }  # fmt: skip
    return render(request, "annualreports/report_detail.html", context, status=400 if forms else 200)


@login_required
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, access_report(request.user, pk))


@require_POST
@login_required
def report_return(request: HttpRequest, pk: int) -> HttpResponse:
    _require_write(request.user)
    report = access_report(request.user, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.return_report(request.user, "form", report, reasons=form.cleaned_data["reasons"])
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The report was returned to the organization for correction."))
            return redirect("annualreports:report_detail", pk=report.pk)
    return _detail_page(request, access_report(request.user, pk), {"return": form})


@require_POST
@login_required
def report_conclude(request: HttpRequest, pk: int) -> HttpResponse:
    _require_write(request.user)
    report = access_report(request.user, pk)
    form = ConcludeForm(request.POST)
    if form.is_valid():
        try:
            services.conclude_report(request.user, "form", report, result=form.cleaned_data["result"],
                                     note=form.cleaned_data["note"])  # fmt: skip
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The inspection was concluded and written to the credit file."))
            return redirect("annualreports:report_detail", pk=report.pk)
    return _detail_page(request, access_report(request.user, pk), {"conclude": form})


@require_POST
@login_required
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    """上传附件 of a paper report (the organization uploads its own online report's files itself)."""
    _require_write(request.user)
    report = access_report(request.user, pk)
    if report.channel != Channel.PAPER.value:
        raise PermissionDenied
    form = attach_from_request(request, report)
    if form is None:
        return redirect("annualreports:report_detail", pk=report.pk)
    return _detail_page(request, access_report(request.user, pk), {"attach": form})


@login_required
@require_http_methods(["GET", "POST"])
def paper_new(request: HttpRequest, code: str) -> HttpResponse:
    """录入纸质报告 of one organization: saved as a draft, or submitted with the day of receipt."""
    _require_write(request.user)
    org = access_organization(request.user, code)
    org_type = OrgType(org.org_type)
    year = request.GET.get("year", "")
    existing = (
        access_reports(request.user).filter(organization=org, year=year).first() if year.isdigit() else None
    )
    meta = PaperForm(request.POST or None, initial={"year": existing.year if existing else services.today().year - 1,
                                                    "received_on": services.today()})  # fmt: skip
    form = ReportForm(request.POST or None, org_type=org_type,
                      initial=ReportForm.initial_from(existing) if existing else None)  # fmt: skip
    if request.method == "POST" and meta.is_valid() and form.is_valid():
        try:
            report = services.enter_paper_report(
                request.user, "form", org, meta.cleaned_data["year"], **form.service_kwargs(),
                submit=request.POST.get("submit") == "1", declared_by_name=meta.cleaned_data["declared_by_name"],
                received_on=meta.cleaned_data["received_on"],
            )  # fmt: skip
        except FieldErrors as exc:
            meta.add_service_errors(FieldErrors({k: v for k, v in exc.errors.items() if k in meta.fields}))
            form.add_service_errors(
                FieldErrors({k: v for k, v in exc.errors.items() if k not in meta.fields})
            )
        else:
            messages.success(request, _("The paper report was recorded."))
            return redirect("annualreports:report_detail", pk=report.pk)
    context = {"org": org, "meta": meta, "form": form}
    bad = request.method == "POST"
    return render(request, "annualreports/paper_new.html", context, status=400 if bad else 200)


@login_required
def paper_start(request: HttpRequest) -> HttpResponse:
    """The queue's "enter a paper report" box: the organization by its code, then its paper form."""
    _require_write(request.user)
    code = (request.GET.get("code") or "").strip().upper()
    if not code:
        messages.error(request, _("Enter the organization's unified social credit code."))
        return redirect("annualreports:report_list")
    org = access_organization(request.user, code)
    return redirect("annualreports:paper_new", code=org.code)


@login_required
def attachment_file(request: HttpRequest, pk: int, att: int) -> FileResponse:
    attachment = access_attachment(request.user, pk, att)
    report = attachment.report
    record_download(request.user, file="annual_report_attachment", target=report,
                    name=f"{report.organization.name} {report.year} {attachment.original_name}")  # fmt: skip
    return FileResponse(attachment.file.open("rb"), as_attachment=True, filename=attachment.original_name,
                        content_type=attachment.content_type)  # fmt: skip
