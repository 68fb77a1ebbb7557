"""Staff pages of the lists (活动异常名录, 严重违法失信名单, 守信红名单): open proposals and their
decisions, the members of a list now or on a past date, removal applications and their deadline,
a decision with its printable notice, an organization's list history, and the daily runs.

Each view: parse → access_* (404 outside the region) → service (the only writer, which validates)
→ render. A refused decision re-renders its page with the service's message on the form (400).
Everyone signed in reads; only accounts that may write (officers, administrators) decide.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from socredit.apps.accounts.models import StaffRole
from socredit.apps.lists import presentation, screening, services
from socredit.apps.lists.access import (
    access_applications,
    access_decisions,
    access_entries,
    access_entry,
    access_notices,
    access_person_listings,
    access_proposals,
)
from socredit.apps.lists.documents import PRIOR_NOTICE_TITLE, decision_title
from socredit.apps.lists.forms import (
    ApplyForm,
    ConfirmForm,
    DecideRemovalForm,
    DismissForm,
    EntryFilterForm,
    ExemptForm,
    NoticeForm,
    PersonFilterForm,
    RaiseProposalForm,
    RedConfirmForm,
    RedPublicationForm,
    VerifyForm,
)
from socredit.apps.lists.models import (
    LIST_LABELS,
    LIST_TITLES,
    RED,
    RED_GROUND,
    ListEntry,
    ListProposal,
    ListRun,
    RemovalApplication,
)
from socredit.apps.lists.services.decisions import authority_department, suggested_number
from socredit.apps.records.access import access_records
from socredit.apps.registry.access import access_organization, access_organizations, access_person
from socredit.apps.registry.documents import letterhead_of
from socredit.apps.registry.models import Department, DocumentType, Organization
from socredit.common.access import get_or_404, scope_path_of
from socredit.common.documents import clean, document_response, print_label
from socredit.common.errors import FieldErrors
from socredit.common.htmx import render_page_or_partial
from socredit.core.lists.grounds import GROUNDS

PER_PAGE = 50
RUNS_SHOWN = 50


def _require_write(user: Any) -> None:
    if not user.can_write:
        raise PermissionDenied


def can_start_runs(user: Any) -> bool:
    """The daily run is started by administrators who may write (and superusers)."""
    return bool(user.is_superuser or (user.can_write and user.staff_role == StaffRole.ADMIN))


def _title(code: str) -> str:
    """The ground's title, with the red-list pseudo-ground in the user's language."""
    return str(_("Meets the red-list criteria")) if code == RED_GROUND else services.ground_title(code)


def _records_prefetch(user: Any) -> Prefetch:
    """The records relied on, read through the records app's scope."""
    qs = access_records(user).select_related("kind", "department").order_by("occurred_on", "id")
    return Prefetch("records", queryset=qs)


# --- proposals -----------------------------------------------------------------------------------


def _proposal_page(request: HttpRequest, bound: dict[int, dict[str, Any]]) -> HttpResponse:
    """The proposal's own page with the refused form (``bound``: {pk: {which: form}}) at the top (400)."""
    from socredit.apps.lists.views_queue import proposal_page

    [(pk, forms)] = bound.items()
    return proposal_page(request, pk, forms)


