"""Staff pages of credit commitments (信用承诺): the list with its deadline filters, one commitment
with the text as signed and its records, the fulfilled / broken decisions, entering a paper
commitment for an organization, the templates, and an organization's section of its page.

Each view: parse → access_* (404 outside the region) → service (the only writer, which validates)
→ render. A refused decision re-renders its page with the service's message on the form (400).
Everyone signed in reads; only accounts that may write (officers, administrators) act.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from socredit.apps.commitments import services
from socredit.apps.commitments.access import access_commitment, access_commitments, commitment_templates
from socredit.apps.commitments.eligibility import tolerance_eligibility
from socredit.apps.commitments.forms import DecideForm, FilterForm, SignForm
from socredit.apps.commitments.models import Commitment, CommitmentMatter, CommitmentStatus
from socredit.apps.records.access import access_records
from socredit.apps.registry.access import access_organization
from socredit.common.access import scope_path_of
from socredit.common.errors import FieldErrors
from socredit.common.htmx import render_page_or_partial

PER_PAGE = 50


def _require_write(user: Any) -> None:
    if not user.can_write:
        raise PermissionDenied


@login_required
def commitment_list(request: HttpRequest) -> HttpResponse:
    """信用承诺 in the account's region, newest first, with the 容缺 deadlines due soon or passed."""
    form = FilterForm(request.GET)
    form.fields["region"].scope_path = scope_path_of(request.user)
    qs = access_commitments(request.user)
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            qs = qs.filter(status=data["status"])
        if data["matter"]:
            qs = qs.filter(matter=data["matter"])
        if data["due"]:
            qs = qs.filter(services.due_filter(data["due"], services.today()))
        if data["region"]:
            qs = qs.filter(organization__region__path__startswith=data["region"].path)
        if data["q"]:
            text = data["q"].strip()
            qs = qs.filter(
                Q(organization__name__icontains=text) | Q(organization__code__icontains=text.upper())
            )
    order = ("due_on", "id") if form.is_valid() and form.cleaned_data["due"] else ("-signed_on", "-id")
    page = Paginator(qs.order_by(*order), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "today": services.today(),
               "overdue": access_commitments(request.user).filter(services.due_filter("overdue", services.today())).count()}  # fmt: skip
    return render(request, "commitments/commitment_list.html", context, status=400 if form.errors else 200)


def _detail_page(
    request: HttpRequest, commitment: Commitment, forms: dict[str, DecideForm] | None = None
) -> HttpResponse:
    forms = forms or {}
    ids = [pk for pk in (commitment.signed_record_id, commitment.outcome_record_id) if pk]
    context = {
        "commitment": commitment,
        "org": commitment.organization,
        "records": access_records(request.user).filter(pk__in=ids).order_by("occurred_on", "id"),
        "can_decide": request.user.can_write and commitment.status == CommitmentStatus.IN_FORCE,
        "fulfil_form": forms.get("fulfil") or DecideForm(which="fulfil", initial={"on": services.today()}),
        "break_form": forms.get("break") or DecideForm(which="break", initial={"on": services.today()}),
        "open": next(iter(forms), None),
        "today": services.today(),
    }
    return render(request, "commitments/commitment_detail.html", context, status=400 if forms else 200)


@login_required
def commitment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail_page(request, access_commitment(request.user, pk))


def _decide(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    _require_write(request.user)
    commitment = access_commitment(request.user, pk)
    form = DecideForm(request.POST, which=which)
    if form.is_valid():
        verb = services.fulfil_commitment if which == "fulfil" else services.break_commitment
        try:
            verb(
                request.user,
                "form",
                commitment,
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
            )
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            text = (
                _("Marked as fulfilled.")
                if which == "fulfil"
                else _("Marked as broken; a negative record was added.")
            )
            messages.success(request, text)
            return redirect("commitments:commitment_detail", pk=commitment.pk)
    return _detail_page(request, access_commitment(request.user, pk), {which: form})


@require_POST
@login_required
def commitment_fulfil(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "fulfil")


@require_POST
@login_required
def commitment_break(request: HttpRequest, pk: int) -> HttpResponse:
    return _decide(request, pk, "break")


@login_required
@require_http_methods(["GET", "POST"])
def commitment_sign(request: HttpRequest, code: str) -> HttpResponse:
    """录入 a commitment the organization signed on paper (channel "form")."""
    _require_write(request.user)
    org = access_organization(request.user, code)
    initial = {"signed_on": services.today(), "template": request.GET.get("template")}
    form = SignForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            commitment = services.sign_commitment(request.user, "form", org, form.cleaned_data["template"],
                                                  **form.service_kwargs())  # fmt: skip
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Commitment recorded and published."))
            if commitment.matter == CommitmentMatter.TOLERANCE:
                standing = tolerance_eligibility(org, commitment.signed_on)
                if standing.applies and not standing.eligible:
                    messages.warning(request, _(
                        "The organization does not qualify for the green channel, to which acceptance with "
                        "missing documents (容缺受理) belongs: %(reason)s"
                    ) % {"reason": standing.reason})  # fmt: skip
            return redirect("commitments:commitment_detail", pk=commitment.pk)
    context = {"form": form, "org": org, "templates": commitment_templates(active_only=True)}
    return render(request, "commitments/commitment_sign.html", context, status=400 if form.errors else 200)


@login_required
def template_list(request: HttpRequest) -> HttpResponse:
    """承诺书模板: the texts organizations sign, with their legal basis."""
    return render(request, "commitments/template_list.html", {"templates": commitment_templates()})


@login_required
def organization_commitments(request: HttpRequest, code: str) -> HttpResponse:
    """An organization's commitments (its page loads this section as a fragment)."""
    org = access_organization(request.user, code)
    context = {
        "org": org,
        "commitments": access_commitments(request.user)
        .filter(organization=org)
        .order_by("-signed_on", "-id"),
        "can_write": request.user.can_write,
        "staff_view": True,
    }
    return render_page_or_partial(request, "commitments/organization_commitments.html",
                                  "commitments/partials/_profile_commitments.html", context)  # fmt: skip
