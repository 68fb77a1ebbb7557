"""An organization's own annual-report pages (组织账号, /my/annual-reports/): its reports, filling in
the report on a year (saved as a draft, nothing typed lost on an error), attachments, the public
part as it will be published, submission with the signed statement of truthfulness, and a returned
report's reasons. The organization is always the account's own; nothing takes one from the request.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from socredit.apps.annualreports import services
from socredit.apps.annualreports.access import own_attachment, own_report, own_reports
from socredit.apps.annualreports.display import (
    public_attachments,
    report_audit,
    report_disclosure,
    report_parts,
)
from socredit.apps.annualreports.forms import AttachmentForm, ReportForm, SubmitForm
from socredit.apps.annualreports.models import AnnualReport
from socredit.apps.annualreports.uploads import attach_from_request
from socredit.common.access import organization_account_required
from socredit.common.errors import FieldErrors
from socredit.core.types import OrgType


def _due_year() -> int:
    return services.today().year - 1


@organization_account_required
def report_list(request: HttpRequest) -> HttpResponse:
    org = request.user.organization
    reports = list(own_reports(request.user).order_by("-year"))
    due = _due_year()
    context = {
        "org": org, "reports": reports, "due_year": due,
        "due_missing": due >= org.registered_on.year and not any(r.year == due for r in reports),
        "deadline": services.filing_deadline(org, due),
    }  # fmt: skip
    return render(request, "annualreports/my/report_list.html", context)


def _edit_page(request: HttpRequest, year: int, report: AnnualReport | None, form: ReportForm,
               status: int = 200) -> HttpResponse:  # fmt: skip
    org = request.user.organization
    context = {
        "org": org, "year": year, "report": report, "form": form,
        "attachment_form": AttachmentForm(), "deadline": services.filing_deadline(org, year),
        "audit": report_audit(report) if report else None,
    }  # fmt: skip
    return render(request, "annualreports/my/report_edit.html", context, status=status)


@organization_account_required
@require_http_methods(["GET", "POST"])
def report_edit(request: HttpRequest, year: int) -> HttpResponse:
    """填报: GET the form (the saved draft, or empty), POST saves the draft; ``next=preview`` then
    shows the public part and the statement to sign."""
    org = request.user.organization
    report = own_reports(request.user).filter(year=year).first()
    if report is not None and not report.editable_by_organization:
        return redirect("my_annualreports:report_detail", year=year)
    if request.method == "GET":
        initial = ReportForm.initial_from(report) if report else {}
        return _edit_page(request, year, report, ReportForm(initial=initial, org_type=OrgType(org.org_type)))
    form = ReportForm(request.POST, org_type=OrgType(org.org_type))
    if form.is_valid():
        try:
            report = services.save_draft(request.user, "form", org, year, **form.service_kwargs())
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            if request.POST.get("next") == "preview":
                return redirect("my_annualreports:report_detail", year=year)
            messages.success(request, _("The draft was saved."))
            return redirect("my_annualreports:report_edit", year=year)
    return _edit_page(request, year, report, form, status=400)


def _detail_page(request: HttpRequest, report: AnnualReport, submit_form: SubmitForm | None = None,
                 attachment_form: AttachmentForm | None = None) -> HttpResponse:  # fmt: skip
    context: dict[str, Any] = {
        "org": report.organization, "report": report,
        "parts": report_parts(report), "public_parts": report_parts(report, public_only=True),
        "disclosure": report_disclosure(report), "public_attachments": public_attachments(report),
        "audit": report_audit(report), "declaration": services.DECLARATION,
        "submit_form": submit_form or SubmitForm(), "attachment_form": attachment_form or AttachmentForm(),
        "history": list(report.history.all()), "deadline": services.filing_deadline(report.organization, report.year),
    }  # fmt: skip
    bad = (submit_form is not None and submit_form.errors) or (
        attachment_form is not None and attachment_form.errors
    )
    return render(request, "annualreports/my/report_detail.html", context, status=400 if bad else 200)


@organization_account_required
def report_detail(request: HttpRequest, year: int) -> HttpResponse:
    """One report: its state, the reasons of a return, the public part (what will be published),
    the whole report, and — while it may be submitted — the statement to sign."""
    return _detail_page(request, own_report(request.user, year))


@require_POST
@organization_account_required
def report_submit(request: HttpRequest, year: int) -> HttpResponse:
    report = own_report(request.user, year)
    form = SubmitForm(request.POST)
    if form.is_valid():
        try:
            services.submit_report(
                request.user, "form", report, declared_by_name=form.cleaned_data["declared_by_name"]
            )
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The report was submitted to the registration authority."))
            return redirect("my_annualreports:report_detail", year=year)
    return _detail_page(request, own_report(request.user, year), submit_form=form)


@require_POST
@organization_account_required
def attachment_add(request: HttpRequest, year: int) -> HttpResponse:
    report = own_report(request.user, year)
    form = attach_from_request(request, report)
    if form is None:
        return redirect("my_annualreports:report_detail", year=year)
    return _detail_page(request, report, attachment_form=form)


@require_POST
@organization_account_required
def attachment_remove(request: HttpRequest, year: int, pk: int) -> HttpResponse:
    attachment = own_attachment(request.user, year, pk)
    try:
        services.remove_attachment(request.user, "form", attachment)
    except FieldErrors as exc:
        messages.error(request, exc.messages())
    return redirect("my_annualreports:report_detail", year=year)


@organization_account_required
def attachment_file(request: HttpRequest, year: int, pk: int) -> FileResponse:
    att = own_attachment(request.user, year, pk)
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.original_name,
                        content_type=att.content_type)  # fmt: skip