def _decide_proposal(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    _require_write(request.user)
    proposal = get_or_404(access_proposals(request.user), pk=pk)
    form_class = {"confirm": ConfirmForm, "dismiss": DismissForm, "exempt": ExemptForm}[which]
    form = form_class(request.POST, row=pk)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if which == "confirm":
                decision = services.confirm_proposal(
                    request.user, proposal, document_number=data["document_number"],
                    decided_on=data["decided_on"], authority=data["authority"] or None,
                )  # fmt: skip
                messages.success(
                    request, _("Decision %(number)s recorded.") % {"number": decision.document_number}
                )
                return redirect("lists:decision_detail", pk=decision.pk)
            if which == "exempt":
                decision = services.exempt_proposal(
                    request.user, proposal, certificate=data["certificate"], document_number=data["document_number"],
                    decided_on=data["decided_on"], authority=data["authority"] or None,
                )  # fmt: skip
                messages.success(
                    request, _("Exemption %(number)s recorded.") % {"number": decision.document_number}
                )
                return redirect("lists:decision_detail", pk=decision.pk)
            services.dismiss_proposal(request.user, proposal, reason=data["reason"])
            messages.success(request, _("The proposal was dismissed."))
            back = QueryDict(request.GET.get("back", "")).urlencode()  # re-encoded: only a query string
            return redirect(reverse("lists:proposal_list") + (f"?{back}" if back else ""))
        except FieldErrors as exc:
            form.add_service_errors(exc)
    return _proposal_page(request, {pk: {which: form}})


@require_POST
@login_required
def proposal_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide_proposal(request, pk, "confirm")


@require_POST
@login_required
def proposal_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide_proposal(request, pk, "dismiss")


@require_POST
@login_required
def proposal_exempt(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide_proposal(request, pk, "exempt")


# --- prior notice (R1.5, R1.7) --------------------------------------------------------------------


@require_POST
@login_required
def proposal_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """Serve the 列入事先告知书 of a proposal (written, or by announcement after two unsigned letters)."""
    _require_write(request.user)
    proposal = get_or_404(access_proposals(request.user), pk=pk)
    form = NoticeForm(request.POST, row=pk)
    if form.is_valid():
        data = form.cleaned_data
        try:
            notice = services.serve_notice(
                request.user, proposal, data["method"], data["served_on"], data["document_number"],
                form.mailings(), authority=data["authority"] or None,
            )  # fmt: skip
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("Prior notice %(number)s served.") % {"number": notice.document_number}
            )
            return redirect("lists:notice_detail", pk=notice.pk)
    return _proposal_page(request, {pk: {"notice": form}})


def _print_document(request: HttpRequest, title: str, number: str, organization: Organization, text: str,
                    authority: Department | None, authority_name: str) -> HttpResponse:  # fmt: skip
    """The A4 print page (or ``format=pdf`` the PDF) of a prior notice or a decision, as stored."""
    letterhead = letterhead_of(authority_department(authority, organization), authority_name)
    return document_response(request, title=title, number=number, text=text, letterhead=letterhead)


@login_required
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A prior notice with its letters; ``?print=1`` is the clean printable 列入事先告知书."""
    notice = get_or_404(access_notices(request.user), pk=pk)
    if request.GET.get("print"):
        return _print_document(request, PRIOR_NOTICE_TITLE, notice.document_number, notice.organization,
                               notice.text, None, notice.authority_name)  # fmt: skip
    proposal = notice.proposal
    context = {
        "notice": notice,
        "proposal": proposal,
        "list_title": LIST_LABELS.get(proposal.list, proposal.list),
        "ground_title": _title(proposal.ground),
        "print_label": print_label(PRIOR_NOTICE_TITLE),
        "document_title": PRIOR_NOTICE_TITLE,
    }
    return render(request, "lists/notice_detail.html", context)


# --- members of a list ---------------------------------------------------------------------------


def filtered_entries(user: Any, list: str, data: Any) -> tuple[EntryFilterForm, QuerySet[ListEntry], Any]:  # noqa: A002
    """The members of one list under the page's filter (the page and its export): the form, the
    entries newest first, and the day asked for (None: now)."""
    form = EntryFilterForm(data)
    form.fields["region"].scope_path = scope_path_of(user)
    qs = access_entries(user).filter(list=list)
    as_of = None
    if form.is_valid():
        cleaned = form.cleaned_data
        as_of = cleaned["as_of"]
        if cleaned["region"]:
            qs = qs.filter(organization__region__path__startswith=cleaned["region"].path)
        if cleaned["ground"]:
            qs = qs.filter(ground=cleaned["ground"].strip())
        if cleaned["q"]:
            text = cleaned["q"].strip()
            qs = qs.filter(Q(organization__name__icontains=text) | Q(organization__code__icontains=text))
    qs = qs.in_force(as_of) if as_of else qs.filter(left_on__isnull=True)
    return form, qs.order_by("-entered_on", "-id"), as_of


@login_required
def entry_list(request: HttpRequest, list: str) -> HttpResponse:  # noqa: A002
    """The members of one list in the account's region, now or on a past date (``as_of``)."""
    if list not in LIST_TITLES:
        raise Http404
    form, qs, as_of = filtered_entries(request.user, list, request.GET)
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    for e in page.object_list:
        e.ground_title = _title(e.ground)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "list": list,
        "list_title": LIST_LABELS[list],
        "lists": LIST_LABELS.items(),
        "form": form,
        "as_of": as_of,
        "page": page,
        "query": query.urlencode(),
        "grounds": [g for g in GROUNDS if g.list == list],
        "can_write": request.user.can_write,
    }
    return render(request, "lists/entry_list.html", context, status=400 if form.errors else 200)


