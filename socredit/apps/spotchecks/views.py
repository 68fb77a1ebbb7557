"""Staff pages of the spot checks: plans (list, create, edit, detail with the seed, draw, inspectors,
progress and publication), one check (result, letters, rectification, re-draw), an inspector's own
checks (a phone's list), the inspector pool, and the organization page's section.

Each view: parse → access_* (404 outside the region) → service (the only writer) → render.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from socredit.apps.registry.access import access_organization, access_organizations, access_regions
from socredit.apps.spotchecks import services
from socredit.apps.spotchecks.access import (
    access_check,
    access_checks,
    access_inspectors,
    access_plan,
    access_plans,
    assigned_checks,
)
from socredit.apps.spotchecks.forms import (
    ConflictForm,
    InspectorForm,
    LetterForm,
    PlanForm,
    RectifiedForm,
    RedrawForm,
    ResultForm,
    SeedForm,
)
from socredit.apps.spotchecks.models import Assignment, CheckResult, PlanState, Redraw, SpotCheckPlan
from socredit.apps.spotchecks.validation import percent, plan_floors
from socredit.common import policy
from socredit.common.clock import today
from socredit.common.errors import FieldErrors
from socredit.common.htmx import render_page_or_partial
from socredit.core.sampling.rates import default_factors
from socredit.core.types import RegionLevel

PER_PAGE = 50


def _require_write(user: Any) -> None:
    if not getattr(user, "can_write", False):
        raise PermissionDenied


def _authorities(user: Any) -> list[Any]:
    return [r for r in access_regions(user) if r.level <= RegionLevel.DISTRICT.value]


@login_required
def plan_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(access_plans(request.user), PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "spotchecks/plan_list.html", {"page": page})


def _plan_form_page(
    request: HttpRequest, form: PlanForm, plan: SpotCheckPlan | None, status: int = 200
) -> HttpResponse:
    return render(request, "spotchecks/plan_form.html", {"form": form, "plan": plan, "rows": form.factor_rows()},
                  status=status)  # fmt: skip


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request: HttpRequest) -> HttpResponse:
    """新建双随机抽查计划: rates start from the profile's defaults and the authority's floor."""
    _require_write(request.user)
    regions = _authorities(request.user)
    if request.method == "POST":
        form = PlanForm(request.POST, regions=regions)
        if form.is_valid():
            try:
                plan = services.create_plan(actor=request.user, channel="form", data=form.service_data())
            except FieldErrors as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The plan is saved as a draft."))
                return redirect("spotchecks:plan_detail", pk=plan.pk)
        return _plan_form_page(request, form, None, 400)
    home = request.user.region if request.user.region and request.user.region.level <= RegionLevel.DISTRICT.value else (regions[0] if regions else None)  # fmt: skip
    initial: dict[str, Any] = {
        "year": today().year,
        "kind": "regular",
        "inspectors_written": 1,
        "onsite_ratio": 0,
    }
    if home is not None:
        floors, _v, _t = plan_floors(home, today())
        levels, lists = default_factors(policy.policy_profile(today(), home))
        initial.update({"authority": home.code, "base_rate": floors.min_ratio * 100,
                        "onsite_ratio": floors.min_onsite_ratio * 100, "inspectors_onsite": floors.min_inspectors_onsite,
                        "title": _("%(year)s regular spot check") % {"year": today().year}})  # fmt: skip
        initial.update({f"level_{k}": v for k, v in levels.items()})
        initial.update({f"list_{k}": v for k, v in lists.items()})
        initial["fixed_charity"] = 100
    return _plan_form_page(request, PlanForm(initial=initial, regions=regions), None)


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_write(request.user)
    plan = access_plan(request.user, pk)
    regions = _authorities(request.user)
    if request.method == "POST":
        form = PlanForm(request.POST, regions=regions)
        if form.is_valid():
            try:
                services.update_plan(actor=request.user, channel="form", plan=plan, data=form.service_data())
            except FieldErrors as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, _("The plan is saved."))
                return redirect("spotchecks:plan_detail", pk=plan.pk)
        return _plan_form_page(request, form, plan, 400)
    if not plan.editable:
        messages.error(request, _("The plan's seed is published: the plan can no longer be changed (the draw must stay auditable)"))  # fmt: skip
        return redirect("spotchecks:plan_detail", pk=plan.pk)
    return _plan_form_page(request, PlanForm(initial=PlanForm.initial_from(plan), regions=regions), plan)


def _detail(request: HttpRequest, plan: SpotCheckPlan, seed_form: SeedForm | None = None,
            error: str = "", status: int = 200) -> HttpResponse:  # fmt: skip
    checks = (
        access_checks(request.user).filter(plan=plan)
        .prefetch_related(Prefetch("assignments", queryset=Assignment.objects.filter(active=True).select_related("inspector")))
        .order_by("order")
    )  # fmt: skip
    page = Paginator(checks, PER_PAGE).get_page(request.GET.get("page"))
    counts = dict(plan.checks.values_list("result").annotate(n=Count("id")).values_list("result", "n"))
    done = sum(n for r, n in counts.items() if r)
    can_write = getattr(request.user, "can_write", False)
    assigned = Assignment.objects.filter(check_item__plan=plan).exists()
    context = {
        "plan": plan, "page": page, "done": done, "total": plan.checks.count(),
        "counts": [(label, counts.get(value, 0)) for value, label in CheckResult.choices],
        "base": percent(plan.base_rate), "onsite": percent(plan.onsite_ratio),
        "seed_form": seed_form or SeedForm(), "error": error, "assigned": assigned,
        "can_announce": can_write and plan.state == PlanState.DRAFT,
        "can_draw": can_write and plan.state == PlanState.ANNOUNCED,
        "can_assign": can_write and plan.state == PlanState.DRAWN and not assigned,
        "can_publish": can_write and plan.state == PlanState.DRAWN,
        "redraws": Redraw.objects.filter(check_item__plan=plan).select_related("check_item__organization", "replaced", "replacement"),
    }  # fmt: skip
    return render(request, "spotchecks/plan_detail.html", context, status=status)


@login_required
def plan_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, access_plan(request.user, pk))


def _plan_action(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    _require_write(request.user)
    plan = access_plan(request.user, pk)
    seed_form = SeedForm(request.POST) if which == "announce" else None
    try:
        if which == "announce":
            assert seed_form is not None
            if not seed_form.is_valid():
                return _detail(request, plan, seed_form, status=400)
            services.announce_plan(
                actor=request.user, channel="form", plan=plan, seed=seed_form.cleaned_data["seed"]
            )
            text = _("The seed, the method and the frame are published: the draw can be made.")
        elif which == "draw":
            services.draw_plan(actor=request.user, channel="form", plan=plan)
            text = _("The organizations are drawn.")
        elif which == "assign":
            services.assign_plan(actor=request.user, channel="form", plan=plan)
            text = _("The inspectors are drawn.")
        else:
            services.publish_results(actor=request.user, channel="form", plan=plan)
            text = _("The results are published.")
    except FieldErrors as exc:
        if seed_form is not None:
            seed_form.add_service_errors(exc)
        return _detail(request, access_plan(request.user, pk), seed_form, exc.messages(), status=400)
    messages.success(request, text)
    return redirect("spotchecks:plan_detail", pk=plan.pk)


@require_POST
@login_required
def plan_announce(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_action(request, pk, "announce")


@require_POST
@login_required
def plan_draw(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_action(request, pk, "draw")


@require_POST
@login_required
def plan_assign(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_action(request, pk, "assign")


@require_POST
@login_required
def plan_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _plan_action(request, pk, "publish")


def _check_page(request: HttpRequest, check: Any, forms: dict[str, Any] | None = None) -> HttpResponse:
    forms = forms or {}
    team = list(check.assignments.filter(active=True).select_related("inspector"))
    redraw = forms.get("redraw") or RedrawForm()
    redraw.fields["inspector"].choices = [(a.inspector.pk, a.inspector.name) for a in team]
    context = {
        "check": check, "team": team, "redraws": check.redraws.select_related("replaced", "replacement"),
        "can_write": getattr(request.user, "can_write", False) and check.plan.state == PlanState.DRAWN,
        "result_form": forms.get("result") or ResultForm(initial={"checked_on": today()}),
        "letter_form": forms.get("letter") or LetterForm(initial={"mailed_on": today(), "unsigned": True}),
        "rectified_form": forms.get("rectified") or RectifiedForm(initial={"rectified_on": today()}),
        "redraw_form": redraw, "today": today(),
    }  # fmt: skip
    return render(request, "spotchecks/check_detail.html", context, status=400 if forms else 200)


@login_required
def check_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _check_page(request, access_check(request.user, pk))


def _check_action(request: HttpRequest, pk: int, which: str) -> HttpResponse:
    _require_write(request.user)
    check = access_check(request.user, pk)
    form_class = {
        "result": ResultForm,
        "letter": LetterForm,
        "rectified": RectifiedForm,
        "redraw": RedrawForm,
    }[which]
    form: Any = form_class(request.POST)
    if which == "redraw":
        form.fields["inspector"].choices = [
            (a.inspector.pk, a.inspector.name)
            for a in check.assignments.filter(active=True).select_related("inspector")
        ]
    if form.is_valid():
        d = form.cleaned_data
        try:
            if which == "result":
                services.record_result(actor=request.user, channel="form", plan=check.plan, organization=check.organization, data=d)  # fmt: skip
            elif which == "letter":
                services.add_letter(actor=request.user, channel="form", check=check, mailed_on=d["mailed_on"], unsigned=d["unsigned"])  # fmt: skip
            elif which == "rectified":
                services.mark_rectified(actor=request.user, channel="form", check=check, on=d["rectified_on"])
            else:
                inspector = access_inspectors(request.user).filter(pk=d["inspector"]).first()
                if inspector is None:
                    raise FieldErrors(inspector=_("This inspector is not on this check"))
                services.redraw_inspector(actor=request.user, channel="form", check=check, inspector=inspector, reason=d["reason"])  # fmt: skip
        except FieldErrors as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, _("Saved."))
            return redirect("spotchecks:check_detail", pk=check.pk)
    return _check_page(request, access_check(request.user, pk), {which: form})


@require_POST
@login_required
def check_result(request: HttpRequest, pk: int) -> HttpResponse:
    return _check_action(request, pk, "result")


@require_POST
@login_required
def check_letter(request: HttpRequest, pk: int) -> HttpResponse:
    return _check_action(request, pk, "letter")


@require_POST
@login_required
def check_rectified(request: HttpRequest, pk: int) -> HttpResponse:
    return _check_action(request, pk, "rectified")


@require_POST
@login_required
def check_redraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _check_action(request, pk, "redraw")


@login_required
def my_checks(request: HttpRequest) -> HttpResponse:
    """An inspector's assigned checks, open ones first: a list to use on a phone."""
    checks = assigned_checks(request.user)
    return render(request, "spotchecks/my_checks.html", {"checks": checks[:200]})


