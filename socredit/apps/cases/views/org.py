"""组织自助 — an organization's own account: its whole credit file (shared records included, internal
ones not), its level and why, its list standing, its commitments and cases; from here it files
objections, applies for repair and signs commitments, and follows each case to its answer.
"""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.translation import gettext

from socredit.apps.annualreports.deadlines import reminder_for
from socredit.apps.cases.access import own_cases, own_records
from socredit.apps.cases.documents import case_letterhead
from socredit.apps.cases.models import CaseKind, CaseRecord, CaseStatus
from socredit.apps.cases.services import common
from socredit.apps.cases.views.inbox import case_context, evidence_response
from socredit.apps.evaluation.indicators import UnknownModel, default_version, get_model
from socredit.apps.evaluation.models import CreditScore, LevelChange
from socredit.apps.evaluation.services import explain_organization
from socredit.apps.lists.models import ListEntry
from socredit.common.access import get_or_404, organization_account_required
from socredit.common.documents import document_response
from socredit.core.scoring.evaluate import EvaluationInputError
from socredit.core.types import Polarity, RecordStatus


def _credit(organization: Any) -> dict[str, Any]:
    model = get_model(default_version())
    explanation = explain_organization(organization, model_version=model.version)
    reasons = {r.id: r.reason for r in model.level_rules}
    by_band = gettext("the band the score lies in")
    return {
        "model": model,
        "explanation": explanation,
        "decided_by": reasons.get(explanation.cause, by_band) if explanation.rule else by_band,
        "lines": [line for line in explanation.lines if line.count],
        "stored": CreditScore.objects.filter(organization=organization).first(),
        "changes": list(LevelChange.objects.filter(organization=organization).order_by("-as_of", "-id")[:10]),
    }


@organization_account_required
def home(request: HttpRequest) -> HttpResponse:
    org = request.user.organization
    records = list(own_records(request.user).filter(is_current=True).order_by("-occurred_on", "-id")[:300])
    in_open_cases = set(
        CaseRecord.objects.filter(
            case__in=own_cases(request.user).filter(status=CaseStatus.OPEN)
        ).values_list("record_id", flat=True)
    )
    for r in records:
        r.in_open_case = r.pk in in_open_cases
        r.negative = r.kind.polarity == Polarity.NEGATIVE.value and r.status == RecordStatus.EFFECTIVE.value
    entries = list(
        ListEntry.objects.filter(organization=org, left_on__isnull=True).select_related("entry_decision")
    )
    ctx: dict[str, Any] = {
        "org": org,
        "records": records,
        "entries": entries,
        "cases": list(own_cases(request.user).order_by("-received_on", "-id")[:50]),
        "today": common.today(),
        "annual_report_reminder": reminder_for(org, common.today()),
    }
    try:
        ctx.update(_credit(org))
    except (EvaluationInputError, UnknownModel) as exc:  # the file still shows without the score
        ctx["credit_error"] = str(exc)
    return render(request, "cases/my/home.html", ctx)


@organization_account_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = get_or_404(own_cases(request.user), number=number)
    ctx = case_context(case)
    ctx["events"] = list(case.events.filter(public=True))
    ctx["documents"] = [d for d in ctx["documents"] if d.kind != "forward"]
    ctx["evidence"] = [e for e in ctx["evidence"] if e.party == "applicant"]
    ctx["can_withdraw"] = case.is_open and case.kind == CaseKind.OBJECTION
    return render(request, "cases/my/case_detail.html", ctx)


@organization_account_required
def document_print(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = get_or_404(own_cases(request.user), number=number)
    doc = get_or_404(case.documents.exclude(kind="forward"), pk=pk)
    return document_response(request, title=doc.title, number=doc.number, text=doc.body,
                             letterhead=case_letterhead(case))  # fmt: skip


@organization_account_required
def evidence_download(request: HttpRequest, number: str, pk: int) -> FileResponse:
    # Not recorded: the organization downloads only the evidence it filed itself (party "applicant").
    case = get_or_404(own_cases(request.user), number=number)
    return evidence_response(case, pk) if case.evidence.filter(pk=pk, party="applicant").exists() else \
        evidence_response(case, -1)  # fmt: skip


urls: list[URLPattern] = []
org_urls: list[URLPattern] = [
    path("", home, name="home"),
    path("cases/<str:number>/", case_detail, name="case_detail"),
    path("cases/<str:number>/documents/<int:pk>/", document_print, name="document_print"),
    path("cases/<str:number>/evidence/<int:pk>/", evidence_download, name="evidence_download"),
]
public_urls: list[URLPattern] = []