# --- removals ------------------------------------------------------------------------------------


def _removals_page(request: HttpRequest, bound: dict[int, dict[str, Any]] | None = None) -> HttpResponse:
    bound = bound or {}
    today = services.today()
    apps = (
        access_applications(request.user)
        .filter(status=RemovalApplication.Status.PENDING)
        .select_related("entry__entry_decision", "entry__organization__region")
        .order_by(F("deadline").asc(nulls_last=True), "applied_on", "id")
    )
    rows = []
    for a in apps:
        forms = bound.get(a.pk, {})
        decide = forms.get("decide") or DecideRemovalForm(row=a.pk, initial={"decided_on": today})
        # offer the next number of the authority's pattern; typing another one stays possible
        suggested = suggested_number(None, a.entry.organization, DocumentType.REMOVAL_DECISION, today)
        if suggested:
            decide.fields["document_number"].widget.attrs["placeholder"] = suggested
        rows.append(
            {
                "application": a,
                "overdue": a.deadline is not None and a.deadline < today,
                "verify": forms.get("verify") or VerifyForm(row=a.pk, initial={"verified_on": today}),
                "decide": decide,
            }
        )
    context = {"rows": rows, "today": today, "can_write": request.user.can_write}
    return render(request, "lists/removals_due.html", context, status=400 if bound else 200)


@login_required
def removals_due(request: HttpRequest) -> HttpResponse:
    """移出申请: pending applications with the day the removal is due by (overdue first)."""
    return _removals_page(request)


@require_POST
@login_required
def removal_verify(request: HttpRequest, pk: int) -> HttpResponse:
    _require_write(request.user)
    application = get_or_404(access_applications(request.user), pk=pk)
    form = VerifyForm(request.POST, row=pk)
    if form.is_valid():
        try:
            application = services.verify_removal(
                request.user, application, verified_on=form.cleaned_data["verified_on"],
                fulfilment_confirmed=form.cleaned_data["fulfilment_confirmed"],
            )  # fmt: skip
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("Verified: the removal is due by %(day)s.") % {"day": application.deadline}
            )
            return redirect("lists:removals_due")
    return _removals_page(request, {pk: {"verify": form}})


@require_POST
@login_required
def removal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    _require_write(request.user)
    application = get_or_404(access_applications(request.user), pk=pk)
    form = DecideRemovalForm(request.POST, row=pk)
    approve = "approve" in request.POST
    if form.is_valid():
        data = form.cleaned_data
        try:
            application = services.decide_removal(
                request.user, application, approve=approve, reason=data["reason"], decided_on=data["decided_on"],
                document_number=data["document_number"], authority=data["authority"] or None,
            )  # fmt: skip
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            if approve:
                messages.success(request, _("Removed from the list."))
                return redirect("lists:decision_detail", pk=application.decision_id)
            messages.success(request, _("The application was refused."))
            return redirect("lists:removals_due")
    return _removals_page(request, {pk: {"decide": form}})


@login_required
@require_http_methods(["GET", "POST"])
def removal_apply(request: HttpRequest, pk: int) -> HttpResponse:
    """File a removal application on the organization's behalf, from its entry."""
    _require_write(request.user)
    entry = access_entry(request.user, pk)
    form = ApplyForm(request.POST or None, row=pk, initial={"applied_on": services.today()})
    if request.method == "POST" and form.is_valid():
        try:
            services.apply_for_removal(
                request.user,
                entry,
                evidence=form.cleaned_data["evidence"],
                applied_on=form.cleaned_data["applied_on"],
            )
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("The removal application was filed."))
            return redirect("lists:removals_due")
    entry.ground_title = _title(entry.ground)
    return render(
        request,
        "lists/removal_apply.html",
        {"entry": entry, "form": form},
        status=400 if form.errors else 200,
    )


# --- decisions and organizations -----------------------------------------------------------------


