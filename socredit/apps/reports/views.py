"""Public pages of credit reports, 一社一码 and open data (no sign-in), and the organization's own
QR page under /my/. Thin: parse, call the portal's public layer or a service, render."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from socredit.apps.reports import content, opendata, qr
from socredit.apps.reports.services import PDF_MAX_BYTES, find_by_code, find_by_pdf, issue_report, verify
from socredit.apps.reports.signing import format_code, normalize_code
from socredit.common.access import organization_account_required
from socredit.common.exports import content_disposition
from socredit.common.limits import over_limit, too_many_requests


def _organization(code: str) -> Any:
    org = content.organization(code)
    if org is None:
        raise Http404
    return org


@require_http_methods(["GET"])
def report_download(request: HttpRequest, code: str) -> HttpResponse:
    """信用报告 PDF of an organization, as of today, issued and kept on each download."""
    org = _organization(code)
    if over_limit(request, "report"):
        return too_many_requests(request, "report")
    issued = issue_report(
        org, actor="public", channel="form", verify_url=lambda path: qr.absolute(request, path)
    )
    response = HttpResponse(issued.pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(f"信用报告-{org.code}-{issued.report.number}.pdf")
    response["Cache-Control"] = "no-store"
    return response


class CodeForm(forms.Form):
    code = forms.CharField(label=_("Verification code"), strip=True)

    def clean_code(self) -> str:
        code = normalize_code(self.cleaned_data["code"])  # None also for anything over 40 characters
        if code is None:
            raise forms.ValidationError(
                _(
                    "A verification code has 12 letters and digits, as printed on the report (e.g. 7KQ2-M9XD-3FHT)."
                )
            )
        return code


class FileForm(forms.Form):
    file = forms.FileField(label=_("The report's PDF file"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > PDF_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(limit)s MB; a credit report is far smaller.")
                % {"limit": PDF_MAX_BYTES // (1024 * 1024)}
            )
        return upload


@require_http_methods(["GET", "POST"])
def verify_page(request: HttpRequest) -> HttpResponse:
    """Verify a report by its code (GET ?code=) or by its file (POST)."""
    ctx: dict[str, Any] = {
        "code_form": CodeForm(),
        "file_form": FileForm(),
        "result": None,
        "file_result": None,
    }
    if request.method == "POST":
        file_form = FileForm(request.POST, request.FILES)
        ctx["file_form"] = file_form
        if file_form.is_valid():
            if over_limit(request, "verify"):
                return too_many_requests(request, "verify")
            ctx["file_checked"] = True
            report = find_by_pdf(file_form.cleaned_data["file"].read())
            ctx["file_result"] = verify(report) if report else None
        status = 200 if file_form.is_valid() else 400
        return _no_store(render(request, "reports/verify.html", ctx, status=status))
    if "code" in request.GET:
        code_form = CodeForm(request.GET)
        ctx["code_form"] = code_form
        if not code_form.is_valid():
            return _no_store(render(request, "reports/verify.html", ctx, status=400))
        return redirect("reports:verify_code", code=code_form.cleaned_data["code"])
    return render(request, "reports/verify.html", ctx)


@require_http_methods(["GET"])
def verify_code(request: HttpRequest, code: str) -> HttpResponse:
    """The page a report's QR code opens: what the report said and what has changed since."""
    if over_limit(request, "verify"):
        return too_many_requests(request, "verify")
    normal = normalize_code(code)
    if normal is not None and normal != code:
        return redirect("reports:verify_code", code=normal)
    report = find_by_code(code)
    ctx: dict[str, Any] = {
        "code_form": CodeForm(initial={"code": format_code(normal) if normal else code}),
        "file_form": FileForm(),
        "result": verify(report) if report else None,
        "asked": code,
        "malformed": normal is None,
    }
    return _no_store(render(request, "reports/verify.html", ctx, status=200 if report else 404))


def _no_store(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    return response


# --- 一社一码 ------------------------------------------------------------------------------------


@require_http_methods(["GET"])
def org_qr(request: HttpRequest, code: str, kind: str) -> HttpResponse:
    """The organization's stable QR code (PNG or SVG) opening its public profile."""
    if kind not in qr.KINDS:
        raise Http404
    org = _organization(code)
    if over_limit(request, "qr"):
        return too_many_requests(request, "qr")
    data = qr.qr_bytes(qr.absolute(request, content.profile_path(org.code)), kind)
    response = HttpResponse(data, content_type=qr.KINDS[kind])
    if request.GET.get("download"):
        response["Content-Disposition"] = content_disposition(f"一社一码-{org.code}.{kind}")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_http_methods(["GET"])
@organization_account_required
def my_qr(request: HttpRequest) -> HttpResponse:
    """The organization's own 一社一码 page (/my/qr/): the code to print and display at its premises."""
    org = request.user.organization
    return render(request, "reports/my_qr.html", {"organization": org,
                                                   "profile_url": qr.absolute(request, content.profile_path(org.code))})  # fmt: skip


# --- open data ---------------------------------------------------------------------------------------


@require_http_methods(["GET"])
def open_data(request: HttpRequest) -> HttpResponse:
    release = opendata.current_release()
    generated = dt.datetime.fromisoformat(release["generated_at"]) if release else None
    return render(request, "reports/open_data.html", {"release": release, "generated_at": generated})


@require_http_methods(["GET"])
def open_data_file(request: HttpRequest, name: str) -> HttpResponse:
    path = opendata.published_file(name)
    if path is None:
        raise Http404
    if over_limit(request, "opendata"):
        return too_many_requests(request, "opendata")
    response = FileResponse(path.open("rb"), content_type=opendata.content_type(name))
    response["Content-Disposition"] = content_disposition(name)
    return response
