"""陈述申辩 pages. Staff: the statement block of a proposal (the period and its countdown, the statement
or waiver, its evidence and the answer) with the forms that record a paper statement, a waiver and
the answer after review. An organization's own account (/my/lists/): the prior notices served on it,
each with its period, where it reads the notice, states its case (with evidence) or waives, and
later reads the answer.

Each view: parse → access_* / own_* (404 outside the region or for another organization's notice) →
service (the only writer, which validates) → redirect, or the page again with the message (400).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from socredit.apps.audit.services import record_download
from socredit.apps.lists import services
from socredit.apps.lists.access import (
    access_proposals,
    access_statement_evidence,
    access_statements,
    own_notices,
    own_statement_evidence,
)
from socredit.apps.lists.forms_statements import (
    AnswerForm,
    OrganizationStatementForm,
    PaperStatementForm,
    WaiverForm,
)
from socredit.apps.lists.models import LIST_LABELS, ListNotice, ListProposal, ListStatement
from socredit.apps.lists.services.statements import current_notice, statement_on
from socredit.apps.workdays.services import working_calendar
from socredit.common.access import get_or_404, organization_account_required
from socredit.common.errors import FieldErrors

# --- the block shown on a proposal -------------------------------------------------------------------


def period_state(notice: ListNotice, day: dt.date) -> dict[str, Any]:
    """The period of a notice on ``day``: its last day, working days left (剩N个工作日) or ended (已届满)."""
    due = notice.statement_due_on
    if due is None:
        return {"due_on": None, "days_left": None, "ended": False}
    left = working_calendar().working_days_left(day, due) if day <= due else -1
    return {"due_on": due, "days_left": max(left, 0), "ended": day > due}


def statement_block(
    user: Any, proposal: ListProposal, forms: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """What ``lists/partials/_statement.html`` shows for a proposal, or None before any notice."""
    notice = current_notice(proposal)
    if notice is None:
        return None
    forms = forms or {}
    today = services.today()
    statement = statement_on(notice)
    is_open = proposal.status == ListProposal.Status.PROPOSED
    state = period_state(notice, today)
    can_write = bool(getattr(user, "can_write", False)) and is_open
    return {
        "proposal": proposal,
        "notice": notice,
        **state,
        "statement": statement,
        "evidence": list(statement.evidence.all()) if statement else [],
        "can_file": can_write and statement is None and notice.statement_due_on is not None,
        "can_answer": can_write
        and statement is not None
        and statement.outcome == ListStatement.Outcome.PENDING,
        "paper": forms.get("paper") or PaperStatementForm(row=proposal.pk, initial={"received_on": today}),
        "waiver": forms.get("waiver") or WaiverForm(row=proposal.pk, initial={"received_on": today}),
        "answer": forms.get("answer") or AnswerForm(row=proposal.pk, initial={"answered_on": today}),
        "open": next(iter(forms), None),
    }


def _statement_page(
    request: HttpRequest, proposal: ListProposal, forms: dict[str, Any] | None = None
) -> HttpResponse:
    context = {
        "proposal": proposal,
        "statement_block": statement_block(request.user, proposal, forms),
        "list_title": LIST_LABELS.get(proposal.list, proposal.list),
        "ground_title": services.ground_title(proposal.ground),
    }
    return render(request, "lists/statement_page.html", context, status=400 if forms else 200)


@login_required
def proposal_statement(request: HttpRequest, pk: int) -> HttpResponse:
    """陈述申辩 of one proposal: the period, the statement or waiver, the answer and their forms."""
    return _statement_page(request, get_or_404(access_proposals(request.user), pk=pk))


def _writable_notice(request: HttpRequest, pk: int) -> tuple[ListProposal, ListNotice]:
    if not request.user.can_write:
        raise PermissionDenied
    proposal = get_or_404(access_proposals(request.user), pk=pk)
    notice = current_notice(proposal)
    if notice is None:
        raise FieldErrors(__all__=_("No prior notice has been served on this proposal."))
    return proposal, notice


@require_POST
@login_required
def statement_record(request: HttpRequest, pk: int) -> HttpResponse:
    """A statement received on paper (with the day received and any evidence)."""
    proposal = get_or_404(access_proposals(request.user), pk=pk)
    form = PaperStatementForm(request.POST, row=pk)
    if form.is_valid():
        try:
            _proposal, notice = _writable_notice(request, pk)
            services.file_statement(request.user, notice, text=form.cleaned_data["text"], channel="paper",
                                    received_on=form.cleaned_data["received_on"],
                                    files=request.FILES.getlist("evidence"))  # fmt: skip
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The statement was recorded; answer it after review."))
            return redirect("lists:proposal_statement", pk=pk)
    return _statement_page(request, proposal, {"paper": form})


@require_POST
@login_required
def statement_waive(request: HttpRequest, pk: int) -> HttpResponse:
    """The organization's written waiver (放弃陈述申辩), received on a day."""
    proposal = get_or_404(access_proposals(request.user), pk=pk)
    form = WaiverForm(request.POST, row=pk)
    if form.is_valid():
        try:
            _proposal, notice = _writable_notice(request, pk)
            services.file_statement(request.user, notice, text="", channel="paper", waive=True,
                                    received_on=form.cleaned_data["received_on"])  # fmt: skip
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The waiver was recorded; the decision may now be made."))
            return redirect("lists:proposal_statement", pk=pk)
    return _statement_page(request, proposal, {"waiver": form})


