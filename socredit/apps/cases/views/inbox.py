"""The staff case inbox (案件收件箱): objections, repairs and complaints in one list with their next
deadline, overdue and escalation filters, assignment, and one page per case with its steps,
timeline, documents and evidence. Each kind contributes its own action forms to the case page.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, Min, OuterRef, Q
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext, ngettext
from django.views.decorators.http import require_POST

from socredit.apps.accounts.models import User
from socredit.apps.audit.services import record_download
from socredit.apps.cases.access import (
    access_cases,
    may_review_reporter_reads,
    own_notices,
    reporter_reads,
)
from socredit.apps.cases.documents import case_basis, case_letterhead
from socredit.apps.cases.models import Case, CaseKind, CaseStatus, CaseStep
from socredit.apps.cases.services import common
from socredit.apps.cases.services.complaints import REPORTER_SHOWN_ON
from socredit.apps.workdays.services import missing_years, working_calendar
from socredit.common.access import get_or_404
from socredit.common.choices import enum_choices
from socredit.common.documents import document_response
from socredit.common.errors import FieldErrors
from socredit.core.types import DishonestyClass

PAGE_SIZE = 50


def annotate_deadlines(qs: Any) -> Any:
    """Next open step deadline and whether any open step is overdue or escalated (one query)."""
    open_steps = CaseStep.objects.filter(case=OuterRef("pk"), done_on__isnull=True)
    return qs.annotate(
        next_due=Min("steps__due_on", filter=Q(steps__done_on__isnull=True)),
        escalated=Exists(open_steps.filter(escalated_on__isnull=False)),
    )


def overdue(today: dt.date) -> Q:
    """An open step or the overall limit is past (on a queryset from ``annotate_deadlines``)."""
    return Q(next_due__lt=today) | Q(due_on__lt=today)


def countdown(cal: Any, day: dt.date, due: dt.date | None) -> dict[str, Any] | None:
    """What the inbox shows for a deadline: working days left, or how many overdue."""
    if due is None:
        return None
    left = cal.working_days_left(day, due)
    if left < 0:
        late = ngettext("%(n)s working day overdue", "%(n)s working days overdue", -left) % {"n": -left}
        return {"due": due, "left": left, "text": late, "css": "badge-bad"}
    if left == 0:
        return {"due": due, "left": 0, "text": gettext("due today"), "css": "badge-bad"}
    return {
        "due": due,
        "left": left,
        "text": ngettext("%(n)s working day left", "%(n)s working days left", left) % {"n": left},
        "css": "badge-warn" if left <= 2 else "badge-info",
    }


def inbox_cases(request: HttpRequest, today: dt.date) -> tuple[Any, dict[str, str]]:
    """The inbox's cases under its filters (kind, status, filter, q) and in its order, with the
    filter values: the inbox page and its export read the same rows."""
    qs = annotate_deadlines(access_cases(request.user))
    kind = request.GET.get("kind", "")
    status = request.GET.get("status", "open")
    if kind in CaseKind.values:
        qs = qs.filter(kind=kind)
    if status in CaseStatus.values:
        qs = qs.filter(status=status)
    flt = request.GET.get("filter", "")
    if flt == "overdue":
        qs = qs.filter(overdue(today), status=CaseStatus.OPEN)
    elif flt == "escalated":
        qs = qs.filter(escalated=True)
    elif flt == "mine":
        qs = qs.filter(assigned_to=request.user)
    elif flt == "unassigned":
        qs = qs.filter(assigned_to__isnull=True)
    elif flt == "provisional":
        qs = qs.filter(provisional=True)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(
            Q(number__icontains=q) | Q(subject_name__icontains=q) | Q(organization__code=q.upper())
        )
    qs = (
        qs.order_by("next_due", "due_on", "-received_on", "-id")
        if status == "open"
        else qs.order_by("-received_on", "-id")
    )
    return qs, {"kind": kind, "status": status, "filter": flt, "q": q}


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    today = common.today()
    qs, filters = inbox_cases(request, today)
    kind, status, flt, q = filters["kind"], filters["status"], filters["filter"], filters["q"]
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    cal = working_calendar()
    # an open case counts down to its next deadline; a closed one shows the day it was closed
    rows = [{"case": c, "countdown": countdown(cal, today, min(filter(None, [c.next_due, c.due_on]), default=None))
             if c.is_open else None} for c in page]  # fmt: skip
    counts = {
        "open": access_cases(request.user).filter(status=CaseStatus.OPEN).count(),
        "overdue": annotate_deadlines(access_cases(request.user).filter(status=CaseStatus.OPEN))
        .filter(overdue(today)).count(),
        "provisional": access_cases(request.user).filter(status=CaseStatus.OPEN, provisional=True).count(),
    }  # fmt: skip
    return render(request, "cases/case_list.html", {
        "rows": rows, "page": page, "kinds": CaseKind.choices, "statuses": CaseStatus.choices, "kind": kind,
        "status": status, "filter": flt, "q": q, "counts": counts, "today": today,
        "unknown_years": missing_years(today), "notices": list(own_notices(request.user)[:20]),
        "query": urlencode({k: v for k, v in {"kind": kind, "status": status, "filter": flt, "q": q}.items() if v}),
    })  # fmt: skip


def case_context(case: Case) -> dict[str, Any]:
    today = common.today()
    cal = working_calendar()
    steps = list(case.steps.all())
    for s in steps:
        s.countdown = countdown(cal, today, s.due_on) if s.done_on is None and case.is_open else None
        s.late = bool(s.done_on and s.due_on and s.done_on > s.due_on)
    return {
        "case": case,
        "steps": steps,
        "total_countdown": countdown(cal, today, case.due_on) if case.is_open else None,
        "legal_basis": case_basis(case),
        "links": list(
            case.case_records.select_related("record__kind", "record__department", "result_record")
        ),
        "verifications": list(case.verifications.select_related("department").prefetch_related("records")),
        "evidence": list(case.evidence.all()),
        "documents": list(case.documents.all()),
        "dishonesty_classes": enum_choices(DishonestyClass),
        "today": today,
    }


def render_case(request: HttpRequest, case: Case, *, status: int = 200, **extra: Any) -> HttpResponse:
    """The staff case page; a refused action passes ``action_errors`` (and the posted form) with 400."""
    ctx = case_context(case)
    ctx["events"] = list(case.events.all())
    ctx["reads_reviewable"] = may_review_reporter_reads(request.user, case)
    ctx["handlers"] = common.handlers_for(case) if request.user.can_write else []
    ctx["can_write"] = request.user.can_write
    return render(request, "cases/case_detail.html", {**ctx, **extra}, status=status)


@login_required
def case_detail(request: HttpRequest, number: str) -> HttpResponse:
    case = get_or_404(access_cases(request.user), number=number)
    common.notices_seen(request.user, case)
    return render_case(request, case)


@require_POST
@login_required
def case_assign(request: HttpRequest, number: str) -> HttpResponse:
    case = get_or_404(access_cases(request.user), number=number)
    if not request.user.can_write:
        raise PermissionDenied
    raw = request.POST.get("handler", "")
    handler = User.objects.filter(pk=int(raw)).first() if raw.isdigit() else None
    try:
        common.assign(request.user, case, handler, reason=request.POST.get("reason", ""))
    except FieldErrors as exc:
        messages.error(request, exc.messages())
        return redirect("cases:case_detail", number=case.number)
    messages.success(
        request,
        gettext("Assigned to %(handler)s") % {"handler": handler}
        if handler
        else gettext("Assignment withdrawn"),
    )
    return redirect("cases:case_detail", number=case.number)


@login_required
def reporter_read_log(request: HttpRequest, number: str) -> HttpResponse:
    """举报人信息查阅记录: for the complaint's supervisor, every showing of the reporter's identity —
    when, by whom, where — from the audit trail (never the identity itself)."""
    case = get_or_404(access_cases(request.user), number=number)
    if not may_review_reporter_reads(request.user, case):
        raise PermissionDenied
    rows = [{"at": e.at, "who": e.actor_label, "where": REPORTER_SHOWN_ON.get(e.data.get("shown_on", ""), "")}
            for e in reporter_reads(request.user, case)[:500]]  # fmt: skip
    assignments = [e for e in case.events.all() if e.action == "assign"]
    return render(request, "cases/complaints/reporter_reads.html",
                  {"case": case, "rows": rows, "assignments": assignments})  # fmt: skip


def evidence_response(case: Case, pk: int, *, reader: Any = None) -> FileResponse:
    """An evidence file of the case; ``reader``: the staff member whose download is recorded."""
    ev = get_or_404(case.evidence.all(), pk=pk)
    if reader is not None:
        record_download(reader, file="evidence", target=case, name=f"{case.number} {ev.original_name}")
    return FileResponse(
        ev.file.open("rb"), as_attachment=True, filename=ev.original_name, content_type=ev.content_type
    )


@login_required
def evidence_download(request: HttpRequest, number: str, pk: int) -> FileResponse:
    # Recorded: evidence is non-public (an applicant's or reporter's files, possibly naming persons
    # or the reporter) and leaves the system as a file.
    case = get_or_404(access_cases(request.user), number=number)
    return evidence_response(case, pk, reader=request.user)


@login_required
def document_print(request: HttpRequest, number: str, pk: int) -> HttpResponse:
    case = get_or_404(access_cases(request.user), number=number)
    doc = get_or_404(case.documents.all(), pk=pk)
    return document_response(request, title=doc.title, number=doc.number, text=doc.body,
                             letterhead=case_letterhead(case))  # fmt: skip


urls: list[URLPattern] = [
    path("", case_list, name="case_list"),
    path("<str:number>/", case_detail, name="case_detail"),
    path("<str:number>/assign/", case_assign, name="case_assign"),
    path("<str:number>/reporter-reads/", reporter_read_log, name="reporter_reads"),
    path("<str:number>/evidence/<int:pk>/", evidence_download, name="evidence_download"),
    path("<str:number>/documents/<int:pk>/", document_print, name="document_print"),
]
org_urls: list[URLPattern] = []
public_urls: list[URLPattern] = []
