"""Staff pages of credit records: add, read with its history, correct, revoke.

Each view: parse the form → access_* (404 outside the region) → service (the only writer, which
validates) → render; the service's FieldErrors come back onto the form with status 400.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from socredit.apps.records.access import access_record, access_records
from socredit.apps.records.forms import CorrectForm, RecordForm, RevokeForm
from socredit.apps.records.models import CreditRecord
from socredit.apps.records.services import correct_record, create_record, revoke_record
from socredit.apps.records.timeliness import entry_lateness, withdraw_deadline
from socredit.apps.registry.access import access_organization
from socredit.common.errors import FieldErrors
from socredit.core.types import RecordStatus


def _require_write(user: Any) -> None:
    if not user.can_write:
        raise PermissionDenied


def _render_form(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, context, status=400 if context["form"].errors else 200)


def versions_of(user: Any, record: CreditRecord) -> list[CreditRecord]:
    """The chain of versions the record belongs to, oldest first (corrections supersede)."""
    scoped = access_records(user)
    chain = [record]
    while chain[0].supersedes_id:
        chain.insert(0, scoped.get(pk=chain[0].supersedes_id))
    while (newer := scoped.filter(supersedes=chain[-1]).first()) is not None:
        chain.append(newer)
    return chain


@login_required
@require_http_methods(["GET", "POST"])
def record_create(request: HttpRequest, code: str) -> HttpResponse:
    _require_write(request.user)
    org = access_organization(request.user, code)
    form = RecordForm(request.POST or None, organization=org, principal=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            record = create_record(actor=request.user, channel="form", data=form.service_data())
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Credit record %(ref)s added.") % {"ref": record.reference})
            return redirect(reverse("registry:organization_detail", args=[org.code]) + f"#record-{record.pk}")
    return _render_form(request, "records/record_form.html", {"form": form, "org": org, "mode": "create"})


@login_required
def record_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = access_record(request.user, pk)
    context = {
        "record": record,
        "org": record.organization,
        "history": record.history.all(),
        "versions": versions_of(request.user, record),
        "persons": record.persons.all(),
        "can_change": request.user.can_write and record.is_current and record.is_effective,
        "entry_late": entry_lateness(record),
        "withdraw_by": _withdraw_by(record),
    }
    return render(request, "records/record_detail.html", context)


def _withdraw_by(record: CreditRecord) -> Any:
    """For a revoked or corrected record: the deadline to withdraw its publicity (R6.3), from the day
    of the revocation or correction."""
    if record.is_current and record.status != RecordStatus.REVOKED.value:
        return None
    change = record.history.order_by("-at", "-pk").first()
    if change is None:
        return None
    return withdraw_deadline(record, timezone.localtime(change.at).date())


@login_required
@require_http_methods(["GET", "POST"])
def record_correct(request: HttpRequest, pk: int) -> HttpResponse:
    _require_write(request.user)
    record = access_record(request.user, pk)
    form = CorrectForm(request.POST or None, initial=CorrectForm.initial_of(record), organization=record.organization,
                       principal=request.user, record=record)  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            new = correct_record(actor=request.user, channel="form", record=record, data=form.service_data(),
                                 reason=form.cleaned_data["reason"])  # fmt: skip
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Record %(ref)s corrected; this is the current version.")
                             % {"ref": new.reference})  # fmt: skip
            return redirect("records:record_detail", pk=new.pk)
    context = {"form": form, "org": record.organization, "record": record, "mode": "correct"}
    return _render_form(request, "records/record_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def record_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    _require_write(request.user)
    record = access_record(request.user, pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            revoke_record(
                actor=request.user, channel="form", record=record, reason=form.cleaned_data["reason"]
            )
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Record %(ref)s revoked.") % {"ref": record.reference})
            return redirect("records:record_detail", pk=record.pk)
    return _render_form(
        request, "records/record_revoke.html", {"form": form, "record": record, "org": record.organization}
    )
