"""Objection pages: an organization files one from its own account (/my/objections/new/), staff enter a
paper one, forward it, record a department's verification from its letter, decide and notify.

Each action: access (404 outside the region) → writer check (403) → service (validates; the only
writer) → back to the case page; a refusal re-renders the case page with the reason (400).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext
from django.views.decorators.http import require_http_methods, require_POST

from socredit.apps.cases.access import access_cases, own_records
from socredit.apps.cases.models import Case, CaseKind, Verification
from socredit.apps.cases.services import objections
from socredit.apps.cases.views.inbox import render_case
from socredit.apps.lists.models import ListDecision
from socredit.apps.registry.access import access_organization
from socredit.common.access import get_or_404, organization_account_required
from socredit.common.errors import FieldErrors
from socredit.core.types import DishonestyClass
from socredit.core.values import parse_date

CORRECTABLE = ("occurred_on", "decided_on", "document_number", "amount", "summary", "dishonesty_class")


def _date(request: HttpRequest, name: str) -> dt.date | None:
    raw = (request.POST.get(name) or "").strip()
    if not raw:
        return None
    try:
        return parse_date(raw)
    except ValueError as exc:
        raise FieldErrors({name: [str(exc)]}) from None


def _records_of(request: HttpRequest, candidates: Any) -> list[Any]:
    ids = [int(x) for x in request.POST.getlist("records") if x.isdigit()]
    found = list(candidates.filter(pk__in=ids))
    missing = set(ids) - {r.pk for r in found}
    if missing:
        raise FieldErrors(
            records=gettext("Records %(join)s do not exist or do not belong to this organization")
            % {"join": "、".join(f"#{i}" for i in sorted(missing))}
        )
    return found


def _decision_of(request: HttpRequest, organization: Any) -> ListDecision | None:
    raw = request.POST.get("list_decision", "")
    if not raw.isdigit():
        return None
    decision = ListDecision.objects.filter(pk=int(raw), organization=organization).first()
    if decision is None:
        raise FieldErrors(
            list_decision=gettext("The list decision does not exist or was not made about this organization")
        )
    return decision


def _objection_form(request: HttpRequest, organization: Any, records: Any, template: str, *,
                    channel: str, extra: dict[str, Any] | None = None) -> HttpResponse:  # fmt: skip
    errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST":
        try:
            case = objections.file_objection(
                request.user, channel=channel, organization=organization, records=_records_of(request, records),
                list_decision=_decision_of(request, organization), reasons=request.POST.get("reasons", ""),
                files=request.FILES.getlist("evidence"), received_on=_date(request, "received_on"),
                applicant_name=request.POST.get("applicant_name", ""),
                applicant_contact=request.POST.get("applicant_contact", ""),
            )  # fmt: skip
        except FieldErrors as exc:
            errors, status = exc.errors, 400
        else:
            messages.success(
                request,
                gettext(
                    "Objection %(number)s is registered; the records concerned are marked “under objection”"
                )
                % {"number": case.number},
            )
            target = "my:case_detail" if channel == "organization" else "cases:case_detail"
            return redirect(target, number=case.number)
    decisions = ListDecision.objects.filter(
        organization=organization, kind__in=["entry", "transfer", "restart"]
    )
    chosen = {int(x) for x in request.POST.getlist("records") if x.isdigit()} or {
        int(x) for x in request.GET.getlist("record") if x.isdigit()
    }
    ctx = {"organization": organization, "records": list(records.filter(is_current=True, status=1)[:500]),
           "decisions": list(decisions), "errors": errors, "post": request.POST, "chosen": chosen,
           "channel": channel, **(extra or {})}  # fmt: skip
    return render(request, template, ctx, status=status)


# --- organization account ---------------------------------------------------------------------------


@organization_account_required
@require_http_methods(["GET", "POST"])
def my_objection_new(request: HttpRequest) -> HttpResponse:
    org = request.user.organization
    return _objection_form(request, org, own_records(request.user), "cases/my/objection_new.html",
                           channel="organization")  # fmt: skip


@require_POST
@organization_account_required
def my_case_withdraw(request: HttpRequest, number: str) -> HttpResponse:
    case = get_or_404(access_cases(request.user), number=number, kind=CaseKind.OBJECTION)
    try:
        objections.withdraw(request.user, case, reason=request.POST.get("reason", ""))
    except FieldErrors as exc:
        messages.error(request, exc.messages())
    else:
        messages.success(request, gettext("The objection is withdrawn"))
    return redirect("my:case_detail", number=case.number)


# --- staff --------------------------------------------------------------------------------------------


def _writer(request: HttpRequest) -> None:
    if not request.user.can_write:
        raise PermissionDenied


@login_required
@require_http_methods(["GET", "POST"])
def objection_new(request: HttpRequest, code: str) -> HttpResponse:
    """Staff enter a written objection received on paper (with the day it was received)."""
    organization = access_organization(request.user, code)
    _writer(request)
    return _objection_form(request, organization, organization.records.select_related("kind", "department"),
                           "cases/objections/objection_new.html", channel="paper")  # fmt: skip


def _objection(request: HttpRequest, pk: int) -> Case:
    case = get_or_404(access_cases(request.user), pk=pk, kind=CaseKind.OBJECTION)
    _writer(request)
    return case


def _refused(request: HttpRequest, case: Case, exc: FieldErrors) -> HttpResponse:
    return render_case(request, case, status=400, action_errors=exc.errors, post=request.POST)


@require_POST
@login_required
def objection_forward(request: HttpRequest, pk: int) -> HttpResponse:
    case = _objection(request, pk)
    try:
        objections.forward(request.user, case, on=_date(request, "on"), note=request.POST.get("note", ""))
    except FieldErrors as exc:
        return _refused(request, case, exc)
    messages.success(request, gettext("Forwarded for verification; the referral letter is issued"))
    return redirect("cases:case_detail", number=case.number)


@require_POST
@login_required
def objection_verification(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff enter a department's written verification result."""
    case = _objection(request, pk)
    raw = request.POST.get("verification", "")
    v = (
        Verification.objects.filter(case=case, pk=int(raw)).select_related("department").first()
        if raw.isdigit()
        else None
    )
    try:
        if v is None:
            raise FieldErrors(verification=gettext("Choose the department answering the verification"))
        objections.record_verification(request.user, case, department=v.department,
                                       result=request.POST.get("result", ""), note=request.POST.get("note", ""),
                                       on=_date(request, "on"))  # fmt: skip
    except FieldErrors as exc:
        return _refused(request, case, exc)
    messages.success(request, gettext("The verification is entered"))
    return redirect("cases:case_detail", number=case.number)


