"""Staff pages of the register of bans on persons (从业禁止、任职限制): the list with its filters, one
ban, recording a ban decided here, confirming or dismissing a proposed one, lifting one in force, and
the person page's section.

Each view: parse → access_* (404 outside the region) → service (the only writer, which validates)
→ render. Everyone signed in reads within the region; only accounts that may write act. ID numbers
are shown masked (the person's page has the audited way to see one whole).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from socredit.apps.bans import services
from socredit.apps.bans.access import access_ban, access_bans, bans_in_force, person_bans, texts
from socredit.apps.bans.forms import EXPIRED, BanForm, DecideForm, FilterForm, LiftForm
from socredit.apps.bans.models import Ban, BanState
from socredit.apps.registry.access import access_person, access_persons
from socredit.apps.registry.services import registering_department
from socredit.common.clock import today
from socredit.common.errors import FieldErrors

PER_PAGE = 50


def _require_write(user: Any) -> None:
    if not user.can_write:
        raise PermissionDenied


def _filtered(qs: QuerySet[Ban], data: dict[str, Any]) -> QuerySet[Ban]:
    day = today()
    if data["state"] == EXPIRED:
        qs = qs.filter(state=BanState.IN_FORCE, until__lt=day)
    elif data["state"]:
        qs = qs.filter(state=data["state"])
    for field in ("kind", "ground", "source"):
        if data[field]:
            qs = qs.filter(**{field: data[field]})
    if data["q"]:
        text = data["q"].strip()
        qs = qs.filter(Q(person_name__icontains=text) | Q(document_number__icontains=text))
    return qs


@login_required
def ban_list(request: HttpRequest) -> HttpResponse:
    """The register within the account's region, newest first; proposals waiting are counted."""
    form = FilterForm(request.GET)
    qs = access_bans(request.user)
    if form.is_valid():
        qs = _filtered(qs, form.cleaned_data)
    page = Paginator(qs.order_by("-start_on", "-id"), PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {"form": form, "page": page, "query": query.urlencode(), "today": today(),
               "proposed": access_bans(request.user).filter(state=BanState.PROPOSED).count()}  # fmt: skip
    return render(request, "bans/ban_list.html", context, status=400 if form.errors else 200)


def _detail(request: HttpRequest, ban: Ban, forms: dict[str, Any] | None = None) -> HttpResponse:
    forms = forms or {}
    ground, basis, scope = texts(ban)
    can_write = request.user.can_write
    context = {
        "ban": ban, "ground": ground, "basis": basis, "scope": scope, "today": today(),
        "shown_state": ban.shown_state(today()),
        # a person registered elsewhere (no post in the region) has no page for this reader
        "person_visible": access_persons(request.user).filter(pk=ban.person_id).exists(),
        "can_decide": can_write and ban.state == BanState.PROPOSED,
        "can_lift": can_write and ban.state == BanState.IN_FORCE and (ban.until is None or ban.until >= today()),
        "confirm_form": forms.get("confirm") or DecideForm(),
        "dismiss_form": forms.get("dismiss") or DecideForm(),
        "lift_form": forms.get("lift") or LiftForm(initial={"lifted_on": today()}),
        "open": next(iter(forms), None),
    }  # fmt: skip
    return render(request, "bans/ban_detail.html", context, status=400 if forms else 200)


@login_required
def ban_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access_ban(request.user, pk))


@login_required
@require_http_methods(["GET", "POST"])
def ban_create(request: HttpRequest) -> HttpResponse:
    """记录一项本机关作出的从业禁止、任职限制决定."""
    _require_write(request.user)
    if request.method == "POST":
        form = BanForm(request.POST)
        if form.is_valid():
            try:
                ban, created = services.record_ban(actor=request.user, channel="form", data=form.cleaned_data)
            except FieldErrors as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The ban was recorded.") if created else
                                 _("This decision was already recorded for this person: nothing was added."))  # fmt: skip
                return redirect("bans:ban_detail", pk=ban.pk)
        return render(request, "bans/ban_form.html", {"form": form}, status=400)
    region = getattr(request.user, "region", None)
    dept = registering_department(region) if region is not None else None
    form = BanForm(initial={"authority": dept.name if dept else "", "decided_on": today()})
    return render(request, "bans/ban_form.html", {"form": form})


def _act(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    _require_write(request.user)
    ban = access_ban(request.user, pk)
    form: Any = LiftForm(request.POST) if which == "lift" else DecideForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if which == "confirm":
                services.confirm_ban(actor=request.user, channel="form", ban=ban, reason=data["reason"])
                text = _("The ban is confirmed: it is in force.")
            elif which == "dismiss":
                services.dismiss_ban(actor=request.user, channel="form", ban=ban, reason=data["reason"])
                text = _("The proposed ban is not imposed.")
            else:
                services.lift_ban(actor=request.user, channel="form", ban=ban, lifted_on=data["lifted_on"],
                                  reason=data["reason"])  # fmt: skip
                text = _("The ban is lifted.")
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, text)
            return redirect("bans:ban_detail", pk=ban.pk)
    return _detail(request, access_ban(request.user, pk), {which: form})


@require_POST
@login_required
def ban_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "confirm")


@require_POST
@login_required
def ban_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "dismiss")


@require_POST
@login_required
def ban_lift(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, "lift")


@login_required
def person_section(request: HttpRequest, pk: int) -> HttpResponse:
    """The person page's section (loaded as a fragment): the bans binding today wherever decided, and
    the register's rows for the person within the region."""
    person = access_person(request.user, pk)
    context = {
        "person": person,
        "in_force": bans_in_force([person.id_number], today()).get(person.id_number, []),
        "rows": person_bans(request.user, person).order_by("-start_on", "-id"),
        "today": today(),
    }
    return render(request, "bans/partials/_person_bans.html", context)
