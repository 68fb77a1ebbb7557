"""Pages of complaints (举报): the public form and lookup (/public/), staff entry and the handling actions.

Public pages need no account and treat everyone alike, also a signed-in staff member or organization
account: the submission is recorded as "public", never under the account that happened to be signed in.
Staff action pages (登记分办, 调查记录, 关联组织, 作出结论, 答复) answer 403 to read-only accounts and 404
outside the region; each shows its form on GET and acts on POST; the generic case page includes
``cases/complaints/_actions.html`` with the same forms.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from socredit.apps.cases import labels
from socredit.apps.cases.access import access_cases
from socredit.apps.cases.documents import case_letterhead
from socredit.apps.cases.models import Case, CaseChannel, CaseKind
from socredit.apps.cases.services import complaints as services
from socredit.apps.cases.services.common import handlers_for
from socredit.apps.records.access import record_kinds
from socredit.apps.records.forms import ServiceErrorsMixin
from socredit.apps.registry.access import registered_organization
from socredit.common.access import get_or_404
from socredit.common.documents import document_response
from socredit.common.errors import FieldErrors

# --- forms --------------------------------------------------------------------------------------------


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several evidence files in one input; the service checks their type and size."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ".pdf,.ofd,.jpg,.jpeg,.png"}))
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [data] if data else []


class ComplaintForm(ServiceErrorsMixin, forms.Form):
    """举报 as the public gives it; every rule is the service's (so that the API gets the same answers)."""

    subject_name = forms.CharField(label=_("Organization reported"), required=False, max_length=200,
                                   help_text=_("Its name as you know it; it may be an unregistered one."))  # fmt: skip
    organization_code = forms.CharField(label=_("Unified social credit code"), required=False, max_length=18,
                                        help_text=_("If you know it; 18 characters."))  # fmt: skip
    region_code = forms.CharField(label=_("Region"), required=False, max_length=64,
                                  help_text=_("Where the organization is active: a 6-digit region code or its name, "
                                              "e.g. 410105 or 金水区. Not needed with a registered code."))  # fmt: skip
    content = forms.CharField(label=_("What happened"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
                              help_text=_("Concrete facts: when, where, what was done (10 to 5000 characters). "
                                          "Please do not write your name or contact here."))  # fmt: skip
    evidence = MultipleFileField(label=_("Evidence files"), required=False,
                                 help_text=_("PDF, OFD, JPG or PNG; up to 10 files."))  # fmt: skip
    anonymous = forms.BooleanField(label=_("Report anonymously"), required=False,
                                   help_text=_("Without a name or contact we cannot ask you for details."))  # fmt: skip
    reporter_name = forms.CharField(label=_("Your name"), required=False, max_length=50)
    reporter_phone = forms.CharField(label=_("Phone"), required=False, max_length=30)
    reporter_email = forms.CharField(label=_("E-mail"), required=False, max_length=100)
    reporter_address = forms.CharField(label=_("Address"), required=False, max_length=200)
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    """Honeypot: hidden from people by the template; a robot that fills it is refused."""

    def service_kwargs(self) -> dict[str, Any]:
        d = self.cleaned_data
        reporter = {"anonymous": d["anonymous"], "name": d["reporter_name"], "phone": d["reporter_phone"],
                    "email": d["reporter_email"], "address": d["reporter_address"]}  # fmt: skip
        return {"subject_name": d["subject_name"], "organization_code": d["organization_code"],
                "region_code": d["region_code"], "content": d["content"], "reporter": reporter,
                "files": d["evidence"]}  # fmt: skip


class StaffComplaintForm(ComplaintForm):
    """A complaint received by phone, letter or in person, entered by staff."""

    received_on = forms.DateField(label=_("Received on"), required=False, widget=_date_input(),
                                  help_text=_("Default: today."))  # fmt: skip

    def service_kwargs(self) -> dict[str, Any]:
        return {**super().service_kwargs(), "received_on": self.cleaned_data["received_on"]}


class LookupForm(forms.Form):
    number = forms.CharField(label=_("Case number"), max_length=20, help_text=_("e.g. JB-2026-000001"))
    code = forms.CharField(
        label=_("Lookup code"), max_length=20, help_text=_("The 8 characters you were given.")
    )


class _CaseForm(ServiceErrorsMixin, forms.Form):
    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.case = case


class TriageForm(_CaseForm):
    decision = forms.ChoiceField(label=_("Decision"), widget=forms.RadioSelect,
                                 choices=[("accept", _("Accept and investigate")), ("reject", _("Do not accept"))])  # fmt: skip
    handler = forms.ChoiceField(label=_("Handler"), required=False)
    ground = forms.ChoiceField(label=_("Ground for not accepting"), required=False,
                               choices=[("", "—"), *labels.REJECT_GROUNDS.items()])  # fmt: skip
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("Required to refuse, and to assign the complaint to yourself."))  # fmt: skip
    on = forms.DateField(
        label=_("Date"), required=False, widget=_date_input(), help_text=_("Default: today.")
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        self.handlers = {str(u.pk): u for u in handlers_for(case)}
        self.fields["handler"].choices = [("", "—")] + [
            (pk, f"{u}（{u.region.name if u.region else ''}）") for pk, u in self.handlers.items()
        ]

    def perform(self, user: Any) -> str:
        d = self.cleaned_data
        services.triage(user, self.case, accept=d["decision"] == "accept", reason=d["reason"], ground=d["ground"],
                        handler=self.handlers.get(d["handler"] or ""), on=d["on"])  # fmt: skip
        return str(_("Triage recorded."))


class NoteForm(_CaseForm):
    text = forms.CharField(label=_("Investigation note"), widget=forms.Textarea(attrs={"rows": 3}),
                           help_text=_("Internal: never shown to the reporter. Refer to the reporter as 举报人."))  # fmt: skip

    def perform(self, user: Any) -> str:
        services.add_note(user, self.case, self.cleaned_data["text"])
        return str(_("Note added."))


class LinkForm(_CaseForm):
    organization_code = forms.CharField(label=_("Unified social credit code"), max_length=18)

    def perform(self, user: Any) -> str:
        services.link_organization(user, self.case, self.cleaned_data["organization_code"])
        return str(_("Organization linked."))


def negative_kind_choices() -> list[tuple[str, str]]:
    kinds = record_kinds().filter(polarity="negative").order_by("category", "code")
    return [(k.code, f"{k.name}（{k.code}）") for k in kinds]


class ConcludeForm(_CaseForm):
    founded = forms.ChoiceField(label=_("Conclusion"), widget=forms.RadioSelect,
                                choices=[("unfounded", _("Unfounded")), ("founded", _("Founded: record it"))])  # fmt: skip
    reason = forms.CharField(label=_("Facts found and reasons"), widget=forms.Textarea(attrs={"rows": 4}),
                             required=False)  # fmt: skip
    record_kind = forms.ChoiceField(
        label=_("Record kind"), required=False, initial=services.DEFAULT_RECORD_KIND
    )
    occurred_on = forms.DateField(label=_("Conduct occurred on"), required=False, widget=_date_input(),
                                  help_text=_("Default: the date of the conclusion."))  # fmt: skip
    document_number = forms.CharField(label=_("Document number"), required=False, max_length=100,
                                      help_text=_("Default: the case number."))  # fmt: skip
    on = forms.DateField(
        label=_("Date"), required=False, widget=_date_input(), help_text=_("Default: today.")
    )

    def __init__(self, *args: Any, case: Case, **kwargs: Any) -> None:
        super().__init__(*args, case=case, **kwargs)
        self.fields["record_kind"].choices = negative_kind_choices()

    def perform(self, user: Any) -> str:
        d = self.cleaned_data
        services.conclude(user, self.case, founded=d["founded"] == "founded", reason=d["reason"],
                          record_kind=d["record_kind"] or None, occurred_on=d["occurred_on"],
                          document_number=d["document_number"], on=d["on"])  # fmt: skip
        return str(_("Conclusion recorded."))


class ReplyForm(_CaseForm):
    text = forms.CharField(label=_("Reply to the reporter"), widget=forms.Textarea(attrs={"rows": 6}),
                           help_text=_("Addressed to 举报人, without a name; the reporter reads it with the "
                                       "case number and the lookup code."))  # fmt: skip
    on = forms.DateField(
        label=_("Date"), required=False, widget=_date_input(), help_text=_("Default: today.")
    )

    def perform(self, user: Any) -> str:
        services.reply(user, self.case, text=self.cleaned_data["text"], on=self.cleaned_data["on"])
        return str(_("Reply issued; the case is closed."))


ACTIONS: dict[str, tuple[type[_CaseForm], Any]] = {
    "triage": (TriageForm, _("Triage")),
    "note": (NoteForm, _("Investigation note")),
    "link": (LinkForm, _("Link to a registered organization")),
    "conclude": (ConcludeForm, _("Conclusion")),
    "reply": (ReplyForm, _("Reply to the reporter")),
}


def available_actions(user: Any, case: Case) -> dict[str, _CaseForm]:
    """The action forms that apply now, for a writer, by the case's stage (the partial shows these)."""
    if not getattr(user, "can_write", False) or not case.is_open or case.kind != CaseKind.COMPLAINT:
        return {}
    names = {"triage": ["triage"], "investigate": ["note", "conclude"], "decide": ["note", "conclude"],
             "reply": ["note", "reply"]}.get(case.stage, [])  # fmt: skip
    if case.organization_id is None and case.stage in {"triage", "investigate"}:
        names.append("link")
    return {name: ACTIONS[name][0](case=case, prefix=name) for name in names}


# --- helpers ------------------------------------------------------------------------------------------


def _client_ip(request: HttpRequest) -> str | None:
    # REMOTE_ADDR only: a forwarded-for header is the client's to invent (set it at the proxy if there is one).
    return request.META.get("REMOTE_ADDR") or None


def _require_write(user: Any) -> None:
    if not user.can_write:
        raise PermissionDenied


def _complaint(request: HttpRequest, pk: int) -> Case:
    return get_or_404(access_cases(request.user).filter(kind=CaseKind.COMPLAINT), pk=pk)


def case_url(case: Case) -> str:
    """The case page, where the complaint's forms are shown."""
    return reverse("cases:case_detail", kwargs={"number": case.number})


def _no_store(response: HttpResponse) -> HttpResponse:
    # The page shows the 查询码 once: no cache (browser, proxy) may keep it.
    response["Cache-Control"] = "no-store"
    return response


# --- public pages ---------------------------------------------------------------------------------------


def _reported(request: HttpRequest) -> dict[str, str]:
    """``?org=<统一社会信用代码>`` (the 举报 link of a public profile): the organization filled in."""
    code = request.GET.get("org", "").strip().upper()[:18]
    org = registered_organization(code)
    return {"subject_name": org.name, "organization_code": org.code} if org else {}


@require_http_methods(["GET", "POST"])
def public_complaint_new(request: HttpRequest) -> HttpResponse:
    form = ComplaintForm(request.POST or None, request.FILES or None, initial=_reported(request))
    if request.method == "POST" and form.is_valid():
        try:
            case, code = services.submit_complaint(
                None, CaseChannel.PUBLIC, **form.service_kwargs(), client_ip=_client_ip(request),
                honeypot=form.cleaned_data["website"],
            )  # fmt: skip
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            return _no_store(
                render(request, "cases/public/complaint_submitted.html", {"case": case, "code": code})
            )
    return render(
        request, "cases/public/complaint_form.html", {"form": form}, status=400 if form.errors else 200
    )


@require_http_methods(["GET", "POST"])
def public_complaint_lookup(request: HttpRequest) -> HttpResponse:
    form = LookupForm(request.POST or None)
    context: dict[str, Any] = {"form": form, "result": None, "not_found": False, "limited": False}
    if request.method == "POST" and form.is_valid():
        ip = _client_ip(request)
        if services.rate_limited("lookup", ip, services.lookup_limit()):
            context["limited"] = True
        else:
            services.count_attempt("lookup", ip)
            context["result"] = services.lookup(form.cleaned_data["number"], form.cleaned_data["code"])
            context["not_found"] = context["result"] is None
    return _no_store(render(request, "cases/public/complaint_lookup.html", context))


# --- staff pages ----------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def complaint_new(request: HttpRequest) -> HttpResponse:
    _require_write(request.user)
    initial = {"region_code": request.user.region.code} if request.user.region_id else {}
    form = StaffComplaintForm(request.POST or None, request.FILES or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            case, code = services.submit_complaint(request.user, CaseChannel.STAFF, **form.service_kwargs(),
                                                   honeypot=form.cleaned_data["website"])  # fmt: skip
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            context = {"case": case, "code": code, "case_url": case_url(case)}
            return _no_store(render(request, "cases/complaints/complaint_submitted.html", context))
    return render(
        request, "cases/complaints/complaint_form.html", {"form": form}, status=400 if form.errors else 200
    )


def _action_view(name: str) -> Callable[[HttpRequest, int], HttpResponse]:
    form_class, title = ACTIONS[name]

    @login_required
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        _require_write(request.user)
        case = _complaint(request, pk)
        form = form_class(request.POST or None, case=case, prefix=name)
        if request.method == "POST" and form.is_valid():
            try:
                done = form.perform(request.user)  # type: ignore[attr-defined]  # each action form defines perform
            except FieldErrors as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, done)
                return redirect(case_url(case))
        context = {"case": case, "form": form, "action": name, "title": title,
                   "available": name in available_actions(request.user, case)}  # fmt: skip
        return render(request, "cases/complaints/action.html", context, status=400 if form.errors else 200)

    view.__name__ = f"complaint_{name}"
    view.__doc__ = f"{name} of a complaint: the form on GET, the service on POST."
    return view


@login_required
def complaint_document(request: HttpRequest, pk: int, doc: int) -> HttpResponse:
    """A complaint's document for printing: addressed by name only when the assigned handler prints it."""
    case = _complaint(request, pk)
    document = get_or_404(case.documents.all(), pk=doc)
    reporter = services.read_reporter(request.user, case, shown_on="document")
    body = document.body
    if reporter is not None and not reporter.anonymous and reporter.name and body.startswith("举报人："):
        body = f"{reporter.name}：" + body.removeprefix("举报人：")
    return document_response(request, title=document.title, number=document.number, text=body,
                             letterhead=case_letterhead(case))  # fmt: skip


urls: list[URLPattern] = [
    path("complaints/new/", complaint_new, name="complaint_new"),
    *(path(f"complaints/<int:pk>/{name}/", _action_view(name), name=f"complaint_{name}") for name in ACTIONS),
    path("complaints/<int:pk>/documents/<int:doc>/", complaint_document, name="complaint_document"),
]
"""Staff routes (namespace "cases")."""
org_urls: list[URLPattern] = []
"""Organization self-service routes under /my/ (namespace "my"): none — an organization never sees
complaints about it (it learns of a founded one from the record it produces)."""
public_urls: list[URLPattern] = [
    path("complaints/new/", public_complaint_new, name="complaint_new"),
    path("complaints/lookup/", public_complaint_lookup, name="complaint_lookup"),
]
"""Public routes under /public/ (namespace "public")."""
