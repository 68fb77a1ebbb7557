"""Staff pages of the clean-up of dormant organizations: the worklist (filters, counts, overdue),
one case with its steps and the forms of the next ones, its two documents, and the organization
page's section. Each view: parse → access_* (404 outside the region) → service → render.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from socredit.apps.dormancy import services
from socredit.apps.dormancy.access import access_case, access_cases
from socredit.apps.dormancy.forms import (
    CloseForm,
    FilterForm,
    GuideForm,
    NoticeForm,
    ProposeForm,
    ResumeForm,
    RevokeForm,
)
from socredit.apps.dormancy.models import CaseState
from socredit.apps.registry.access import access_organization, access_regions
from socredit.apps.registry.models import Region
from socredit.common.access import restrict
from socredit.common.clock import today
from socredit.common.documents import document_response
from socredit.common.errors import FieldErrors
from socredit.common.htmx import render_page_or_partial
from socredit.core.dormancy import Step, allowed_steps
from socredit.core.types import RegionLevel

PER_PAGE = 50
MAX_STREETS = 400

STEP_FORMS: dict[str, tuple[type[forms.Form], Any]] = {
    Step.NOTIFY.value: (NoticeForm, services.notify),
    Step.PROPOSE.value: (ProposeForm, services.propose_listing),
    Step.GUIDE.value: (GuideForm, services.guide),
    Step.REVOKE.value: (RevokeForm, services.revoke),
    Step.DEREGISTERED.value: (CloseForm, services.confirm_deregistered),
    Step.RESUME.value: (ResumeForm, services.resume),
}


def _streets(user: Any, region: Region | None) -> list[Region]:
    qs = restrict(Region.objects.filter(level=RegionLevel.STREET.value, active=True), user, "path")
    if region is not None:
        qs = qs.filter(path__startswith=region.path)
    elif (getattr(user, "region", None) is None) or user.region.level < RegionLevel.DISTRICT.value:
        return []  # a city's or the nation's streets are too many to offer: choose a county first
    return list(qs.order_by("code")[:MAX_STREETS])


@login_required
def case_list(request: HttpRequest) -> HttpResponse:
    """The worklist: open cases by default, overdue first; counts per state over the filtered scope."""
    regions = list(access_regions(request.user))
    by_code = {r.code: r for r in regions}
    region = by_code.get(request.GET.get("region", ""))
    form = FilterForm(request.GET or None, regions=regions, streets=_streets(request.user, region))
    qs = access_cases(request.user)
    view = "open"
    if form.is_valid():
        d = form.cleaned_data
        view = d["view"] or "open"
        if region is not None:
            qs = qs.filter(organization__region__path__startswith=region.path)
        if d["street"]:
            qs = qs.filter(organization__street__code=d["street"])
        if d["unreachable"]:
            qs = qs.filter(unreachable=True)
        if d["q"]:
            q = d["q"].strip()
            qs = qs.filter(Q(organization__name__icontains=q) | Q(organization__code=q.upper()))
    day = today()
    is_open = ~Q(state=CaseState.CLOSED)
    counts = qs.aggregate(
        open=Count("pk", filter=is_open),
        overdue=Count("pk", filter=is_open & Q(due_on__lt=day)),
        closed=Count("pk", filter=Q(state=CaseState.CLOSED)),
        **{s.value: Count("pk", filter=Q(state=s.value)) for s in CaseState if s != CaseState.CLOSED},
    )
    if view == "open":
        qs = qs.filter(is_open)
    elif view == "overdue":
        qs = qs.filter(is_open, due_on__lt=day)
    elif view == "closed":
        qs = qs.filter(state=CaseState.CLOSED).order_by("-closed_on", "-id")
    page = Paginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    states = [(s.label, counts[s.value]) for s in CaseState if s != CaseState.CLOSED]
    return render(request, "dormancy/case_list.html", {
        "form": form, "page": page, "counts": counts, "states": states, "today": day, "view": view,
        "query": query.urlencode(),
    })  # fmt: skip


def _step_forms(case: Any, bound: tuple[str, forms.Form] | None = None) -> list[tuple[str, str, forms.Form]]:
    labels = {
        Step.NOTIFY.value: _("Serve the reminder notice"),
        Step.PROPOSE.value: _("Propose the listing"),
        Step.GUIDE.value: _("Serve deregistration guidance"),
        Step.REVOKE.value: _("Revoke the registration"),
        Step.DEREGISTERED.value: _("Confirm the deregistration"),
        Step.RESUME.value: _("Close: the organization resumed its activities"),
    }
    out = []
    for step in allowed_steps(case.state):
        form_class, _service = STEP_FORMS[step.value]
        form = bound[1] if bound and bound[0] == step.value else form_class(initial={
            "on": today(), "served_on": today(), "effective_on": today(), "document_date": today()})  # fmt: skip
        out.append((step.value, labels[step.value], form))
    return out


def _detail(request: HttpRequest, case: Any, bound: tuple[str, forms.Form] | None = None,
            status: int = 200) -> HttpResponse:  # fmt: skip
    return render(request, "dormancy/case_detail.html", {
        "case": case, "steps": case.steps.all(), "forms": _step_forms(case, bound) if request.user.can_write else [],
        "today": today(),
    }, status=status)  # fmt: skip


@login_required
def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access_case(request.user, pk))


@require_POST
@login_required
def case_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    if not getattr(request.user, "can_write", False):
        raise PermissionDenied
    case = access_case(request.user, pk)
    if step not in STEP_FORMS:
        raise Http404
    form_class, service = STEP_FORMS[step]
    form = form_class(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        extra = (
            {"warnings_confirmed": bool(data.pop("warnings_confirmed", False))}
            if step == Step.REVOKE.value
            else {}
        )
        try:
            service(actor=request.user, channel="form", case=case, data=data, **extra)
        except FieldErrors as exc:
            form.add_service_errors(exc)  # type: ignore[attr-defined]  # every step form has ServiceErrorsMixin
        else:
            messages.success(request, _("The step is recorded."))
            return redirect("dormancy:case_detail", pk=case.pk)
    case.refresh_from_db()
    return _detail(request, case, (step, form), 400)


@login_required
def case_document(request: HttpRequest, pk: int, doc: str) -> HttpResponse:
    """The notice or the deregistration guidance as served (print page, ``?format=pdf``)."""
    case = access_case(request.user, pk)
    if doc == "notice" and case.notice_text:
        title, number, text = services.STEP_TITLES[Step.NOTIFY], case.notice_number, case.notice_text
    elif doc == "guidance" and case.guidance_text:
        title, number, text = services.STEP_TITLES[Step.GUIDE], case.guidance_number, case.guidance_text
    else:
        raise Http404
    return document_response(
        request, title=title, number=number, text=text, letterhead=services.letterhead(case)
    )


@login_required
def organization_cases(request: HttpRequest, code: str) -> HttpResponse:
    """The organization page's section: its clean-up cases."""
    org = access_organization(request.user, code)
    cases = access_cases(request.user).filter(organization=org).order_by("-identified_on", "-id")
    return render_page_or_partial(request, "dormancy/organization_cases.html",
                                  "dormancy/partials/_organization_cases.html",
                                  {"org": org, "cases": cases, "today": today()})  # fmt: skip
