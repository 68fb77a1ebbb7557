"""Views of credit repair (信用修复): staff act on repair cases and read a record's eligibility; an
organization checks a record, applies with evidence, or — for a listing — starts the removal
procedure of the lists (R2.13), which is the repair of list information.

Thin views: parse, access, call ``cases.services.repairs``, render. Bad input gives status 400 with
the service's reasons on the form; nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from socredit.apps.cases import conditions
from socredit.apps.cases.access import access_cases, own_cases, own_records
from socredit.apps.cases.models import Case, CaseChannel, CaseKind
from socredit.apps.cases.services import repairs
from socredit.apps.cases.views.inbox import render_case
from socredit.apps.lists.services import apply_for_removal
from socredit.apps.records.access import access_record
from socredit.apps.records.forms import ServiceErrorsMixin
from socredit.common.access import get_or_404, organization_account_required
from socredit.common.errors import FieldErrors
from socredit.common.uploads import ACCEPTED, MAX_FILES, max_bytes
from socredit.core.repair import Eligibility

# --- forms -------------------------------------------------------------------------------------------


def _date() -> forms.DateInput:
    # Left empty, the date is today (the services' check_day); a past date records a paper decision.
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AcceptForm(ServiceErrorsMixin, forms.Form):
    on = forms.DateField(label=_("Accepted on"), required=False, widget=_date())
    obligations_confirmed = forms.BooleanField(
        label=_(
            "Verified that the applicant has met the legal obligations and corrected the dishonest conduct"
        ),
        required=False,
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class RefuseForm(ServiceErrorsMixin, forms.Form):
    on = forms.DateField(label=_("Decided on"), required=False, widget=_date())
    reason = forms.CharField(
        label=_("Reason for not accepting"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecideForm(ServiceErrorsMixin, forms.Form):
    on = forms.DateField(label=_("Decided on"), required=False, widget=_date())
    approve = forms.TypedChoiceField(
        label=_("Decision"), choices=[("1", _("Repair")), ("0", _("Refuse the repair"))], coerce=lambda v: v == "1",
        widget=forms.RadioSelect,
    )  # fmt: skip
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    min_period_confirmed = forms.BooleanField(
        label=_(
            "The rules set no publicity period for this kind of record; the minimum period is found to be over"
        ),
        required=False,
    )


class ApplyForm(ServiceErrorsMixin, forms.Form):
    reasons = forms.CharField(
        label=_("Reasons for the application"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    obligations_statement = forms.CharField(
        label=_("How the obligations were met and the dishonest conduct corrected"), required=False, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("State how the obligations set by the penalty or other decision were met and the dishonest conduct corrected."),
    )  # fmt: skip
    applicant_name = forms.CharField(label=_("Name of the person handling it"), required=False)
    applicant_contact = forms.CharField(label=_("Contact details"), required=False)
    evidence = forms.Field(label=pgettext_lazy("case", "Evidence"), required=False, widget=forms.HiddenInput)
    """Files are read from request.FILES (several per field); this field only carries their errors."""


class RemovalForm(ServiceErrorsMixin, forms.Form):
    evidence = forms.CharField(
        label=_("How the obligations were met or the problem corrected, with the evidence"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )


# --- helpers -----------------------------------------------------------------------------------------


def _staff_writer(request: HttpRequest) -> None:
    if not request.user.can_write:
        raise PermissionDenied(gettext("A read-only account cannot handle credit repair cases"))


def _repair_case(request: HttpRequest, pk: int) -> Case:
    return get_or_404(access_cases(request.user).filter(kind=CaseKind.REPAIR), pk=pk)


def staff_case_url(case: Case) -> str:
    """The staff case page, where the repair actions are shown."""
    return reverse("cases:case_detail", kwargs={"number": case.number})


def own_case_url(case: Case) -> str:
    return reverse("my:case_detail", kwargs={"number": case.number})


def _hints(check: Eligibility, commitment: tuple[str, str]) -> list[dict[str, Any]]:
    """Each condition with what the organization can do about it; ``commitment`` is the hint and link
    of a missing commitment for the reader (the organization signs; staff who may write enter it)."""
    out = []
    for c in check.conditions:
        hint, url = "", ""
        if c.code == "commitment" and c.met is False:
            hint, url = commitment
        elif c.code == "min_period" and c.met is False and check.window.repair_from:
            hint = gettext("Apply from %(day)s") % {"day": check.window.repair_from}
        elif c.code == "obligations" and c.met is None:
            hint = gettext("Hand in the evidence with the application; staff verify it on acceptance")
        elif c.code == "min_period" and c.met is None:
            hint = gettext("You may apply; staff will determine it")
        out.append(
            {"c": c, "title": conditions.title(c), "detail": conditions.detail(c), "hint": hint, "url": url}
        )
    return out


def _actions_page(request: HttpRequest, case: Case, action: str, form: forms.Form) -> HttpResponse:
    """The case page again, with the refused action's form and its reasons (400)."""
    return render_case(request, case, status=400, **{f"{action}_form": form})


