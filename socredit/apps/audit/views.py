"""The administrators' page that verifies the audit chain (the same result as `socredit audit verify`)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from socredit.apps.audit import chain, services
from socredit.apps.audit.access import can_verify_chain


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