@require_POST
@login_required
def statement_answer(request: HttpRequest, pk: int) -> HttpResponse:
    """复核 — answer a statement: upheld withdraws the proposal, not upheld lets the decision proceed."""
    statement = get_or_404(access_statements(request.user), pk=pk)
    if not request.user.can_write:
        raise PermissionDenied
    form = AnswerForm(request.POST, row=statement.proposal_id)
    if form.is_valid():
        try:
            done = services.answer_statement(request.user, statement, upheld=form.upheld(),
                                             answer=form.cleaned_data["answer"],
                                             answered_on=form.cleaned_data["answered_on"])  # fmt: skip
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            if done.outcome == ListStatement.Outcome.UPHELD:
                messages.success(request, _("The statement was upheld: the proposal is withdrawn."))
            else:
                messages.success(request, _("The answer was recorded; the decision may now be made."))
            return redirect("lists:proposal_statement", pk=statement.proposal_id)
    return _statement_page(request, statement.proposal, {"answer": form})


def _file_response(evidence: Any) -> FileResponse:
    return FileResponse(evidence.file.open("rb"), as_attachment=True, filename=evidence.original_name,
                        content_type=evidence.content_type)  # fmt: skip


@login_required
def statement_evidence(request: HttpRequest, pk: int) -> FileResponse:
    # Recorded: the organization's evidence for its statement is non-public and leaves as a file.
    evidence = get_or_404(access_statement_evidence(request.user), pk=pk)
    record_download(request.user, file="statement_evidence", target=evidence, name=evidence.original_name)
    return _file_response(evidence)


# --- the organization's own account (/my/lists/) ------------------------------------------------------


@organization_account_required
def my_notice_list(request: HttpRequest) -> HttpResponse:
    """The prior notices served on the organization, each with its period and what became of it."""
    today = services.today()
    rows = []
    for notice in own_notices(request.user).order_by("-served_on", "-id"):
        rows.append({"notice": notice, "statement": statement_on(notice), **period_state(notice, today),
                     "list_title": LIST_LABELS.get(notice.proposal.list, notice.proposal.list)})  # fmt: skip
    return render(request, "lists/my/notice_list.html", {"org": request.user.organization, "rows": rows})


@organization_account_required
@require_http_methods(["GET", "POST"])
def my_notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One notice: its text and period; the organization states its case (with evidence) or waives."""
    notice = get_or_404(own_notices(request.user), pk=pk)
    form = OrganizationStatementForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        waive = request.POST.get("action") == "waive"
        try:
            services.file_statement(request.user, notice, text=form.cleaned_data["text"], channel="account",
                                    received_on=services.today(), waive=waive,
                                    files=request.FILES.getlist("evidence"))  # fmt: skip
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("Your waiver was received.") if waive else _("Your statement was received.")
            )
            return redirect("my_lists:notice_detail", pk=notice.pk)
    proposal = notice.proposal
    statement = statement_on(notice)
    latest = current_notice(proposal)
    state = period_state(notice, services.today())
    context = {
        "org": request.user.organization,
        "notice": notice,
        "proposal": proposal,
        "list_title": LIST_LABELS.get(proposal.list, proposal.list),
        "statement": statement,
        "evidence": list(statement.evidence.all()) if statement else [],
        **state,
        "can_file": statement is None and proposal.status == ListProposal.Status.PROPOSED
        and latest is not None and latest.pk == notice.pk and notice.statement_due_on is not None
        and not state["ended"],
        "form": form,
    }  # fmt: skip
    return render(request, "lists/my/notice_detail.html", context, status=400 if form.errors else 200)


@organization_account_required
def my_statement_evidence(request: HttpRequest, pk: int) -> FileResponse:
    # Not recorded: the organization downloads the evidence it filed itself.
    return _file_response(get_or_404(own_statement_evidence(request.user), pk=pk))


staff_urls = [
    path("proposals/<int:pk>/statement/", proposal_statement, name="proposal_statement"),
    path("proposals/<int:pk>/statement/record/", statement_record, name="statement_record"),
    path("proposals/<int:pk>/statement/waive/", statement_waive, name="statement_waive"),
    path("statements/<int:pk>/answer/", statement_answer, name="statement_answer"),
    path("statements/evidence/<int:pk>/", statement_evidence, name="statement_evidence"),
]
org_urls = [
    path("", my_notice_list, name="notice_list"),
    path("<int:pk>/", my_notice_detail, name="notice_detail"),
    path("evidence/<int:pk>/", my_statement_evidence, name="evidence_download"),
]
