"""Registration pages (登记): 成立登记, 变更登记, 注销登记 / 撤销登记, branches and representative
offices, and the person screening shown while a legal representative is entered. For staff who may
write (officers and administrators), within their region; each view: parse → access_* → service."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from socredit.apps.audit.services import record_download
from socredit.apps.registry import hooks
from socredit.apps.registry.access import access_branch, access_organization, access_regions
from socredit.apps.registry.forms_registration import (
    BranchCloseForm,
    BranchForm,
    ChangeForm,
    EndRegistrationForm,
    RegisterForm,
    ServiceForm,
)
from socredit.apps.registry.models import ChangedItem, Organization, Region, RegistrationAct
from socredit.apps.registry.services import (
    add_branch,
    change_branch,
    change_registration,
    close_branch,
    end_registration,
    register_organization,
)
from socredit.apps.registry.services.registration import current_legal_representatives
from socredit.common.access import get_or_404, restrict
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.core.codes import CodeError, validate_id_number
from socredit.core.types import RegionLevel


def _require_write(user: Any) -> None:
    if not user.can_write:
        raise PermissionDenied


def _form_page(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    return render(request, template, context, status=400 if context["form"].errors else 200)


def _submit(
    request: HttpRequest, form: ServiceForm, save: Callable[[dict[str, Any]], Any],
    done: Callable[[Any], str], to: Callable[[Any], str],
) -> HttpResponse | None:  # fmt: skip
    """A posted, valid form goes to its service (``save`` with the form's data): on success the
    message ``done(result)`` and a redirect to ``to(result)``; the service's FieldErrors land on the
    form's fields and None is returned (the page is shown again)."""
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        result = save(form.service_data())
    except FieldErrors as exc:
        form.add_service_errors(exc)
        return None
    messages.success(request, done(result))
    return redirect(to(result))


def _org_page(org: Organization, anchor: str = "") -> Callable[[Any], str]:
    return lambda _result: reverse("registry:organization_detail", args=[org.code]) + anchor


SCREENED_FIELDS = ("legal_rep_id_number", "head_id_number")
"""The ID-number fields screened as they are typed (a legal representative, a branch's person in charge)."""


def _screening(request: HttpRequest, field: str = "legal_rep_id_number") -> list[hooks.Finding] | None:
    """The screening of the ID number in the form's ``field``, if it is valid."""
    try:
        number = validate_id_number(str(request.POST.get(field) or ""), today=today())
    except CodeError:
        return None
    return hooks.screen_person(number, request.user, today())


@login_required
@require_GET
def registration_document(request: HttpRequest, code: str, pk: int) -> FileResponse:
    """The file behind one registration act, for staff of the organization's region (each download
    recorded: founding documents and decisions may name persons)."""
    org = access_organization(request.user, code)
    row = get_or_404(org.registration_changes.exclude(document=""), pk=pk)
    record_download(
        request.user, file="registration_document", target=org, name=f"{org.name} {row.document_name}"
    )
    return FileResponse(row.document.open("rb"), as_attachment=True, filename=row.document_name,
                        content_type=row.document_type)  # fmt: skip


@login_required
@require_GET
def person_screen(request: HttpRequest) -> HttpResponse:
    """The screening of one ID number as a fragment, shown beside the form while it is filled in."""
    _require_write(request.user)
    raw = next((str(request.GET[f]).strip() for f in SCREENED_FIELDS if request.GET.get(f)), "")
    context: dict[str, Any] = {"entered": bool(raw)}
    if raw:
        try:
            number = validate_id_number(raw, today=today())
        except CodeError as exc:
            context["invalid"] = str(exc)
        else:
            context["findings"] = hooks.screen_person(number, request.user, today())
    return render(request, "registry/partials/_screening.html", context)


STREET_OPTIONS = 600


def street_options(user: Any) -> list[Region]:
    """The streets offered on the registration form: those within the user's region, when they are
    few enough to list (a county's; a city's or the nation's are typed as codes)."""
    qs = restrict(Region.objects.filter(level=RegionLevel.STREET.value, active=True), user, "path")
    rows = list(qs.select_related("parent").order_by("code")[: STREET_OPTIONS + 1])
    return rows if len(rows) <= STREET_OPTIONS else []


@login_required
@require_http_methods(["GET", "POST"])
def organization_register(request: HttpRequest) -> HttpResponse:
    """成立登记."""
    _require_write(request.user)
    regions = list(access_regions(request.user))
    if not regions:
        raise PermissionDenied
    initial = {"region": request.user.region.code if request.user.region_id else regions[0].code}
    form = RegisterForm(request.POST or None, request.FILES or None, initial=initial, regions=regions,
                        screen_url=reverse("registry:person_screen"))  # fmt: skip
    findings = _screening(request) if request.method == "POST" else None
    done = _submit(
        request, form,
        lambda data: register_organization(actor=request.user, channel="form", data=data,
                                           screening_confirmed=bool(data.get("screening_confirmed"))),
        lambda org: _("%(name)s is registered.") % {"name": org.name},
        lambda org: reverse("registry:organization_detail", args=[org.code]),
    )  # fmt: skip
    if done:
        return done
    return _form_page(request, "registry/registration/register.html",
                      {"form": form, "findings": findings, "screened": findings is not None,
                       "streets": street_options(request.user)})  # fmt: skip


# lazy: the titles are read per request, in the reader's language (not at import)
ITEM_TITLES = {
    ChangedItem.NAME: gettext_lazy("Change the name"),
    ChangedItem.LEGAL_REPRESENTATIVE: gettext_lazy("Change the legal representative"),
    ChangedItem.ADDRESS: gettext_lazy("Change the address"),
    ChangedItem.BUSINESS_SCOPE: gettext_lazy("Change the business scope"),
    ChangedItem.SUPERVISORY_UNIT: gettext_lazy("Change the business supervisory unit"),
}


def _current(org: Organization, item: str) -> str:
    if item == ChangedItem.LEGAL_REPRESENTATIVE:
        return "、".join(
            f"{r.person.name}（{r.person.masked_id}）" for r in current_legal_representatives(org)
        )
    return getattr(org, item) or ""


@login_required
@require_http_methods(["GET", "POST"])
def organization_change(request: HttpRequest, code: str, item: str) -> HttpResponse:
    """变更登记 of one item."""
    _require_write(request.user)
    org = access_organization(request.user, code)
    if item not in ITEM_TITLES:
        raise Http404
    current = _current(org, item)
    form = ChangeForm(request.POST or None, request.FILES or None, item=item, current=current,
                      screen_url=reverse("registry:person_screen"))  # fmt: skip
    screened = request.method == "POST" and item == ChangedItem.LEGAL_REPRESENTATIVE
    findings = _screening(request) if screened else None
    done = _submit(
        request, form,
        lambda data: change_registration(actor=request.user, channel="form", organization=org, item=item, data=data,
                                         screening_confirmed=bool(data.get("screening_confirmed"))),
        lambda _row: _("The registration of change is recorded."),
        _org_page(org, "#registration-history"),
    )  # fmt: skip
    if done:
        return done
    context = {"form": form, "org": org, "item": item, "title": ITEM_TITLES[ChangedItem(item)], "current": current,
               "findings": findings, "screened": findings is not None}  # fmt: skip
    return _form_page(request, "registry/registration/change.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organization_end(request: HttpRequest, code: str, act: str) -> HttpResponse:
    """注销登记 (``deregister``) or 撤销登记 (``revoke``): what stands in the way is shown first."""
    _require_write(request.user)
    org = access_organization(request.user, code)
    findings = hooks.status_findings(org, act, today())
    form = EndRegistrationForm(request.POST or None, request.FILES or None)
    done = _submit(
        request, form,
        lambda data: end_registration(actor=request.user, channel="form", organization=org, act=act, data=data,
                                      warnings_confirmed=bool(data.get("warnings_confirmed"))),
        lambda _row: _("%(name)s: %(act)s recorded.") % {"name": org.name, "act": RegistrationAct(act).label},
        _org_page(org, "#registration-history"),
    )  # fmt: skip
    if done:
        return done
    context = {"form": form, "org": org, "act": act, "title": RegistrationAct(act).label,
               "blocking": [f for f in findings if f.blocking], "warnings": [f for f in findings if not f.blocking]}  # fmt: skip
    return _form_page(request, "registry/registration/end.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def branch_add(request: HttpRequest, code: str) -> HttpResponse:
    _require_write(request.user)
    org = access_organization(request.user, code)
    form = BranchForm(request.POST or None, request.FILES or None, adding=True,
                      screen_url=reverse("registry:person_screen"))  # fmt: skip
    findings = _screening(request, "head_id_number") if request.method == "POST" else None
    done = _submit(
        request, form,
        lambda data: add_branch(actor=request.user, channel="form", organization=org, data=data,
                                screening_confirmed=bool(data.get("screening_confirmed"))),
        lambda branch: _("%(name)s is registered.") % {"name": branch.name},
        _org_page(org, "#branches"),
    )  # fmt: skip
    if done:
        return done
    return _form_page(request, "registry/registration/branch.html",
                      {"form": form, "org": org, "title": _("Add a branch or representative office"),
                       "findings": findings, "screened": findings is not None})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def branch_change(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _require_write(request.user)
    branch = access_branch(request.user, code, pk)
    org = branch.organization
    initial = {f: getattr(branch, f) for f in ("name", "head", "address", "business_scope")}
    form = BranchForm(request.POST or None, request.FILES or None, adding=False, initial=initial,
                      screen_url=reverse("registry:person_screen"))  # fmt: skip
    findings = _screening(request, "head_id_number") if request.method == "POST" else None
    done = _submit(
        request, form,
        lambda data: change_branch(actor=request.user, channel="form", branch=branch, data=data,
                                   screening_confirmed=bool(data.get("screening_confirmed"))),
        lambda _changed: _("The registration of change is recorded."),
        _org_page(org, "#branches"),
    )  # fmt: skip
    if done:
        return done
    return _form_page(request, "registry/registration/branch.html",
                      {"form": form, "org": org, "branch": branch, "title": _("Change %(name)s") % {"name": branch.name},
                       "findings": findings, "screened": findings is not None})  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def branch_close(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    _require_write(request.user)
    branch = access_branch(request.user, code, pk)
    org = branch.organization
    form = BranchCloseForm(request.POST or None, request.FILES or None)
    done = _submit(
        request, form,
        lambda data: close_branch(actor=request.user, channel="form", branch=branch, data=data),
        lambda _branch: _("%(name)s is closed.") % {"name": branch.name},
        _org_page(org, "#branches"),
    )  # fmt: skip
    if done:
        return done
    return _form_page(request, "registry/registration/branch.html",
                      {"form": form, "org": org, "branch": branch, "title": _("Close %(name)s") % {"name": branch.name}})  # fmt: skip
