"""The administrators' pages of the audit trail: the chain verified (the same result as `socredit audit
verify`), and the sensitive reads of their region (敏感信息查阅记录)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from socredit.apps.audit import chain, services
from socredit.apps.audit.access import access_sensitive_reads, can_review_reads, can_verify_chain
from socredit.apps.audit.forms import ReadFilterForm
from socredit.common.paging import Page, page_number


@login_required
@require_GET
def chain_check(request: HttpRequest) -> HttpResponse:
    if not can_verify_chain(request.user):
        raise PermissionDenied
    anchor_error = ""
    try:
        report = services.check_chain()
    except ValueError as exc:  # a damaged anchor file: the chain alone is still checked
        anchor_error = str(exc)
        report = services.check_chain(with_anchors=False)
    problems = [{"problem": p, "text": chain.describe(p)} for p in report.problems]
    return render(request, "audit/chain_check.html", {
        "report": report, "problems": problems, "more": report.problem_count - len(report.problems),
        "anchor_error": anchor_error, "anchor_file": chain.anchor_path(),
    })  # fmt: skip


@login_required
@require_GET
def sensitive_reads(request: HttpRequest) -> HttpResponse:
    """敏感信息查阅记录: who was shown whole ID numbers, reporters' identities or non-public files, and
    when, by the accounts and tokens of the administrator's region; filtered by kind, reader and
    dates. It shows what the audit event says (kind, summary, where), never the data read."""
    if not can_review_reads(request.user):
        raise PermissionDenied
    form = ReadFilterForm(request.GET or None)
    reads = (
        form.apply(access_sensitive_reads(request.user))
        if form.is_bound
        else access_sensitive_reads(request.user)
    )
    page = Page.of(reads, page_number(request))
    rows = [{"event": e, "kind": services.SENSITIVE_READS[e.action], "where": services.read_place(e)}
            for e in page.object_list]  # fmt: skip
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/sensitive_reads.html", {
        "form": form, "page": page, "rows": rows, "query": query.urlencode(),
    }, status=400 if form.is_bound and not form.is_valid() else 200)  # fmt: skip