@login_required
@require_http_methods(["GET", "POST"])
def inspector_list(request: HttpRequest) -> HttpResponse:
    """执法检查人员名录库 of the account's region, with adding an inspector and recording a conflict."""
    inspectors = access_inspectors(request.user).annotate(
        n_conflicts=Count("conflicts", distinct=True)
    )  # fmt: skip
    regions = [r for r in access_regions(request.user)]
    add_form = InspectorForm(prefix="add")
    conflict_form = ConflictForm(prefix="conflict")
    status = 200
    if request.method == "POST":
        _require_write(request.user)
        status = 400
        if "add-name" in request.POST:
            add_form = InspectorForm(request.POST, prefix="add")
            add_form.fields["region"].choices = [(r.code, r.name) for r in regions]
            if add_form.is_valid():
                d = add_form.cleaned_data
                region = next(r for r in regions if r.code == d["region"])
                try:
                    services.add_inspector(actor=request.user, channel="form", name=d["name"], badge_number=d["badge_number"], region=region)  # fmt: skip
                except FieldErrors as exc:
                    add_form.add_service_errors(exc)
                else:
                    messages.success(request, _("The inspector is added to the pool."))
                    return redirect("spotchecks:inspector_list")
        else:
            conflict_form = ConflictForm(request.POST, prefix="conflict")
            conflict_form.fields["inspector"].choices = [(i.pk, i.name) for i in inspectors]
            if conflict_form.is_valid():
                d = conflict_form.cleaned_data
                org = (
                    access_organizations(request.user).filter(code=d["organization"].strip().upper()).first()
                )
                if org is None:
                    conflict_form.add_error(
                        "organization", _("No organization with this code in your region")
                    )
                else:
                    inspector = inspectors.get(pk=d["inspector"])
                    try:
                        services.record_conflict(actor=request.user, channel="form", inspector=inspector, organization=org, reason=d["reason"])  # fmt: skip
                    except FieldErrors as exc:
                        conflict_form.add_service_errors(exc)
                    else:
                        messages.success(request, _("The conflict of interest is recorded."))
                        return redirect("spotchecks:inspector_list")
    add_form.fields["region"].choices = [(r.code, r.name) for r in regions]
    conflict_form.fields["inspector"].choices = [(i.pk, i.name) for i in inspectors]
    context = {"inspectors": inspectors[:500], "add_form": add_form, "conflict_form": conflict_form}
    return render(request, "spotchecks/inspector_list.html", context, status=status)


@login_required
def organization_checks(request: HttpRequest, code: str) -> HttpResponse:
    """The organization page's section: the spot checks of the organization."""
    org = access_organization(request.user, code)
    checks = access_checks(request.user).filter(organization=org).order_by("-plan__year", "-plan_id")
    return render_page_or_partial(request, "spotchecks/organization_checks.html",
                                  "spotchecks/partials/_organization_checks.html", {"org": org, "checks": checks})  # fmt: skip