# --- staff -------------------------------------------------------------------------------------------


def _act(request: HttpRequest, pk: int, action: str, form_class: type[forms.Form],
         call: Callable[[Case, dict[str, Any]], Any], done: str) -> HttpResponse:  # fmt: skip
    """One staff action on a repair case: a bad form or a refusal re-renders the actions with reasons (400)."""
    case = _repair_case(request, pk)
    _staff_writer(request)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            call(case, form.cleaned_data)
        except FieldErrors as exc:
            form.add_service_errors(exc)  # type: ignore[attr-defined]  # every form here has the mixin
        else:
            messages.success(request, done)
            return redirect(staff_case_url(case))
    case.refresh_from_db()
    return _actions_page(request, case, action, form)


@require_POST
@login_required
def repair_accept(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "accept", AcceptForm, lambda case, d: repairs.accept_repair(
        request.user, case, on=d["on"], obligations_confirmed=d["obligations_confirmed"], note=d["note"]),
        gettext("The repair application is accepted"))  # fmt: skip


@require_POST
@login_required
def repair_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "refuse", RefuseForm, lambda case, d: repairs.refuse_acceptance(
        request.user, case, on=d["on"], reason=d["reason"]), gettext("Not accepted; the notice is issued"))  # fmt: skip


@require_POST
@login_required
def repair_decide(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "decide", DecideForm, lambda case, d: repairs.decide_repair(
        request.user, case, on=d["on"], approve=d["approve"], reason=d["reason"],
        min_period_confirmed=d["min_period_confirmed"]), gettext("The repair is decided and notified; the case is closed"))  # fmt: skip


@login_required
def repair_eligibility(request: HttpRequest, record_id: int) -> HttpResponse:
    """A record's repair conditions as of today (staff: any record of their region)."""
    record = access_record(request.user, record_id)
    day = repairs.today()
    check = repairs.check_repair(record.organization, record, day)
    commitment = (
        (
            gettext("Enter the signed credit repair commitment"),
            reverse("commitments:commitment_sign", kwargs={"code": record.organization.code}),
        )
        if request.user.can_write
        else (gettext("No credit repair commitment signed yet"), "")
    )
    context = {"org": record.organization, "record": record, "check": check, "hints": _hints(check, commitment),
               "as_of": day, "entry": repairs.list_entry_for(record, day),
               "open_case": repairs.open_repair_for(record)}  # fmt: skip
    return render(request, "cases/repairs/eligibility.html", context)


# --- organization (/my/) -------------------------------------------------------------------------------


def _own_record(request: HttpRequest, record_id: int) -> Any:
    return get_or_404(own_records(request.user), pk=record_id)


@organization_account_required
def my_repair_index(request: HttpRequest) -> HttpResponse:
    """信用修复: the organization's negative records, its listings, and its repair applications."""
    day = repairs.today()
    context = {
        "org": request.user.organization,
        "records": repairs.repairable_candidates(request.user),
        "entries": repairs.own_list_entries(request.user, day),
        "cases": own_cases(request.user).filter(kind=CaseKind.REPAIR).order_by("-received_on", "-id"),
    }
    return render(request, "cases/my/repairs/index.html", context)