def _actions(request: HttpRequest, case: Case) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for link in case.case_records.select_related("record__kind"):
        rid = link.record_id
        action = request.POST.get(f"action_{rid}", "")
        data = {}
        if action == "correct":
            for f in CORRECTABLE:
                value = (request.POST.get(f"{f}_{rid}") or "").strip()
                if value:
                    data[f] = value
            if not data:
                raise FieldErrors(
                    {
                        f"record_{rid}": [
                            gettext(
                                "Correcting the record (%(reference)s) needs at least one corrected value"
                            )
                            % {"reference": link.record.reference}
                        ]
                    }
                )
        out[rid] = {"action": action, "data": data}
    return out


@require_POST
@login_required
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    case = _objection(request, pk)
    try:
        objections.decide(request.user, case, reason=request.POST.get("reason", ""), actions=_actions(request, case),
                          list_action=request.POST.get("list_action", ""), on=_date(request, "on"))  # fmt: skip
    except FieldErrors as exc:
        return _refused(request, case, exc)
    messages.success(request, gettext("The decision is made"))
    return redirect("cases:case_detail", number=case.number)


@require_POST
@login_required
def objection_notify(request: HttpRequest, pk: int) -> HttpResponse:
    case = _objection(request, pk)
    try:
        objections.notify(request.user, case, on=_date(request, "on"))
    except FieldErrors as exc:
        return _refused(request, case, exc)
    messages.success(request, gettext("The result notice is issued; the case is closed"))
    return redirect("cases:case_detail", number=case.number)


DISHONESTY_CHOICES = [(m.code, m.zh) for m in DishonestyClass]

urls: list[URLPattern] = [
    path("objections/new/<str:code>/", objection_new, name="objection_new"),
    path("objections/<int:pk>/forward/", objection_forward, name="objection_forward"),
    path("objections/<int:pk>/verification/", objection_verification, name="objection_verification"),
    path("objections/<int:pk>/decide/", objection_decide, name="objection_decide"),
    path("objections/<int:pk>/notify/", objection_notify, name="objection_notify"),
]
org_urls: list[URLPattern] = [
    path("objections/new/", my_objection_new, name="objection_new"),
    path("cases/<str:number>/withdraw/", my_case_withdraw, name="case_withdraw"),
]
public_urls: list[URLPattern] = []