@login_required
def decision_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A decision with everything it rests on; ``?print=1`` is the clean printable notice."""
    decision = get_or_404(
        access_decisions(request.user)
        .select_related("authority", "entry")
        .prefetch_related(_records_prefetch(request.user)),
        pk=pk,
    )
    if request.GET.get("print"):
        return _print_document(request, decision_title(decision.kind, decision.list), decision.document_number,
                               decision.organization, decision.notice_text, decision.authority,
                               decision.authority_name)  # fmt: skip
    context = {
        "decision": decision,
        "list_title": LIST_LABELS.get(decision.list, decision.list),
        "persons": access_person_listings(request.user).filter(decision=decision),
        "print_label": print_label(decision_title(decision.kind, decision.list)),
        "document_title": decision_title(decision.kind, decision.list),
        "reason": clean(decision.reason),
    }
    return render(request, "lists/decision_detail.html", context)


@login_required
def organization_lists(request: HttpRequest, code: str) -> HttpResponse:
    """名录情况 of one organization: its status today and every entry and decision (HTMX section)."""
    org = access_organization(request.user, code)
    entries = list(access_entries(request.user).filter(organization=org).order_by("-entered_on", "-id"))
    for e in entries:
        e.ground_title = _title(e.ground)
        e.exit_title = _title(e.exit_ground) if e.exit_ground else ""
        e.is_current = e.left_on is None
    pending = {
        a.entry_id
        for a in access_applications(request.user).filter(
            entry__organization=org, status=RemovalApplication.Status.PENDING
        )
    }
    proposals = list(
        access_proposals(request.user)
        .filter(organization=org, status=ListProposal.Status.PROPOSED)
        .order_by("arose_on", "id")
    )
    for p in proposals:
        p.ground_title = _title(p.ground)
        p.list_title = LIST_LABELS.get(p.list, p.list)
    context = {
        "org": org,
        "current": [e for e in entries if e.is_current],
        "entries": entries,
        "pending": pending,
        "decisions": access_decisions(request.user).filter(organization=org).order_by("-decided_on", "-id"),
        "proposals": proposals,
        "can_write": request.user.can_write,
    }
    return render_page_or_partial(
        request, "lists/organization_lists.html", "lists/partials/_organization_lists.html", context
    )


# --- daily runs ----------------------------------------------------------------------------------


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    context = {"runs": ListRun.objects.all()[:RUNS_SHOWN], "can_start": can_start_runs(request.user)}
    return render(request, "lists/run_list.html", context)


@require_POST
@login_required
def run_start(request: HttpRequest) -> HttpResponse:
    """Start the daily run as of today (administrators)."""
    if not can_start_runs(request.user):
        raise PermissionDenied
    run = services.daily_run(request.user)
    messages.success(request, _("Daily run of %(day)s finished.") % {"day": run.as_of})
    return redirect("lists:run_list")


# --- staff proposals on grounds needing judgement -------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def proposal_raise(request: HttpRequest) -> HttpResponse:
    """人工列入建议: a proposal on a ground the records cannot decide (R1.6(2), R1.6(7), R1.12(2),
    R1.12(8)), with the facts and, optionally, records of that organization relied on."""
    _require_write(request.user)
    today = services.today()
    initial = {"arose_on": today, "code": request.GET.get("code", "")}
    form = RaiseProposalForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)  # add_error() drops a field from cleaned_data
        org = access_organizations(request.user).filter(code=data["code"]).first()
        if org is None:
            form.add_error("code", _("No organization with this code in your region."))
        if data["arose_on"] > today:
            form.add_error("arose_on", _("The ground cannot arise after today."))
        records = []
        if org is not None and data["records"]:
            found = {
                r.pk: r for r in access_records(request.user).filter(organization=org, pk__in=data["records"])
            }
            missing = [str(i) for i in data["records"] if i not in found]
            if missing:
                form.add_error(
                    "records",
                    _("Not a record of this organization: %(ids)s") % {"ids": ", ".join(missing)},
                )
            records = [found[i] for i in data["records"] if i in found]
        if org is not None and not form.errors:
            try:
                proposal = services.raise_proposal(
                    request.user, org, data["ground"], arose_on=data["arose_on"], reason=data["reason"],
                    records=records,
                )  # fmt: skip
            except FieldErrors as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The proposal was raised; it now awaits a decision."))
                return redirect("lists:proposal_detail", pk=proposal.pk)
    org_code = (form.data.get("code") if form.is_bound else initial["code"]) or ""
    org = (
        access_organizations(request.user).filter(code=org_code.strip().upper()).first() if org_code else None
    )
    context = {
        "form": form,
        "org": org,
        "org_records": (
            access_records(request.user)
            .filter(organization=org)
            .select_related("kind")
            .order_by("-occurred_on", "-id")[:50]
            if org is not None
            else []
        ),
        "grounds": [(g, presentation.legal_basis(g.code, today)) for g in presentation.manual_grounds()],
    }
    return render(request, "lists/proposal_raise.html", context, status=400 if form.errors else 200)


# --- the red list --------------------------------------------------------------------------------


def _red_page(
    request: HttpRequest, *, bound: dict[int, Any] | None = None, publication: Any = None
) -> HttpResponse:
    """守信红名单候选: the open red-list proposals, each with its confirm form."""
    bound = bound or {}
    today = services.today()
    basis = presentation.legal_basis(RED_GROUND, today)
    rows = [
        {"proposal": p, "confirm": bound.get(p.pk) or RedConfirmForm(row=p.pk, initial={"decided_on": today})}
        for p in access_proposals(request.user)
        .filter(list=RED, status=ListProposal.Status.PROPOSED)
        .order_by("organization__code", "id")
    ]
    context = {
        "rows": rows,
        "basis": basis,
        "can_write": request.user.can_write,
        "can_publish": can_start_runs(request.user),
        "publication": publication or RedPublicationForm(initial={"year": today.year}),
        "members": access_entries(request.user).filter(list=RED, left_on__isnull=True).count(),
    }
    status = 400 if bound or (publication is not None and publication.errors) else 200
    return render(request, "lists/red_candidates.html", context, status=status)


@login_required
def red_candidates(request: HttpRequest) -> HttpResponse:
    """守信红名单候选 from the yearly publication run, awaiting confirmation."""
    return _red_page(request)


@require_POST
@login_required
def red_publication(request: HttpRequest) -> HttpResponse:
    """The yearly red-list publication run (administrators): proposes every organization meeting
    every criterion (``lists.red.*``) on 31 December of the year, or today if earlier."""
    if not can_start_runs(request.user):
        raise PermissionDenied
    form = RedPublicationForm(request.POST)
    if form.is_valid():
        year = form.cleaned_data["year"]
        if year > services.today().year:
            form.add_error("year", _("The year cannot be later than this year."))
        else:
            try:
                made = services.red_list_publication(request.user, year, channel="form")
            except FieldErrors as exc:
                form.add_service_errors(exc)
            else:
                messages.success(
                    request,
                    _("Red list %(year)s: %(count)s new candidates.") % {"year": year, "count": len(made)},
                )
                return redirect("lists:red_candidates")
    return _red_page(request, publication=form)


@require_POST
@login_required
def red_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish one candidate on the red list (``services.confirm_red``)."""
    _require_write(request.user)
    proposal = get_or_404(access_proposals(request.user).filter(list=RED), pk=pk)
    form = RedConfirmForm(request.POST, row=pk)
    if form.is_valid():
        data = form.cleaned_data
        try:
            decision = services.confirm_red(
                request.user, proposal, document_number=data["document_number"],
                decided_on=data["decided_on"], authority=data["authority"] or None,
            )  # fmt: skip
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request, _("Decision %(number)s recorded.") % {"number": decision.document_number}
            )
            return redirect("lists:decision_detail", pk=decision.pk)
    return _red_page(request, bound={pk: form})