@organization_account_required
def my_repair_check(request: HttpRequest, record_id: int) -> HttpResponse:
    record = _own_record(request, record_id)
    day = repairs.today()
    check = repairs.check_repair(record.organization, record, day)
    context = {
        "org": record.organization, "record": record, "check": check, "as_of": day,
        "hints": _hints(check, (gettext("Sign a credit repair commitment"), reverse("my_commitments:commitment_sign"))),
        "entry": repairs.list_entry_for(record, day), "open_case": repairs.open_repair_for(record),
        "can_apply": not check.bars and check.condition("min_period").met is not False,
        "bar_details": [conditions.detail(c) for c in check.bars],
    }  # fmt: skip
    return render(request, "cases/my/repairs/check.html", context)


@organization_account_required
@require_http_methods(["GET", "POST"])
def my_repair_apply(request: HttpRequest, record_id: int) -> HttpResponse:
    record = _own_record(request, record_id)
    org = record.organization
    initial = {"applicant_name": request.user.full_name or "", "applicant_contact": request.user.email or ""}
    form = ApplyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = repairs.apply_for_repair(
                request.user, CaseChannel.ORGANIZATION, org, record, reasons=data["reasons"],
                obligations_statement=data["obligations_statement"], files=request.FILES.getlist("evidence"),
                applicant_name=data["applicant_name"], applicant_contact=data["applicant_contact"],
            )  # fmt: skip
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                gettext("Your repair application is filed as case %(number)s") % {"number": case.number},
            )
            return redirect(own_case_url(case))
    day = repairs.today()
    context = {
        "org": org, "record": record, "form": form, "entry": repairs.list_entry_for(record, day),
        "accepted": ACCEPTED, "max_files": MAX_FILES, "max_mb": max_bytes() // (1024 * 1024),
    }  # fmt: skip
    return render(request, "cases/my/repairs/apply.html", context, status=400 if form.errors else 200)


@organization_account_required
@require_http_methods(["GET", "POST"])
def my_list_removal(request: HttpRequest, entry_id: int) -> HttpResponse:
    """Repair of list information = the lists' removal procedure (R2.13): this page only starts it."""
    day = repairs.today()
    entry = repairs.own_list_entries(request.user, day).filter(pk=entry_id).first()
    if entry is None:
        raise Http404
    form = RemovalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            apply_for_removal(request.user, entry, evidence=form.cleaned_data["evidence"], applied_on=day)
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(
                request,
                gettext(
                    "Your application for removal from the %(list)s is filed; the registration authority decides after verifying it"
                )
                % {"list": entry.list_label},
            )
            return redirect("my:repair_index")
    context = {"org": request.user.organization, "entry": entry, "form": form,
               "pending": entry.applications.filter(status="pending").first()}  # fmt: skip
    return render(request, "cases/my/repairs/list_removal.html", context, status=400 if form.errors else 200)


urls: list[URLPattern] = [
    path("repairs/<int:pk>/accept/", repair_accept, name="repair_accept"),
    path("repairs/<int:pk>/refuse/", repair_refuse, name="repair_refuse"),
    path("repairs/<int:pk>/decide/", repair_decide, name="repair_decide"),
    path("repairs/eligibility/<int:record_id>/", repair_eligibility, name="repair_eligibility"),
]
"""Staff routes (namespace "cases")."""
org_urls: list[URLPattern] = [
    path("repairs/", my_repair_index, name="repair_index"),
    path("repairs/check/<int:record_id>/", my_repair_check, name="repair_check"),
    path("repairs/apply/<int:record_id>/", my_repair_apply, name="repair_apply"),
    path("repairs/list/<int:entry_id>/", my_list_removal, name="repair_list_removal"),
]
"""Organization self-service routes under /my/ (namespace "my")."""
public_urls: list[URLPattern] = []
"""Public routes under /public/ (namespace "public")."""
