"""Staff pages of joint rewards and punishments: a new credit check and its answer, the printable
核查报告 (HTML and PDF), feedback, the check log with its reminders, statistics, the domain blacklists,
the measures catalogue with its versions, and an organization's green-channel section.

Each view: parse → access_* (404 outside the region) → service (the only writer) → render. Any staff
account reads; making a check or giving feedback needs an account that may write (officers and
administrators, also of other departments); a catalogue version needs an administrator.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from socredit.apps.accounts.access import can_administer
from socredit.apps.measures import catalogues, services
from socredit.apps.measures.access import access_check, access_checks, lacking_feedback
from socredit.apps.measures.forms import (
    OUTCOME_CHOICES,
    CatalogueForm,
    CheckFilterForm,
    CheckForm,
    ListingFilterForm,
    StatisticsForm,
    split_lines,
)
from socredit.apps.measures.greenchannel import green_channel_of
from socredit.apps.measures.models import CatalogueVersion, CheckFeedback, DomainListing, FeedbackOutcome
from socredit.apps.registry.access import access_organization
from socredit.common import policy
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.common.exports import content_disposition
from socredit.common.htmx import render_page_or_partial
from socredit.common.pdf import html_to_pdf
from socredit.core.measures.catalogue import MeasureForce, MeasureKind, Scenario, Target
from socredit.core.measures.domains import domain_list_name

PER_PAGE = 100


def _require_write(user: Any) -> None:
    if not user.can_write:
        raise PermissionDenied


def _add_errors(form: Any, exc: FieldErrors) -> None:
    for field, errors in exc.errors.items():
        for message in errors:
            form.add_error(field if field in form.fields else None, message)


@login_required
def check_list(request: HttpRequest) -> HttpResponse:
    """核查记录: the checks the account may read, newest first; a reminder of its own checks whose
    feedback is overdue."""
    form = CheckFilterForm(request.GET)
    qs = access_checks(request.user)
    overdue = lacking_feedback(qs.filter(made_by=request.user), today()).count()
    if form.is_valid() and form.cleaned_data["lacking"]:
        qs = lacking_feedback(qs, today())
    page = Paginator(qs.order_by("-made_at", "-id"), 50).get_page(request.GET.get("page"))
    return render(request, "measures/check_list.html", {
        "form": form, "page": page, "overdue": overdue, "today": today(),
        "query": "lacking=on" if form.is_valid() and form.cleaned_data["lacking"] else "",
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def check_new(request: HttpRequest) -> HttpResponse:
    """信用核查: subjects and a business matter → the answer, logged with its number."""
    _require_write(request.user)
    form = CheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            check, _answer = services.run_check(
                request.user, scenario=data["scenario"], codes=split_lines(data["codes"]),
                id_numbers=split_lines(data["id_numbers"]), as_of=data["as_of"], channel="form",
            )  # fmt: skip
        except FieldErrors as exc:
            _add_errors(form, exc)
        else:
            return redirect("measures:check_detail", number=check.number)
    status = 400 if request.method == "POST" else 200
    return render(request, "measures/check_new.html", {"form": form}, status=status)


def _answer_context(check: Any) -> dict[str, Any]:
    """The stored answer, its words in the reader's language: the measures, conditions and list names
    are read again from the catalogue version the check used (the stored answer and its digest stay as
    they were given)."""
    answer = services.stored_answer(check)
    results = answer["results"]
    language = get_language() or ""
    catalogue = catalogues.library().get(check.catalogue_version)
    by_code = catalogue.by_code()
    for r in results:
        for d in r.get("domains", ()):
            d["list_name"] = domain_list_name(d["domain"], language)
        for m in r.get("measures", ()):
            if m["code"] in by_code:
                m["reason"] = by_code[m["code"]].condition.describe(language)
    return {
        "check": check, "answer": answer, "catalogue_title": catalogue.title_in(language),
        "measures": services.catalogue_details(catalogue, set(check.measure_counts), language),
        "with_measures": sum(1 for r in results if r.get("measures")),
        "errors": sum(1 for r in results if r.get("error")),
        "kinds": {k.code: k.label(language) for k in MeasureKind},
        "forces": {f.code: f.label(language) for f in MeasureForce},
        "scenario_label": Scenario.by_code(check.scenario).label(language),
    }  # fmt: skip


@login_required
def check_detail(request: HttpRequest, number: str) -> HttpResponse:
    """One check as it was answered; subjects with measures or errors first."""
    check = access_check(request.user, number)
    context = _answer_context(check)
    results = sorted(
        context["answer"]["results"], key=lambda r: (not r.get("measures") and not r.get("error"), r["n"])
    )
    page = Paginator(results, PER_PAGE).get_page(request.GET.get("page"))
    context.update(page=page, may_feedback=services.may_give_feedback(request.user, check),
                   feedback=check.feedback.all())  # fmt: skip
    return render(request, "measures/check_detail.html", context)


@login_required
def check_report(request: HttpRequest, number: str) -> HttpResponse:
    """核查报告: the check as an A4 page to print; ``?format=pdf`` the PDF (ID numbers only in part)."""
    check = access_check(request.user, number)
    for_pdf = request.GET.get("format") == "pdf"
    context = {**_answer_context(check), "for_pdf": for_pdf,
               "made_by": check.department.name if check.department else check.made_by_label,
               # the style element applies under the Content-Security-Policy through the response's nonce
               "csp_nonce": "" if for_pdf else str(getattr(request, "csp_nonce", ""))}  # fmt: skip
    if context["for_pdf"]:
        pdf = html_to_pdf(render_to_string("measures/check_report.html", context, request=request))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition(f"信用核查报告-{check.number}.pdf")
        response["Cache-Control"] = "no-store"
        return response
    return render(request, "measures/check_report.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def check_feedback(request: HttpRequest, number: str) -> HttpResponse:
    """反馈: per subject and measure, applied / not applied (why) / exemption (why)."""
    check = access_check(request.user, number)
    if not services.may_give_feedback(request.user, check):
        raise PermissionDenied
    given = {(f.subject_index, f.measure_code): f for f in check.feedback.all()}
    context = _answer_context(check)
    pairs = [
        {"r": r, "m": m, "key": f"{r['n']}:{m['code']}", "given": given.get((r["n"], m["code"]))}
        for r in context["answer"]["results"] for m in r.get("measures", ())
    ]  # fmt: skip
    error = None
    if request.method == "POST":
        items = []
        for p in pairs:
            outcome = request.POST.get(f"outcome-{p['key']}", "")
            if outcome:
                items.append({"n": p["r"]["n"], "measure": p["m"]["code"], "outcome": outcome,
                              "reason": request.POST.get(f"reason-{p['key']}", "")})  # fmt: skip
        try:
            recorded = services.record_feedback(request.user, check, items, channel="form")
        except FieldErrors as exc:
            error = [message for field_messages in exc.errors.values() for message in field_messages]
        else:
            messages.success(request, _("Feedback recorded for %(n)s measures.") % {"n": recorded})
            return redirect("measures:check_detail", number=check.number)
    context.update(pairs=pairs[:500], more=max(len(pairs) - 500, 0), outcomes=OUTCOME_CHOICES, error=error,
                   posted=request.POST)  # fmt: skip
    return render(request, "measures/check_feedback.html", context, status=400 if error else 200)


@login_required
def check_statistics(request: HttpRequest) -> HttpResponse:
    """统计: checks made and measures applied, per measure, per department and per month."""
    form = StatisticsForm(request.GET)
    qs = access_checks(request.user)
    if form.is_valid():
        if form.cleaned_data["start"]:
            qs = qs.filter(made_at__date__gte=form.cleaned_data["start"])
        if form.cleaned_data["end"]:
            qs = qs.filter(made_at__date__lte=form.cleaned_data["end"])
    per_measure: Counter[str] = Counter()
    per_department: dict[str, Counter[str]] = defaultdict(Counter)
    per_month: dict[str, Counter[str]] = defaultdict(Counter)
    for made_at, dept, label, counts, pairs, feedback in qs.values_list(
        "made_at", "department__name", "made_by_label", "measure_counts", "pairs_count", "feedback_count"
    ):
        who = dept or label
        month = f"{made_at:%Y-%m}"
        for c in (per_department[who], per_month[month]):
            c["checks"] += 1
            c["measures"] += pairs
            c["feedback"] += feedback
        per_measure.update(counts)
    applied = dict(
        CheckFeedback.objects.filter(check_row__in=qs, outcome=FeedbackOutcome.APPLIED)
        .values("measure_code").annotate(n=Count("id")).values_list("measure_code", "n")
    )  # fmt: skip
    catalogue = catalogues.catalogue_on(today()).by_code()
    language = get_language() or ""
    rows = [
        {"code": code, "text": catalogue[code].text_in(language) if code in catalogue else code,
         "named": n, "applied": applied.get(code, 0)}
        for code, n in per_measure.most_common()
    ]  # fmt: skip
    return render(request, "measures/check_statistics.html", {
        "form": form, "measures": rows, "departments": sorted(per_department.items()),
        "months": sorted(per_month.items(), reverse=True),
        "lacking": lacking_feedback(qs, today()).count(),
    })  # fmt: skip


@login_required
def listing_list(request: HttpRequest) -> HttpResponse:
    """领域黑名单: what the departments pushed, newest first (ID numbers only in part)."""
    form = ListingFilterForm(request.GET)
    qs = DomainListing.objects.select_related("department").order_by("-entered_on", "-id")
    if form.is_valid():
        if form.cleaned_data["domain"]:
            qs = qs.filter(domain=form.cleaned_data["domain"])
        text = form.cleaned_data["q"].strip()
        if text:
            qs = qs.filter(Q(name__contains=text) | Q(subject_key=text.upper()))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    language = get_language() or ""
    rows = [
        {"row": row, "list_name": domain_list_name(row.domain, language),
         "subject": row.subject_key if row.subject_kind == "organization" else policy.masked_id_number(row.subject_key)}
        for row in page.object_list
    ]  # fmt: skip
    return render(request, "measures/listing_list.html", {"form": form, "page": page, "rows": rows,
                                                          "query": request.GET.urlencode()})  # fmt: skip


# --- the catalogue --------------------------------------------------------------------------------


@login_required
def catalogue_list(request: HttpRequest) -> HttpResponse:
    """措施清单: every version (shipped and saved), the one in force today marked."""
    lib = catalogues.library()
    current = catalogues.catalogue_on(today()).version
    saved = {row.version: row for row in CatalogueVersion.objects.all()}
    language = get_language() or ""
    versions = [{"meta": m, "saved": saved.get(m.version), "current": m.version == current,
                 "title": lib.get(m.version).title_in(language)}
                for m in reversed(lib.versions())]  # fmt: skip
    return render(request, "measures/catalogue_list.html",
                  {"versions": versions, "can_edit": can_administer(request.user)})  # fmt: skip


@login_required
def catalogue_detail(request: HttpRequest, version: str) -> HttpResponse:
    """One version: every measure with its condition, scenarios, targets and basis (item and tag:
    this is where the rules are maintained)."""
    lib = catalogues.library()
    try:
        catalogue = lib.get(version)
    except KeyError:
        raise Http404(version) from None
    language = get_language() or ""
    rows = [
        {"m": m, "kind": MeasureKind.by_code(m.kind).label(language), "force": MeasureForce.by_code(m.force).label(language),
         "targets": "、".join(Target.by_code(t).label(language) for t in m.targets),
         "scenarios": "、".join(Scenario.by_code(s).label(language) for s in m.scenarios),
         "condition": m.condition.describe(language)}
        for m in catalogue.measures
    ]  # fmt: skip
    return render(request, "measures/catalogue_detail.html", {
        "catalogue": catalogue, "rows": rows, "text": lib.document(version).text,
        "saved": CatalogueVersion.objects.filter(version=version).first(), "can_edit": can_administer(request.user),
    })  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_new(request: HttpRequest) -> HttpResponse:
    """A new version of the catalogue (administrators): the text of the version in force to start from."""
    if not can_administer(request.user):
        raise PermissionDenied
    current = catalogues.catalogue_on(today())
    initial = {"text": catalogues.library().document(current.version).text}
    form = CatalogueForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            row = services.save_catalogue_version(request.user, text=form.cleaned_data["text"],
                                                  reason=form.cleaned_data["reason"])  # fmt: skip
        except FieldErrors as exc:
            _add_errors(form, exc)
        else:
            messages.success(
                request, _("The catalogue version %(version)s is saved.") % {"version": row.version}
            )
            return redirect("measures:catalogue_detail", version=row.version)
    status = 400 if request.method == "POST" else 200
    return render(request, "measures/catalogue_new.html", {"form": form, "current": current}, status=status)


# --- the organization page's section ------------------------------------------------------------------


@login_required
def organization_green_channel(request: HttpRequest, code: str) -> HttpResponse:
    """绿色通道: an organization's clean years and whether it qualifies (its page loads this section)."""
    org = access_organization(request.user, code)
    context = {"org": org, "g": green_channel_of(org, today())}
    return render_page_or_partial(request, "measures/organization_green_channel.html",
                                  "measures/partials/_green_channel.html", context)  # fmt: skip