# --- responsible persons -------------------------------------------------------------------------


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    """失信惩戒落实到人: serious-list decisions recorded against 法定代表人 / 负责人 in the account's
    region; ID numbers masked (an account that may see whole numbers shows one at a time, audited)."""
    form = PersonFilterForm(request.GET)
    hidden = form.is_valid() and form.cleaned_data["hidden"]
    qs = access_person_listings(request.user, include_hidden=hidden).select_related("entry")
    if form.is_valid() and form.cleaned_data["q"]:
        text = form.cleaned_data["q"].strip()
        qs = qs.filter(
            Q(person_name__icontains=text)
            | Q(organization__name__icontains=text)
            | Q(organization__code__icontains=text)
        )
    page = Paginator(qs.order_by("-from_date", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    for pl in page.object_list:
        pl.post_label = presentation.post_label(pl.post)
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "today": services.today()}
    return render(request, "lists/person_list.html", context)


@login_required
def person_screening(request: HttpRequest, pk: int) -> HttpResponse:
    """任职筛查 section of a registry person page (HTMX): the person's serious-list records in force
    today and a warning for each post the person now holds in another organization, all within the
    account's region (404 for a person outside it)."""
    person = access_person(request.user, pk)
    result = screening.screen_person(person.id_number, principal=request.user)
    return render(request, "lists/partials/_person_screening.html", {"person": person, "result": result})
